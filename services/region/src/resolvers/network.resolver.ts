import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { RegionContext } from '../context';
import { Network } from '../entities';
import { NetworkInput } from '../graphql/inputs';
import * as writes from '../store/catalogue-writes';
import { lookup } from './lookup';

@Resolver(() => Network)
export class NetworkResolver {
  @Query(() => [Network], { description: 'The networks of the catalogue, by name.' })
  networks(@Ctx() ctx: RegionContext): Promise<Network[]> {
    return ctx.loaders.networks();
  }

  @Query(() => Network, { nullable: true })
  network(@Arg('id', () => ID) id: string, @Ctx() ctx: RegionContext): Promise<Network | null> {
    return lookup(ctx.loaders.networkById, id);
  }

  @Mutation(() => Network, { description: 'Creates or replaces a network (region editors).' })
  upsertNetwork(@Arg('input', () => NetworkInput) input: NetworkInput, @Ctx() ctx: RegionContext): Promise<Network> {
    return writes.upsertNetwork(ctx, input);
  }

  @Mutation(() => ID, { description: 'Deletes a network; answers its id (region editors).' })
  deleteNetwork(@Arg('id', () => ID) id: string, @Ctx() ctx: RegionContext): Promise<string> {
    return writes.deleteNetwork(ctx, id);
  }
}

import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import { formatId } from '@samverkan/contract';
import type { KommunContext } from '../context';
import { Membership } from '../entities/membership';
import { TwinTown } from '../entities/twin-town';
import { MembershipInput, MembershipUpdateInput, TwinTownInput, TwinTownUpdateInput } from '../graphql/inputs';
import { Municipality, Network } from '../graphql/references';
import * as writes from '../store/writes';

@Resolver(() => Membership)
export class MembershipResolver {
  @FieldResolver(() => ID, { description: '<kommunkod>:membership:<n>, the kommunkod the owning kommun\'s (ids.kommunkod).' })
  id(@Root() m: Membership): string {
    return formatId(m.municipalityCode, 'membership', m.localId);
  }

  @FieldResolver(() => Network)
  network(@Root() m: Membership): Network {
    return { id: m.networkId };
  }

  @FieldResolver(() => Municipality)
  municipality(@Root() m: Membership): Municipality {
    return { code: m.municipalityCode };
  }

  @Mutation(() => Membership, { description: 'Records a membership of a network.' })
  createMembership(@Arg('input', () => MembershipInput) input: MembershipInput, @Ctx() ctx: KommunContext): Promise<Membership> {
    return writes.createMembership(ctx, input);
  }

  @Mutation(() => Membership)
  updateMembership(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => MembershipUpdateInput) input: MembershipUpdateInput,
    @Ctx() ctx: KommunContext,
  ): Promise<Membership> {
    return writes.updateMembership(ctx, id, input);
  }

  @Mutation(() => ID)
  deleteMembership(@Arg('id', () => ID) id: string, @Ctx() ctx: KommunContext): Promise<string> {
    return writes.deleteMembership(ctx, id);
  }
}

@Resolver(() => TwinTown)
export class TwinTownResolver {
  @FieldResolver(() => ID, { description: '<kommunkod>:twintown:<n>, the kommunkod the owning kommun\'s (ids.kommunkod).' })
  id(@Root() t: TwinTown): string {
    return formatId(t.municipalityCode, 'twintown', t.localId);
  }

  @FieldResolver(() => Municipality)
  municipality(@Root() t: TwinTown): Municipality {
    return { code: t.municipalityCode };
  }

  @Mutation(() => TwinTown, { description: 'Records a twin town (vänort).' })
  createTwinTown(@Arg('input', () => TwinTownInput) input: TwinTownInput, @Ctx() ctx: KommunContext): Promise<TwinTown> {
    return writes.createTwinTown(ctx, input);
  }

  @Mutation(() => TwinTown)
  updateTwinTown(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => TwinTownUpdateInput) input: TwinTownUpdateInput,
    @Ctx() ctx: KommunContext,
  ): Promise<TwinTown> {
    return writes.updateTwinTown(ctx, id, input);
  }

  @Mutation(() => ID)
  deleteTwinTown(@Arg('id', () => ID) id: string, @Ctx() ctx: KommunContext): Promise<string> {
    return writes.deleteTwinTown(ctx, id);
  }
}

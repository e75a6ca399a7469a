import { Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import { GraphQLError } from 'graphql';
import type { RegionContext } from '../context';
import { Agreement, Member, Region } from '../entities';

@Resolver(() => Region)
export class RegionResolver {
  @Query(() => Region, { description: 'The region this subgraph serves.' })
  async region(@Ctx() ctx: RegionContext): Promise<Region> {
    const region = await ctx.loaders.region();
    if (!region) {
      throw new GraphQLError('The region is not set up yet: its database has not been seeded (npm run region:seed).', {
        extensions: { code: 'NOT_FOUND' },
      });
    }
    return region;
  }

  @FieldResolver(() => Int, { description: "Inhabitants of all members together (members without a figure count as 0)." })
  async population(@Ctx() ctx: RegionContext): Promise<number> {
    return (await ctx.loaders.members()).reduce((sum, m) => sum + (m.population ?? 0), 0);
  }

  @FieldResolver(() => [Member], { description: 'The member kommuner, in Swedish alphabetical order.' })
  members(@Root() _region: Region, @Ctx() ctx: RegionContext): Promise<Member[]> {
    return ctx.loaders.members();
  }

  @FieldResolver(() => [Agreement], { description: "The region's agreements (överenskommelser)." })
  agreements(@Root() _region: Region, @Ctx() ctx: RegionContext): Promise<Agreement[]> {
    return ctx.loaders.agreements();
  }
}

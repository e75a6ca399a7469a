import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { KommunContext } from '../context';
import { Membership } from '../entities/membership';
import { DevelopmentArea, FundingProgramme, JointInitiative, Municipality, Network } from '../graphql/references';
import { ProjectConnection } from '../graphql/types';
import { ProjectPageArgs, projectPage } from './connection';

/*
 * What the kommun contributes to the region's entities: its own projects and memberships. The
 * gateway asks every kommun and merges their answers.
 */

@Resolver(() => DevelopmentArea)
export class DevelopmentAreaResolver {
  @FieldResolver(() => ProjectConnection, { description: 'Projects that serve this development area.' })
  projects(@Root() a: DevelopmentArea, @Args(() => ProjectPageArgs) args: ProjectPageArgs, @Ctx() ctx: KommunContext) {
    return projectPage(ctx, 'area', a.code, args);
  }
}

@Resolver(() => FundingProgramme)
export class FundingProgrammeResolver {
  @FieldResolver(() => ProjectConnection, { description: 'Projects this programme funds.' })
  projects(@Root() p: FundingProgramme, @Args(() => ProjectPageArgs) args: ProjectPageArgs, @Ctx() ctx: KommunContext) {
    return projectPage(ctx, 'programme', p.code, args);
  }
}

@Resolver(() => JointInitiative)
export class JointInitiativeResolver {
  @FieldResolver(() => ProjectConnection, { description: 'Projects that belong to this initiative.' })
  projects(@Root() i: JointInitiative, @Args(() => ProjectPageArgs) args: ProjectPageArgs, @Ctx() ctx: KommunContext) {
    return projectPage(ctx, 'initiative', i.id, args);
  }

  @FieldResolver(() => [Municipality], { description: 'The kommuner taking part: those with a project in it.' })
  async participants(@Root() i: JointInitiative, @Ctx() ctx: KommunContext): Promise<Municipality[]> {
    return (await ctx.loaders.participantsByInitiative.load(i.id)).map((r) => ({ code: r.code }));
  }
}

@Resolver(() => Network)
export class NetworkResolver {
  @FieldResolver(() => [Membership], { description: "Our kommuner's memberships of this network." })
  memberships(@Root() n: Network, @Ctx() ctx: KommunContext): Promise<Membership[]> {
    return ctx.loaders.membershipsByNetwork.load(n.id);
  }
}

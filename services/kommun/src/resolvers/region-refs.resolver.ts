import type { GraphQLResolveInfo } from 'graphql';
import { Args, Ctx, FieldResolver, Resolver, Root, Info } from 'type-graphql';
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
  @FieldResolver(() => ProjectConnection, { description: "Projects that serve this development area: what the developmentAreas filter gives (each kommun answers its own); an unknown code answers an empty list (entities.DevelopmentArea.projects)." })
  projects(@Root() a: DevelopmentArea, @Args(() => ProjectPageArgs) args: ProjectPageArgs, @Ctx() ctx: KommunContext, @Info() info: GraphQLResolveInfo) {
    return projectPage(ctx, 'area', a.code, args, info);
  }
}

@Resolver(() => FundingProgramme)
export class FundingProgrammeResolver {
  @FieldResolver(() => ProjectConnection, { description: "Projects this programme funds: what the programmes filter gives (each kommun answers its own); an unknown code answers an empty list (entities.FundingProgramme.projects)." })
  projects(@Root() p: FundingProgramme, @Args(() => ProjectPageArgs) args: ProjectPageArgs, @Ctx() ctx: KommunContext, @Info() info: GraphQLResolveInfo) {
    return projectPage(ctx, 'programme', p.code, args, info);
  }
}

@Resolver(() => JointInitiative)
export class JointInitiativeResolver {
  @FieldResolver(() => ProjectConnection, { description: "Projects that belong to this initiative: what the initiative filter gives (each kommun answers its own); an unknown id answers an empty list (entities.JointInitiative.projects)." })
  projects(@Root() i: JointInitiative, @Args(() => ProjectPageArgs) args: ProjectPageArgs, @Ctx() ctx: KommunContext, @Info() info: GraphQLResolveInfo) {
    return projectPage(ctx, 'initiative', i.id, args, info);
  }

  @FieldResolver(() => [Municipality], { description: 'The kommuner taking part: those with a project in it (each kommun names itself, or none) (entities.JointInitiative.participants).' })
  async participants(@Root() i: JointInitiative, @Ctx() ctx: KommunContext): Promise<Municipality[]> {
    return (await ctx.loaders.participantsByInitiative.load(i.id)).map((r) => ({ code: r.code }));
  }
}

@Resolver(() => Network)
export class NetworkResolver {
  @FieldResolver(() => [Membership], { description: "Our kommuner's memberships of this network (each kommun answers its own) (entities.Network.memberships)." })
  memberships(@Root() n: Network, @Ctx() ctx: KommunContext): Promise<Membership[]> {
    return ctx.loaders.membershipsByNetwork.load(n.id);
  }
}

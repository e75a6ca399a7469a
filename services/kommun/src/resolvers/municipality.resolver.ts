import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx, Directive, FieldResolver, ID, Mutation, Query, Resolver, Root, Info } from 'type-graphql';
import { KOMMUNKOD, MUNICIPALITY_QUERY_DESCRIPTION } from '@samverkan/contract';
import { badInput } from '@samverkan/server-kit';
import type { KommunContext } from '../context';
import { Membership } from '../entities/membership';
import { Strategy } from '../entities/strategy';
import { TwinTown } from '../entities/twin-town';
import { StrategyInput } from '../graphql/inputs';
import { Municipality } from '../graphql/references';
import { ProjectConnection } from '../graphql/types';
import * as writes from '../store/writes';
import { ProjectPageArgs, projectPage } from './connection';

/** The kommun itself; null for a kommunkod this instance does not serve. */
export function servedMunicipality(ctx: KommunContext, code: string): Municipality | null {
  return ctx.codes.has(code) ? { code } : null;
}

@Resolver(() => Municipality)
export class MunicipalityResolver {
  @Query(() => Municipality, { nullable: true, description: MUNICIPALITY_QUERY_DESCRIPTION })
  @Directive('@shareable')
  municipality(@Arg('code', () => ID) code: string, @Ctx() ctx: KommunContext): Municipality | null {
    if (!KOMMUNKOD.test(code)) throw badInput('code', `must be a 4-digit SCB kommunkod such as 1480 (got "${code}")`);
    return servedMunicipality(ctx, code);
  }

  @FieldResolver(() => ProjectConnection, { description: "The kommun's own projects, with the arguments and rules of the root list (municipality.projects, entities.Municipality.projects)." })
  projects(@Root() m: Municipality, @Args(() => ProjectPageArgs) args: ProjectPageArgs, @Ctx() ctx: KommunContext, @Info() info: GraphQLResolveInfo): Promise<ProjectConnection> {
    return projectPage(ctx, 'municipality', m.code, args, info);
  }

  @FieldResolver(() => [Membership], { description: 'Memberships of international organisations and networks.' })
  memberships(@Root() m: Municipality, @Ctx() ctx: KommunContext): Promise<Membership[]> {
    return ctx.loaders.membershipsByCode.load(m.code);
  }

  @FieldResolver(() => [TwinTown], { description: 'Twin towns (vänorter).' })
  twinTowns(@Root() m: Municipality, @Ctx() ctx: KommunContext): Promise<TwinTown[]> {
    return ctx.loaders.twinTownsByCode.load(m.code);
  }

  @FieldResolver(() => Strategy, { nullable: true, description: 'The adopted international strategy, if any.' })
  strategy(@Root() m: Municipality, @Ctx() ctx: KommunContext): Promise<Strategy | null> {
    return ctx.loaders.strategyByCode.load(m.code);
  }

  @Mutation(() => Strategy, { description: "Sets the kommun's international strategy, replacing the current one." })
  setStrategy(
    @Arg('municipality', () => ID) municipality: string,
    @Arg('input', () => StrategyInput) input: StrategyInput,
    @Ctx() ctx: KommunContext,
  ): Promise<Strategy> {
    if (!KOMMUNKOD.test(municipality)) throw badInput('municipality', 'must be a 4-digit SCB kommunkod');
    return writes.setStrategy(ctx, municipality, input);
  }

  @Mutation(() => Boolean, { description: 'Removes the strategy; false when there was none.' })
  deleteStrategy(@Arg('municipality', () => ID) municipality: string, @Ctx() ctx: KommunContext): Promise<boolean> {
    if (!KOMMUNKOD.test(municipality)) throw badInput('municipality', 'must be a 4-digit SCB kommunkod');
    return writes.deleteStrategy(ctx, municipality);
  }
}

@Resolver(() => Strategy)
export class StrategyResolver {
  @FieldResolver(() => Municipality)
  municipality(@Root() s: Strategy): Municipality {
    return { code: s.municipalityCode };
  }
}

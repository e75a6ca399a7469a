import { Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import type { KommunContext } from '../context';
import { ProjectConnection } from '../graphql/types';

@Resolver(() => ProjectConnection)
export class ProjectConnectionResolver {
  /** Counted only when asked for, in one statement per list level. */
  @FieldResolver(() => Int, { description: "How many projects match the list's filter and scope, over all pages: as many as a walk of the pages gives, the same on every page (totalCount.matches-walk)." })
  totalCount(@Root() c: ProjectConnection, @Ctx() ctx: KommunContext): Promise<number> {
    return ctx.loaders.counts.load({ scope: c.scope, key: c.scopeKey, filter: c.filter });
  }
}

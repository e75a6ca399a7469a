import { ArgsType, Field, Int } from 'type-graphql';
import { ValidateNested, IsOptional } from 'class-validator';
import type { KommunContext } from '../context';
import { ProjectConnection, ProjectFilter, ProjectOrder } from '../graphql/types';
import { cursorOf, normalizePage, type Scope } from '../store/project-query';

/** The arguments of every project list, at the root and on every parent. */
@ArgsType()
export class ProjectPageArgs {
  @Field(() => ProjectFilter, { nullable: true })
  @IsOptional()
  @ValidateNested()
  filter?: ProjectFilter;

  @Field(() => ProjectOrder, { nullable: true, description: 'Default: START_DATE DESC (order.default).' })
  @IsOptional()
  @ValidateNested()
  orderBy?: ProjectOrder;

  @Field(() => Int, {
    nullable: true,
    description:
      'Page size, 0 to 100; default 20 (paging.default-size). 0 answers no edges and the right totalCount (paging.first-zero). Outside 0 to 100: BAD_USER_INPUT or PAGE_SIZE_EXCEEDED (errors.negative-first, errors.first-over-100).',
  })
  first?: number;

  @Field(() => String, {
    nullable: true,
    description:
      'endCursor of the previous page: the list goes on with exactly the projects after that position, so that pages of any size add up to the whole list, every project once, in order (paging.union-exact); also when projects were added or deleted since, the one it sits on included (paging.stable-under-writes), and at a position that is not one of this kommun\'s projects (cursor.foreign-position). Not a cursor, or a value that does not fit the order: BAD_USER_INPUT (errors.malformed-cursor); a cursor of another order or direction: BAD_USER_INPUT (errors.cursor-of-other-order).',
  })
  after?: string;
}

/** Loads one page of a project list through the request's batching loader. */
export async function projectPage(ctx: KommunContext, scope: Scope, key: string, args: ProjectPageArgs): Promise<ProjectConnection> {
  const page = normalizePage(args);
  const result = await ctx.loaders.pages.load({ scope, key, filter: args.filter, page });
  const edges = result.rows.map((node) => ({ cursor: cursorOf(node, page.order), node }));
  return {
    edges,
    nodes: result.rows,
    pageInfo: { hasNextPage: result.hasNextPage, endCursor: edges.length ? edges[edges.length - 1].cursor : null },
    scope,
    scopeKey: key,
    filter: args.filter,
  };
}

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

  @Field(() => ProjectOrder, { nullable: true, description: 'Default: START_DATE DESC.' })
  @IsOptional()
  @ValidateNested()
  orderBy?: ProjectOrder;

  @Field(() => Int, { nullable: true, description: 'Page size, 0 to 100; default 20.' })
  first?: number;

  @Field(() => String, { nullable: true, description: 'endCursor of the previous page.' })
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

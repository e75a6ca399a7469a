import { ArgsType, Field, Int } from 'type-graphql';
import { ValidateNested, IsOptional } from 'class-validator';
import { Kind, type FieldNode, type FragmentDefinitionNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';
import type { KommunContext } from '../context';
import { ProjectConnection, ProjectFilter, ProjectOrder } from '../graphql/types';
import { cursorOf, normalizePage, type PageExtras, type Scope } from '../store/project-query';

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

/** Each field of `selections` by name, through inline fragments and fragment spreads. */
function eachField(selections: SelectionSetNode | undefined, fragments: Record<string, FragmentDefinitionNode>, visit: (field: FieldNode) => void): void {
  for (const s of selections?.selections ?? []) {
    if (s.kind === Kind.FIELD) visit(s);
    else if (s.kind === Kind.INLINE_FRAGMENT) eachField(s.selectionSet, fragments, visit);
    else eachField(fragments[s.name.value]?.selectionSet, fragments, visit);
  }
}

/** By the list field's node: what its selection asks of the page besides the rows (documents are parsed once, so nodes repeat). */
const extrasByNode = new WeakMap<FieldNode, PageExtras>();

/**
 * What the query asks of a project list next: totalCount, and the nodes' development areas,
 * funding and partners (as `nodes` or as `edges.node`), so that the page's statement reads them
 * too. A field skipped by a directive still counts: reading it is a little extra work, never a
 * wrong answer.
 */
export function pageExtras(info: GraphQLResolveInfo): PageExtras {
  const cacheable = info.fieldNodes.length === 1;
  const known = cacheable ? extrasByNode.get(info.fieldNodes[0]) : undefined;
  if (known) return known;
  const extras: PageExtras = { count: false, areas: false, funding: false, partners: false };
  const onProject = (field: FieldNode) => {
    const name = field.name.value;
    if (name === 'developmentAreas') extras.areas = true;
    else if (name === 'funding') extras.funding = true;
    else if (name === 'partners') extras.partners = true;
  };
  for (const node of info.fieldNodes) {
    eachField(node.selectionSet, info.fragments, (field) => {
      const name = field.name.value;
      if (name === 'totalCount') extras.count = true;
      else if (name === 'nodes') eachField(field.selectionSet, info.fragments, onProject);
      else if (name === 'edges')
        eachField(field.selectionSet, info.fragments, (edge) => {
          if (edge.name.value === 'node') eachField(edge.selectionSet, info.fragments, onProject);
        });
    });
  }
  if (cacheable) extrasByNode.set(info.fieldNodes[0], extras);
  return extras;
}

/**
 * Loads one page of a project list through the request's batching loader; the page's statement
 * also reads what the query asks of it next (see pageExtras).
 */
export async function projectPage(ctx: KommunContext, scope: Scope, key: string, args: ProjectPageArgs, info: GraphQLResolveInfo): Promise<ProjectConnection> {
  const page = normalizePage(args);
  const result = await ctx.loaders.pages.load({ scope, key, filter: args.filter, page, extras: pageExtras(info) });
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

import { Args, ArgsType, Ctx, Field, Int, Query, Resolver } from 'type-graphql';
import { IsOptional, ValidateNested } from 'class-validator';
import { requireAuditReader } from '@samverkan/server-kit';
import { changedFields, documentText, encodeAuditCursor, readAuditPage } from '@samverkan/subgraph-kit';
import type { RegionContext } from '../context';
import { RegionAuditEntry, RegionAuditEntryConnection, RegionAuditFilter } from '../graphql/audit';
import { AUDITED_ENTITIES, AUDITED_OPERATIONS } from '../store/audit';

const KNOWN = { entityTypes: AUDITED_ENTITIES, operations: AUDITED_OPERATIONS };

@ArgsType()
export class RegionAuditLogArgs {
  @Field(() => RegionAuditFilter, { nullable: true })
  @IsOptional()
  @ValidateNested()
  filter?: RegionAuditFilter;

  @Field(() => Int, { nullable: true, description: 'Page size, 0 to 100; default 20.' })
  first?: number;

  @Field(() => String, { nullable: true, description: 'endCursor of the previous page.' })
  after?: string;
}

@Resolver(() => RegionAuditEntry)
export class RegionAuditResolver {
  @Query(() => RegionAuditEntryConnection, { description: "The region's audit trail of writes, newest first. For region editors only." })
  async regionAuditLog(@Args(() => RegionAuditLogArgs) { filter, first, after }: RegionAuditLogArgs, @Ctx() ctx: RegionContext): Promise<RegionAuditEntryConnection> {
    requireAuditReader(ctx.credentials);
    const page = await readAuditPage(ctx.db, { filter, first, after }, KNOWN);
    const nodes: RegionAuditEntry[] = page.rows.map((r) => ({
      ...r,
      before: documentText(r.before),
      after: documentText(r.after),
      changedFields: changedFields(r.before, r.after),
    }));
    const edges = nodes.map((node) => ({ cursor: encodeAuditCursor(node.id), node }));
    return { edges, nodes, pageInfo: { hasNextPage: page.hasNextPage, endCursor: edges.at(-1)?.cursor ?? null } };
  }
}

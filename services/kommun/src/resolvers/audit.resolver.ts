import { Args, ArgsType, Ctx, Field, ID, Int, Query, Resolver } from 'type-graphql';
import { IsOptional, ValidateNested } from 'class-validator';
import { KOMMUNKOD } from '@samverkan/contract';
import { badInput, requireAuditReader } from '@samverkan/server-kit';
import { changedFields, documentText, encodeAuditCursor, readAuditPage } from '@samverkan/subgraph-kit';
import type { KommunContext } from '../context';
import { AuditEntry, AuditEntryConnection, AuditFilter } from '../graphql/audit';
import { AUDITED_ENTITIES, AUDITED_OPERATIONS } from '../store/audit';

const KNOWN = { entityTypes: AUDITED_ENTITIES, operations: AUDITED_OPERATIONS };

@ArgsType()
export class AuditLogArgs {
  @Field(() => ID, { description: 'The kommun whose log to read (kommunkod).' })
  municipality!: string;

  @Field(() => AuditFilter, { nullable: true })
  @IsOptional()
  @ValidateNested()
  filter?: AuditFilter;

  @Field(() => Int, { nullable: true, description: 'Page size, 0 to 100; default 20.' })
  first?: number;

  @Field(() => String, { nullable: true, description: 'endCursor of the previous page.' })
  after?: string;
}

@Resolver(() => AuditEntry)
export class AuditResolver {
  @Query(() => AuditEntryConnection, {
    description: "A kommun's audit trail of writes, newest first. For the kommun's own editors and region editors only.",
  })
  async auditLog(@Args(() => AuditLogArgs) { municipality, filter, first, after }: AuditLogArgs, @Ctx() ctx: KommunContext): Promise<AuditEntryConnection> {
    if (!KOMMUNKOD.test(municipality)) throw badInput('municipality', `must be a 4-digit SCB kommunkod such as 1480 (got ${JSON.stringify(municipality.slice(0, 80))})`);
    requireAuditReader(ctx.credentials, municipality);
    if (!ctx.codes.has(municipality)) {
      throw badInput('municipality', `kommun ${municipality} is not served by this subgraph (it serves ${[...ctx.codes].join(', ')})`);
    }
    const page = await readAuditPage(ctx.db, { municipality, filter, first, after }, KNOWN);
    const nodes: AuditEntry[] = page.rows.map((r) => ({
      ...r,
      municipality: { code: r.municipality ?? municipality },
      before: documentText(r.before),
      after: documentText(r.after),
      changedFields: changedFields(r.before, r.after),
    }));
    const edges = nodes.map((node) => ({ cursor: encodeAuditCursor(node.id), node }));
    return { edges, nodes, pageInfo: { hasNextPage: page.hasNextPage, endCursor: edges.at(-1)?.cursor ?? null } };
  }
}

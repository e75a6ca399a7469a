import { GraphQLError } from 'graphql';
import { sql, type ColumnType, type Generated, type Kysely } from 'kysely';
import type { Identity } from '@samverkan/server-kit';

/**
 * The audit trail (offentlighetsprincipen: a public office answers for its records). Every write
 * of the kommun and region subgraphs appends one row per entity it changes to its own database's
 * `audit_log`, in the write's transaction: who (subject, role, kommun), when (the transaction's
 * time), which entity, and the entity's stored fields before and after. The table refuses UPDATE,
 * DELETE and TRUNCATE by trigger (see the services' AuditLog migrations), so history cannot be
 * rewritten, not even by a bug in a service. This module holds what both services share: writing a
 * row, reading a page newest first, the cursor, and the comparison of before and after.
 */

/**
 * The audit_log table as both services have it (see their AuditLog migrations): its one
 * definition in code. `before` and `after` are written as JSON text and read as documents.
 */
export interface AuditLogTable {
  id: Generated<string>;
  at: Generated<Date>;
  actor_subject: string;
  actor_role: string;
  actor_municipality: string | null;
  operation: string;
  entity_type: string;
  entity_id: string;
  before: ColumnType<AuditDocument, string | null, never>;
  after: ColumnType<AuditDocument, string | null, never>;
}

/** A kommun database's audit_log: each row names the kommun whose data it is. */
export interface KommunAuditLogTable extends AuditLogTable {
  municipality: string;
}

/** What the audit trail reads and writes: a service's database (or a write's transaction), whose tables include audit_log. */
export type AuditDatabase<DB extends { audit_log: AuditLogTable }> = Kysely<DB>;

/**
 * The audit_log of either service, seen with the kommun's columns: only the kommun's callers name
 * `municipality`. (Kysely's types are invariant in the database type, hence the cast.)
 */
function auditLog<DB extends { audit_log: AuditLogTable }>(db: AuditDatabase<DB>): Kysely<{ audit_log: KommunAuditLogTable }> {
  return db as unknown as Kysely<{ audit_log: KommunAuditLogTable }>;
}

/** An entity's stored fields as JSON, in the API's names; null when it does not exist. */
export type AuditDocument = Record<string, unknown> | null;

/** One entity changed by a write. */
export interface AuditChange {
  /** The GraphQL type the entity is, e.g. Project, DevelopmentArea. */
  entityType: string;
  /** Its id or key as the API shows it, e.g. 1480:project:42, EU-FUNDS. */
  entityId: string;
  /** The kommun whose data it is (the kommun subgraph only). */
  municipality?: string;
  /** Null on create. */
  before: AuditDocument;
  /** Null on delete. */
  after: AuditDocument;
}

/**
 * Appends one audit row for `change`, made by `actor` through the mutation `operation`. Must run
 * on the write's transaction: if this insert fails, the write fails with it.
 */
export async function recordAudit<DB extends { audit_log: AuditLogTable }>(db: AuditDatabase<DB>, actor: Identity, operation: string, change: AuditChange): Promise<void> {
  await recordAudits(db, actor, operation, [change]);
}

/** Rows per INSERT of `recordAudits`: 9 parameters each, well within PostgreSQL's 65,535. */
const AUDIT_BATCH = 500;

/**
 * Appends the audit rows of many changes made by one write (an import's), a few hundred rows a
 * statement, in the order given. As `recordAudit`, on the write's transaction.
 */
export async function recordAudits<DB extends { audit_log: AuditLogTable }>(db: AuditDatabase<DB>, actor: Identity, operation: string, changes: readonly AuditChange[]): Promise<void> {
  const withMunicipality = changes.some((c) => c.municipality !== undefined);
  if (withMunicipality && changes.some((c) => c.municipality === undefined)) throw new Error('recordAudits: either every change names its kommun or none does');
  for (let from = 0; from < changes.length; from += AUDIT_BATCH) {
    const rows = changes.slice(from, from + AUDIT_BATCH).map((change) => ({
      actor_subject: actor.subject,
      actor_role: actor.role,
      actor_municipality: actor.role === 'kommun-editor' ? actor.municipality : null,
      operation,
      entity_type: change.entityType,
      entity_id: change.entityId,
      before: change.before === null ? null : JSON.stringify(change.before),
      after: change.after === null ? null : JSON.stringify(change.after),
      ...(withMunicipality ? { municipality: change.municipality! } : {}),
    }));
    // The region's rows have no municipality column: the type of the kommun's table is only what the builder checks against.
    await auditLog(db).insertInto('audit_log').values(rows as Array<typeof rows[number] & { municipality: string }>).execute();
  }
}

/** Who may ask a log for what; the filter every audit log query takes. */
export interface AuditFilterValues {
  entityType?: string | null;
  entityId?: string | null;
  actorSubject?: string | null;
  operation?: string | null;
  /** From this time on (inclusive). */
  since?: Date | null;
  /** Before this time (exclusive). */
  until?: Date | null;
}

/** One row of an audit log, as the API shows it. */
export interface AuditEntryRow {
  id: string;
  at: Date;
  actorSubject: string;
  actorRole: string;
  actorMunicipality: string | null;
  operation: string;
  entityType: string;
  entityId: string;
  municipality: string | null;
  before: AuditDocument;
  after: AuditDocument;
}

export interface AuditPage {
  rows: AuditEntryRow[];
  hasNextPage: boolean;
}

/** Page sizes of an audit log, as of a project list. */
export const AUDIT_DEFAULT_PAGE_SIZE = 20;
export const AUDIT_MAX_PAGE_SIZE = 100;

function badArg(field: string, problem: string): GraphQLError {
  return new GraphQLError(`Invalid input: ${field}: ${problem}.`, { extensions: { code: 'BAD_USER_INPUT', fields: [{ field, problems: [problem] }] } });
}

const CURSOR_TAG = 'audit';
/** A bigserial: at most 2^63 - 1. */
const MAX_AUDIT_ID = 9223372036854775807n;

/** The cursor after the row `id`: opaque, and only ever one an audit log issued. */
export function encodeAuditCursor(id: string): string {
  return Buffer.from(JSON.stringify([CURSOR_TAG, id])).toString('base64url');
}

/** The row id a cursor points after; a BAD_USER_INPUT naming `after` for one no audit log issued. */
export function decodeAuditCursor(cursor: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = null;
  }
  const id = Array.isArray(parsed) && parsed.length === 2 && parsed[0] === CURSOR_TAG ? parsed[1] : null;
  if (typeof id !== 'string' || !/^[1-9]\d{0,18}$/.test(id) || BigInt(id) > MAX_AUDIT_ID) {
    throw badArg('after', 'the cursor is not one this audit log issued');
  }
  return id;
}

/** Checks the page and filter arguments; throws a BAD_USER_INPUT that names the argument. */
function checkArgs(filter: AuditFilterValues | undefined, first: number | undefined | null, known: { entityTypes: readonly string[]; operations: readonly string[] }): number {
  const size = first ?? AUDIT_DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(size) || size < 0 || size > AUDIT_MAX_PAGE_SIZE) badArgThrow('first', `must be between 0 and ${AUDIT_MAX_PAGE_SIZE} (got ${first})`);
  if (filter?.entityType != null && !known.entityTypes.includes(filter.entityType)) {
    badArgThrow('filter.entityType', `must be one of ${known.entityTypes.join(', ')} (got ${JSON.stringify(filter.entityType.slice(0, 80))})`);
  }
  if (filter?.operation != null && !known.operations.includes(filter.operation)) {
    badArgThrow('filter.operation', `must be the name of a mutation: one of ${known.operations.join(', ')} (got ${JSON.stringify(filter.operation.slice(0, 80))})`);
  }
  if (filter?.since && filter.until && filter.until <= filter.since) {
    badArgThrow('filter.until', `must be after filter.since (${filter.since.toISOString()}; got ${filter.until.toISOString()})`);
  }
  return size;
}

function badArgThrow(field: string, problem: string): never {
  throw badArg(field, problem);
}

/**
 * One page of an audit log, newest first: in the order the rows were written (their id), which
 * every row of one transaction shares with its `at`. `municipality` limits a kommun database's log
 * to one kommun (a combined instance holds several); the region's log has no such column.
 */
export async function readAuditPage<DB extends { audit_log: AuditLogTable }>(
  db: AuditDatabase<DB>,
  args: { municipality?: string; filter?: AuditFilterValues; first?: number | null; after?: string | null },
  known: { entityTypes: readonly string[]; operations: readonly string[] },
): Promise<AuditPage> {
  const first = checkArgs(args.filter, args.first, known);
  const after = args.after != null ? decodeAuditCursor(args.after) : null;
  if (first === 0) return { rows: [], hasNextPage: false };
  const f = args.filter ?? {};
  const rows: AuditEntryRow[] = await auditLog(db)
    .selectFrom('audit_log')
    .select((eb) => [
      eb.cast<string>('id', 'text').as('id'),
      'at',
      'actor_subject as actorSubject',
      'actor_role as actorRole',
      'actor_municipality as actorMunicipality',
      'operation',
      'entity_type as entityType',
      'entity_id as entityId',
      args.municipality !== undefined ? 'municipality' : sql<string | null>`NULL::text`.as('municipality'),
      'before',
      'after',
    ])
    .$if(args.municipality !== undefined, (q) => q.where('municipality', '=', args.municipality!))
    .$if(f.entityType != null, (q) => q.where('entity_type', '=', f.entityType!))
    .$if(f.entityId != null, (q) => q.where('entity_id', '=', f.entityId!))
    .$if(f.actorSubject != null, (q) => q.where('actor_subject', '=', f.actorSubject!))
    .$if(f.operation != null, (q) => q.where('operation', '=', f.operation!))
    .$if(Boolean(f.since), (q) => q.where('at', '>=', f.since!))
    .$if(Boolean(f.until), (q) => q.where('at', '<', f.until!))
    .$if(after !== null, (q) => q.where('id', '<', after!))
    .orderBy('audit_log.id', 'desc')
    .limit(first + 1)
    .execute();
  return { rows: rows.slice(0, first), hasNextPage: rows.length > first };
}

/**
 * The top-level fields whose values differ between before and after, in the order of the
 * document(s). A missing document counts as having no fields: every field of a created or deleted
 * entity is listed; an update that changed nothing lists none.
 */
export function changedFields(before: AuditDocument, after: AuditDocument): string[] {
  const names = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])];
  const present = (doc: AuditDocument, name: string) => doc !== null && Object.prototype.hasOwnProperty.call(doc, name);
  return names.filter((n) => present(before, n) !== present(after, n) || !sameJson(before?.[n], after?.[n]));
}

function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** A document as JSON text for the API; null stays null. */
export function documentText(doc: AuditDocument): string | null {
  return doc === null ? null : JSON.stringify(doc);
}

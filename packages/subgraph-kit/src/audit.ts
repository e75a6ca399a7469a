import { GraphQLError } from 'graphql';
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

/** What runs a statement: a pool or a transaction (TypeORM's DataSource or EntityManager). */
export interface AuditQueryable {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- TypeORM's own type for a statement's rows
  query(sql: string, params?: unknown[]): Promise<any>;
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
export async function recordAudit(q: AuditQueryable, actor: Identity, operation: string, change: AuditChange): Promise<void> {
  await recordAudits(q, actor, operation, [change]);
}

/** Rows per INSERT of `recordAudits`: 9 parameters each, well within PostgreSQL's 65,535. */
const AUDIT_BATCH = 500;

/**
 * Appends the audit rows of many changes made by one write (an import's), a few hundred rows a
 * statement, in the order given. As `recordAudit`, on the write's transaction.
 */
export async function recordAudits(q: AuditQueryable, actor: Identity, operation: string, changes: readonly AuditChange[]): Promise<void> {
  const withMunicipality = changes.some((c) => c.municipality !== undefined);
  if (withMunicipality && changes.some((c) => c.municipality === undefined)) throw new Error('recordAudits: either every change names its kommun or none does');
  const columns = ['actor_subject', 'actor_role', 'actor_municipality', 'operation', 'entity_type', 'entity_id', 'before', 'after', ...(withMunicipality ? ['municipality'] : [])];
  for (let from = 0; from < changes.length; from += AUDIT_BATCH) {
    const values: unknown[] = [];
    const rows = changes.slice(from, from + AUDIT_BATCH).map((change) => {
      const row: unknown[] = [
        actor.subject,
        actor.role,
        actor.role === 'kommun-editor' ? actor.municipality : null,
        operation,
        change.entityType,
        change.entityId,
        change.before === null ? null : JSON.stringify(change.before),
        change.after === null ? null : JSON.stringify(change.after),
        ...(withMunicipality ? [change.municipality] : []),
      ];
      values.push(...row);
      return `(${row.map((_, i) => `$${values.length - row.length + i + 1}`).join(', ')})`;
    });
    await q.query(`INSERT INTO audit_log (${columns.join(', ')}) VALUES ${rows.join(', ')}`, values);
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
export async function readAuditPage(
  q: AuditQueryable,
  args: { municipality?: string; filter?: AuditFilterValues; first?: number | null; after?: string | null },
  known: { entityTypes: readonly string[]; operations: readonly string[] },
): Promise<AuditPage> {
  const first = checkArgs(args.filter, args.first, known);
  const after = args.after != null ? decodeAuditCursor(args.after) : null;
  const params: unknown[] = [];
  const add = (value: unknown, cast = '') => {
    params.push(value);
    return `$${params.length}${cast}`;
  };
  const where: string[] = [];
  if (args.municipality !== undefined) where.push(`municipality = ${add(args.municipality)}`);
  const f = args.filter ?? {};
  if (f.entityType != null) where.push(`entity_type = ${add(f.entityType)}`);
  if (f.entityId != null) where.push(`entity_id = ${add(f.entityId)}`);
  if (f.actorSubject != null) where.push(`actor_subject = ${add(f.actorSubject)}`);
  if (f.operation != null) where.push(`operation = ${add(f.operation)}`);
  if (f.since) where.push(`at >= ${add(f.since, '::timestamptz')}`);
  if (f.until) where.push(`at < ${add(f.until, '::timestamptz')}`);
  if (after) where.push(`id < ${add(after, '::bigint')}`);
  if (first === 0) return { rows: [], hasNextPage: false };
  const municipality = args.municipality !== undefined ? 'municipality' : 'NULL::text AS municipality';
  const rows: AuditEntryRow[] = await q.query(
    `SELECT id::text AS id, at, actor_subject AS "actorSubject", actor_role AS "actorRole", actor_municipality AS "actorMunicipality",
       operation, entity_type AS "entityType", entity_id AS "entityId", ${municipality}, before, after
     FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY audit_log.id DESC LIMIT ${add(first + 1, '::int')}`,
    params,
  );
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

import { GraphQLError } from 'graphql';
import { sql, type RawBuilder } from 'kysely';
import { CATALOGUE_CODE } from '@samverkan/contract';
import { badInput, requireRegionEditor } from '@samverkan/server-kit';
import { recordAudit, type AuditDocument } from '@samverkan/subgraph-kit';
import type { RegionContext } from '../context';
import { CATALOGUE_CODE_RULE } from '../graphql/inputs';
import { auditDocument, type AuditedEntity } from './audit';
import { createLoaders } from './loaders';
import type { RegionDb, RegionTables } from './tables';

/** Only region editors write region data; the check comes before any statement. */
export function authorize(ctx: RegionContext): void {
  requireRegionEditor(ctx.credentials);
}

/** Appends the audit row of one changed entity to the write's transaction. */
export type Audit = (entity: AuditedEntity, key: string, before: AuditDocument, after: AuditDocument) => Promise<void>;

/**
 * Runs a write in one transaction, in which `work` records each entity it changes with `audit`:
 * an audit row that cannot be written fails the write, and a write that fails leaves no audit row.
 * Once it has committed, the request's loaders are replaced, so that nothing read afterwards
 * (the write's own answer among it) comes from what they cached before. The caller is
 * authorized before (see `authorize`).
 */
export async function write<T>(ctx: RegionContext, operation: string, work: (m: RegionDb, audit: Audit) => Promise<T>): Promise<T> {
  const actor = ctx.credentials.identity;
  if (!actor) throw new Error(`${operation} reached its transaction without an authorized caller`);
  const result = await ctx.db
    .transaction()
    .execute((m) => work(m, (entity, key, before, after) => recordAudit<RegionTables>(m, actor, operation, { entityType: entity, entityId: key, before, after })));
  ctx.loaders = createLoaders(ctx.db);
  return result;
}

/**
 * Writes one entity by `change` between reading its audit document before (locked) and after,
 * and records the two; answers the document before, null when it did not exist.
 */
export async function audited(m: RegionDb, audit: Audit, entity: AuditedEntity, key: string, change: () => Promise<unknown>): Promise<AuditDocument> {
  const before = await auditDocument(m, entity, key, true);
  await change();
  await audit(entity, key, before, await auditDocument(m, entity, key));
  return before;
}

/** Deletes one entity by `remove` and records it; throws `missing` when there is none. */
export async function auditedDelete(m: RegionDb, audit: Audit, entity: AuditedEntity, key: string, missing: () => Error, remove: () => Promise<unknown>): Promise<void> {
  const before = await auditDocument(m, entity, key, true);
  if (!before) throw missing();
  await remove();
  await audit(entity, key, before, null);
}

/** Scalar arguments are not validated by class-validator: this checks a code argument by hand. */
export function checkCode(field: string, value: string): void {
  if (!CATALOGUE_CODE.test(value)) throw badInput(field, `${CATALOGUE_CODE_RULE} (got ${JSON.stringify(value)})`);
}

/** The error for a key that names nothing; `field` is the argument that carried it. */
export function notFound(what: string, field: string, key: string): GraphQLError {
  return new GraphQLError(`No ${what} with ${field} ${key}.`, { extensions: { code: 'NOT_FOUND', field, value: key } });
}

/** A delete refused because other catalogue entries still name the item. */
export function stillUsed(what: string, field: string, key: string, users: string[]): GraphQLError {
  return new GraphQLError(
    `Cannot delete: ${field}: ${what} ${key} is still used by ${users.join(', ')}; change or delete those first.`,
    { extensions: { code: 'CONFLICT', field, usedBy: users } },
  );
}

/** A catalogue table whose rows other entries name by key: which of some keys exist, their rows locked FOR SHARE. */
export interface Referenced {
  what: string;
  lockExisting(m: RegionDb, keys: readonly string[]): Promise<string[]>;
}

/** `any($1::text[])`: a list of keys as one parameter. */
export function anyKey(keys: readonly string[]): RawBuilder<string> {
  return sql<string>`any(${[...keys]}::text[])`;
}

/**
 * Checks that every key exists in `target`, locking the rows (FOR SHARE) so that no concurrent
 * delete can remove them before this transaction commits. Names the first missing one.
 */
export async function requireExisting(m: RegionDb, target: Referenced, keys: readonly string[], field: (index: number) => string): Promise<void> {
  if (!keys.length) return;
  const found = new Set(await target.lockExisting(m, keys));
  const missing = keys.findIndex((k) => !found.has(k));
  if (missing >= 0) throw badInput(field(missing), `there is no ${target.what} ${keys[missing]}`);
}

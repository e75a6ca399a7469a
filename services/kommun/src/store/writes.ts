import { sql, type Updateable } from 'kysely';
import { GraphQLError } from 'graphql';
import { validate } from 'class-validator';
import { formatId, parseId, type EntityKind } from '@samverkan/contract';
import { badInput, flattenValidationErrors, requireKommunEditor, type FieldProblem } from '@samverkan/server-kit';
import { recordAudit, recordAudits, type AuditDocument } from '@samverkan/subgraph-kit';
import type { KommunContext } from '../context';
import type { Funding, Membership, Project, Strategy, TwinTown } from '../entities';
import { PartnerRole } from '../graphql/enums';
import type {
  FundingInput,
  MembershipInput,
  MembershipUpdateInput,
  ProjectInput,
  ProjectUpdateInput,
  StrategyInput,
  TwinTownInput,
  TwinTownUpdateInput,
} from '../graphql/inputs';
import type { CatalogueView, FundOf } from '../catalogue';
import { auditDocument, projectAuditDocuments, type AuditedEntity } from './audit';
import { createLoaders, type Loaders } from './loaders';
import { projectColumns, COLUMNS, type KommunDb, type KommunTables } from './tables';

/** Appends the audit row of one changed entity to the write's transaction. */
type Audit = (entity: AuditedEntity, code: string, local: number | null, before: AuditDocument, after: AuditDocument) => Promise<void>;
/** Appends the audit rows of many entities of one kind and kommun (an import's), a few statements in all. */
type AuditAll = (entity: Exclude<AuditedEntity, 'Strategy'>, code: string, changes: Array<{ local: number; before: AuditDocument; after: AuditDocument }>) => Promise<void>;

const KIND: Record<Exclude<AuditedEntity, 'Strategy'>, EntityKind> = { Project: 'project', Membership: 'membership', TwinTown: 'twintown' };

/**
 * Runs a write in one transaction and reads what it answers inside that same transaction, so a
 * caller told it failed knows nothing was written, and one told it succeeded gets what was
 * committed (a read after the commit, on another connection, could fail and report a committed
 * write as failed). The request's loaders are then replaced by ones holding that read, going to
 * the pool for anything else: nothing answers from before the write. `work` records each entity
 * it changes with `audit`, in the same transaction: an audit row that cannot be written fails the
 * write, and a write that fails leaves no audit row.
 */
async function write<T>(ctx: KommunContext, operation: string, work: (m: KommunDb, read: Loaders, audit: Audit, auditAll: AuditAll) => Promise<T>): Promise<T> {
  const actor = ctx.credentials.identity;
  // Every write authorizes its caller first; one that reaches here without an identity is a bug.
  if (!actor) throw new Error(`${operation} reached its transaction without an authorized caller`);
  const pool = ctx.db;
  let tx: KommunDb | null = null;
  const loaders = createLoaders(() => tx ?? pool);
  const result = await pool.transaction().execute(async (m) => {
    tx = m;
    const audit: Audit = (entity, code, local, before, after) =>
      recordAudit<KommunTables>(m, actor, operation, {
        entityType: entity,
        entityId: entity === 'Strategy' ? code : formatId(code, KIND[entity], local!),
        municipality: code,
        before,
        after,
      });
    const auditAll: AuditAll = (entity, code, changes) =>
      recordAudits<KommunTables>(
        m,
        actor,
        operation,
        changes.map((c) => ({ entityType: entity, entityId: formatId(code, KIND[entity], c.local), municipality: code, before: c.before, after: c.after })),
      );
    try {
      return await work(m, loaders, audit, auditAll);
    } finally {
      tx = null;
    }
  });
  ctx.loaders = loaders;
  return result;
}

/** A project as written, with the children a mutation's answer shows, read inside the write's transaction. */
async function readProject(read: Loaders, local: number): Promise<Project | null> {
  // One after another: a transaction is one connection, which runs one statement at a time.
  const project = await read.projectById.load(local);
  await read.fundingByProject.load(local);
  await read.partnersByProject.load(local);
  await read.areasByProject.load(local);
  return project;
}

function notFound(kind: string, id: string): GraphQLError {
  return new GraphQLError(`No ${kind} with id ${id}.`, { extensions: { code: 'NOT_FOUND', id } });
}

/** Checks that the caller may write `code`'s data and that this instance holds it. */
function authorize(ctx: KommunContext, code: string, field = 'municipality'): void {
  requireKommunEditor(ctx.credentials, code);
  if (!ctx.codes.has(code)) {
    throw badInput(field, `kommun ${code} is not served by this subgraph (it serves ${[...ctx.codes].join(', ')})`);
  }
}

/** Parses an ID argument of the given kind, authorizes its owner and returns the local id. */
function ownedId(ctx: KommunContext, id: string, kind: EntityKind): { code: string; local: number } {
  const parsed = parseId(id, kind);
  if (!parsed) throw badInput('id', `"${id}" is not a ${kind} id (expected <kommunkod>:${kind}:<number>)`);
  authorize(ctx, parsed.code, 'id');
  return parsed;
}

function checkDates(start: string | undefined | null, end: string | undefined | null, field = 'endDate'): void {
  if (start && end && end < start) throw badInput(field, `must not be before the start date ${start} (got ${end})`);
}

function fundingRows(lines: FundingInput[], fundOf: FundOf): Array<Pick<Funding, 'programmeCode' | 'fund' | 'amount'>> {
  return lines.map((line, i) => {
    const fund = line.fund ?? fundOf(line.programme);
    if (!fund) {
      throw badInput(`funding[${i}].fund`, `programme ${line.programme} is not in the catalogue, so its fund must be given`);
    }
    return { programmeCode: line.programme, fund, amount: line.amount };
  });
}

/** The region's catalogue for writes that name these projects' programmes, areas and initiatives (see RegionCatalogue). */
function catalogueFor(ctx: KommunContext, inputs: Array<ProjectInput | ProjectUpdateInput>): Promise<CatalogueView> {
  return ctx.catalogue.lookup({
    programmes: inputs.flatMap((input) => (input.funding ?? []).filter((line) => !line.fund).map((line) => line.programme)),
    developmentAreas: inputs.flatMap((input) => input.developmentAreas ?? []),
    initiatives: inputs.flatMap((input) => (input.initiative ? [input.initiative] : [])),
  });
}

/** The development areas and the joint initiative a write names must be in the region's catalogue. */
function checkCatalogue(input: ProjectInput | ProjectUpdateInput, known: CatalogueView): void {
  const unknownAreas = (input.developmentAreas ?? []).filter((code) => !known.areas.has(code));
  if (unknownAreas.length) {
    throw badInput('developmentAreas', `${unknownAreas.join(', ')} ${unknownAreas.length > 1 ? 'are not development areas' : 'is not a development area'} of the region's catalogue (it has ${[...known.areas].join(', ')})`);
  }
  if (input.initiative && !known.initiatives.has(input.initiative)) {
    throw badInput('initiative', `${input.initiative} is not a joint initiative of the region's catalogue (it has ${[...known.initiatives].join(', ')})`);
  }
}

/** Rules that span fields: dates in order, EU share within the budget, at most one lead partner. */
function checkProject(p: Pick<Project, 'startDate' | 'endDate' | 'budgetTotal' | 'euCofinancing'>, input: ProjectInput | ProjectUpdateInput): void {
  checkDates(p.startDate, p.endDate);
  if (p.budgetTotal != null && p.euCofinancing != null && p.euCofinancing > p.budgetTotal) {
    throw badInput('budget.euCofinancing', `must not exceed the total ${p.budgetTotal} (got ${p.euCofinancing})`);
  }
  if (input.partners && input.partners.filter((x) => x.role === PartnerRole.LEAD).length > 1) {
    throw badInput('partners', 'at most one partner may have the role LEAD');
  }
  if (input.developmentAreas && new Set(input.developmentAreas).size !== input.developmentAreas.length) {
    throw badInput('developmentAreas', 'lists an area twice');
  }
}

/** The stored rows of a project's funding lines, partners and areas. */
const childRows = {
  funding: (projectId: number, lines: FundingInput[], fundOf: FundOf) =>
    fundingRows(lines, fundOf).map((f) => ({ project_id: projectId, programme_code: f.programmeCode, fund: f.fund, amount: f.amount })),
  partners: (projectId: number, partners: NonNullable<ProjectInput['partners']>) =>
    partners.map((p) => ({ project_id: projectId, name: p.name, country: p.country.toUpperCase(), type: p.type, role: p.role, municipality_code: p.municipality ?? null })),
  areas: (projectId: number, areas: string[]) => areas.map((area_code) => ({ project_id: projectId, area_code })),
};

/** Lists given replace the old ones; null clears a list, as it clears any other field. */
async function replaceChildren(m: KommunDb, local: number, input: ProjectInput | ProjectUpdateInput, fundOf: FundOf): Promise<void> {
  if (input.funding !== undefined) {
    await m.deleteFrom('funding').where('project_id', '=', local).execute();
    const rows = childRows.funding(local, input.funding ?? [], fundOf);
    if (rows.length) await m.insertInto('funding').values(rows).execute();
  }
  if (input.partners !== undefined) {
    await m.deleteFrom('partner').where('project_id', '=', local).execute();
    const rows = childRows.partners(local, input.partners ?? []);
    if (rows.length) await m.insertInto('partner').values(rows).execute();
  }
  if (input.developmentAreas !== undefined) {
    await m.deleteFrom('project_area').where('project_id', '=', local).execute();
    if (input.developmentAreas?.length) await m.insertInto('project_area').values(childRows.areas(local, input.developmentAreas)).execute();
  }
}

/** The stored values of a new project; a BAD_USER_INPUT naming the field when a rule is broken. */
function newProject(input: ProjectInput, known: CatalogueView) {
  const values = {
    municipality_code: input.municipality,
    title: input.title,
    summary: input.summary ?? null,
    status: input.status,
    start_date: input.startDate,
    end_date: input.endDate ?? null,
    budget_total: input.budget?.total ?? null,
    eu_cofinancing: input.budget?.euCofinancing ?? null,
    currency: input.budget?.currency ?? 'SEK',
    department: input.department ?? null,
    initiative_id: input.initiative ?? null,
    synthetic: false,
  };
  checkProject({ startDate: values.start_date, endDate: values.end_date, budgetTotal: values.budget_total, euCofinancing: values.eu_cofinancing }, input);
  checkCatalogue(input, known);
  // The funding lines' rules (a programme the catalogue lacks needs its fund) are checked here too.
  fundingRows(input.funding ?? [], known.fundOf);
  return values;
}

export async function createProject(ctx: KommunContext, input: ProjectInput): Promise<Project> {
  authorize(ctx, input.municipality);
  const known = await catalogueFor(ctx, [input]);
  const values = newProject(input, known);
  return write(ctx, 'createProject', async (m, read, audit) => {
    const { id } = await m.insertInto('project').values(values).returning('id').executeTakeFirstOrThrow();
    await replaceChildren(m, id, input, known.fundOf);
    await audit('Project', input.municipality, id, null, await auditDocument(m, 'Project', input.municipality, id));
    return (await readProject(read, id))!;
  });
}

/** The most rows one import may hold: a larger file is split, so that one transaction stays short. */
export const IMPORT_MAX_ROWS = 5000;
/** Rows per INSERT statement of an import (PostgreSQL takes at most 65,535 parameters a statement). */
const IMPORT_BATCH = 500;
/** Problems an import's refusal lists in its message; `extensions.fields` holds them all. */
const IMPORT_PROBLEMS_IN_MESSAGE = 20;

export interface ImportOutcome {
  dryRun: boolean;
  count: number;
  projects: Project[];
}

/** Thrown inside a dry run's transaction to roll it back after every statement ran. */
class DryRunRollback extends Error {}

/**
 * Every problem of an import's rows, each field named by its row (`input[17].startDate`): the
 * validators of ProjectInput, the rules createProject applies, and the kommun of each row.
 */
async function importProblems(code: string, rows: ProjectInput[], known: CatalogueView): Promise<FieldProblem[]> {
  const problems: FieldProblem[] = [];
  for (const [i, row] of rows.entries()) {
    const at = `input[${i}]`;
    const invalid = flattenValidationErrors(await validate(row, { skipMissingProperties: true, forbidUnknownValues: false }), at);
    problems.push(...invalid);
    if (row.municipality !== code) problems.push({ field: `${at}.municipality`, problems: [`must be ${code}, the kommun this import is for (got ${row.municipality})`] });
    if (invalid.length) continue;
    try {
      newProject(row, known);
    } catch (e) {
      const fields = e instanceof GraphQLError ? (e.extensions.fields as FieldProblem[] | undefined) : undefined;
      if (!fields) throw e;
      problems.push(...fields.map((f) => ({ field: `${at}.${f.field}`, problems: f.problems })));
    }
  }
  return problems;
}

/**
 * Announces projects created with the change trigger quiet, as the trigger would (see the
 * ProjectChangeEvents migration): one CREATED each, sent when the transaction commits.
 */
async function announceCreated(m: KommunDb, code: string, locals: number[]): Promise<void> {
  await sql`SELECT count(pg_notify('samverkan_project_changed', json_build_object(
       'kind', 'CREATED', 'code', ${code}::text, 'local', id,
       'at', to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))::text))
     FROM unnest(${locals}::int[]) AS id`.execute(m);
}

/** Keeps the change trigger quiet until the transaction ends (see the ProjectChangeEvents migration). */
async function quietChanges(m: KommunDb): Promise<void> {
  await sql`SELECT set_config('samverkan.quiet', 'on', true)`.execute(m);
}

/** Inserts `rows` in statements of IMPORT_BATCH rows. */
async function insertInBatches<T>(rows: T[], insert: (batch: T[]) => Promise<void>): Promise<void> {
  for (let i = 0; i < rows.length; i += IMPORT_BATCH) await insert(rows.slice(i, i + IMPORT_BATCH));
}

/**
 * Creates every row of an import as a project of `code`, in one transaction, each with its audit
 * row: all of them or, when any row is wrong, none (a BAD_USER_INPUT naming every wrong field by
 * its row). `dryRun` checks everything and runs every statement, then rolls back.
 */
export async function importProjects(ctx: KommunContext, code: string, rows: ProjectInput[], dryRun = false): Promise<ImportOutcome> {
  authorize(ctx, code);
  if (!rows.length) throw badInput('input', 'holds no rows');
  if (rows.length > IMPORT_MAX_ROWS) throw badInput('input', `holds ${rows.length} rows; one import takes at most ${IMPORT_MAX_ROWS}: split the file`);
  const known = await catalogueFor(ctx, rows);
  const fundOf = known.fundOf;
  const problems = await importProblems(code, rows, known);
  if (problems.length) {
    const shown = problems.slice(0, IMPORT_PROBLEMS_IN_MESSAGE).map((f) => `${f.field}: ${f.problems.join(', ')}`);
    const more = problems.length > shown.length ? `; and ${problems.length - shown.length} more` : '';
    throw new GraphQLError(`Invalid input: nothing was imported. ${shown.join('; ')}${more}.`, { extensions: { code: 'BAD_USER_INPUT', fields: problems } });
  }
  const values = rows.map((row) => newProject(row, known));
  try {
    return await write(ctx, 'importProjects', async (m, read, _audit, auditAll) => {
      // The change trigger's one event per project costs a setting each, which grows slow by the
      // thousand: the import keeps it quiet and announces its projects itself, in one statement.
      await quietChanges(m);
      const ids: number[] = [];
      await insertInBatches(values, async (batch) => {
        // RETURNING answers in the order of the VALUES, so ids[i] belongs to rows[i].
        const inserted = await m.insertInto('project').values(batch).returning('id').execute();
        ids.push(...inserted.map((x) => x.id));
      });
      const funding = rows.flatMap((row, i) => childRows.funding(ids[i], row.funding ?? [], fundOf));
      await insertInBatches(funding, async (batch) => void (await m.insertInto('funding').values(batch).execute()));
      const partners = rows.flatMap((row, i) => childRows.partners(ids[i], row.partners ?? []));
      await insertInBatches(partners, async (batch) => void (await m.insertInto('partner').values(batch).execute()));
      const areas = rows.flatMap((row, i) => childRows.areas(ids[i], row.developmentAreas ?? []));
      await insertInBatches(areas, async (batch) => void (await m.insertInto('project_area').values(batch).execute()));
      const documents = await projectAuditDocuments(m, code, ids);
      await auditAll('Project', code, ids.map((local) => ({ local, before: null, after: documents.get(local) ?? null })));
      await announceCreated(m, code, ids);
      if (dryRun) throw new DryRunRollback();
      const projects = await read.projectById.loadMany(ids);
      return {
        dryRun: false,
        count: ids.length,
        projects: projects.map((p, i) => {
          if (!p || p instanceof Error) throw new Error(`importProjects could not read back the project it created for input[${i}]`);
          return p;
        }),
      };
    });
  } catch (e) {
    if (e instanceof DryRunRollback) return { dryRun: true, count: rows.length, projects: [] };
    throw e;
  }
}

export async function updateProject(ctx: KommunContext, id: string, input: ProjectUpdateInput): Promise<Project> {
  const { code, local } = ownedId(ctx, id, 'project');
  for (const required of ['title', 'status', 'startDate'] as const) {
    if (input[required] === null) throw badInput(required, 'cannot be cleared');
  }
  const known = await catalogueFor(ctx, [input]);
  checkCatalogue(input, known);
  return write(ctx, 'updateProject', async (m, read, audit) => {
    const current = await m
      .selectFrom('project')
      .select(projectColumns)
      .where('project.id', '=', local)
      .where('project.municipality_code', '=', code)
      .forUpdate()
      .executeTakeFirst();
    if (!current) throw notFound('project', id);
    const before = await auditDocument(m, 'Project', code, local);
    const next: Partial<Project> = {};
    if (input.title !== undefined) next.title = input.title;
    if (input.summary !== undefined) next.summary = input.summary;
    if (input.status !== undefined) next.status = input.status;
    if (input.startDate !== undefined) next.startDate = input.startDate;
    if (input.endDate !== undefined) next.endDate = input.endDate;
    if (input.department !== undefined) next.department = input.department;
    if (input.initiative !== undefined) next.initiativeId = input.initiative;
    if (input.budget === null) {
      next.budgetTotal = null;
      next.euCofinancing = null;
    } else if (input.budget !== undefined) {
      if (input.budget.total !== undefined) next.budgetTotal = input.budget.total;
      if (input.budget.euCofinancing !== undefined) next.euCofinancing = input.budget.euCofinancing;
      if (input.budget.currency === null) throw badInput('budget.currency', 'cannot be cleared');
      if (input.budget.currency !== undefined) next.currency = input.budget.currency;
    }
    checkProject({ ...current, ...next }, input);
    await m
      .updateTable('project')
      .set({
        ...(next.title !== undefined && { title: next.title }),
        ...(next.summary !== undefined && { summary: next.summary }),
        ...(next.status !== undefined && { status: next.status }),
        ...(next.startDate !== undefined && { start_date: next.startDate }),
        ...(next.endDate !== undefined && { end_date: next.endDate }),
        ...(next.department !== undefined && { department: next.department }),
        ...(next.initiativeId !== undefined && { initiative_id: next.initiativeId }),
        ...(next.budgetTotal !== undefined && { budget_total: next.budgetTotal }),
        ...(next.euCofinancing !== undefined && { eu_cofinancing: next.euCofinancing }),
        ...(next.currency !== undefined && { currency: next.currency }),
        updated_at: sql<Date>`now()`,
      })
      .where('id', '=', local)
      .execute();
    await replaceChildren(m, local, input, known.fundOf);
    await audit('Project', code, local, before, await auditDocument(m, 'Project', code, local));
    return (await readProject(read, local))!;
  });
}

export async function deleteProject(ctx: KommunContext, id: string): Promise<string> {
  const { code, local } = ownedId(ctx, id, 'project');
  await write(ctx, 'deleteProject', async (m, _read, audit) => {
    const before = await auditDocument(m, 'Project', code, local, true);
    if (!before) throw notFound('project', id);
    await m.deleteFrom('project').where('id', '=', local).where('municipality_code', '=', code).execute();
    await audit('Project', code, local, before, null);
  });
  return formatId(code, 'project', local);
}

function uniqueViolation(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: string }).code === '23505';
}

export async function createMembership(ctx: KommunContext, input: MembershipInput): Promise<Membership> {
  authorize(ctx, input.municipality);
  try {
    return await write(ctx, 'createMembership', async (m, read, audit) => {
      const { id: local } = await m
        .insertInto('membership')
        .values({
          municipality_code: input.municipality,
          network_id: input.network,
          since: input.since ?? null,
          decided_by: input.decidedBy ?? null,
          decision_date: input.decisionDate ?? null,
          forums: input.forums ?? [],
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await audit('Membership', input.municipality, local, null, await auditDocument(m, 'Membership', input.municipality, local));
      return (await read.membershipById.load(local))!;
    });
  } catch (e) {
    if (uniqueViolation(e)) throw badInput('network', `kommun ${input.municipality} is already a member of ${input.network}`);
    throw e;
  }
}

export async function updateMembership(ctx: KommunContext, id: string, input: MembershipUpdateInput): Promise<Membership> {
  const { code, local } = ownedId(ctx, id, 'membership');
  for (const required of ['network'] as const) {
    if (input[required] === null) throw badInput(required, 'cannot be cleared');
  }
  const next: Updateable<KommunTables['membership']> = {};
  if (input.network !== undefined) next.network_id = input.network;
  if (input.since !== undefined) next.since = input.since;
  if (input.decidedBy !== undefined) next.decided_by = input.decidedBy;
  if (input.decisionDate !== undefined) next.decision_date = input.decisionDate;
  if (input.forums !== undefined) next.forums = input.forums;
  try {
    return await write(ctx, 'updateMembership', async (m, read, audit) => {
      const before = await auditDocument(m, 'Membership', code, local, true);
      if (!before) throw notFound('membership', id);
      if (Object.keys(next).length) await m.updateTable('membership').set(next).where('id', '=', local).where('municipality_code', '=', code).execute();
      await audit('Membership', code, local, before, await auditDocument(m, 'Membership', code, local));
      return (await read.membershipById.load(local))!;
    });
  } catch (e) {
    if (uniqueViolation(e)) throw badInput('network', `kommun ${code} is already a member of ${input.network}`);
    throw e;
  }
}

export async function deleteMembership(ctx: KommunContext, id: string): Promise<string> {
  const { code, local } = ownedId(ctx, id, 'membership');
  await write(ctx, 'deleteMembership', async (m, _read, audit) => {
    const before = await auditDocument(m, 'Membership', code, local, true);
    if (!before) throw notFound('membership', id);
    await m.deleteFrom('membership').where('id', '=', local).where('municipality_code', '=', code).execute();
    await audit('Membership', code, local, before, null);
  });
  return formatId(code, 'membership', local);
}

async function loadTwinTown(m: KommunDb, code: string, local: number): Promise<TwinTown | null> {
  return (await m.selectFrom('twin_town').select(COLUMNS.twin_town).where('id', '=', local).where('municipality_code', '=', code).executeTakeFirst()) ?? null;
}

export async function createTwinTown(ctx: KommunContext, input: TwinTownInput): Promise<TwinTown> {
  authorize(ctx, input.municipality);
  return write(ctx, 'createTwinTown', async (m, _read, audit) => {
    const { id: local } = await m
      .insertInto('twin_town')
      .values({ municipality_code: input.municipality, city: input.city, country: input.country.toUpperCase(), since: input.since ?? null, focus: input.focus ?? [] })
      .returning('id')
      .executeTakeFirstOrThrow();
    await audit('TwinTown', input.municipality, local, null, await auditDocument(m, 'TwinTown', input.municipality, local));
    return (await loadTwinTown(m, input.municipality, local))!;
  });
}

export async function updateTwinTown(ctx: KommunContext, id: string, input: TwinTownUpdateInput): Promise<TwinTown> {
  const { code, local } = ownedId(ctx, id, 'twintown');
  for (const required of ['city', 'country'] as const) {
    if (input[required] === null) throw badInput(required, 'cannot be cleared');
  }
  const next: Updateable<KommunTables['twin_town']> = {};
  if (input.city !== undefined) next.city = input.city;
  if (input.country !== undefined) next.country = input.country.toUpperCase();
  if (input.since !== undefined) next.since = input.since;
  if (input.focus !== undefined) next.focus = input.focus;
  return write(ctx, 'updateTwinTown', async (m, _read, audit) => {
    const before = await auditDocument(m, 'TwinTown', code, local, true);
    if (!before) throw notFound('twin town', id);
    if (Object.keys(next).length) await m.updateTable('twin_town').set(next).where('id', '=', local).where('municipality_code', '=', code).execute();
    await audit('TwinTown', code, local, before, await auditDocument(m, 'TwinTown', code, local));
    return (await loadTwinTown(m, code, local))!;
  });
}

export async function deleteTwinTown(ctx: KommunContext, id: string): Promise<string> {
  const { code, local } = ownedId(ctx, id, 'twintown');
  await write(ctx, 'deleteTwinTown', async (m, _read, audit) => {
    const before = await auditDocument(m, 'TwinTown', code, local, true);
    if (!before) throw notFound('twin town', id);
    await m.deleteFrom('twin_town').where('id', '=', local).where('municipality_code', '=', code).execute();
    await audit('TwinTown', code, local, before, null);
  });
  return formatId(code, 'twintown', local);
}

export async function setStrategy(ctx: KommunContext, code: string, input: StrategyInput): Promise<Strategy> {
  authorize(ctx, code);
  return write(ctx, 'setStrategy', async (m, _read, audit) => {
    const before = await auditDocument(m, 'Strategy', code, null, true);
    await m
      .insertInto('strategy')
      .values({
        municipality_code: code,
        title: input.title,
        adopted_by: input.adoptedBy,
        adopted_on: input.adoptedOn ?? null,
        priorities: input.priorities,
        summary: input.summary ?? null,
        updated_at: new Date(),
      })
      .onConflict((oc) =>
        oc.column('municipality_code').doUpdateSet((eb) => ({
          title: eb.ref('excluded.title'),
          adopted_by: eb.ref('excluded.adopted_by'),
          adopted_on: eb.ref('excluded.adopted_on'),
          priorities: eb.ref('excluded.priorities'),
          summary: eb.ref('excluded.summary'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
    await audit('Strategy', code, null, before, await auditDocument(m, 'Strategy', code, null));
    return (await m.selectFrom('strategy').select(COLUMNS.strategy).where('municipality_code', '=', code).executeTakeFirst())!;
  });
}

export async function deleteStrategy(ctx: KommunContext, code: string): Promise<boolean> {
  authorize(ctx, code);
  // No strategy to delete is no change: false, and no audit row.
  return write(ctx, 'deleteStrategy', async (m, _read, audit) => {
    const before = await auditDocument(m, 'Strategy', code, null, true);
    if (!before) return false;
    await m.deleteFrom('strategy').where('municipality_code', '=', code).execute();
    await audit('Strategy', code, null, before, null);
    return true;
  });
}

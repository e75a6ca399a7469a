import { sql, type ExpressionBuilder, type SelectQueryBuilder } from 'kysely';
import { jsonbObject, type AuditDocument } from '@samverkan/subgraph-kit';
import { anyOf } from './project-query';
import type { KommunDb, KommunTables } from './tables';

type Doc<T extends keyof KommunTables> = SelectQueryBuilder<KommunTables, T, { doc: AuditDocument }>;
const toJsonb = (value: unknown) => sql`to_jsonb(${value})`;
const emptyIfNull = (list: unknown) => sql`coalesce((${list}), '[]'::jsonb)`;

/**
 * What the kommun's audit rows hold of each entity: its stored fields as the API names them, a
 * reference as its id or code, a project with its funding lines, partners and development areas.
 * The entity's own key is the row's entityId, and timestamps are the row's `at`: neither is
 * repeated here, so that before and after differ only where the write changed something.
 */
function projectDocument(eb: ExpressionBuilder<KommunTables, 'project'>) {
  return jsonbObject({
    title: eb.ref('project.title'),
    summary: eb.ref('project.summary'),
    status: eb.ref('project.status'),
    startDate: eb.ref('project.start_date'),
    endDate: eb.ref('project.end_date'),
    budget: jsonbObject({
      total: eb.cast('project.budget_total', 'float8'),
      euCofinancing: eb.cast('project.eu_cofinancing', 'float8'),
      currency: eb.ref('project.currency'),
    }),
    department: eb.ref('project.department'),
    initiative: eb.ref('project.initiative_id'),
    synthetic: eb.ref('project.synthetic'),
    funding: emptyIfNull(
      eb
        .selectFrom('funding as f')
        .select((f) =>
          f.fn
            .agg('jsonb_agg', [jsonbObject({ programme: f.ref('f.programme_code'), fund: f.ref('f.fund'), amount: f.cast('f.amount', 'float8') })])
            .orderBy('f.id')
            .as('list'),
        )
        .whereRef('f.project_id', '=', 'project.id'),
    ),
    partners: emptyIfNull(
      eb
        .selectFrom('partner as x')
        .select((x) =>
          x.fn
            .agg('jsonb_agg', [
              jsonbObject({
                name: x.ref('x.name'),
                country: x.ref('x.country'),
                type: x.ref('x.type'),
                role: x.ref('x.role'),
                municipality: x.ref('x.municipality_code'),
              }),
            ])
            .orderBy('x.id')
            .as('list'),
        )
        .whereRef('x.project_id', '=', 'project.id'),
    ),
    developmentAreas: emptyIfNull(
      eb
        .selectFrom('project_area as a')
        .select((a) => a.fn.agg('jsonb_agg', ['a.area_code']).orderBy('a.area_code').as('list'))
        .whereRef('a.project_id', '=', 'project.id'),
    ),
  });
}

const DOCUMENTS = {
  Project: (db: KommunDb, code: string, local: number | null): Doc<'project'> =>
    db
      .selectFrom('project')
      .select((eb) => projectDocument(eb).as('doc'))
      .where('project.id', '=', local!)
      .where('project.municipality_code', '=', code),
  Membership: (db: KommunDb, code: string, local: number | null): Doc<'membership'> =>
    db
      .selectFrom('membership')
      .select((eb) =>
        jsonbObject({
          network: eb.ref('network_id'),
          since: eb.ref('since'),
          decidedBy: eb.ref('decided_by'),
          decisionDate: eb.ref('decision_date'),
          forums: toJsonb(eb.ref('forums')),
        }).as('doc'),
      )
      .where('id', '=', local!)
      .where('municipality_code', '=', code),
  TwinTown: (db: KommunDb, code: string, local: number | null): Doc<'twin_town'> =>
    db
      .selectFrom('twin_town')
      .select((eb) => jsonbObject({ city: eb.ref('city'), country: eb.ref('country'), since: eb.ref('since'), focus: toJsonb(eb.ref('focus')) }).as('doc'))
      .where('id', '=', local!)
      .where('municipality_code', '=', code),
  Strategy: (db: KommunDb, code: string): Doc<'strategy'> =>
    db
      .selectFrom('strategy')
      .select((eb) =>
        jsonbObject({
          title: eb.ref('title'),
          adoptedBy: eb.ref('adopted_by'),
          adoptedOn: eb.ref('adopted_on'),
          priorities: toJsonb(eb.ref('priorities')),
          summary: eb.ref('summary'),
        }).as('doc'),
      )
      .where('municipality_code', '=', code),
} as const;

/** The kinds of entity a kommun's audit log records: the GraphQL types of the contract. */
export type AuditedEntity = keyof typeof DOCUMENTS;
export const AUDITED_ENTITIES = Object.keys(DOCUMENTS) as AuditedEntity[];

/** Every mutation of the kommun contract, each of which writes audit rows. */
export const AUDITED_OPERATIONS = [
  'createProject',
  'updateProject',
  'deleteProject',
  'createMembership',
  'updateMembership',
  'deleteMembership',
  'createTwinTown',
  'updateTwinTown',
  'deleteTwinTown',
  'setStrategy',
  'deleteStrategy',
  'importProjects',
] as const;

/**
 * An entity's audit document, read on the write's transaction; null when it does not exist.
 * `lock` takes the row for update first, so that the document read before a change is the one the
 * change replaces. A strategy has no local id: it is the kommun's (pass null).
 */
export async function auditDocument(db: KommunDb, entity: AuditedEntity, code: string, local: number | null, lock = false): Promise<AuditDocument> {
  const query = DOCUMENTS[entity](db, code, local) as Doc<keyof KommunTables>;
  // FOR UPDATE OF the entity's own table: a project's document reads its children too, which stay unlocked.
  const row = await (lock ? query.forUpdate(entity === 'Project' ? 'project' : undefined) : query).executeTakeFirst();
  return row?.doc ?? null;
}

/** The audit documents of many of a kommun's projects at once (an import's), by local id, in one statement. */
export async function projectAuditDocuments(db: KommunDb, code: string, locals: number[]): Promise<Map<number, AuditDocument>> {
  const rows = await db
    .selectFrom('project')
    .select((eb) => ['project.id', projectDocument(eb).as('doc')])
    .where('project.id', '=', anyOf(locals, 'int'))
    .where('project.municipality_code', '=', code)
    .execute();
  return new Map(rows.map((r) => [Number(r.id), r.doc]));
}

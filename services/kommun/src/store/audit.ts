import type { AuditDocument, AuditQueryable } from '@samverkan/subgraph-kit';

/**
 * What the kommun's audit rows hold of each entity: its stored fields as the API names them, a
 * reference as its id or code, a project with its funding lines, partners and development areas.
 * The entity's own key is the row's entityId, and timestamps are the row's `at`: neither is
 * repeated here, so that before and after differ only where the write changed something.
 */
const PROJECT_DOCUMENT = `jsonb_build_object(
      'title', p.title, 'summary', p.summary, 'status', p.status, 'startDate', p.start_date, 'endDate', p.end_date,
      'budget', jsonb_build_object('total', p.budget_total::float8, 'euCofinancing', p.eu_cofinancing::float8, 'currency', p.currency),
      'department', p.department, 'initiative', p.initiative_id, 'synthetic', p.synthetic,
      'funding', coalesce((SELECT jsonb_agg(jsonb_build_object('programme', f.programme_code, 'fund', f.fund, 'amount', f.amount::float8) ORDER BY f.id)
        FROM funding f WHERE f.project_id = p.id), '[]'::jsonb),
      'partners', coalesce((SELECT jsonb_agg(jsonb_build_object('name', x.name, 'country', x.country, 'type', x.type, 'role', x.role,
        'municipality', x.municipality_code) ORDER BY x.id) FROM partner x WHERE x.project_id = p.id), '[]'::jsonb),
      'developmentAreas', coalesce((SELECT jsonb_agg(a.area_code ORDER BY a.area_code) FROM project_area a WHERE a.project_id = p.id), '[]'::jsonb)
    )`;

const DOCUMENTS = {
  Project: `
    SELECT ${PROJECT_DOCUMENT} AS doc FROM project p WHERE p.id = $1 AND p.municipality_code = $2`,
  Membership: `
    SELECT jsonb_build_object('network', network_id, 'since', since, 'decidedBy', decided_by, 'decisionDate', decision_date, 'forums', to_jsonb(forums)) AS doc
    FROM membership WHERE id = $1 AND municipality_code = $2`,
  TwinTown: `
    SELECT jsonb_build_object('city', city, 'country', country, 'since', since, 'focus', to_jsonb(focus)) AS doc
    FROM twin_town WHERE id = $1 AND municipality_code = $2`,
  Strategy: `
    SELECT jsonb_build_object('title', title, 'adoptedBy', adopted_by, 'adoptedOn', adopted_on, 'priorities', to_jsonb(priorities), 'summary', summary) AS doc
    FROM strategy WHERE municipality_code = $1`,
} as const;

const LOCKED_TABLE = { Project: 'p', Membership: 'membership', TwinTown: 'twin_town', Strategy: 'strategy' } as const;

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
export async function auditDocument(q: AuditQueryable, entity: AuditedEntity, code: string, local: number | null, lock = false): Promise<AuditDocument> {
  const sql = DOCUMENTS[entity] + (lock ? ` FOR UPDATE OF ${LOCKED_TABLE[entity]}` : '');
  const rows: Array<{ doc: AuditDocument }> = await q.query(sql, entity === 'Strategy' ? [code] : [local, code]);
  return rows[0]?.doc ?? null;
}

/** The audit documents of many of a kommun's projects at once (an import's), by local id, in one statement. */
export async function projectAuditDocuments(q: AuditQueryable, code: string, locals: number[]): Promise<Map<number, AuditDocument>> {
  const rows: Array<{ id: number; doc: AuditDocument }> = await q.query(
    `SELECT p.id, ${PROJECT_DOCUMENT} AS doc FROM project p WHERE p.id = ANY($1::bigint[]) AND p.municipality_code = $2`,
    [locals, code],
  );
  return new Map(rows.map((r) => [Number(r.id), r.doc]));
}

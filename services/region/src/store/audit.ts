import type { AuditDocument, AuditQueryable } from '@samverkan/subgraph-kit';

/**
 * What the region's audit rows hold of each entity: its stored fields as the API names them, a
 * reference as its id or code. The entity's own key is the row's entityId and is not repeated.
 */
const DOCUMENTS = {
  Municipality: `
    SELECT jsonb_build_object('name', name, 'officialName', official_name, 'county', county, 'population', population,
      'subgraphUrl', subgraph_url, 'joinedAt', joined_at) AS doc
    FROM member WHERE code = $1`,
  DevelopmentArea: `
    SELECT jsonb_build_object('name', name, 'nameEn', name_en, 'order', ord, 'agreement', agreement_id) AS doc
    FROM development_area WHERE code = $1`,
  Agreement: `
    SELECT jsonb_build_object('title', title, 'parties', to_jsonb(parties), 'decided', decided, 'signed', signed,
      'followUp', follow_up, 'developmentAreas', to_jsonb(development_areas)) AS doc
    FROM agreement WHERE id = $1`,
  Network: `
    SELECT jsonb_build_object('name', name, 'founded', founded, 'memberCount', member_count, 'countries', countries,
      'description', description, 'forums', to_jsonb(forums)) AS doc
    FROM network WHERE id = $1`,
  FundingProgramme: `
    SELECT jsonb_build_object('name', name, 'fund', fund, 'period', period) AS doc
    FROM funding_programme WHERE code = $1`,
  JointInitiative: `
    SELECT jsonb_build_object('name', name, 'description', description, 'started', started, 'programme', programme_code,
      'developmentAreas', to_jsonb(development_areas), 'lead', lead, 'partners', to_jsonb(partners)) AS doc
    FROM joint_initiative WHERE id = $1`,
} as const;

/** The kinds of entity the region's audit log records: the GraphQL types of the region subgraph. */
export type AuditedEntity = keyof typeof DOCUMENTS;
export const AUDITED_ENTITIES = Object.keys(DOCUMENTS) as AuditedEntity[];

/** Every mutation of the region subgraph, each of which writes audit rows. */
export const AUDITED_OPERATIONS = [
  'upsertMember',
  'removeMember',
  'upsertDevelopmentArea',
  'deleteDevelopmentArea',
  'upsertNetwork',
  'deleteNetwork',
  'upsertFundingProgramme',
  'deleteFundingProgramme',
  'upsertJointInitiative',
  'deleteJointInitiative',
] as const;

/**
 * An entity's audit document, read on the write's transaction; null when it does not exist.
 * `lock` takes the row for update first, so that the document read before a change is the one the
 * change replaces.
 */
export async function auditDocument(q: AuditQueryable, entity: AuditedEntity, key: string, lock = false): Promise<AuditDocument> {
  const rows: Array<{ doc: AuditDocument }> = await q.query(DOCUMENTS[entity] + (lock ? ' FOR UPDATE' : ''), [key]);
  return rows[0]?.doc ?? null;
}

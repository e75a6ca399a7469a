import { sql, type ExpressionBuilder, type SelectQueryBuilder } from 'kysely';
import { jsonbObject, type AuditDocument } from '@samverkan/subgraph-kit';
import type { RegionDb, RegionTables } from './tables';

type Doc<T extends keyof RegionTables> = SelectQueryBuilder<RegionTables, T, { doc: AuditDocument }>;
const toJsonb = <T extends keyof RegionTables>(eb: ExpressionBuilder<RegionTables, T>, column: Parameters<typeof eb.ref>[0]) => sql`to_jsonb(${eb.ref(column)})`;

/**
 * What the region's audit rows hold of each entity: its stored fields as the API names them, a
 * reference as its id or code. The entity's own key is the row's entityId and is not repeated.
 */
const DOCUMENTS = {
  Municipality: (db: RegionDb, key: string): Doc<'member'> =>
    db
      .selectFrom('member')
      .select((eb) =>
        jsonbObject({
          name: eb.ref('name'),
          officialName: eb.ref('official_name'),
          county: eb.ref('county'),
          population: eb.ref('population'),
          subgraphUrl: eb.ref('subgraph_url'),
          joinedAt: eb.ref('joined_at'),
        }).as('doc'),
      )
      .where('code', '=', key),
  DevelopmentArea: (db: RegionDb, key: string): Doc<'development_area'> =>
    db
      .selectFrom('development_area')
      .select((eb) => jsonbObject({ name: eb.ref('name'), nameEn: eb.ref('name_en'), order: eb.ref('ord'), agreement: eb.ref('agreement_id') }).as('doc'))
      .where('code', '=', key),
  Agreement: (db: RegionDb, key: string): Doc<'agreement'> =>
    db
      .selectFrom('agreement')
      .select((eb) =>
        jsonbObject({
          title: eb.ref('title'),
          parties: toJsonb(eb, 'parties'),
          decided: eb.ref('decided'),
          signed: eb.ref('signed'),
          followUp: eb.ref('follow_up'),
          developmentAreas: toJsonb(eb, 'development_areas'),
        }).as('doc'),
      )
      .where('id', '=', key),
  Network: (db: RegionDb, key: string): Doc<'network'> =>
    db
      .selectFrom('network')
      .select((eb) =>
        jsonbObject({
          name: eb.ref('name'),
          founded: eb.ref('founded'),
          memberCount: eb.ref('member_count'),
          countries: eb.ref('countries'),
          description: eb.ref('description'),
          forums: toJsonb(eb, 'forums'),
        }).as('doc'),
      )
      .where('id', '=', key),
  FundingProgramme: (db: RegionDb, key: string): Doc<'funding_programme'> =>
    db
      .selectFrom('funding_programme')
      .select((eb) => jsonbObject({ name: eb.ref('name'), fund: eb.ref('fund'), period: eb.ref('period') }).as('doc'))
      .where('code', '=', key),
  JointInitiative: (db: RegionDb, key: string): Doc<'joint_initiative'> =>
    db
      .selectFrom('joint_initiative')
      .select((eb) =>
        jsonbObject({
          name: eb.ref('name'),
          description: eb.ref('description'),
          started: eb.ref('started'),
          programme: eb.ref('programme_code'),
          developmentAreas: toJsonb(eb, 'development_areas'),
          lead: eb.ref('lead'),
          partners: toJsonb(eb, 'partners'),
        }).as('doc'),
      )
      .where('id', '=', key),
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
export async function auditDocument(db: RegionDb, entity: AuditedEntity, key: string, lock = false): Promise<AuditDocument> {
  const query = DOCUMENTS[entity](db, key) as Doc<keyof RegionTables>;
  const row = await (lock ? query.forUpdate() : query).executeTakeFirst();
  return row?.doc ?? null;
}

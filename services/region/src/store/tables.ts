import type { ColumnType, Insertable, Kysely } from 'kysely';
import type { DataSource } from 'typeorm';
import { kyselyOver, type AuditLogTable, type StatementTally } from '@samverkan/subgraph-kit';
import type { Fund } from '@samverkan/contract';

/*
 * The region's tables and columns, named once: every statement of the region subgraph is built
 * by Kysely from these types, so renaming a column here (after its migration) makes each use of
 * the old name a compile error. The migrations create the tables; `tables.db.test.ts` checks that
 * these definitions and the migrated database agree.
 */

/** A column the database fills by default when an insert leaves it out. */
type Defaulted<T> = ColumnType<T, T | undefined, T>;

export interface RegionTable {
  id: string;
  name: string;
  name_short: string;
  population_year: number | null;
}

export interface MemberTable {
  code: string;
  name: string;
  official_name: string | null;
  county: string;
  population: number | null;
  subgraph_url: string | null;
  joined_at: ColumnType<Date, never, never>;
}

export interface AgreementTable {
  id: string;
  title: string;
  parties: Defaulted<string[]>;
  decided: string | null;
  signed: string | null;
  follow_up: string | null;
  development_areas: Defaulted<string[]>;
}

export interface DevelopmentAreaTable {
  code: string;
  name: string;
  name_en: string | null;
  ord: number | null;
  agreement_id: string | null;
}

export interface NetworkTable {
  id: string;
  name: string;
  founded: number | null;
  member_count: number | null;
  countries: number | null;
  description: string | null;
  forums: Defaulted<string[]>;
}

export interface FundingProgrammeTable {
  code: string;
  name: string;
  fund: Fund;
  period: string | null;
}

export interface JointInitiativeTable {
  id: string;
  name: string;
  description: string | null;
  started: number | null;
  programme_code: string | null;
  development_areas: Defaulted<string[]>;
  lead: string | null;
  partners: Defaulted<string[]>;
}

export interface RegionTables {
  region: RegionTable;
  member: MemberTable;
  agreement: AgreementTable;
  development_area: DevelopmentAreaTable;
  network: NetworkTable;
  funding_programme: FundingProgrammeTable;
  joint_initiative: JointInitiativeTable;
  audit_log: AuditLogTable;
}

export type RegionDb = Kysely<RegionTables>;

/** The region database's query builder, over its data source; with a request's tally, that request's own (see kyselyOver). */
export function regionDb(ds: DataSource, tally?: StatementTally): RegionDb {
  return kyselyOver<RegionTables>(ds, tally);
}

/** A table's row as the API's entity names its fields: each column once, aliased where the names differ. */
export const COLUMNS = {
  region: ['id', 'name', 'name_short as nameShort', 'population_year as populationYear'],
  member: ['code', 'name', 'official_name as officialName', 'county', 'population', 'subgraph_url as subgraphUrl', 'joined_at as joinedAt'],
  agreement: ['id', 'title', 'parties', 'decided', 'signed', 'follow_up as followUp', 'development_areas as developmentAreaCodes'],
  development_area: ['code', 'name', 'name_en as nameEn', 'ord as order', 'agreement_id as agreementId'],
  network: ['id', 'name', 'founded', 'member_count as memberCount', 'countries', 'description', 'forums'],
  funding_programme: ['code', 'name', 'fund', 'period'],
  joint_initiative: [
    'id',
    'name',
    'description',
    'started',
    'programme_code as programmeCode',
    'development_areas as developmentAreaCodes',
    'lead',
    'partners',
  ],
} as const;

/** Adds members to the registry, or replaces their entries by kommunkod (`joined_at` stays as it was): the one upsert of the seed and of upsertMember. */
export function putMembers(db: RegionDb, rows: Array<Insertable<MemberTable>>) {
  return db
    .insertInto('member')
    .values(rows)
    .onConflict((oc) =>
      oc.column('code').doUpdateSet((eb) => ({
        name: eb.ref('excluded.name'),
        official_name: eb.ref('excluded.official_name'),
        county: eb.ref('excluded.county'),
        population: eb.ref('excluded.population'),
        subgraph_url: eb.ref('excluded.subgraph_url'),
      })),
    )
    .execute();
}

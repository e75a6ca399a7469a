import type { ColumnType, ExpressionBuilder, Generated, Kysely } from 'kysely';
import type { DataSource } from 'typeorm';
import { kyselyOver, type KommunAuditLogTable, type StatementTally } from '@samverkan/subgraph-kit';
import type { DecidingBody, Fund, PartnerRole, PartnerType, ProjectStatus } from '@samverkan/contract';

/*
 * The kommun's tables and columns, named once: every statement of the kommun subgraph (the
 * keyset pages, the stats, the DataLoader batches, the writes and their audit documents) is built
 * by Kysely from these types, so renaming a column here (after its migration) makes each use of
 * the old name a compile error. The migrations create the tables; `tables.db.test.ts` checks that
 * these definitions and the migrated database agree.
 */

/** A column the database fills by default when an insert leaves it out. */
type Defaulted<T> = ColumnType<T, T | undefined, T>;
/** numeric: pg reads it as a string (select it `::float8` for a number); written as a number. */
type Numeric = ColumnType<string, number, number>;
/** A date, kept as 'YYYY-MM-DD' (see setDateParsers). */
type DateText = string;

export interface ProjectTable {
  id: Generated<number>;
  municipality_code: string;
  title: string;
  summary: string | null;
  status: ProjectStatus;
  start_date: DateText;
  end_date: DateText | null;
  budget_total: Numeric | null;
  eu_cofinancing: Numeric | null;
  currency: Defaulted<string>;
  department: string | null;
  initiative_id: string | null;
  synthetic: Defaulted<boolean>;
  created_at: ColumnType<Date, never, never>;
  updated_at: ColumnType<Date, never, Date>;
  /** Generated from title, summary and department (the text filter). */
  search: ColumnType<string, never, never>;
}

export interface FundingTable {
  id: Generated<number>;
  project_id: number;
  programme_code: string;
  fund: Fund;
  amount: Numeric;
}

export interface PartnerTable {
  id: Generated<number>;
  project_id: number;
  name: string;
  country: string;
  type: PartnerType;
  role: PartnerRole;
  municipality_code: string | null;
}

export interface ProjectAreaTable {
  project_id: number;
  area_code: string;
}

export interface MembershipTable {
  id: Generated<number>;
  municipality_code: string;
  network_id: string;
  since: DateText | null;
  decided_by: DecidingBody | null;
  decision_date: DateText | null;
  forums: Defaulted<string[]>;
}

export interface TwinTownTable {
  id: Generated<number>;
  municipality_code: string;
  city: string;
  country: string;
  since: number | null;
  focus: Defaulted<string[]>;
}

export interface StrategyTable {
  municipality_code: string;
  title: string;
  adopted_by: DecidingBody;
  adopted_on: DateText | null;
  priorities: Defaulted<string[]>;
  summary: string | null;
  updated_at: Defaulted<Date>;
}

export interface KommunTables {
  project: ProjectTable;
  funding: FundingTable;
  partner: PartnerTable;
  project_area: ProjectAreaTable;
  membership: MembershipTable;
  twin_town: TwinTownTable;
  strategy: StrategyTable;
  audit_log: KommunAuditLogTable;
}

export type KommunDb = Kysely<KommunTables>;

/** The kommun database's query builder, over its data source; with a request's tally, that request's own (see kyselyOver). */
export function kommunDb(ds: DataSource, tally?: StatementTally): KommunDb {
  return kyselyOver<KommunTables>(ds, tally);
}

/** A project row as the entity names its fields (numerics as numbers): each column once. */
export function projectColumns(eb: ExpressionBuilder<KommunTables, 'project'>) {
  return [
    'project.id as localId',
    'project.municipality_code as municipalityCode',
    'project.title',
    'project.summary',
    'project.status',
    'project.start_date as startDate',
    'project.end_date as endDate',
    eb.cast<number | null>('project.budget_total', 'float8').as('budgetTotal'),
    eb.cast<number | null>('project.eu_cofinancing', 'float8').as('euCofinancing'),
    'project.currency',
    'project.department',
    'project.initiative_id as initiativeId',
    'project.synthetic',
    'project.created_at as createdAt',
    'project.updated_at as updatedAt',
  ] as const;
}

/** The entity's names of the other tables' columns. */
export const COLUMNS = {
  partner: ['id', 'project_id as projectId', 'name', 'country', 'type', 'role', 'municipality_code as municipalityCode'],
  membership: ['id as localId', 'municipality_code as municipalityCode', 'network_id as networkId', 'since', 'decided_by as decidedBy', 'decision_date as decisionDate', 'forums'],
  twin_town: ['id as localId', 'municipality_code as municipalityCode', 'city', 'country', 'since', 'focus'],
  strategy: ['municipality_code as municipalityCode', 'title', 'adopted_by as adoptedBy', 'adopted_on as adoptedOn', 'priorities', 'summary', 'updated_at as updatedAt'],
} as const;

import { expressionBuilder, sql, type Expression, type SqlBool } from 'kysely';
import type { ProjectFilter, ProjectStatsGroup } from '../graphql/types';
import { ProjectDimension, type Fund, type ProjectStatus } from '../graphql/enums';
import { filterConditions, statements } from './project-query';
import type { KommunDb, KommunTables, ProjectAreaTable } from './tables';

/** A project's funding summed per project and per the dimensions asked (programme, fund), as the table `f`. */
interface FundingSums {
  project_id: number;
  programme_code: string;
  fund: Fund;
  amount: string;
}

const eb = expressionBuilder<KommunTables & { a: ProjectAreaTable; f: FundingSums }, 'project' | 'a' | 'f'>();

const DIMENSION: Record<ProjectDimension, Expression<unknown>> = {
  MUNICIPALITY: sql`${eb.ref('project.municipality_code')}::text`,
  DEVELOPMENT_AREA: eb.ref('a.area_code'),
  PROGRAMME: eb.ref('f.programme_code'),
  FUND: eb.ref('f.fund'),
  STATUS: eb.ref('project.status'),
  START_YEAR: sql`extract(year FROM ${eb.ref('project.start_date')})::int`,
  INITIATIVE: eb.ref('project.initiative_id'),
};

/** The group's stable key: the dimensions in the order asked, with their values. */
export function groupKey(dims: readonly ProjectDimension[], values: ReadonlyArray<unknown>): string {
  return dims.map((d, i) => `${d}=${values[i] ?? ''}`).join('|');
}

/**
 * Counts and budget sums per group, in one statement, ordered by the dimensions' values in the
 * order asked, each ascending (text by code point, years as numbers, a missing value last): the
 * order the gateway merges groups from every kommun in. A project appears once in each group it
 * belongs to: grouped by development area, a project serving two areas counts in both; grouped by
 * programme or fund, its funding lines are summed per programme or fund first, so no sum counts a
 * project twice within one group.
 */
export async function projectStats(
  db: KommunDb,
  filter: ProjectFilter | undefined,
  groupBy: readonly ProjectDimension[],
): Promise<ProjectStatsGroup[]> {
  const dims = [...new Set(groupBy)];
  const rows: Array<Record<string, unknown>> = await statements.execute(db, 'stats', dims, { filter }, (dims, { filter }) => {
    const where = filterConditions(filter);
    const fundingCols = dims.flatMap((d) => (d === ProjectDimension.PROGRAMME ? ['programme_code' as const] : d === ProjectDimension.FUND ? ['fund' as const] : []));
    // Text by code point (COLLATE "C"), as the gateway compares; years are numbers.
    const dimExprs = dims.map((d, i) => (d === ProjectDimension.START_YEAR ? sql`${DIMENSION[d]}` : sql`${DIMENSION[d]} COLLATE "C"`).as(`d${i}`));
    return db
      .selectFrom('project')
      .$if(dims.includes(ProjectDimension.DEVELOPMENT_AREA), (q) => q.leftJoin('project_area as a', 'a.project_id', 'project.id'))
      .leftJoin(
        (q) =>
          q
            .selectFrom('funding')
            .select(['project_id', ...fundingCols])
            .select(sql<string>`sum(amount)`.as('amount'))
            .groupBy(['project_id', ...fundingCols])
            .as('f'),
        (join) => join.on(sql<SqlBool>`${eb.ref('f.project_id')} = ${eb.ref('project.id')}`),
      )
      .select([
        ...dimExprs,
        sql<number>`count(*)::int`.as('count'),
        sql<number>`coalesce(sum(${eb.ref('project.budget_total')}), 0)::float8`.as('budgetTotal'),
        sql<number>`coalesce(sum(${eb.ref('project.eu_cofinancing')}), 0)::float8`.as('euCofinancing'),
        sql<number>`coalesce(sum(${eb.ref('f.amount')}), 0)::float8`.as('fundingAmount'),
      ])
      .$if(where.length > 0, (q) => q.where(eb.and(where)))
      .$if(dims.length > 0, (q) =>
        dims.reduce((ordered, _, i) => ordered.orderBy(sql.ref(`d${i}`), (o) => o.asc().nullsLast()), q.groupBy(dims.map((_, i) => sql.ref(`d${i}`)))),
      );
  });
  return rows.map((r) => {
      const values = dims.map((_, i) => r[`d${i}`] as string | number | null);
      const value = (d: ProjectDimension) => {
        const i = dims.indexOf(d);
        return i < 0 ? null : values[i];
      };
      const code = (d: ProjectDimension) => (value(d) === null ? null : String(value(d)));
      return {
        key: groupKey(dims, values),
        municipality: code(ProjectDimension.MUNICIPALITY) ? { code: code(ProjectDimension.MUNICIPALITY)! } : null,
        developmentArea: code(ProjectDimension.DEVELOPMENT_AREA) ? { code: code(ProjectDimension.DEVELOPMENT_AREA)! } : null,
        programme: code(ProjectDimension.PROGRAMME) ? { code: code(ProjectDimension.PROGRAMME)! } : null,
        fund: (value(ProjectDimension.FUND) as Fund | null) ?? null,
        status: (value(ProjectDimension.STATUS) as ProjectStatus | null) ?? null,
        startYear: (value(ProjectDimension.START_YEAR) as number | null) ?? null,
        initiative: code(ProjectDimension.INITIATIVE) ? { id: code(ProjectDimension.INITIATIVE)! } : null,
        count: r.count as number,
        budgetTotal: r.budgetTotal as number,
        euCofinancing: r.euCofinancing as number,
        fundingAmount: r.fundingAmount as number,
      };
    });
}

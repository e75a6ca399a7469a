import type { DataSource } from 'typeorm';
import type { ProjectFilter, ProjectStatsGroup } from '../graphql/types';
import { ProjectDimension, type Fund, type ProjectStatus } from '../graphql/enums';
import { filterConditions } from './project-query';
import { Params } from './sql';

const DIMENSION_SQL: Record<ProjectDimension, string> = {
  MUNICIPALITY: 'p.municipality_code::text',
  DEVELOPMENT_AREA: 'a.area_code',
  PROGRAMME: 'f.programme_code',
  FUND: 'f.fund',
  STATUS: 'p.status',
  START_YEAR: 'extract(year FROM p.start_date)::int',
  INITIATIVE: 'p.initiative_id',
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
  db: DataSource,
  filter: ProjectFilter | undefined,
  groupBy: readonly ProjectDimension[],
): Promise<ProjectStatsGroup[]> {
  const dims = [...new Set(groupBy)];
  const params = new Params();
  const where = filterConditions(filter, params);
  const fundingDims = dims.filter((d) => d === ProjectDimension.PROGRAMME || d === ProjectDimension.FUND);
  const fundingCols = fundingDims.map((d) => (d === ProjectDimension.PROGRAMME ? 'programme_code' : 'fund'));
  // Text by code point (COLLATE "C"), as the gateway compares; years are numbers.
  const dimExprs = dims.map((d, i) => `${DIMENSION_SQL[d]}${d === ProjectDimension.START_YEAR ? '' : ' COLLATE "C"'} AS d${i}`);
  const sql = `SELECT ${[...dimExprs, 'count(*)::int AS count'].join(', ')},
      coalesce(sum(p.budget_total), 0)::float8 AS "budgetTotal",
      coalesce(sum(p.eu_cofinancing), 0)::float8 AS "euCofinancing",
      coalesce(sum(f.amount), 0)::float8 AS "fundingAmount"
    FROM project p
    ${dims.includes(ProjectDimension.DEVELOPMENT_AREA) ? 'LEFT JOIN project_area a ON a.project_id = p.id' : ''}
    LEFT JOIN (
      SELECT project_id${fundingCols.map((c) => `, ${c}`).join('')}, sum(amount) AS amount
      FROM funding GROUP BY project_id${fundingCols.map((c) => `, ${c}`).join('')}
    ) f ON f.project_id = p.id
    ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
    ${dims.length ? `GROUP BY ${dims.map((_, i) => `d${i}`).join(', ')} ORDER BY ${dims.map((_, i) => `d${i} NULLS LAST`).join(', ')}` : ''}`;
  const rows: Array<Record<string, unknown>> = await db.query(sql, params.values);
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

import { comparePositions, decodeCursor, type CursorPosition, type GraphQLBody } from '@samverkan/common';
import { generateProjects } from '../seed/synthetic';
import { startKommun, type KommunHarness } from './harness';

/**
 * Keyset cursors: paging through a list visits every project that existed when paging began
 * exactly once, in order, even while projects are inserted between pages.
 */
let h: KommunHarness;
beforeAll(async () => {
  // A combined instance of two kommuner, so that ties in the sort value break on the kommunkod too.
  h = await startKommun(['1480', '1481'], [
    { code: '1480', projects: generateProjects('1480', 60), memberships: [], twinTowns: [] },
    { code: '1481', projects: generateProjects('1481', 60), memberships: [], twinTowns: [] },
  ]);
});
afterAll(() => h.stop());

const PAGE = `query($f: ProjectFilter, $o: ProjectOrder, $first: Int, $after: String) {
  projects(filter: $f, orderBy: $o, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id title startDate budget { total } } }
  } }`;

/** Copies a few existing projects (same sort values, new ids): they land before and after the cursor. */
async function insertCopies(n: number): Promise<void> {
  await h.server.db.query(
    `INSERT INTO project (municipality_code, title, summary, status, start_date, end_date, budget_total, eu_cofinancing, currency, synthetic)
     SELECT municipality_code, title, summary, status, start_date, end_date, budget_total, eu_cofinancing, currency, true
     FROM project ORDER BY md5(id::text || $1) LIMIT $2`,
    [String(Math.random()), n],
  );
}

async function currentIds(filterSql = 'true'): Promise<Set<string>> {
  const rows: Array<{ code: string; id: number }> = await h.server.db.query(
    `SELECT municipality_code AS code, id FROM project p WHERE ${filterSql}`,
  );
  return new Set(rows.map((r) => `${r.code}:project:${r.id}`));
}

const cases: Array<{ name: string; order: { field: string; direction: string }; filter?: Record<string, unknown>; filterSql?: string; first: number }> = [
  { name: 'start date, newest first', order: { field: 'START_DATE', direction: 'DESC' }, first: 7 },
  { name: 'start date, oldest first', order: { field: 'START_DATE', direction: 'ASC' }, first: 13 },
  { name: 'budget, largest first', order: { field: 'BUDGET_TOTAL', direction: 'DESC' }, first: 10 },
  { name: 'EU co-financing, ascending', order: { field: 'EU_COFINANCING', direction: 'ASC' }, first: 9 },
  { name: 'title', order: { field: 'TITLE', direction: 'ASC' }, first: 25 },
  { name: 'id, descending', order: { field: 'ID', direction: 'DESC' }, first: 1 },
  {
    name: 'ongoing in 1481 by budget',
    order: { field: 'BUDGET_TOTAL', direction: 'DESC' },
    filter: { municipalities: ['1481'], status: ['ONGOING', 'COMPLETED'] },
    filterSql: `municipality_code = '1481' AND status IN ('ONGOING','COMPLETED')`,
    first: 4,
  },
];

describe('keyset pagination', () => {
  it.each(cases)('visits every project once, in order: $name', async ({ order, filter, filterSql, first }) => {
    const before = await currentIds(filterSql);
    const seen: string[] = [];
    const positions: CursorPosition[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const { body }: { body: GraphQLBody } = await h.gql(PAGE, { f: filter, o: order, first, after });
      expect(body.errors).toBeUndefined();
      const conn: any = body.data.projects;
      for (const edge of conn.edges) {
        seen.push(edge.node.id);
        positions.push(decodeCursor(edge.cursor));
      }
      pages++;
      if (!conn.pageInfo.hasNextPage) break;
      expect(conn.edges).toHaveLength(first);
      after = conn.pageInfo.endCursor;
      if (pages % 2 === 1) await insertCopies(3);
    }
    expect(new Set(seen).size).toBe(seen.length);
    for (const id of before) expect(seen).toContain(id);
    for (let i = 1; i < positions.length; i++) expect(comparePositions(positions[i - 1], positions[i])).toBeLessThan(0);
    expect(pages).toBeGreaterThan(2);
  });

  it('rejects a cursor from another order, a forged cursor and a page size out of range', async () => {
    const { body: first } = await h.gql(PAGE, { o: { field: 'TITLE', direction: 'ASC' }, first: 2 });
    const cursor = first.data.projects.pageInfo.endCursor;
    const wrongOrder = await h.gql(PAGE, { o: { field: 'TITLE', direction: 'DESC' }, first: 2, after: cursor });
    expect(wrongOrder.body.errors[0].message).toMatch(/after: the cursor belongs to the order TITLE ASC/);
    const forged = await h.gql(PAGE, { first: 2, after: 'bm90LWEtY3Vyc29y' });
    expect(forged.body.errors[0].message).toMatch(/after: the cursor is not one this API issued/);
    expect(forged.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    const tooMany = await h.gql(PAGE, { first: 101 });
    expect(tooMany.body.errors[0].message).toMatch(/first must be between 0 and 100/);
    const negative = await h.gql(PAGE, { first: -1 });
    expect(negative.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });
});

import { comparePositions, decodeCursor, type CursorPosition } from '@samverkan/contract';
import { type GraphQLBody } from '@samverkan/testing';
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
    expect(negative.body.errors[0].extensions.code).toBe('PAGE_SIZE_EXCEEDED');
  });
});

describe('TITLE order outside the Basic Multilingual Plane', () => {
  // Characters above U+FFFF (UTF-16 surrogate pairs) beside U+E000–U+FFFF, where UTF-16 code unit
  // order and code point order part; the same titles in both kommuner, so ties break on kommunkod.
  const TAILS = ['Zz\u{1F600}', 'Zz\u{FB00}', 'Zz\u{FFFD}', 'Zz\u{E000}', 'Zz\u{10000}', 'Zz\u{1D538}b', 'Zz\u{1D538}', 'Zz\u{D7FF}', 'Zzå', 'ZzZ', 'Zz'];
  const created: Array<{ id: string; title: string; code: string; local: number }> = [];
  beforeAll(async () => {
    for (const code of ['1480', '1481']) {
      const token = await h.editor(code);
      for (const tail of code === '1480' ? TAILS : TAILS.slice(0, 6)) {
        const { body } = await h.gql('mutation($i: ProjectInput!) { createProject(input: $i) { id title } }', { i: { municipality: code, title: `Kodpunkt ${tail}`, status: 'PLANNED', startDate: '2026-01-01' } }, token);
        expect(body.errors).toBeUndefined();
        const { id, title } = body.data.createProject;
        created.push({ id, title, code, local: Number(id.split(':')[2]) });
      }
    }
  });

  /** The reference: UTF-8 byte order of the title (PostgreSQL's "C"), then kommunkod, then id. */
  const byUtf8 = (a: (typeof created)[number], b: (typeof created)[number]) =>
    Buffer.compare(Buffer.from(a.title, 'utf8'), Buffer.from(b.title, 'utf8')) || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0) || a.local - b.local;

  it.each(['ASC', 'DESC'])('paging one by one, %s, gives the code point order that the gateway merges by', async (direction) => {
    const expected = [...created].sort((a, b) => (direction === 'ASC' ? byUtf8(a, b) : byUtf8(b, a))).map((p) => p.id);
    const o = { field: 'TITLE', direction };
    const f = { text: 'Kodpunkt' };
    const { body: whole } = await h.gql(PAGE, { f, o, first: 100 });
    expect(whole.data.projects.edges.map((e: any) => e.node.id)).toEqual(expected);
    const walked: Array<{ id: string; position: CursorPosition }> = [];
    let after: string | null = null;
    for (let i = 0; i <= expected.length; i++) {
      const { body }: { body: GraphQLBody } = await h.gql(PAGE, { f, o, first: 1, after });
      expect(body.errors).toBeUndefined();
      const conn: any = body.data.projects;
      walked.push(...conn.edges.map((e: any) => ({ id: e.node.id, position: decodeCursor(e.cursor) })));
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
    }
    expect(walked.map((w) => w.id)).toEqual(expected);
    // The gateway orders the shards' rows by their cursors: it must agree with the kommun's own order.
    expect([...walked].sort((a, b) => comparePositions(a.position, b.position)).map((w) => w.id)).toEqual(expected);
  });
});

import { sql } from 'kysely';
import { StatementCache } from '@samverkan/subgraph-kit';
import { createTestDatabase, type TestDatabase } from '@samverkan/testing';
import { connectAndMigrate, createDataSource } from '../data-source';
import { OrderDirection, ProjectOrderField, ProjectStatus } from '../graphql/enums';
import type { ProjectFilter } from '../graphql/types';
import { cursorOf, loadPages, normalizePage, pagesQuery, statements, type Scope } from '../store/project-query';
import { kommunDb, type KommunDb } from '../store/tables';
import { seedKommun } from '../seed/seeder';
import { createRng, generateProjects, type Rng } from '../seed/synthetic';

/**
 * Statements built once per shape and sent again with other values must answer what the same
 * statement built afresh from those values answers; a builder that reads a value beyond whether
 * it is set must not be replayed.
 */
let database: TestDatabase;
let ds: ReturnType<typeof createDataSource>;
let db: KommunDb;
beforeAll(async () => {
  database = await createTestDatabase();
  ds = createDataSource({ url: database.url, poolSize: 2 });
  await connectAndMigrate(ds);
  await seedKommun(ds, { code: '1480', projects: generateProjects('1480', 300), memberships: [], twinTowns: [] });
  db = kommunDb(ds);
});
afterAll(async () => {
  await ds.destroy();
  await database.drop();
});

const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)];

function drawFilter(rng: Rng): ProjectFilter | undefined {
  const f: ProjectFilter = {};
  if (rng() < 0.7) f.status = [...new Set([pick(rng, Object.values(ProjectStatus)), pick(rng, Object.values(ProjectStatus))])];
  if (rng() < 0.3) f.activeOn = `${2015 + Math.floor(rng() * 11)}-0${1 + Math.floor(rng() * 9)}-01`;
  if (rng() < 0.2) f.startDate = rng() < 0.5 ? { from: '2018-01-01' } : { from: '2017-01-01', to: `${2019 + Math.floor(rng() * 5)}-12-31` };
  if (rng() < 0.2) f.text = pick(rng, ['', 'EU', 'projekt', 'a -b', '"x y"']);
  if (rng() < 0.2) f.synthetic = rng() < 0.5;
  return rng() < 0.2 ? undefined : f;
}

describe('a page statement replayed for its shape', () => {
  it('answers, over generated values, what the statement built afresh answers', async () => {
    const rng = createRng('1480', 7, 'statement-cache');
    for (let i = 0; i < 150; i++) {
      const scope: Scope = pick(rng, ['root', 'municipality'] as const);
      const keys = scope === 'root' ? ['*'] : ['1480'];
      const filter = drawFilter(rng);
      const orderBy = { field: pick(rng, Object.values(ProjectOrderField)), direction: pick(rng, Object.values(OrderDirection)) };
      const first = pick(rng, [0, 1, 3, 10, 40]);
      let page = normalizePage({ orderBy, first });
      if (rng() < 0.5) {
        const rows = (await pagesQuery(db, scope, keys, filter, normalizePage({ orderBy, first: 20 })).execute()) as Array<Parameters<typeof cursorOf>[0]>;
        if (rows.length) page = normalizePage({ orderBy, first, after: cursorOf(pick(rng, rows), orderBy) });
      }
      const extras = { count: rng() < 0.5, areas: rng() < 0.5 };
      const afresh = await pagesQuery(db, scope, keys, filter, page, extras).execute();
      const replayed = await loadPages(db, scope, keys, filter, page, extras);
      const rows = replayed.get(keys[0])!.rows;
      expect(rows.map((r) => r.localId)).toEqual(afresh.filter((r) => r.localId != null).slice(0, first).map((r) => r.localId));
      if (extras.count) expect(replayed.get(keys[0])!.totalCount).toBe((afresh[0] as { totalCount?: number } | undefined)?.totalCount);
    }
    // Fewer shapes kept than statements run: most were replays.
    expect(statements.size).toBeLessThan(150);
  });
});

describe('StatementCache', () => {
  const count = (dbx: KommunDb, v: { status: string[] | null; min: number }) =>
    dbx
      .selectFrom('project')
      .select(sql<number>`count(*)::int`.as('n'))
      .$if(v.status !== null, (q) => q.where(sql<boolean>`status = any(${v.status}::text[])`))
      .where('id', '>=', v.min);

  it('keeps one shape per set of values set, and fills each run with its own values', async () => {
    const cache = new StatementCache();
    const direct = async (v: { status: string[] | null; min: number }) => (await count(db, v).execute())[0].n;
    for (const v of [
      { status: ['ONGOING'], min: 5 },
      { status: ['COMPLETED', 'PLANNED'], min: 100 },
      { status: null, min: 7 },
      { status: null, min: 200 },
      // A falsy value is shape, not parameter: 0 is its own shape.
      { status: ['ONGOING'], min: 0 },
    ]) {
      const [{ n }] = await cache.execute(db, 'count', null, v, (_, values) => count(db, values));
      expect(n).toBe(await direct(v));
    }
    expect(cache.size).toBe(3);
  });

  it('builds afresh every time a builder reads a value beyond whether it is set', async () => {
    const cache = new StatementCache();
    const written: string[] = [];
    const write = process.stderr.write;
    process.stderr.write = ((chunk: string) => written.push(String(chunk)) > 0) as unknown as typeof process.stderr.write;
    try {
      // The limit is computed from the value: replaying the first run's text would be wrong.
      const build = (_: null, v: { n: number }) => db.selectFrom('project').select('id').orderBy('id').limit(v.n * 2);
      for (const n of [1, 3, 5]) {
        const rows = await cache.execute(db, 'doubled', null, { n }, build);
        expect(rows).toHaveLength(n * 2);
      }
    } finally {
      process.stderr.write = write;
    }
    expect(written.join('')).toContain('StatementCache: doubled');
  });
});

import { createTestDatabase, type TestDatabase } from '@samverkan/testing';
import { connectAndMigrate, createDataSource } from '../data-source';
import { OrderDirection, ProjectOrderField, ProjectStatus } from '../graphql/enums';
import type { ProjectFilter } from '../graphql/types';
import { createLoaders } from '../store/loaders';
import { countMatches, cursorOf, loadPages, normalizePage, type Scope } from '../store/project-query';
import { kommunDb } from '../store/tables';
import { seedKommun } from '../seed/seeder';
import { createRng, generateProjects, type Rng } from '../seed/synthetic';

/**
 * A page's statement can also read its list's count and its rows' development areas, funding
 * lines and partners (what a query asks next). Over generated lists (scopes with several parents,
 * filters, orders, page sizes from 0, cursors), that one statement must answer exactly what the
 * statements answer apart: the page, countMatches, and the loaders of each relation.
 */
let database: TestDatabase;
let ds: ReturnType<typeof createDataSource>;
let areaCodes: string[];
let programmeCodes: string[];
beforeAll(async () => {
  database = await createTestDatabase();
  ds = createDataSource({ url: database.url, poolSize: 2 });
  await connectAndMigrate(ds);
  await seedKommun(ds, { code: '1480', projects: generateProjects('1480', 400), memberships: [], twinTowns: [] });
  areaCodes = (await ds.query('SELECT DISTINCT area_code FROM project_area ORDER BY 1')).map((r: { area_code: string }) => r.area_code);
  programmeCodes = (await ds.query('SELECT DISTINCT programme_code FROM funding ORDER BY 1')).map((r: { programme_code: string }) => r.programme_code);
});
afterAll(async () => {
  await ds.destroy();
  await database.drop();
});

const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)];
function some<T>(rng: Rng, items: readonly T[], max: number): T[] {
  return [...new Set(Array.from({ length: 1 + Math.floor(rng() * max) }, () => pick(rng, items)))];
}

function drawScope(rng: Rng): { scope: Scope; keys: string[] } {
  switch (pick(rng, ['root', 'municipality', 'area', 'programme'] as const)) {
    case 'root':
      return { scope: 'root', keys: ['*'] };
    case 'municipality':
      // A kommun of this database and one that is not: its page is empty and its count 0.
      return { scope: 'municipality', keys: rng() < 0.7 ? ['1480'] : ['1480', '9999'] };
    case 'area':
      return { scope: 'area', keys: [...some(rng, areaCodes, 4), ...(rng() < 0.3 ? ['NO-SUCH-AREA'] : [])] };
    case 'programme':
      return { scope: 'programme', keys: some(rng, programmeCodes, 3) };
  }
}

function drawFilter(rng: Rng): ProjectFilter | undefined {
  if (rng() < 0.3) return undefined;
  const f: ProjectFilter = { status: some(rng, Object.values(ProjectStatus), 3) };
  if (rng() < 0.2) f.developmentAreas = some(rng, areaCodes, 2);
  if (rng() < 0.2) f.activeOn = `${2016 + Math.floor(rng() * 10)}-06-15`;
  return f;
}

describe('a page read with its count and areas in one statement', () => {
  it.each(Array.from({ length: 60 }, (_, i) => i))('answers as the separate statements do (case %i)', async (i) => {
    const rng = createRng('1480', i, 'fused-page');
    const db = kommunDb(ds);
    const { scope, keys } = drawScope(rng);
    const filter = drawFilter(rng);
    const orderBy = { field: pick(rng, Object.values(ProjectOrderField)), direction: pick(rng, Object.values(OrderDirection)) };
    const first = pick(rng, [0, 1, 5, 20, 50]);
    let page = normalizePage({ orderBy, first });
    if (rng() < 0.4) {
      // After a position within the first parent's list.
      const start = (await loadPages(db, scope, keys, filter, normalizePage({ orderBy, first: 10 }))).get(keys[0])!.rows;
      if (start.length) page = normalizePage({ orderBy, first, after: cursorOf(pick(rng, start), orderBy) });
    }

    const fused = await loadPages(db, scope, keys, filter, page, { count: true, areas: true, funding: true, partners: true });
    const apart = await loadPages(db, scope, keys, filter, page);
    const counts = await countMatches(db, scope, keys, filter);
    const loaders = createLoaders(db);

    expect([...fused.keys()]).toEqual(keys);
    for (const key of keys) {
      const f = fused.get(key)!;
      const a = apart.get(key)!;
      expect(f.rows.map((r) => [r.localId, r.sortValue, r.title])).toEqual(a.rows.map((r) => [r.localId, r.sortValue, r.title]));
      expect(f.hasNextPage).toBe(a.hasNextPage);
      expect(f.totalCount).toBe(counts.get(key));
      const areas = await Promise.all(a.rows.map((r) => loaders.areasByProject.load(r.localId)));
      expect(a.rows.map((r) => f.areas!.get(r.localId))).toEqual(areas.map((list) => list.map((x) => x.areaCode)));
      const funding = await Promise.all(a.rows.map((r) => loaders.fundingByProject.load(r.localId)));
      expect(a.rows.map((r) => f.funding!.get(r.localId))).toStrictEqual(funding);
      const partners = await Promise.all(a.rows.map((r) => loaders.partnersByProject.load(r.localId)));
      expect(a.rows.map((r) => f.partners!.get(r.localId))).toStrictEqual(partners);
    }
  });

  it('reads a count for a parent whose page is empty, and no row for it', async () => {
    const db = kommunDb(ds);
    const page = normalizePage({ first: 5 });
    const fused = await loadPages(db, 'area', ['NO-SUCH-AREA', areaCodes[0]], undefined, page, { count: true });
    expect(fused.get('NO-SUCH-AREA')).toMatchObject({ rows: [], hasNextPage: false, totalCount: 0 });
    expect(fused.get(areaCodes[0])!.rows).toHaveLength(5);
    expect(fused.get(areaCodes[0])!.totalCount).toBeGreaterThan(5);
  });
});

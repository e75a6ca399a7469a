import { generateProjects, mulberry32, type Rng } from '../seed/synthetic';
import type { SeedProject } from '../seed/types';
import { startKommun, type KommunHarness } from './harness';

/**
 * The date filters of contract 1.3: `startDate` and `activeDuring` (a DateRange each), against the
 * same rule computed here in plain code from the seeded records, for lists, totalCount and
 * projectStats alike; `activeOn: d` answers exactly what `activeDuring: { from: d, to: d }` does.
 */
const seeds = { '1480': generateProjects('1480', 90), '1481': generateProjects('1481', 60) };
const all = Object.entries(seeds).flatMap(([code, projects]) => projects.map((p) => ({ code, p })));
let h: KommunHarness;
beforeAll(async () => {
  h = await startKommun(['1480', '1481'], Object.entries(seeds).map(([code, projects]) => ({ code, projects, memberships: [], twinTowns: [] })));
});
afterAll(() => h.stop());

type Range = { from?: string; to?: string };

const LIST = `query($f: ProjectFilter) { projects(filter: $f, first: 100, orderBy: { field: TITLE }) { totalCount nodes { title startDate endDate municipality { code } } } }`;
const STATS = `query($f: ProjectFilter) { projectStats(filter: $f) { count budgetTotal } byYear: projectStats(filter: $f, groupBy: [START_YEAR]) { key count } }`;

/** Every project matching the filter, by walking whole pages (sorted by title, code, start). */
async function matches(filter: Record<string, unknown>): Promise<{ totalCount: number; keys: string[] }> {
  const { body } = await h.gql(LIST, { f: filter });
  expect(body.errors).toBeUndefined();
  const conn = body.data.projects;
  expect(conn.totalCount).toBeLessThanOrEqual(100);
  return { totalCount: conn.totalCount, keys: conn.nodes.map((n: any) => `${n.municipality.code}|${n.title}|${n.startDate}|${n.endDate}`).sort() };
}

const keyOf = ({ code, p }: { code: string; p: SeedProject }) => `${code}|${p.title}|${p.startDate}|${p.endDate ?? null}`;
const startsWithin = (p: SeedProject, r: Range) => (r.from === undefined || p.startDate >= r.from) && (r.to === undefined || p.startDate <= r.to);
const runsDuring = (p: SeedProject, r: Range) => (r.to === undefined || p.startDate <= r.to) && (r.from === undefined || p.endDate == null || p.endDate >= r.from);

function shiftDay(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** A date near one of the kommun's projects' first and last days (on one, or a day off), or now and then anywhere. */
function dayFrom(rng: Rng, code?: string): string {
  const pool = code ? all.filter((x) => x.code === code) : all;
  const { p } = pool[Math.floor(rng() * pool.length)];
  const base = rng() < 0.5 || !p.endDate ? p.startDate : p.endDate;
  return rng() < 0.1 ? `20${10 + Math.floor(rng() * 20)}-0${1 + Math.floor(rng() * 9)}-15` : shiftDay(base, Math.floor(rng() * 3) - 1);
}

function rangeFrom(rng: Rng, code: string): Range {
  const r = rng();
  if (r < 0.05) return {};
  if (r < 0.25) return { from: dayFrom(rng, code) };
  if (r < 0.45) return { to: dayFrom(rng, code) };
  const [a, b] = [dayFrom(rng, code), dayFrom(rng, code)].sort();
  return r < 0.55 ? { from: a, to: a } : { from: a, to: b };
}

// Lists are read whole with `first: 100`: the generated ranges are narrowed by kommun to stay under it.
const CASES = 40;

describe('filter.startDate and filter.activeDuring', () => {
  it(`answer what the rule gives, in lists, totalCount and stats (${CASES} generated ranges each)`, async () => {
    const rng = mulberry32(13);
    for (let i = 0; i < CASES; i++) {
      for (const [field, rule] of [['startDate', startsWithin], ['activeDuring', runsDuring]] as const) {
        const code = i % 2 ? '1480' : '1481';
        const range = rangeFrom(rng, code);
        const filter = { municipalities: [code], [field]: range };
        const want = all.filter((x) => x.code === code && rule(x.p, range));
        const got = await matches(filter);
        expect({ field, range, keys: got.keys, totalCount: got.totalCount }).toEqual({ field, range, keys: want.map(keyOf).sort(), totalCount: want.length });
        const { body } = await h.gql(STATS, { f: filter });
        expect(body.errors).toBeUndefined();
        expect(body.data.projectStats[0].count).toBe(want.length);
        expect(body.data.projectStats[0].budgetTotal).toBeCloseTo(want.reduce((s, x) => s + (x.p.budgetTotal ?? 0), 0), 2);
        const years = new Map<string, number>();
        for (const x of want) years.set(`START_YEAR=${x.p.startDate.slice(0, 4)}`, (years.get(`START_YEAR=${x.p.startDate.slice(0, 4)}`) ?? 0) + 1);
        expect(body.data.byYear.map((g: any) => [g.key, g.count])).toEqual([...years].sort());
      }
    }
  });

  it('activeOn: d answers what activeDuring: { from: d, to: d } does (generated dates, with other criteria)', async () => {
    const rng = mulberry32(1503);
    let nonEmpty = 0;
    for (let i = 0; i < 40; i++) {
      const d = dayFrom(rng);
      const extra = [{}, { municipalities: ['1480'] }, { status: ['ONGOING', 'COMPLETED'] }, { synthetic: true }][i % 4];
      const on = await h.gql(LIST, { f: { ...extra, activeOn: d } });
      const during = await h.gql(LIST, { f: { ...extra, activeDuring: { from: d, to: d } } });
      expect(on.body.errors).toBeUndefined();
      expect(during.body).toEqual(on.body);
      if (on.body.data.projects.totalCount > 0) nonEmpty++;
    }
    // The comparison is worth something only when some lists hold projects.
    expect(nonEmpty).toBeGreaterThan(10);
  });

  it('an omitted end leaves its side open, and an empty range keeps every project', async () => {
    const { body } = await h.gql(`{ a: projects(first: 0) { totalCount } b: projects(first: 0, filter: { startDate: {}, activeDuring: {} }) { totalCount } }`);
    expect(body.errors).toBeUndefined();
    expect(body.data.b.totalCount).toBe(body.data.a.totalCount);
    expect(body.data.a.totalCount).toBe(all.length);
  });

  it.each(['startDate', 'activeDuring'])('a %s range whose from is after its to is a user error naming the field, in lists and stats', async (field) => {
    const f = { [field]: { from: '2024-02-01', to: '2024-01-31' } };
    for (const query of [LIST, STATS]) {
      const { status, body } = await h.gql(query, { f });
      expect(status).toBe(200);
      expect(body.data).toBeNull();
      expect(body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
      expect(body.errors[0].message).toContain(`${field}.to`);
      expect(body.errors[0].message).toMatch(/2024-01-31.*before.*2024-02-01/);
    }
    // A well-formed range of one day is no error.
    const { body } = await h.gql(LIST, { f: { [field]: { from: '2024-01-31', to: '2024-01-31' } } });
    expect(body.errors).toBeUndefined();
  });

  it('a date that is not a LocalDate is refused by the schema, naming the value', async () => {
    const { body } = await h.gql(LIST, { f: { activeDuring: { from: '2024-13-01' } } });
    expect(body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(body.errors[0].message).toContain('2024-13-01');
  });
});

import { generateProjects } from '../seed/synthetic';
import type { SeedProject } from '../seed/types';
import { startKommun, type KommunHarness } from './harness';

/** projectStats against the same figures computed here, in plain code, from the seeded records. */
const seeds = { '1480': generateProjects('1480', 120), '1481': generateProjects('1481', 80) };
let h: KommunHarness;
beforeAll(async () => {
  h = await startKommun(['1480', '1481'], Object.entries(seeds).map(([code, projects]) => ({ code, projects, memberships: [], twinTowns: [] })));
});
afterAll(() => h.stop());

type Dim = 'MUNICIPALITY' | 'DEVELOPMENT_AREA' | 'PROGRAMME' | 'FUND' | 'STATUS' | 'START_YEAR' | 'INITIATIVE';
interface Group { key: string; count: number; budgetTotal: number; euCofinancing: number; fundingAmount: number }

/** Expands a project into one row per group it belongs to, with the funding that group sees. */
function expectedStats(dims: Dim[], keep: (code: string, p: SeedProject) => boolean): Group[] {
  const groups = new Map<string, Group>();
  for (const [code, projects] of Object.entries(seeds)) {
    for (const p of projects) {
      if (!keep(code, p)) continue;
      const fundingDims = dims.filter((d) => d === 'PROGRAMME' || d === 'FUND');
      const fundingGroups = new Map<string, { values: Record<string, string>; amount: number }>();
      for (const f of p.funding) {
        const values: Record<string, string> = { PROGRAMME: f.programme, FUND: f.fund };
        const k = fundingDims.map((d) => values[d]).join('|');
        const g = fundingGroups.get(k) ?? { values, amount: 0 };
        g.amount += f.amount;
        fundingGroups.set(k, g);
      }
      const fundingRows = fundingGroups.size ? [...fundingGroups.values()] : [{ values: {} as Record<string, string>, amount: 0 }];
      const areas: Array<string | undefined> = dims.includes('DEVELOPMENT_AREA') && p.developmentAreas.length ? [...new Set(p.developmentAreas)] : [undefined];
      for (const area of areas) {
        for (const fr of fundingRows) {
          const value: Record<Dim, unknown> = {
            MUNICIPALITY: code,
            DEVELOPMENT_AREA: area,
            PROGRAMME: fr.values.PROGRAMME,
            FUND: fr.values.FUND,
            STATUS: p.status,
            START_YEAR: Number(p.startDate.slice(0, 4)),
            INITIATIVE: p.initiative,
          };
          const key = dims.map((d) => `${d}=${value[d] ?? ''}`).join('|');
          const g = groups.get(key) ?? { key, count: 0, budgetTotal: 0, euCofinancing: 0, fundingAmount: 0 };
          g.count++;
          g.budgetTotal += p.budgetTotal ?? 0;
          g.euCofinancing += p.euCofinancing ?? 0;
          g.fundingAmount += fr.amount;
          groups.set(key, g);
        }
      }
    }
  }
  return [...groups.values()].sort((a, b) => (a.key < b.key ? -1 : 1));
}

const QUERY = `query($g: [ProjectDimension!], $f: ProjectFilter) { projectStats(groupBy: $g, filter: $f) {
  key count budgetTotal euCofinancing fundingAmount municipality { code } fund startYear } }`;

const round = (groups: Group[]) =>
  groups.map((g) => ({ ...g, budgetTotal: Math.round(g.budgetTotal), euCofinancing: Math.round(g.euCofinancing), fundingAmount: Math.round(g.fundingAmount) }));

describe('projectStats', () => {
  const combos: Dim[][] = [[], ['MUNICIPALITY'], ['FUND'], ['PROGRAMME', 'DEVELOPMENT_AREA'], ['STATUS', 'START_YEAR'], ['INITIATIVE', 'MUNICIPALITY'], ['MUNICIPALITY', 'FUND', 'STATUS']];
  it.each(combos.map((c) => [c.join(', ') || '(none)', c] as const))('adds up per group: %s', async (_name, dims) => {
    const { body } = await h.gql(QUERY, { g: dims });
    expect(body.errors).toBeUndefined();
    const got: Group[] = body.data.projectStats.map(({ key, count, budgetTotal, euCofinancing, fundingAmount }: Group) => ({ key, count, budgetTotal, euCofinancing, fundingAmount }));
    got.sort((a, b) => (a.key < b.key ? -1 : 1));
    expect(round(got)).toEqual(round(expectedStats(dims, () => true)));
  });

  it('respects the filter and fills the key fields', async () => {
    const { body } = await h.gql(QUERY, { g: ['MUNICIPALITY', 'FUND'], f: { status: ['ONGOING'], municipalities: ['1481'] } });
    expect(body.errors).toBeUndefined();
    const expected = expectedStats(['MUNICIPALITY', 'FUND'], (code, p) => code === '1481' && p.status === 'ONGOING');
    expect(body.data.projectStats.map((g: Group) => g.key).sort()).toEqual(expected.map((g) => g.key));
    for (const g of body.data.projectStats) {
      expect(g.municipality).toEqual({ code: '1481' });
      expect(g.key).toContain(`FUND=${g.fund ?? ''}`);
      expect(g.startYear).toBeNull();
    }
  });
});

import { startE2ERegion, type E2ERegion } from './harness';

/**
 * Fields that every kommun answers a part of, reached through one kommun's data, at any depth:
 * each must be answered by every shard and merged, exactly as when asked at the top.
 */
let region: E2ERegion;
beforeAll(async () => {
  region = await startE2ERegion({ syntheticProjects: 30 });
}, 120_000);
afterAll(() => region?.stop());

async function data(query: string): Promise<any> {
  const { body } = await region.gql(query);
  expect(body.errors).toBeUndefined();
  return body.data;
}

/** totalCount of each item's `projects` at the top of the query, by its key. */
async function topTotals(list: string, key: string): Promise<Map<string, number>> {
  const d = await data(`{ ${list} { ${key} projects(first: 0) { totalCount } } }`);
  return new Map(d[list].map((x: any) => [x[key], x.projects.totalCount]));
}

/** Some project of Göteborg's that has every kind of link (areas, funding, an initiative). */
async function linkedProject(): Promise<string> {
  const d = await data('{ projects(first: 100, filter: { municipalities: ["1480"] }) { nodes { id developmentAreas { code } funding { fund } initiative { id } } } }');
  const p = d.projects.nodes.find((n: any) => n.developmentAreas.length && n.funding.length && n.initiative);
  expect(p).toBeDefined();
  return p.id;
}

describe('broadcast fields nested under a kommun\'s entity equal the same fields at the top', () => {
  it("a project's development areas' projects", async () => {
    const id = await linkedProject();
    const top = await topTotals('developmentAreas', 'code');
    const d = await data(`{ project(id: "${id}") { developmentAreas { code projects(first: 2) { totalCount nodes { id } } } } }`);
    for (const a of d.project.developmentAreas) {
      expect([a.code, a.projects.totalCount]).toEqual([a.code, top.get(a.code)]);
      // The page is the region's, not Göteborg's alone.
      const atTop = await data(`{ developmentAreas { code projects(first: 2) { nodes { id } } } }`);
      expect(a.projects.nodes).toEqual(atTop.developmentAreas.find((x: any) => x.code === a.code).projects.nodes);
    }
  });

  it("a project's funding programmes' and initiative's projects, and the initiative's participants", async () => {
    const id = await linkedProject();
    const programmes = await topTotals('fundingProgrammes', 'code');
    const initiatives = await data('{ jointInitiatives { id projects(first: 0) { totalCount } participants { code } } }');
    const d = await data(`{ project(id: "${id}") { funding { programme { code projects(first: 0) { totalCount } } } initiative { id projects(first: 0) { totalCount } participants { code } } } }`);
    for (const f of d.project.funding) expect([f.programme.code, f.programme.projects.totalCount]).toEqual([f.programme.code, programmes.get(f.programme.code)]);
    const top = initiatives.jointInitiatives.find((i: any) => i.id === d.project.initiative.id);
    expect(d.project.initiative.projects.totalCount).toBe(top.projects.totalCount);
    expect(d.project.initiative.participants).toEqual(top.participants);
    expect(d.project.initiative.participants.length).toBeGreaterThan(1);
  });

  it("a kommun's networks' memberships", async () => {
    // Mölndal joins Eurocities, where Göteborg already is: the network now has members in two kommuner.
    const token = await region.token({ role: 'kommun-editor', subject: 'e2e', municipality: '1481' });
    const joined = await region.gql('mutation { createMembership(input: { municipality: "1481", network: "eurocities", forums: [] }) { id } }', {}, token);
    expect(joined.body.errors).toBeUndefined();
    const top = await data('{ networks { id memberships { id } } }');
    const byId = new Map(top.networks.map((n: any) => [n.id, n.memberships]));
    const d = await data('{ municipalities { code memberships { network { id memberships { id } } } } }');
    const nested = d.municipalities.flatMap((m: any) => m.memberships.map((x: any) => x.network));
    // Some network has members in several kommuner, so one kommun's own answer would fall short.
    expect(nested.some((n: any) => new Set(n.memberships.map((x: any) => x.id.split(':')[0])).size > 1)).toBe(true);
    for (const n of nested) expect([n.id, n.memberships]).toEqual([n.id, byId.get(n.id)]);
  });

  it("a partner kommun's projects are counted by that kommun, not by the project's owner", async () => {
    const d = await data('{ projects(first: 100) { nodes { partners { municipality { code projects(first: 0) { totalCount } } } } } }');
    const seen = d.projects.nodes.flatMap((n: any) => n.partners.map((p: any) => p.municipality)).filter(Boolean);
    expect(seen.length).toBeGreaterThan(0);
    for (const m of seen) {
      const { body } = await region.direct(m.code, '{ projects(first: 0) { totalCount } }');
      expect([m.code, m.projects.totalCount]).toEqual([m.code, body.data.projects.totalCount]);
    }
  });

  it('a connection nested in a connection', async () => {
    const top = await topTotals('developmentAreas', 'code');
    const d = await data('{ projects(first: 3) { edges { node { developmentAreas { code projects(first: 0) { totalCount } } } } } }');
    const areas = d.projects.edges.flatMap((e: any) => e.node.developmentAreas);
    expect(areas.length).toBeGreaterThan(0);
    for (const a of areas) expect([a.code, a.projects.totalCount]).toEqual([a.code, top.get(a.code)]);
  });

  it('under projectStats groups', async () => {
    const top = await topTotals('developmentAreas', 'code');
    const d = await data('{ projectStats(groupBy: [DEVELOPMENT_AREA]) { developmentArea { code projects(first: 0) { totalCount } } count } }');
    const groups = d.projectStats.filter((g: any) => g.developmentArea);
    expect(groups.length).toBeGreaterThan(0);
    for (const g of groups) expect([g.developmentArea.code, g.developmentArea.projects.totalCount]).toEqual([g.developmentArea.code, top.get(g.developmentArea.code)]);
  });
});

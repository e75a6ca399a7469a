import { generateProjects } from '../seed/synthetic';
import { startKommun, type KommunHarness } from './harness';

/**
 * The number of SQL statements a query costs must not grow with the number of items it returns:
 * every relation is loaded by a per-request DataLoader, one statement per level.
 */
let h: KommunHarness;
beforeAll(async () => {
  h = await startKommun(['1480'], [{ code: '1480', projects: generateProjects('1480', 250), memberships: [], twinTowns: [] }]);
});
afterAll(() => h.stop());

const PROJECTS = `query($first: Int!) { projects(first: $first, orderBy: { field: BUDGET_TOTAL, direction: DESC }) {
  totalCount
  nodes { id title budget { total rate } municipality { code }
    funding { programme { code } fund amount }
    partners { name country role municipality { code } }
    developmentAreas { code } initiative { id } }
} }`;

async function statements(query: string, variables: Record<string, unknown>) {
  const { body } = await h.gql(query, variables);
  expect(body.errors).toBeUndefined();
  return { count: body.extensions?.sqlStatements as number, data: body.data };
}

describe('SQL statements per query', () => {
  it('are the same for 1 project and for 100 projects with their partners, funding and areas', async () => {
    const one = await statements(PROJECTS, { first: 1 });
    const many = await statements(PROJECTS, { first: 100 });
    expect(one.data.projects.nodes).toHaveLength(1);
    expect(many.data.projects.nodes).toHaveLength(100);
    const partners = many.data.projects.nodes.reduce((n: number, p: any) => n + p.partners.length, 0);
    expect(partners).toBeGreaterThan(100);
    expect(one.count).toBe(1); // the page with its count, and its rows' funding, partners and areas
    expect(many.count).toBe(one.count);
  });

  it('read a list\'s count and relations with its page, however the query spells them', async () => {
    const spelled = [
      '{ projects(first: 5) { totalCount nodes { id developmentAreas { code } } } }',
      '{ projects(first: 5) { ...List } } fragment List on ProjectConnection { totalCount edges { node { ... on Project { id developmentAreas { code } } } } }',
      '{ a: projects(first: 5) { totalCount } a: projects(first: 5) { nodes { id developmentAreas { code } } } }',
    ];
    for (const query of spelled) expect((await statements(query, {})).count).toBe(1);
    // Without them, the page alone; asked for apart, each its own statement.
    expect((await statements('{ projects(first: 5) { nodes { id } } }', {})).count).toBe(1);
    const nested = await statements('{ municipality(code: "1480") { projects(first: 5) { totalCount nodes { id developmentAreas { code } } } } }', {});
    expect(nested.count).toBe(1);
  });

  it('are the same for 200 projects fetched as entities as for 1', async () => {
    const { data } = await statements('{ projects(first: 100) { nodes { id } } }', {});
    const { data: more } = await statements('{ projects(first: 100, orderBy: { field: ID, direction: ASC }) { nodes { id } } }', {});
    const ids: string[] = [...new Set<string>([...data.projects.nodes, ...more.projects.nodes].map((p: any) => p.id))];
    expect(ids.length).toBeGreaterThan(150);
    const query = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Project { id funding { amount } partners { name } developmentAreas { code } } } }`;
    const one = await statements(query, { r: ids.slice(0, 1).map((id) => ({ __typename: 'Project', id })) });
    const all = await statements(query, { r: ids.map((id) => ({ __typename: 'Project', id })) });
    expect(all.data._entities).toHaveLength(ids.length);
    expect(all.count).toBe(one.count);
  });

  it('stay flat when every development area lists its largest projects', async () => {
    const query = `query($r: [_Any!]!) { _entities(representations: $r) { ... on DevelopmentArea { code
      projects(first: 10, orderBy: { field: BUDGET_TOTAL, direction: DESC }) { totalCount nodes { id partners { name } } } } } }`;
    const areas = ['EU-FUNDS', 'EU-ADVOCACY', 'EU-COMPETENCE', 'EU-PARTNERS', 'BRUSSELS-INFO', 'EU-NETWORKS'];
    const one = await statements(query, { r: areas.slice(0, 1).map((code) => ({ __typename: 'DevelopmentArea', code })) });
    const six = await statements(query, { r: areas.map((code) => ({ __typename: 'DevelopmentArea', code })) });
    const nonEmpty = six.data._entities.filter((a: any) => a.projects.nodes.length === 10);
    expect(nonEmpty.length).toBeGreaterThan(3);
    expect(six.count).toBe(one.count);
  });
});

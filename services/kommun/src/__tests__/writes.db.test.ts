import { generateProjects } from '../seed/synthetic';
import { snapshot, startKommun, type KommunHarness } from './harness';

/**
 * Every write mutation, with good input (read back through the public queries) and with bad
 * input (a clear error naming the field, and not one row of the database changed).
 */

let h: KommunHarness;
let editor: string;
/** An editor of a kommun this instance does not serve: passes the editor check, fails the served check. */
let outsider: string;
const ids = { projects: [] as string[], memberships: [] as string[], twinTowns: [] as string[] };

beforeAll(async () => {
  h = await startKommun(
    ['1480'],
    [
      {
        code: '1480',
        projects: generateProjects('1480', 3),
        memberships: [
          { network: 'eurocities', since: '1995-01-01', decidedBy: 'KOMMUNSTYRELSEN', forums: ['kultur'] },
          { network: 'sern', forums: [] },
        ],
        twinTowns: [
          { city: 'Bergen', country: 'NO', since: 1946, focus: ['kultur'] },
          { city: 'Turku', country: 'FI', since: 1965, focus: [] },
        ],
        strategy: { title: 'Internationell strategi', adoptedBy: 'KOMMUNFULLMAKTIGE', adoptedOn: '2020-05-14', priorities: ['EU-fonder'] },
      },
    ],
  );
  editor = await h.editor('1480');
  outsider = await h.editor('1481');
  const { body } = await h.gql(`{ municipality(code: "1480") {
    projects(first: 10, orderBy: { field: ID, direction: ASC }) { nodes { id } }
    memberships { id network { id } }
    twinTowns { id city }
  } }`);
  const m = body.data.municipality;
  ids.projects = m.projects.nodes.map((n: { id: string }) => n.id);
  ids.memberships = ['eurocities', 'sern'].map((n) => m.memberships.find((x: { network: { id: string } }) => x.network.id === n).id);
  ids.twinTowns = ['Bergen', 'Turku'].map((c) => m.twinTowns.find((x: { city: string }) => x.city === c).id);
  expect(ids.projects).toHaveLength(3);
});
afterAll(() => h.stop());

const PROJECT = `id title summary status startDate endDate department synthetic
  budget { total euCofinancing rate currency }
  funding { programme { code } fund amount }
  partners { name country type role municipality { code } }
  developmentAreas { code }
  initiative { id }
  municipality { code }`;

const CREATE_PROJECT = `mutation($input: ProjectInput!) { createProject(input: $input) { ${PROJECT} } }`;
const UPDATE_PROJECT = `mutation($id: ID!, $input: ProjectUpdateInput!) { updateProject(id: $id, input: $input) { ${PROJECT} } }`;
const DELETE_PROJECT = `mutation($id: ID!) { deleteProject(id: $id) }`;
const MEMBERSHIP = 'id network { id } since decidedBy decisionDate forums municipality { code }';
const CREATE_MEMBERSHIP = `mutation($input: MembershipInput!) { createMembership(input: $input) { ${MEMBERSHIP} } }`;
const UPDATE_MEMBERSHIP = `mutation($id: ID!, $input: MembershipUpdateInput!) { updateMembership(id: $id, input: $input) { ${MEMBERSHIP} } }`;
const DELETE_MEMBERSHIP = `mutation($id: ID!) { deleteMembership(id: $id) }`;
const TWIN_TOWN = 'id city country since focus municipality { code }';
const CREATE_TWIN_TOWN = `mutation($input: TwinTownInput!) { createTwinTown(input: $input) { ${TWIN_TOWN} } }`;
const UPDATE_TWIN_TOWN = `mutation($id: ID!, $input: TwinTownUpdateInput!) { updateTwinTown(id: $id, input: $input) { ${TWIN_TOWN} } }`;
const DELETE_TWIN_TOWN = `mutation($id: ID!) { deleteTwinTown(id: $id) }`;
const STRATEGY = 'title adoptedBy adoptedOn priorities summary municipality { code }';
const SET_STRATEGY = `mutation($m: ID!, $input: StrategyInput!) { setStrategy(municipality: $m, input: $input) { ${STRATEGY} } }`;
const DELETE_STRATEGY = `mutation($m: ID!) { deleteStrategy(municipality: $m) }`;

async function readProject(id: string): Promise<any> {
  const { body } = await h.gql(`query($id: ID!) { project(id: $id) { ${PROJECT} } }`, { id });
  expect(body.errors).toBeUndefined();
  return body.data.project;
}

async function readKommun(): Promise<any> {
  const { body } = await h.gql(`{ municipality(code: "1480") {
    memberships { ${MEMBERSHIP} } twinTowns { ${TWIN_TOWN} } strategy { ${STRATEGY} }
  } }`);
  expect(body.errors).toBeUndefined();
  return body.data.municipality;
}

/** Runs a write as the kommun's editor and expects it to succeed. */
async function write(query: string, variables: Record<string, unknown>): Promise<any> {
  const { body } = await h.gql(query, variables, editor);
  expect(body.errors).toBeUndefined();
  return body.data;
}

async function count(table: string, where = 'true', params: unknown[] = []): Promise<number> {
  const rows: Array<{ n: number }> = await h.server.db.query(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`, params);
  return rows[0].n;
}

function localOf(id: string): number {
  return Number(id.split(':')[2]);
}

const minimalProject = { municipality: '1480', title: 'Minimal', status: 'PLANNED', startDate: '2025-01-01' };

interface BadCase {
  name: string;
  query: string;
  variables: () => Record<string, unknown>;
  /** The input field the error must name (BAD_USER_INPUT). */
  field?: string;
  /**
   * A field the input's type requires (title: String!), refused by GraphQL itself before any
   * resolver runs: the error names the field but has no `extensions.fields`.
   */
  bySchema?: boolean;
  /** NOT_FOUND cases name the id they could not find. */
  notFound?: () => string;
  /** Defaults to the editor of 1480. */
  as?: () => string;
  /** What the error message must say besides the field, e.g. the code it refused. */
  says?: string;
}

const p = (i = 0) => ids.projects[i];
const badCases: BadCase[] = [
  // createProject
  { name: 'createProject: empty title', query: CREATE_PROJECT, variables: () => ({ input: { ...minimalProject, title: '' } }), field: 'title' },
  { name: 'createProject: title over 300 characters', query: CREATE_PROJECT, variables: () => ({ input: { ...minimalProject, title: 'x'.repeat(301) } }), field: 'title' },
  { name: 'createProject: missing title', query: CREATE_PROJECT, variables: () => ({ input: { ...minimalProject, title: undefined } }), field: 'title', bySchema: true },
  { name: 'createProject: missing status', query: CREATE_PROJECT, variables: () => ({ input: { ...minimalProject, status: undefined } }), field: 'status', bySchema: true },
  { name: 'createProject: missing startDate', query: CREATE_PROJECT, variables: () => ({ input: { ...minimalProject, startDate: null } }), field: 'startDate', bySchema: true },
  {
    name: 'createProject: invalid partner country',
    query: CREATE_PROJECT,
    variables: () => ({ input: { ...minimalProject, partners: [{ name: 'Nowhere AB', country: 'XX', type: 'COMPANY', role: 'PARTNER' }] } }),
    field: 'partners[0].country',
  },
  { name: 'createProject: endDate before startDate', query: CREATE_PROJECT, variables: () => ({ input: { ...minimalProject, endDate: '2024-12-31' } }), field: 'endDate' },
  {
    name: 'createProject: euCofinancing above the total',
    query: CREATE_PROJECT,
    variables: () => ({ input: { ...minimalProject, budget: { total: 100, euCofinancing: 101 } } }),
    field: 'budget.euCofinancing',
  },
  {
    name: 'createProject: two LEAD partners',
    query: CREATE_PROJECT,
    variables: () => ({
      input: {
        ...minimalProject,
        partners: [
          { name: 'A', country: 'SE', type: 'NGO', role: 'LEAD' },
          { name: 'B', country: 'DK', type: 'NGO', role: 'LEAD' },
        ],
      },
    }),
    field: 'partners',
  },
  {
    name: 'createProject: a development area twice',
    query: CREATE_PROJECT,
    variables: () => ({ input: { ...minimalProject, developmentAreas: ['EU-FUNDS', 'EU-FUNDS'] } }),
    field: 'developmentAreas',
  },
  {
    // The project row is inserted before the funding lines are checked: the rollback must remove it.
    name: 'createProject: unknown programme without a fund',
    query: CREATE_PROJECT,
    variables: () => ({ input: { ...minimalProject, funding: [{ programme: 'NO-SUCH-PROGRAMME', amount: 10 }] } }),
    field: 'funding[0].fund',
  },
  // The region's catalogue (here schema/catalogue.json: no REGION_URL) decides which codes exist.
  {
    name: 'createProject: a development area the catalogue does not know',
    query: CREATE_PROJECT,
    variables: () => ({ input: { ...minimalProject, developmentAreas: ['EU-FUNDS', 'NO-SUCH-AREA'] } }),
    field: 'developmentAreas',
    says: 'NO-SUCH-AREA is not a development area',
  },
  {
    name: 'createProject: a joint initiative the catalogue does not know',
    query: CREATE_PROJECT,
    variables: () => ({ input: { ...minimalProject, initiative: 'no-such-initiative' } }),
    field: 'initiative',
    says: 'no-such-initiative is not a joint initiative',
  },
  { name: 'createProject: invalid kommunkod', query: CREATE_PROJECT, variables: () => ({ input: { ...minimalProject, municipality: '148' } }), field: 'municipality' },
  {
    name: 'createProject: kommun this instance does not serve',
    query: CREATE_PROJECT,
    variables: () => ({ input: { ...minimalProject, municipality: '1481' } }),
    field: 'municipality',
    as: () => outsider,
  },

  // updateProject
  { name: 'updateProject: malformed id', query: UPDATE_PROJECT, variables: () => ({ id: 'project-1', input: { title: 'T' } }), field: 'id' },
  { name: 'updateProject: id of another kind', query: UPDATE_PROJECT, variables: () => ({ id: ids.memberships[0], input: { title: 'T' } }), field: 'id' },
  { name: 'updateProject: unknown id', query: UPDATE_PROJECT, variables: () => ({ id: '1480:project:999999', input: { title: 'T' } }), notFound: () => '1480:project:999999' },
  {
    name: 'updateProject: id of a kommun this instance does not serve',
    query: UPDATE_PROJECT,
    variables: () => ({ id: p().replace('1480', '1481'), input: { title: 'T' } }),
    field: 'id',
    as: () => outsider,
  },
  { name: 'updateProject: empty title', query: UPDATE_PROJECT, variables: () => ({ id: p(), input: { title: '' } }), field: 'title' },
  { name: 'updateProject: title over 300 characters', query: UPDATE_PROJECT, variables: () => ({ id: p(), input: { title: 'y'.repeat(301) } }), field: 'title' },
  { name: 'updateProject: clearing title', query: UPDATE_PROJECT, variables: () => ({ id: p(), input: { title: null } }), field: 'title' },
  { name: 'updateProject: clearing status', query: UPDATE_PROJECT, variables: () => ({ id: p(), input: { status: null } }), field: 'status' },
  { name: 'updateProject: clearing startDate', query: UPDATE_PROJECT, variables: () => ({ id: p(), input: { startDate: null } }), field: 'startDate' },
  // Only endDate is given: it is checked against the stored startDate (2014-10-07 for the first seeded project).
  { name: 'updateProject: endDate before the stored startDate', query: UPDATE_PROJECT, variables: () => ({ id: p(), input: { endDate: '2000-01-01' } }), field: 'endDate' },
  {
    name: 'updateProject: euCofinancing above the stored total',
    query: UPDATE_PROJECT,
    variables: () => ({ id: p(), input: { budget: { euCofinancing: 1e11 } } }),
    field: 'budget.euCofinancing',
  },
  { name: 'updateProject: unknown currency', query: UPDATE_PROJECT, variables: () => ({ id: p(), input: { budget: { currency: 'USD' } } }), field: 'budget.currency' },
  { name: 'updateProject: clearing the currency', query: UPDATE_PROJECT, variables: () => ({ id: p(), input: { budget: { total: 1, currency: null } } }), field: 'budget.currency' },
  {
    name: 'updateProject: invalid country of the second partner',
    query: UPDATE_PROJECT,
    variables: () => ({
      id: p(),
      input: {
        partners: [
          { name: 'A', country: 'SE', type: 'NGO', role: 'LEAD' },
          { name: 'B', country: 'Sweden', type: 'NGO', role: 'PARTNER' },
        ],
      },
    }),
    field: 'partners[1].country',
  },
  {
    name: 'updateProject: two LEAD partners',
    query: UPDATE_PROJECT,
    variables: () => ({
      id: p(),
      input: {
        title: 'Changed too',
        partners: [
          { name: 'A', country: 'SE', type: 'NGO', role: 'LEAD' },
          { name: 'B', country: 'NO', type: 'NGO', role: 'LEAD' },
        ],
      },
    }),
    field: 'partners',
  },
  {
    name: 'updateProject: a development area twice',
    query: UPDATE_PROJECT,
    variables: () => ({ id: p(), input: { developmentAreas: ['EU-NETWORKS', 'EU-FUNDS', 'EU-NETWORKS'] } }),
    field: 'developmentAreas',
  },
  {
    // The title and the first funding line are written before the second line fails: all of it must roll back.
    name: 'updateProject: unknown programme without a fund',
    query: UPDATE_PROJECT,
    variables: () => ({
      id: p(),
      input: { title: 'Half-written', funding: [{ programme: 'ESF-2014-2020', amount: 5 }, { programme: 'NO-SUCH-PROGRAMME', amount: 10 }] },
    }),
    field: 'funding[1].fund',
  },

  {
    name: 'updateProject: a development area the catalogue does not know',
    query: UPDATE_PROJECT,
    variables: () => ({ id: p(), input: { title: 'Changed too', developmentAreas: ['NO-SUCH-AREA', 'EU-FUNDS', 'ALSO-UNKNOWN'] } }),
    field: 'developmentAreas',
    says: 'NO-SUCH-AREA, ALSO-UNKNOWN are not development areas',
  },
  {
    name: 'updateProject: a joint initiative the catalogue does not know',
    query: UPDATE_PROJECT,
    variables: () => ({ id: p(), input: { title: 'Changed too', initiative: 'no-such-initiative' } }),
    field: 'initiative',
    says: 'no-such-initiative is not a joint initiative',
  },

  // deleteProject
  { name: 'deleteProject: malformed id', query: DELETE_PROJECT, variables: () => ({ id: '1480:project:abc' }), field: 'id' },
  { name: 'deleteProject: unknown id', query: DELETE_PROJECT, variables: () => ({ id: '1480:project:999999' }), notFound: () => '1480:project:999999' },
  { name: 'deleteProject: id of a kommun this instance does not serve', query: DELETE_PROJECT, variables: () => ({ id: '1481:project:1' }), field: 'id', as: () => outsider },

  // createMembership
  { name: 'createMembership: duplicate network', query: CREATE_MEMBERSHIP, variables: () => ({ input: { municipality: '1480', network: 'eurocities' } }), field: 'network' },
  { name: 'createMembership: missing network', query: CREATE_MEMBERSHIP, variables: () => ({ input: { municipality: '1480', forums: ['x'] } }), field: 'network', bySchema: true },
  { name: 'createMembership: malformed network id', query: CREATE_MEMBERSHIP, variables: () => ({ input: { municipality: '1480', network: 'no spaces!' } }), field: 'network' },
  { name: 'createMembership: empty forum', query: CREATE_MEMBERSHIP, variables: () => ({ input: { municipality: '1480', network: 'energy-cities', forums: [''] } }), field: 'forums' },
  { name: 'createMembership: invalid kommunkod', query: CREATE_MEMBERSHIP, variables: () => ({ input: { municipality: 'GBG', network: 'energy-cities' } }), field: 'municipality' },
  {
    name: 'createMembership: kommun this instance does not serve',
    query: CREATE_MEMBERSHIP,
    variables: () => ({ input: { municipality: '1481', network: 'energy-cities' } }),
    field: 'municipality',
    as: () => outsider,
  },

  // updateMembership
  { name: 'updateMembership: clearing network', query: UPDATE_MEMBERSHIP, variables: () => ({ id: ids.memberships[0], input: { network: null } }), field: 'network' },
  { name: 'updateMembership: network already a membership', query: UPDATE_MEMBERSHIP, variables: () => ({ id: ids.memberships[1], input: { network: 'eurocities', forums: ['changed'] } }), field: 'network' },
  { name: 'updateMembership: malformed id', query: UPDATE_MEMBERSHIP, variables: () => ({ id: '1480:membership:0', input: { forums: [] } }), field: 'id' },
  { name: 'updateMembership: unknown id', query: UPDATE_MEMBERSHIP, variables: () => ({ id: '1480:membership:999999', input: { forums: [] } }), notFound: () => '1480:membership:999999' },
  { name: 'updateMembership: unknown id, nothing to change', query: UPDATE_MEMBERSHIP, variables: () => ({ id: '1480:membership:999999', input: {} }), notFound: () => '1480:membership:999999' },
  {
    name: 'updateMembership: id of a kommun this instance does not serve',
    query: UPDATE_MEMBERSHIP,
    variables: () => ({ id: ids.memberships[0].replace('1480', '1481'), input: { forums: [] } }),
    field: 'id',
    as: () => outsider,
  },

  // deleteMembership
  { name: 'deleteMembership: malformed id', query: DELETE_MEMBERSHIP, variables: () => ({ id: 'eurocities' }), field: 'id' },
  { name: 'deleteMembership: unknown id', query: DELETE_MEMBERSHIP, variables: () => ({ id: '1480:membership:999999' }), notFound: () => '1480:membership:999999' },

  // createTwinTown
  { name: 'createTwinTown: missing city', query: CREATE_TWIN_TOWN, variables: () => ({ input: { municipality: '1480', country: 'DK' } }), field: 'city', bySchema: true },
  { name: 'createTwinTown: missing country', query: CREATE_TWIN_TOWN, variables: () => ({ input: { municipality: '1480', city: 'Aarhus' } }), field: 'country', bySchema: true },
  { name: 'createTwinTown: invalid country', query: CREATE_TWIN_TOWN, variables: () => ({ input: { municipality: '1480', city: 'Aarhus', country: 'QQ' } }), field: 'country' },
  { name: 'createTwinTown: since out of range', query: CREATE_TWIN_TOWN, variables: () => ({ input: { municipality: '1480', city: 'Aarhus', country: 'DK', since: 1850 } }), field: 'since' },
  { name: 'createTwinTown: invalid kommunkod', query: CREATE_TWIN_TOWN, variables: () => ({ input: { municipality: '14800', city: 'Aarhus', country: 'DK' } }), field: 'municipality' },

  // updateTwinTown
  { name: 'updateTwinTown: clearing city', query: UPDATE_TWIN_TOWN, variables: () => ({ id: ids.twinTowns[0], input: { city: null } }), field: 'city' },
  { name: 'updateTwinTown: clearing country', query: UPDATE_TWIN_TOWN, variables: () => ({ id: ids.twinTowns[0], input: { country: null, city: 'Changed' } }), field: 'country' },
  { name: 'updateTwinTown: invalid country', query: UPDATE_TWIN_TOWN, variables: () => ({ id: ids.twinTowns[0], input: { country: 'NOR' } }), field: 'country' },
  { name: 'updateTwinTown: malformed id', query: UPDATE_TWIN_TOWN, variables: () => ({ id: '1480:twin-town:1', input: { city: 'X' } }), field: 'id' },
  { name: 'updateTwinTown: unknown id', query: UPDATE_TWIN_TOWN, variables: () => ({ id: '1480:twintown:999999', input: { city: 'X' } }), notFound: () => '1480:twintown:999999' },

  // deleteTwinTown
  { name: 'deleteTwinTown: malformed id', query: DELETE_TWIN_TOWN, variables: () => ({ id: '' }), field: 'id' },
  { name: 'deleteTwinTown: unknown id', query: DELETE_TWIN_TOWN, variables: () => ({ id: '1480:twintown:999999' }), notFound: () => '1480:twintown:999999' },
  { name: 'deleteTwinTown: id of a kommun this instance does not serve', query: DELETE_TWIN_TOWN, variables: () => ({ id: '1481:twintown:1' }), field: 'id', as: () => outsider },

  // setStrategy
  { name: 'setStrategy: empty title', query: SET_STRATEGY, variables: () => ({ m: '1480', input: { title: '', adoptedBy: 'KOMMUNSTYRELSEN' } }), field: 'title' },
  { name: 'setStrategy: empty priority', query: SET_STRATEGY, variables: () => ({ m: '1480', input: { title: 'S', adoptedBy: 'KOMMUNSTYRELSEN', priorities: ['ok', ''] } }), field: 'priorities' },
  { name: 'setStrategy: invalid kommunkod', query: SET_STRATEGY, variables: () => ({ m: '14-80', input: { title: 'S', adoptedBy: 'KOMMUNSTYRELSEN' } }), field: 'municipality' },
  {
    name: 'setStrategy: kommun this instance does not serve',
    query: SET_STRATEGY,
    variables: () => ({ m: '1481', input: { title: 'S', adoptedBy: 'KOMMUNSTYRELSEN' } }),
    field: 'municipality',
    as: () => outsider,
  },

  // deleteStrategy
  { name: 'deleteStrategy: invalid kommunkod', query: DELETE_STRATEGY, variables: () => ({ m: 'x' }), field: 'municipality' },
  { name: 'deleteStrategy: kommun this instance does not serve', query: DELETE_STRATEGY, variables: () => ({ m: '1481' }), field: 'municipality', as: () => outsider },
];

describe('refused writes name the field and change nothing', () => {
  it.each(badCases)('$name', async (c) => {
    const before = await snapshot(h);
    const { body } = await h.gql(c.query, c.variables(), c.as ? c.as() : editor);
    expect(body.errors).toHaveLength(1);
    const [error] = body.errors!;
    if (c.notFound) {
      expect(error.extensions?.code).toBe('NOT_FOUND');
      expect(error.message).toContain(c.notFound());
    } else {
      expect(error.extensions?.code).toBe('BAD_USER_INPUT');
      if (c.bySchema) expect(error.message).toMatch(new RegExp(`Field "${c.field}" of required type "\\w+!" was not provided|at "input\\.${c.field}"; Expected non-nullable type "\\w+!" not to be null`));
      else {
        expect(error.message).toContain(`${c.field}: `);
        expect(error.extensions?.fields.map((f: { field: string }) => f.field)).toContain(c.field);
        if (c.says) expect(error.message).toContain(c.says);
      }
    }
    expect(body.data ?? null).toBeNull();
    expect(await snapshot(h)).toEqual(before);
  });
});

describe('projects', () => {
  const full = {
    municipality: '1480',
    title: 'Cross-border skills',
    summary: 'Skills for the green transition.',
    status: 'ONGOING',
    startDate: '2024-01-15',
    endDate: '2026-06-30',
    budget: { total: 1000000, euCofinancing: 400000, currency: 'EUR' },
    funding: [
      { programme: 'ESF-2014-2020', amount: 300000 },
      { programme: 'LOCAL-FUND-1', fund: 'NATIONAL', amount: 100000 },
    ],
    partners: [
      { name: 'Göteborgs Stad', country: 'se', type: 'MUNICIPALITY', role: 'LEAD', municipality: '1480' },
      { name: 'Turku University', country: 'FI', type: 'UNIVERSITY', role: 'PARTNER' },
    ],
    developmentAreas: ['EU-PARTNERS', 'EU-FUNDS'],
    initiative: 'eu-handslag',
    department: 'Stadsledningskontoret',
  };
  const fullAsRead = {
    title: 'Cross-border skills',
    summary: 'Skills for the green transition.',
    status: 'ONGOING',
    startDate: '2024-01-15',
    endDate: '2026-06-30',
    department: 'Stadsledningskontoret',
    synthetic: false,
    budget: { total: 1000000, euCofinancing: 400000, rate: 0.4, currency: 'EUR' },
    // A catalogue programme gets its fund from schema/catalogue.json: ESF-2014-2020 is ESF.
    funding: [
      { programme: { code: 'ESF-2014-2020' }, fund: 'ESF', amount: 300000 },
      { programme: { code: 'LOCAL-FUND-1' }, fund: 'NATIONAL', amount: 100000 },
    ],
    partners: [
      { name: 'Göteborgs Stad', country: 'SE', type: 'MUNICIPALITY', role: 'LEAD', municipality: { code: '1480' } },
      { name: 'Turku University', country: 'FI', type: 'UNIVERSITY', role: 'PARTNER', municipality: null },
    ],
    developmentAreas: [{ code: 'EU-FUNDS' }, { code: 'EU-PARTNERS' }],
    initiative: { id: 'eu-handslag' },
    municipality: { code: '1480' },
  };
  let created: string;

  it('createProject stores the project with its funding, partners and areas', async () => {
    const before = await snapshot(h);
    const data = await write(CREATE_PROJECT, { input: full });
    created = data.createProject.id;
    expect(created).toMatch(/^1480:project:\d+$/);
    expect(data.createProject).toEqual({ id: created, ...fullAsRead });
    expect(await readProject(created)).toEqual({ id: created, ...fullAsRead });
    const after = await snapshot(h);
    expect(after.project).toHaveLength(before.project.length + 1);
    expect(after.funding).toHaveLength(before.funding.length + 2);
    expect(after.partner).toHaveLength(before.partner.length + 2);
    expect(after.project_area).toHaveLength(before.project_area.length + 2);
    expect(after.membership).toEqual(before.membership);
  });

  it('createProject with only the required fields fills the defaults', async () => {
    const data = await write(CREATE_PROJECT, { input: minimalProject });
    const id: string = data.createProject.id;
    expect(await readProject(id)).toEqual({
      id,
      title: 'Minimal',
      summary: null,
      status: 'PLANNED',
      startDate: '2025-01-01',
      endDate: null,
      department: null,
      synthetic: false,
      budget: { total: null, euCofinancing: null, rate: null, currency: 'SEK' },
      funding: [],
      partners: [],
      developmentAreas: [],
      initiative: null,
      municipality: { code: '1480' },
    });
  });

  it('updateProject changes only the given fields', async () => {
    const before = await readProject(created);
    const data = await write(UPDATE_PROJECT, { id: created, input: { title: 'Renamed', endDate: null, department: null } });
    const expected = { ...before, title: 'Renamed', endDate: null, department: null };
    expect(data.updateProject).toEqual(expected);
    expect(await readProject(created)).toEqual(expected);
  });

  it('updateProject replaces funding, partners and development areas wholesale; omitted fields stay', async () => {
    const before = await readProject(created);
    const local = localOf(created);
    const input = {
      funding: [{ programme: 'HORIZON-EUROPE', amount: 50000 }],
      partners: [
        { name: 'Aarhus Kommune', country: 'DK', type: 'MUNICIPALITY', role: 'PARTNER' },
        { name: 'Tallinn Tech', country: 'EE', type: 'UNIVERSITY', role: 'ASSOCIATE' },
        { name: 'Lyon Métropole', country: 'FR', type: 'REGION', role: 'LEAD' },
      ],
      developmentAreas: ['EU-NETWORKS'],
    };
    const data = await write(UPDATE_PROJECT, { id: created, input });
    const expected = {
      ...before,
      funding: [{ programme: { code: 'HORIZON-EUROPE' }, fund: 'HORIZON', amount: 50000 }],
      partners: input.partners.map((x) => ({ ...x, municipality: null })),
      developmentAreas: [{ code: 'EU-NETWORKS' }],
    };
    expect(data.updateProject).toEqual(expected);
    expect(await readProject(created)).toEqual(expected);
    // No old row survives next to the new ones.
    expect(await count('funding', 'project_id = $1', [local])).toBe(1);
    expect(await count('partner', 'project_id = $1', [local])).toBe(3);
    expect(await count('project_area', 'project_id = $1', [local])).toBe(1);

    // An empty list clears; a list not given stays.
    await write(UPDATE_PROJECT, { id: created, input: { developmentAreas: [], funding: [] } });
    expect(await readProject(created)).toEqual({ ...expected, developmentAreas: [], funding: [] });
    // null clears a list, as it clears any other field.
    await write(UPDATE_PROJECT, { id: created, input: { partners: null } });
    expect(await readProject(created)).toEqual({ ...expected, developmentAreas: [], funding: [], partners: [] });
    expect(await count('partner', 'project_id = $1', [local])).toBe(0);
  });

  it('updateProject of the budget keeps what the budget input omits', async () => {
    const before = await readProject(created);
    expect(before.budget.currency).toBe('EUR');
    await write(UPDATE_PROJECT, { id: created, input: { budget: { total: 2000000 } } });
    expect((await readProject(created)).budget).toEqual({ total: 2000000, euCofinancing: 400000, rate: 0.2, currency: 'EUR' });
    await write(UPDATE_PROJECT, { id: created, input: { budget: { euCofinancing: null, currency: 'SEK' } } });
    expect((await readProject(created)).budget).toEqual({ total: 2000000, euCofinancing: null, rate: null, currency: 'SEK' });
    await write(UPDATE_PROJECT, { id: created, input: { budget: { total: 10, euCofinancing: 5, currency: 'EUR' } } });
    // null clears the recorded figures; the currency stays.
    const cleared = await write(UPDATE_PROJECT, { id: created, input: { budget: null } });
    expect(cleared.updateProject.budget).toEqual({ total: null, euCofinancing: null, rate: null, currency: 'EUR' });
    expect((await readProject(created)).budget).toEqual({ total: null, euCofinancing: null, rate: null, currency: 'EUR' });
  });

  it('updateProject leaves the other projects alone', async () => {
    const before = await snapshot(h);
    await write(UPDATE_PROJECT, { id: p(1), input: { title: 'Only this one' } });
    const after = await snapshot(h);
    const local = localOf(p(1));
    const others = (rows: unknown[]) => rows.filter((r) => (r as { id: number }).id !== local);
    expect(others(after.project)).toEqual(others(before.project));
    expect(after.funding).toEqual(before.funding);
    expect(after.partner).toEqual(before.partner);
    expect((await readProject(p(1))).title).toBe('Only this one');
  });

  it('deleteProject removes the project and its children', async () => {
    const local = localOf(created);
    const data = await write(DELETE_PROJECT, { id: created });
    expect(data.deleteProject).toBe(created);
    expect(await readProject(created)).toBeNull();
    for (const table of ['funding', 'partner', 'project_area']) expect(await count(table, 'project_id = $1', [local])).toBe(0);
    expect(await count('project', 'id = $1', [local])).toBe(0);
    // A second delete finds nothing.
    const { body } = await h.gql(DELETE_PROJECT, { id: created }, editor);
    expect(body.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });

  it('updateProject is one transaction: a failing partner insert leaves title, funding and partners as they were', async () => {
    const target = p(2);
    await h.server.db.query(`
      CREATE FUNCTION refuse_fail_partner() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.name = 'FAIL' THEN RAISE EXCEPTION 'partner FAIL refused'; END IF;
        RETURN NEW;
      END $$`);
    await h.server.db.query(`CREATE TRIGGER refuse_fail_partner BEFORE INSERT ON partner FOR EACH ROW EXECUTE FUNCTION refuse_fail_partner()`);
    const input = {
      title: 'Must not stick',
      funding: [{ programme: 'SIDA', amount: 1 }],
      partners: [
        { name: 'Fine partner', country: 'SE', type: 'NGO', role: 'LEAD' },
        { name: 'FAIL', country: 'SE', type: 'NGO', role: 'PARTNER' },
      ],
    };
    const readBefore = await readProject(target);
    try {
      const before = await snapshot(h);
      const { body } = await h.gql(UPDATE_PROJECT, { id: target, input }, editor);
      expect(body.errors).toHaveLength(1);
      expect(body.errors![0].extensions?.code).toBe('INTERNAL_SERVER_ERROR');
      expect(body.errors![0].message).not.toContain('FAIL');
      expect(await snapshot(h)).toEqual(before);
      expect(await readProject(target)).toEqual(readBefore);
    } finally {
      await h.server.db.query('DROP TRIGGER refuse_fail_partner ON partner');
      await h.server.db.query('DROP FUNCTION refuse_fail_partner()');
    }
    // Without the trigger the very same write goes through: the refusal above came from the partner insert.
    const data = await write(UPDATE_PROJECT, { id: target, input });
    expect(data.updateProject.title).toBe('Must not stick');
    expect(data.updateProject.funding).toEqual([{ programme: { code: 'SIDA' }, fund: 'NATIONAL', amount: 1 }]);
    expect(data.updateProject.partners.map((x: { name: string }) => x.name)).toEqual(['Fine partner', 'FAIL']);
  });
});

describe('memberships', () => {
  let created: string;

  it('createMembership adds a membership to the kommun', async () => {
    const input = { municipality: '1480', network: 'energy-cities', since: '2012-03-01', decidedBy: 'KOMMUNFULLMAKTIGE', decisionDate: '2012-02-10', forums: ['energi', 'klimat'] };
    const data = await write(CREATE_MEMBERSHIP, { input });
    created = data.createMembership.id;
    const expected = {
      id: created,
      network: { id: 'energy-cities' },
      since: '2012-03-01',
      decidedBy: 'KOMMUNFULLMAKTIGE',
      decisionDate: '2012-02-10',
      forums: ['energi', 'klimat'],
      municipality: { code: '1480' },
    };
    expect(data.createMembership).toEqual(expected);
    expect((await readKommun()).memberships).toContainEqual(expected);
    expect(await count('membership')).toBe(3);
  });

  it('updateMembership changes the given fields only', async () => {
    const data = await write(UPDATE_MEMBERSHIP, { id: created, input: { forums: ['energi'], decisionDate: null } });
    const expected = {
      id: created,
      network: { id: 'energy-cities' },
      since: '2012-03-01',
      decidedBy: 'KOMMUNFULLMAKTIGE',
      decisionDate: null,
      forums: ['energi'],
      municipality: { code: '1480' },
    };
    expect(data.updateMembership).toEqual(expected);
    expect((await readKommun()).memberships).toContainEqual(expected);
  });

  it('updateMembership may move a membership to a network the kommun is not in yet', async () => {
    await write(UPDATE_MEMBERSHIP, { id: created, input: { network: 'union-baltic-cities' } });
    const networks = (await readKommun()).memberships.map((m: { network: { id: string } }) => m.network.id);
    expect(networks.sort()).toEqual(['eurocities', 'sern', 'union-baltic-cities']);
  });

  it('deleteMembership removes it', async () => {
    const data = await write(DELETE_MEMBERSHIP, { id: created });
    expect(data.deleteMembership).toBe(created);
    const memberships = (await readKommun()).memberships;
    expect(memberships.map((m: { id: string }) => m.id).sort()).toEqual([...ids.memberships].sort());
    expect(await count('membership', 'id = $1', [localOf(created)])).toBe(0);
  });
});

describe('twin towns', () => {
  let created: string;

  it('createTwinTown adds a twin town, country in upper case', async () => {
    const data = await write(CREATE_TWIN_TOWN, { input: { municipality: '1480', city: 'Aarhus', country: 'dk', since: 1951, focus: ['skola'] } });
    created = data.createTwinTown.id;
    const expected = { id: created, city: 'Aarhus', country: 'DK', since: 1951, focus: ['skola'], municipality: { code: '1480' } };
    expect(data.createTwinTown).toEqual(expected);
    expect((await readKommun()).twinTowns).toContainEqual(expected);
    expect(await count('twin_town')).toBe(3);
  });

  it('updateTwinTown changes the given fields only', async () => {
    const data = await write(UPDATE_TWIN_TOWN, { id: created, input: { city: 'Århus', since: null } });
    const expected = { id: created, city: 'Århus', country: 'DK', since: null, focus: ['skola'], municipality: { code: '1480' } };
    expect(data.updateTwinTown).toEqual(expected);
    expect((await readKommun()).twinTowns).toContainEqual(expected);
  });

  it('deleteTwinTown removes it', async () => {
    const data = await write(DELETE_TWIN_TOWN, { id: created });
    expect(data.deleteTwinTown).toBe(created);
    expect((await readKommun()).twinTowns.map((t: { id: string }) => t.id).sort()).toEqual([...ids.twinTowns].sort());
  });
});

describe('strategy', () => {
  it('setStrategy replaces the current strategy', async () => {
    const input = { title: 'Strategi för internationellt arbete', adoptedBy: 'KOMMUNSTYRELSEN', adoptedOn: '2024-09-01', priorities: ['Kompetens', 'Klimat'], summary: 'Ny.' };
    const data = await write(SET_STRATEGY, { m: '1480', input });
    const expected = { ...input, municipality: { code: '1480' } };
    expect(data.setStrategy).toEqual(expected);
    expect((await readKommun()).strategy).toEqual(expected);
    expect(await count('strategy')).toBe(1);
  });

  it('deleteStrategy removes it and answers false when there is none', async () => {
    expect((await write(DELETE_STRATEGY, { m: '1480' })).deleteStrategy).toBe(true);
    expect((await readKommun()).strategy).toBeNull();
    expect(await count('strategy')).toBe(0);
    expect((await write(DELETE_STRATEGY, { m: '1480' })).deleteStrategy).toBe(false);
  });

  it('setStrategy creates one when there is none, with the defaults', async () => {
    const data = await write(SET_STRATEGY, { m: '1480', input: { title: 'Kort', adoptedBy: 'KOMMUNFULLMAKTIGE' } });
    const expected = { title: 'Kort', adoptedBy: 'KOMMUNFULLMAKTIGE', adoptedOn: null, priorities: [], summary: null, municipality: { code: '1480' } };
    expect(data.setStrategy).toEqual(expected);
    expect((await readKommun()).strategy).toEqual(expected);
  });
});

import { mintToken } from '@samverkan/server-kit';
import { postGraphQL } from '@samverkan/testing';
import { generateProjects } from '../seed/synthetic';
import { SECRET, snapshot, startKommun, type KommunHarness } from './harness';

/**
 * Every mutation against every kind of caller that must be refused, then the one caller that
 * may write. Reads need no token at all, and a bad token does not spoil them.
 */

let h: KommunHarness;
const ids = { project: '', otherProject: '', membership: '', twinTown: '' };

beforeAll(async () => {
  h = await startKommun(
    ['1480'],
    [
      {
        code: '1480',
        projects: generateProjects('1480', 3),
        memberships: [{ network: 'eurocities', since: '1995-01-01', forums: ['kultur'] }],
        twinTowns: [{ city: 'Bergen', country: 'NO', since: 1946, focus: ['kultur'] }],
        strategy: { title: 'Internationell strategi', adoptedBy: 'KOMMUNFULLMAKTIGE', priorities: ['EU-fonder'] },
      },
    ],
  );
  const { body } = await h.gql(`{ municipality(code: "1480") {
    projects(first: 10, orderBy: { field: ID, direction: ASC }) { nodes { id } }
    memberships { id } twinTowns { id }
  } }`);
  const m = body.data.municipality;
  ids.project = m.projects.nodes[0].id;
  ids.otherProject = m.projects.nodes[1].id;
  ids.membership = m.memberships[0].id;
  ids.twinTown = m.twinTowns[0].id;
});
afterAll(() => h.stop());

type Headers = Record<string, string>;
const bearer = (token: string): Headers => ({ authorization: `Bearer ${token}` });

interface Mutation {
  name: string;
  query: string;
  variables: () => Record<string, unknown>;
  /** What the editor's successful call answers. */
  expect: (data: any) => void;
}

/** Valid input for kommun 1480 throughout: only the caller decides whether it is refused. In this order every call succeeds for the editor. */
const mutations: Mutation[] = [
  {
    name: 'createProject',
    query: 'mutation($input: ProjectInput!) { createProject(input: $input) { id title } }',
    variables: () => ({ input: { municipality: '1480', title: 'New project', status: 'PLANNED', startDate: '2025-03-01' } }),
    expect: (d) => expect(d.createProject).toEqual({ id: expect.stringMatching(/^1480:project:\d+$/), title: 'New project' }),
  },
  {
    name: 'updateProject',
    query: 'mutation($id: ID!, $input: ProjectUpdateInput!) { updateProject(id: $id, input: $input) { id title } }',
    variables: () => ({ id: ids.project, input: { title: 'Renamed' } }),
    expect: (d) => expect(d.updateProject).toEqual({ id: ids.project, title: 'Renamed' }),
  },
  {
    name: 'deleteProject',
    query: 'mutation($id: ID!) { deleteProject(id: $id) }',
    variables: () => ({ id: ids.otherProject }),
    expect: (d) => expect(d.deleteProject).toBe(ids.otherProject),
  },
  {
    name: 'createMembership',
    query: 'mutation($input: MembershipInput!) { createMembership(input: $input) { network { id } } }',
    variables: () => ({ input: { municipality: '1480', network: 'sern' } }),
    expect: (d) => expect(d.createMembership).toEqual({ network: { id: 'sern' } }),
  },
  {
    name: 'updateMembership',
    query: 'mutation($id: ID!, $input: MembershipUpdateInput!) { updateMembership(id: $id, input: $input) { id forums } }',
    variables: () => ({ id: ids.membership, input: { forums: ['kultur', 'klimat'] } }),
    expect: (d) => expect(d.updateMembership).toEqual({ id: ids.membership, forums: ['kultur', 'klimat'] }),
  },
  {
    name: 'deleteMembership',
    query: 'mutation($id: ID!) { deleteMembership(id: $id) }',
    variables: () => ({ id: ids.membership }),
    expect: (d) => expect(d.deleteMembership).toBe(ids.membership),
  },
  {
    name: 'createTwinTown',
    query: 'mutation($input: TwinTownInput!) { createTwinTown(input: $input) { city country } }',
    variables: () => ({ input: { municipality: '1480', city: 'Turku', country: 'FI' } }),
    expect: (d) => expect(d.createTwinTown).toEqual({ city: 'Turku', country: 'FI' }),
  },
  {
    name: 'updateTwinTown',
    query: 'mutation($id: ID!, $input: TwinTownUpdateInput!) { updateTwinTown(id: $id, input: $input) { id city } }',
    variables: () => ({ id: ids.twinTown, input: { city: 'Bergen kommune' } }),
    expect: (d) => expect(d.updateTwinTown).toEqual({ id: ids.twinTown, city: 'Bergen kommune' }),
  },
  {
    name: 'deleteTwinTown',
    query: 'mutation($id: ID!) { deleteTwinTown(id: $id) }',
    variables: () => ({ id: ids.twinTown }),
    expect: (d) => expect(d.deleteTwinTown).toBe(ids.twinTown),
  },
  {
    name: 'setStrategy',
    query: 'mutation($m: ID!, $input: StrategyInput!) { setStrategy(municipality: $m, input: $input) { title } }',
    variables: () => ({ m: '1480', input: { title: 'Ny strategi', adoptedBy: 'KOMMUNSTYRELSEN' } }),
    expect: (d) => expect(d.setStrategy).toEqual({ title: 'Ny strategi' }),
  },
  {
    name: 'deleteStrategy',
    query: 'mutation($m: ID!) { deleteStrategy(municipality: $m) }',
    variables: () => ({ m: '1480' }),
    expect: (d) => expect(d.deleteStrategy).toBe(true),
  },
];

interface Caller {
  name: string;
  headers: () => Promise<Headers>;
  code: 'UNAUTHENTICATED' | 'FORBIDDEN';
  message: RegExp;
}

const OTHER_SECRET = 'another-secret-9876543210-zyxwvutsrqpo';
const EDITOR_1480 = { role: 'kommun-editor', subject: 'e', municipality: '1480' } as const;

const refused: Caller[] = [
  { name: 'anonymous', headers: async () => ({}), code: 'UNAUTHENTICATED', message: /need a token/ },
  { name: 'editor of another kommun', headers: async () => bearer(await h.editor('1481')), code: 'FORBIDDEN', message: /editor of kommun 1481.*only an editor of kommun 1480/ },
  { name: 'region editor', headers: async () => bearer(await h.token({ role: 'region-editor', subject: 'r' })), code: 'FORBIDDEN', message: /region editor/ },
  {
    name: 'expired token',
    headers: async () => bearer(await h.token(EDITOR_1480, { expiresIn: Math.floor(Date.now() / 1000) - 60 })),
    code: 'UNAUTHENTICATED',
    message: /expired/,
  },
  { name: 'token signed with another secret', headers: async () => bearer(await h.token(EDITOR_1480, { secret: OTHER_SECRET })), code: 'UNAUTHENTICATED', message: /signature/ },
  { name: 'token for another audience', headers: async () => bearer(await h.token(EDITOR_1480, { audience: 'elsewhere' })), code: 'UNAUTHENTICATED', message: /"aud" claim/ },
  { name: 'token from another issuer', headers: async () => bearer(await mintToken(EDITOR_1480, { secret: SECRET, issuer: 'elsewhere' })), code: 'UNAUTHENTICATED', message: /"iss" claim/ },
  { name: 'token that is not a JWT', headers: async () => bearer('not-a-jwt'), code: 'UNAUTHENTICATED', message: /token is invalid/ },
  { name: 'malformed Authorization header', headers: async () => ({ authorization: `Token ${await h.editor('1480')}` }), code: 'UNAUTHENTICATED', message: /Bearer <token>/ },
  { name: 'Bearer without a token', headers: async () => ({ authorization: 'Bearer' }), code: 'UNAUTHENTICATED', message: /Bearer <token>/ },
];

describe.each(refused)('$name', (caller) => {
  it.each(mutations)(`$name is refused with ${caller.code} and changes nothing`, async (m) => {
    const before = await snapshot(h);
    const { body } = await postGraphQL(h.url, m.query, m.variables(), await caller.headers());
    expect(body.errors).toHaveLength(1);
    expect(body.errors![0].extensions?.code).toBe(caller.code);
    expect(body.errors![0].message).toMatch(caller.message);
    expect(body.data ?? null).toBeNull();
    expect(await snapshot(h)).toEqual(before);
  });
});

describe('reads stay public', () => {
  const READ = `{ projects(first: 10, orderBy: { field: ID, direction: ASC }) { totalCount nodes { id title } }
    municipality(code: "1480") { memberships { id } twinTowns { city } strategy { title } } }`;

  it.each(refused)('$name still reads', async (caller) => {
    const anonymous = await h.gql(READ);
    expect(anonymous.body.errors).toBeUndefined();
    expect(anonymous.body.data.projects.totalCount).toBe(3);
    expect(anonymous.body.data.projects.nodes).toHaveLength(3);
    expect(anonymous.body.data.municipality.strategy).toEqual({ title: 'Internationell strategi' });
    const { body } = await postGraphQL(h.url, READ, undefined, await caller.headers());
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual(anonymous.body.data);
  });
});

describe('the editor of the kommun', () => {
  it.each(mutations)('$name succeeds and writes', async (m) => {
    const before = await snapshot(h);
    const { body } = await h.gql(m.query, m.variables(), await h.editor('1480'));
    expect(body.errors).toBeUndefined();
    m.expect(body.data);
    expect(await snapshot(h)).not.toEqual(before);
  });
});

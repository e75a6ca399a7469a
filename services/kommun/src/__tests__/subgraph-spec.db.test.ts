import { buildClientSchema } from 'graphql';
import { standardIntrospectionRequests } from '@samverkan/testing';
import { generateProjects } from '../seed/synthetic';
import { startKommun, type KommunHarness } from './harness';

let h: KommunHarness;
beforeAll(async () => {
  h = await startKommun(['1480'], [{ code: '1480', projects: generateProjects('1480', 5), memberships: [{ network: 'eurocities', since: '1995-01-01', forums: ['kultur'] }], twinTowns: [] }]);
});
afterAll(() => h.stop());

describe('Federation v2 subgraph spec', () => {
  it('_service { sdl } links federation v2 and declares the entity keys', async () => {
    const { body } = await h.gql('{ _service { sdl } }');
    const sdl: string = body.data._service.sdl;
    expect(sdl).toMatch(/@link\(url: "https:\/\/specs\.apollo\.dev\/federation\/v2\.\d+"/);
    expect(sdl).toMatch(/type Project\s+@key\(fields: "id"\)/);
    expect(sdl).toMatch(/type Municipality\s+@key\(fields: "code"\)/);
    expect(sdl).toMatch(/type DevelopmentArea\s+@key\(fields: "code"\)/);
    expect(sdl).toMatch(/type Network\s+@key\(fields: "id"\)/);
    expect(sdl).toMatch(/type FundingProgramme\s+@key\(fields: "code"\)/);
    expect(sdl).toMatch(/type JointInitiative\s+@key\(fields: "id"\)/);
  });

  it('_entities answers in the representations\' order, with null for unknown keys', async () => {
    const { body: list } = await h.gql('{ projects(first: 3, orderBy: { field: ID, direction: ASC }) { nodes { id title } } }');
    const [a, b, c] = list.data.projects.nodes;
    const representations = [
      { __typename: 'Project', id: c.id },
      { __typename: 'Project', id: '1480:project:999999' },
      { __typename: 'Municipality', code: '1480' },
      { __typename: 'Project', id: a.id },
      { __typename: 'Project', id: 'not-an-id' },
      { __typename: 'Project', id: b.id.replace('1480', '1481') },
      { __typename: 'Municipality', code: '1481' },
      { __typename: 'Project', id: b.id },
    ];
    const { body } = await h.gql(
      `query($r: [_Any!]!) { _entities(representations: $r) {
        ... on Project { id title }
        ... on Municipality { code memberships { network { id } } }
      } }`,
      { r: representations },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data._entities).toEqual([
      { id: c.id, title: c.title },
      null,
      { code: '1480', memberships: [{ network: { id: 'eurocities' } }] },
      { id: a.id, title: a.title },
      null,
      null,
      null,
      { id: b.id, title: b.title },
    ]);
  });

  it('refuses representations no gateway sends, naming each by its index', async () => {
    const query = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Project { id } } }';
    const cases: Array<[unknown, string]> = [
      [{ __typename: 'Nope', id: '1480:project:1' }, 'representations[0].__typename: "Nope" is not an entity of this subgraph (DevelopmentArea, FundingProgramme, JointInitiative, Membership, Municipality, Network, Project)'],
      [{ id: '1480:project:1' }, 'representations[0].__typename: must name an entity of this subgraph'],
      ['1480:project:1', 'representations[0]: must be an object with __typename and the key'],
      [{ __typename: 'Project', id: 1 }, 'representations[0].id: must be a string (got a number)'],
      [{ __typename: 'Municipality', code: { code: '1480' } }, 'representations[0].code: must be a string (got an object)'],
      [{ __typename: 'Project', id: '1480:project:99999999999999' }, 'representations[0].id: "1480:project:99999999999999" holds a number larger than any key (at most 2147483647)'],
      [{ __typename: 'Membership', id: '1480:membership:2147483648' }, 'representations[0].id: "1480:membership:2147483648" holds a number larger than any key (at most 2147483647)'],
    ];
    for (const [representation, problem] of cases) {
      const { body } = await h.gql(query, { r: [representation] });
      expect(body.errors).toEqual([expect.objectContaining({ message: `Invalid input: ${problem}.`, extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) })]);
    }
    // The index of each, in a longer list.
    const { body } = await h.gql(query, { r: [{ __typename: 'Project', id: '1480:project:1' }, { __typename: 'Project' }] });
    expect(body.errors[0].message).toBe('Invalid input: representations[1].id: is required (the key of Project).');
  });

  it('contributes fields to the region\'s entities by key', async () => {
    const { body } = await h.gql(
      `query($r: [_Any!]!) { _entities(representations: $r) {
        ... on Network { id memberships { municipality { code } forums } }
        ... on DevelopmentArea { code projects(first: 1) { totalCount } }
      } }`,
      { r: [{ __typename: 'Network', id: 'eurocities' }, { __typename: 'DevelopmentArea', code: 'NOPE' }] },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data._entities[0]).toEqual({ id: 'eurocities', memberships: [{ municipality: { code: '1480' }, forums: ['kultur'] }] });
    expect(body.data._entities[1]).toEqual({ code: 'NOPE', projects: { totalCount: 0 } });
  });
});

describe('standard tools load the schema within the subgraph\'s own limits', () => {
  it.each(standardIntrospectionRequests().map((r) => [r.name, r.body] as const))('%s', async (_name, body) => {
    const res = await fetch(h.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const json: any = await res.json();
    expect(json.errors).toBeUndefined();
    expect(res.status).toBe(200);
    expect(buildClientSchema(json.data).getType('Project')).toBeDefined();
  });
});

describe("the subgraph's own cost limit", () => {
  it('refuses 100 aliases of a 100-project page before any SQL runs', async () => {
    const query = `{ ${Array.from({ length: 100 }, (_, i) => `p${i}: projects(first: 100) { totalCount nodes { id title startDate budget { total } partners { name } } }`).join(' ')} }`;
    const res = await fetch(h.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
    const json: any = await res.json();
    expect(res.status).toBe(400);
    expect(json.errors).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/^Query too complex: its estimated cost is 270100, the limit is 100000/), extensions: expect.objectContaining({ code: 'QUERY_TOO_COMPLEX' }) }),
    ]);
    expect(json.extensions?.sqlStatements ?? 0).toBe(0);
  });

  it('counts _entities by its representations: a gateway fetch of 10,000 passes', async () => {
    const r = Array.from({ length: 10_000 }, (_, i) => ({ __typename: 'Project', id: `1480:project:${i + 1}` }));
    const { body } = await h.gql('query($r: [_Any!]!) { _entities(representations: $r) { ... on Project { id title status startDate budget { total } municipality { code } } } }', { r });
    expect(body.errors).toBeUndefined();
    expect(body.data._entities).toHaveLength(10_000);
  });
});

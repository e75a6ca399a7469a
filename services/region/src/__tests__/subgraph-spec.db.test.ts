import { buildClientSchema } from 'graphql';
import { standardIntrospectionRequests } from '@samverkan/testing';
import { startRegion, type RegionHarness } from './harness';

let h: RegionHarness;
beforeAll(async () => {
  h = await startRegion();
});
afterAll(() => h.stop());

const ENTITIES = `query($r: [_Any!]!) { _entities(representations: $r) {
  ... on Municipality { code name county }
  ... on DevelopmentArea { code name agreement { id } }
  ... on JointInitiative { id name programme { code fund } }
  ... on Network { id name }
  ... on FundingProgramme { code fund }
} }`;

describe('Federation v2 subgraph spec', () => {
  it('_service { sdl } links federation v2 and declares every entity key', async () => {
    const { body } = await h.gql('{ _service { sdl } }');
    const sdl: string = body.data._service.sdl;
    expect(sdl).toMatch(/@link\(url: "https:\/\/specs\.apollo\.dev\/federation\/v2\.\d+"/);
    expect(sdl).toMatch(/type Municipality\s+@key\(fields: "code"\)/);
    expect(sdl).toMatch(/type DevelopmentArea\s+@key\(fields: "code"\)/);
    expect(sdl).toMatch(/type JointInitiative\s+@key\(fields: "id"\)/);
    expect(sdl).toMatch(/type Network\s+@key\(fields: "id"\)/);
    expect(sdl).toMatch(/type FundingProgramme\s+@key\(fields: "code"\)/);
    expect(sdl).toMatch(/municipality\(code: ID!\): Municipality @shareable/);
    // The kommun contract owns these fields of the shared entities.
    const municipality = /type Municipality[^{]*\{([^}]*)\}/.exec(sdl)![1];
    for (const field of ['projects', 'memberships', 'twinTowns', 'strategy']) expect(municipality).not.toMatch(new RegExp(`\\b${field}\\b`));
  });

  it("_entities answers in the representations' order, with null for unknown and malformed keys", async () => {
    const representations = [
      { __typename: 'Network', id: 'eurocities' },
      { __typename: 'Municipality', code: '0583' },
      { __typename: 'Municipality', code: '1480' },
      { __typename: 'DevelopmentArea', code: 'EU-FUNDS' },
      { __typename: 'JointInitiative', id: 'gr-samsyn' },
      { __typename: 'FundingProgramme', code: 'NO-SUCH-PROGRAMME' },
      { __typename: 'Network', id: 'not an id!' },
      { __typename: 'Municipality', code: 'x' },
      { __typename: 'FundingProgramme', code: 'ESF-2014-2020' },
      { __typename: 'Municipality', code: '1480' },
      { __typename: 'JointInitiative', id: 'nope' },
    ];
    const { body } = await h.gql(ENTITIES, { r: representations });
    expect(body.errors).toBeUndefined();
    const goteborg = { code: '1480', name: 'Göteborg', county: 'Västra Götalands län' };
    expect(body.data._entities).toEqual([
      { id: 'eurocities', name: 'Eurocities' },
      null,
      goteborg,
      { code: 'EU-FUNDS', name: 'Strategiskt samarbete inom ramen för EU:s fonder och program', agreement: { id: 'gr-goteborg-2014' } },
      { id: 'gr-samsyn', name: 'GR Samsyn', programme: { code: 'ESF-2014-2020', fund: 'ESF' } },
      null,
      null,
      null,
      { code: 'ESF-2014-2020', fund: 'ESF' },
      goteborg,
      null,
    ]);
  });

  it('refuses representations no gateway sends, naming each by its index', async () => {
    const representations = [
      { __typename: 'Network', id: 'eurocities' },
      { __typename: 'Nope', id: 'x' },
      { code: '1480' },
      5,
      { __typename: 'DevelopmentArea', code: 42 },
      { __typename: 'Municipality' },
    ];
    const { status, body } = await h.gql(ENTITIES, { r: representations });
    expect(status).toBeLessThan(500);
    expect(body.data).toBeNull();
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(body.errors[0].message).toBe(
      'Invalid input: representations[1].__typename: "Nope" is not an entity of this subgraph (DevelopmentArea, FundingProgramme, JointInitiative, Municipality, Network); ' +
        'representations[2].__typename: must name an entity of this subgraph; representations[3]: must be an object with __typename and the key; ' +
        'representations[4].code: must be a string (got a number); representations[5].code: is required (the key of Municipality).',
    );
  });

  it('resolves references in one statement per entity type, however many there are', async () => {
    const one = await h.gql(ENTITIES, { r: [{ __typename: 'Municipality', code: '1480' }] });
    const { body: all } = await h.gql('{ municipalities { code } }');
    const many = await h.gql(ENTITIES, { r: all.data.municipalities.map((m: { code: string }) => ({ __typename: 'Municipality', code: m.code })) });
    expect(many.body.data._entities).toHaveLength(13);
    expect(many.body.data._entities.every(Boolean)).toBe(true);
    expect(one.body.extensions.sqlStatements).toBe(1);
    expect(many.body.extensions.sqlStatements).toBe(1);
  });
});

describe('standard tools load the schema within the subgraph\'s own limits', () => {
  it.each(standardIntrospectionRequests().map((r) => [r.name, r.body] as const))('%s', async (_name, body) => {
    const res = await fetch(h.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const json: any = await res.json();
    expect(json.errors).toBeUndefined();
    expect(res.status).toBe(200);
    expect(buildClientSchema(json.data).getType('DevelopmentArea')).toBeDefined();
  });
});

describe("the subgraph's own cost limit", () => {
  it('refuses 100 aliases of every initiative with its areas and their agreements before any SQL runs', async () => {
    const query = `{ ${Array.from({ length: 100 }, (_, i) => `i${i}: jointInitiatives { name partners developmentAreas { name agreement { title parties } } }`).join(' ')} }`;
    const res = await fetch(h.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
    const json: any = await res.json();
    expect(res.status).toBe(400);
    expect(json.errors).toEqual([expect.objectContaining({ message: expect.stringMatching(/^Query too complex: .* the limit is 100000/), extensions: expect.objectContaining({ code: 'QUERY_TOO_COMPLEX' }) })]);
    expect(json.extensions?.sqlStatements ?? 0).toBe(0);
  });

  it('counts _entities by its representations: a gateway fetch of 10,000 passes', async () => {
    const r = Array.from({ length: 10_000 }, (_, i) => ({ __typename: 'Municipality', code: String(1000 + (i % 9000)) }));
    const { body } = await h.gql('query($r: [_Any!]!) { _entities(representations: $r) { ... on Municipality { code name county population } } }', { r });
    expect(body.errors).toBeUndefined();
    expect(body.data._entities).toHaveLength(10_000);
  });
});

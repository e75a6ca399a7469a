import { mintToken } from '@samverkan/server-kit';
import { postGraphQL } from '@samverkan/testing';
import { SECRET, snapshot, startRegion, type RegionHarness } from './harness';

/**
 * Every mutation against every kind of caller that must be refused, then the one kind of caller
 * that may write. Reads need no token at all, and a bad token does not spoil them.
 */

let h: RegionHarness;
beforeAll(async () => {
  h = await startRegion();
});
afterAll(() => h.stop());

type Headers = Record<string, string>;
const bearer = (token: string): Headers => ({ authorization: `Bearer ${token}` });

interface Mutation {
  name: string;
  query: string;
  variables: Record<string, unknown>;
}

/** Valid input throughout: only the caller decides whether it is refused. In this order every call succeeds for a region editor. */
const mutations: Mutation[] = [
  { name: 'upsertMember', query: 'mutation($i: MemberInput!) { upsertMember(input: $i) { code } }', variables: { i: { code: '1499', name: 'Nykommun', county: 'Hallands län' } } },
  { name: 'removeMember', query: 'mutation($c: ID!) { removeMember(code: $c) }', variables: { c: '1499' } },
  { name: 'upsertDevelopmentArea', query: 'mutation($i: DevelopmentAreaInput!) { upsertDevelopmentArea(input: $i) { code } }', variables: { i: { code: 'EU-NEW', name: 'Nytt' } } },
  { name: 'deleteDevelopmentArea', query: 'mutation($c: ID!) { deleteDevelopmentArea(code: $c) }', variables: { c: 'EU-NEW' } },
  { name: 'upsertNetwork', query: 'mutation($i: NetworkInput!) { upsertNetwork(input: $i) { id } }', variables: { i: { id: 'polis', name: 'POLIS' } } },
  { name: 'deleteNetwork', query: 'mutation($id: ID!) { deleteNetwork(id: $id) }', variables: { id: 'polis' } },
  { name: 'upsertFundingProgramme', query: 'mutation($i: FundingProgrammeInput!) { upsertFundingProgramme(input: $i) { code } }', variables: { i: { code: 'JTF', name: 'JTF', fund: 'JTF' } } },
  { name: 'deleteFundingProgramme', query: 'mutation($c: ID!) { deleteFundingProgramme(code: $c) }', variables: { c: 'JTF' } },
  { name: 'upsertJointInitiative', query: 'mutation($i: JointInitiativeInput!) { upsertJointInitiative(input: $i) { id } }', variables: { i: { id: 'eu-lab', name: 'EU-labbet' } } },
  { name: 'deleteJointInitiative', query: 'mutation($id: ID!) { deleteJointInitiative(id: $id) }', variables: { id: 'eu-lab' } },
];

interface Caller {
  name: string;
  headers: () => Promise<Headers>;
  code: 'UNAUTHENTICATED' | 'FORBIDDEN';
  message: RegExp;
}

const OTHER_SECRET = 'another-secret-9876543210-zyxwvutsrqpo';
const REGION_EDITOR = { role: 'region-editor', subject: 'r' } as const;

const refused: Caller[] = [
  { name: 'anonymous', headers: async () => ({}), code: 'UNAUTHENTICATED', message: /need a token/ },
  { name: 'kommun editor', headers: async () => bearer(await h.kommunEditor('1480')), code: 'FORBIDDEN', message: /editor of kommun 1480.*only a region editor/ },
  {
    name: 'expired token',
    headers: async () => bearer(await h.token(REGION_EDITOR, { expiresIn: Math.floor(Date.now() / 1000) - 60 })),
    code: 'UNAUTHENTICATED',
    message: /expired/,
  },
  { name: 'token signed with another secret', headers: async () => bearer(await h.token(REGION_EDITOR, { secret: OTHER_SECRET })), code: 'UNAUTHENTICATED', message: /signature/ },
  { name: 'token for another audience', headers: async () => bearer(await h.token(REGION_EDITOR, { audience: 'elsewhere' })), code: 'UNAUTHENTICATED', message: /"aud" claim/ },
  { name: 'token from another issuer', headers: async () => bearer(await mintToken(REGION_EDITOR, { secret: SECRET, issuer: 'elsewhere' })), code: 'UNAUTHENTICATED', message: /"iss" claim/ },
  { name: 'token that is not a JWT', headers: async () => bearer('not-a-jwt'), code: 'UNAUTHENTICATED', message: /token is invalid/ },
  { name: 'malformed Authorization header', headers: async () => ({ authorization: `Token ${await h.regionEditor()}` }), code: 'UNAUTHENTICATED', message: /Bearer <token>/ },
];

describe.each(refused)('$name', (caller) => {
  it.each(mutations)(`$name is refused with ${caller.code} and changes nothing`, async (m) => {
    const before = await snapshot(h);
    const { body } = await postGraphQL(h.url, m.query, m.variables, await caller.headers());
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0].extensions.code).toBe(caller.code);
    expect(body.errors[0].message).toMatch(caller.message);
    expect(body.data ?? null).toBeNull();
    expect(await snapshot(h)).toEqual(before);
  });
});

describe('reads stay public', () => {
  const READ = `{ region { id population members { code name } agreements { id developmentAreas { code } } }
    networks { id } fundingProgrammes { code } jointInitiatives { id programme { code } } }`;

  it.each(refused)('$name still reads', async (caller) => {
    const anonymous = await h.gql(READ);
    expect(anonymous.body.errors).toBeUndefined();
    expect(anonymous.body.data.region.members).toHaveLength(13);
    const { body } = await postGraphQL(h.url, READ, undefined, await caller.headers());
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual(anonymous.body.data);
  });
});

describe('a region editor', () => {
  it.each(mutations)('$name succeeds and writes', async (m) => {
    const before = await snapshot(h);
    const { body } = await h.gql(m.query, m.variables, await h.regionEditor());
    expect(body.errors).toBeUndefined();
    expect(body.data[m.name]).toBeTruthy();
    expect(await snapshot(h)).not.toEqual(before);
  });
});

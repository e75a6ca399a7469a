import { mintToken, postGraphQL, type Identity } from '@samverkan/common';
import { SECRET, startE2ERegion, type E2ERegion } from './harness';
import { snapshotDatabase } from './snapshot';

/**
 * Every mutation of every subgraph, through the gateway and straight to its subgraph, as every
 * kind of caller: only the allowed ones change data; the others answer a clear error and leave
 * every row as it was.
 */
let region: E2ERegion;
beforeAll(async () => {
  region = await startE2ERegion({ syntheticProjects: 3 });
}, 120_000);
afterAll(() => region?.stop());

const K = '1480';
type Caller = { name: string; token: () => Promise<string | undefined>; gateway: string; direct: string };
const mint = (identity: Identity, o: { secret?: string; audience?: string; expiresIn?: number } = {}) => () =>
  mintToken(identity, { secret: o.secret ?? SECRET, audience: o.audience, expiresIn: o.expiresIn });
const kommunEditor: Identity = { role: 'kommun-editor', subject: 'k', municipality: K };
const otherEditor: Identity = { role: 'kommun-editor', subject: 'o', municipality: '1481' };
const regionEditor: Identity = { role: 'region-editor', subject: 'r' };

/** Refused callers and the code each answers, through the gateway and directly. */
const refused = (allowed: 'kommun' | 'region'): Caller[] => [
  { name: 'anonymous', token: async () => undefined, gateway: 'UNAUTHENTICATED', direct: 'UNAUTHENTICATED' },
  allowed === 'kommun'
    ? { name: 'an editor of another kommun', token: mint(otherEditor), gateway: 'FORBIDDEN', direct: 'FORBIDDEN' }
    : { name: 'a kommun editor', token: mint(kommunEditor), gateway: 'FORBIDDEN', direct: 'FORBIDDEN' },
  allowed === 'kommun'
    ? { name: 'a region editor', token: mint(regionEditor), gateway: 'FORBIDDEN', direct: 'FORBIDDEN' }
    : { name: 'an editor of another kommun', token: mint(otherEditor), gateway: 'FORBIDDEN', direct: 'FORBIDDEN' },
  { name: 'an expired token', token: mint(allowed === 'kommun' ? kommunEditor : regionEditor, { expiresIn: Math.floor(Date.now() / 1000) - 60 }), gateway: 'UNAUTHENTICATED', direct: 'UNAUTHENTICATED' },
  { name: 'a bad signature', token: mint(allowed === 'kommun' ? kommunEditor : regionEditor, { secret: 'another-secret-0123456789-abcdefghijkl' }), gateway: 'UNAUTHENTICATED', direct: 'UNAUTHENTICATED' },
  { name: 'another audience', token: mint(allowed === 'kommun' ? kommunEditor : regionEditor, { audience: 'elsewhere' }), gateway: 'UNAUTHENTICATED', direct: 'UNAUTHENTICATED' },
];

interface Mutation {
  name: string;
  owner: 'kommun' | 'region';
  query: string;
  variables: (ids: Ids) => Record<string, unknown>;
}
interface Ids {
  project: string;
  membership: string;
  twinTown: string;
  n: number;
}

const MUTATIONS: Mutation[] = [
  { name: 'createProject', owner: 'kommun', query: 'mutation($i: ProjectInput!) { createProject(input: $i) { id } }', variables: (x) => ({ i: { municipality: K, title: `New ${x.n}`, status: 'PLANNED', startDate: '2026-01-01' } }) },
  { name: 'updateProject', owner: 'kommun', query: 'mutation($id: ID!) { updateProject(id: $id, input: { title: "Changed" }) { id } }', variables: (x) => ({ id: x.project }) },
  { name: 'createMembership', owner: 'kommun', query: 'mutation($i: MembershipInput!) { createMembership(input: $i) { id } }', variables: (x) => ({ i: { municipality: K, network: `net-${x.n}`, since: '2020-01-01' } }) },
  { name: 'updateMembership', owner: 'kommun', query: 'mutation($id: ID!) { updateMembership(id: $id, input: { forums: ["mobilitet"] }) { id } }', variables: (x) => ({ id: x.membership }) },
  { name: 'createTwinTown', owner: 'kommun', query: 'mutation($i: TwinTownInput!) { createTwinTown(input: $i) { id } }', variables: () => ({ i: { municipality: K, city: 'Bergen', country: 'NO' } }) },
  { name: 'updateTwinTown', owner: 'kommun', query: 'mutation($id: ID!) { updateTwinTown(id: $id, input: { since: 1950 }) { id } }', variables: (x) => ({ id: x.twinTown }) },
  { name: 'setStrategy', owner: 'kommun', query: 'mutation { setStrategy(municipality: "1480", input: { title: "Strategi", adoptedBy: KOMMUNFULLMAKTIGE, priorities: ["EU"] }) { title } }', variables: () => ({}) },
  { name: 'deleteStrategy', owner: 'kommun', query: 'mutation { deleteStrategy(municipality: "1480") }', variables: () => ({}) },
  { name: 'deleteTwinTown', owner: 'kommun', query: 'mutation($id: ID!) { deleteTwinTown(id: $id) }', variables: (x) => ({ id: x.twinTown }) },
  { name: 'deleteMembership', owner: 'kommun', query: 'mutation($id: ID!) { deleteMembership(id: $id) }', variables: (x) => ({ id: x.membership }) },
  { name: 'deleteProject', owner: 'kommun', query: 'mutation($id: ID!) { deleteProject(id: $id) }', variables: (x) => ({ id: x.project }) },
  { name: 'upsertDevelopmentArea', owner: 'region', query: 'mutation($i: DevelopmentAreaInput!) { upsertDevelopmentArea(input: $i) { code } }', variables: (x) => ({ i: { code: `AREA-${x.n}`, name: 'Nytt område' } }) },
  { name: 'deleteDevelopmentArea', owner: 'region', query: 'mutation($c: ID!) { deleteDevelopmentArea(code: $c) }', variables: (x) => ({ c: `AREA-${x.n}` }) },
  { name: 'upsertNetwork', owner: 'region', query: 'mutation($i: NetworkInput!) { upsertNetwork(input: $i) { id } }', variables: (x) => ({ i: { id: `network-${x.n}`, name: 'Nätverk' } }) },
  { name: 'deleteNetwork', owner: 'region', query: 'mutation($id: ID!) { deleteNetwork(id: $id) }', variables: (x) => ({ id: `network-${x.n}` }) },
  { name: 'upsertFundingProgramme', owner: 'region', query: 'mutation($i: FundingProgrammeInput!) { upsertFundingProgramme(input: $i) { code } }', variables: (x) => ({ i: { code: `PROG-${x.n}`, name: 'Program', fund: 'ESF' } }) },
  { name: 'deleteFundingProgramme', owner: 'region', query: 'mutation($c: ID!) { deleteFundingProgramme(code: $c) }', variables: (x) => ({ c: `PROG-${x.n}` }) },
  { name: 'upsertJointInitiative', owner: 'region', query: 'mutation($i: JointInitiativeInput!) { upsertJointInitiative(input: $i) { id } }', variables: (x) => ({ i: { id: `init-${x.n}`, name: 'Initiativ' } }) },
  { name: 'deleteJointInitiative', owner: 'region', query: 'mutation($id: ID!) { deleteJointInitiative(id: $id) }', variables: (x) => ({ id: `init-${x.n}` }) },
  { name: 'upsertMember', owner: 'region', query: 'mutation($i: MemberInput!) { upsertMember(input: $i) { code } }', variables: () => ({ i: { code: '0999', name: 'Provkommun', county: 'Testlän' } }) },
  { name: 'removeMember', owner: 'region', query: 'mutation { removeMember(code: "0999") }', variables: () => ({}) },
];

let counter = 0;
/** Fresh rows for the update and delete mutations to act on, made by the kommun's editor. */
async function freshIds(): Promise<Ids> {
  const token = await mint(kommunEditor)();
  const n = ++counter;
  const kommun = region.kommuner.get(K)!;
  const gql = async (q: string, v: Record<string, unknown>) => (await postGraphQL(kommun, q, v, { authorization: `Bearer ${token}` })).body.data as any;
  const p = await gql('mutation($i: ProjectInput!) { createProject(input: $i) { id } }', { i: { municipality: K, title: `Fixture ${n}`, status: 'PLANNED', startDate: '2025-01-01' } });
  const m = await gql('mutation($i: MembershipInput!) { createMembership(input: $i) { id } }', { i: { municipality: K, network: `fixture-${n}`, since: '2019-01-01' } });
  const t = await gql('mutation($i: TwinTownInput!) { createTwinTown(input: $i) { id } }', { i: { municipality: K, city: `Fixture ${n}`, country: 'DK' } });
  return { project: p.createProject.id, membership: m.createMembership.id, twinTown: t.createTwinTown.id, n };
}

const urlFor = (path: 'gateway' | 'direct', m: Mutation) => (path === 'gateway' ? region.gatewayUrl : m.owner === 'kommun' ? region.kommuner.get(K)! : region.regionUrl);
const snapshots = async () => ({ kommun: await snapshotDatabase(region.databases.get(K)!), region: await snapshotDatabase(region.databases.get('region')!) });

describe.each(['gateway', 'direct'] as const)('every mutation, %s', (path) => {
  it.each(MUTATIONS.map((m) => [m.name, m] as const))('%s: refused callers change nothing', async (_name, m) => {
    const ids = await freshIds();
    for (const caller of refused(m.owner)) {
      const before = await snapshots();
      const token = await caller.token();
      const { status, body } = await postGraphQL(urlFor(path, m), m.query, m.variables(ids), token ? { authorization: `Bearer ${token}` } : {});
      const code = body.errors?.[0]?.extensions?.code;
      expect([caller.name, code]).toEqual([caller.name, caller[path]]);
      expect(body.errors[0].message.length).toBeGreaterThan(20);
      expect(status).toBeLessThan(500);
      expect(await snapshots()).toEqual(before);
    }
  });

  it('allowed callers change data: the kommun editor its kommun, the region editor the region', async () => {
    const ids = await freshIds();
    for (const m of MUTATIONS) {
      const before = await snapshots();
      const token = await mint(m.owner === 'kommun' ? kommunEditor : regionEditor)();
      const { body } = await postGraphQL(urlFor(path, m), m.query, m.variables(ids), { authorization: `Bearer ${token}` });
      expect([m.name, body.errors]).toEqual([m.name, undefined]);
      expect([m.name, await snapshots()]).not.toEqual([m.name, before]);
    }
  });
});

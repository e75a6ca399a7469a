import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAssertionSigner, generateSigningKey, kommunAudience, mintToken, REGION_AUDIENCE, writeKeyFile, type AssertionSigner, type Identity, type SigningKey } from '@samverkan/server-kit';
import { postGraphQL } from '@samverkan/testing';
import { eventually, startE2ERegion, type E2ERegion } from './harness';
import { databaseSnapshots, snapshotDatabase } from './snapshot';

/**
 * Every mutation of every subgraph, through the gateway and straight to its subgraph, as every
 * kind of caller: only the allowed ones change data; the others answer a clear error and leave
 * every row as it was. Tokens are signed by the region's identity provider (EdDSA, JWKS); a
 * kommun's own key, a shared secret, a token without exp, too old or from the future, and a
 * token replayed at another kommun are refused; keys roll over without a restart.
 */
let region: E2ERegion;
/** A key pair a kommun made for itself: not the identity provider's, so it must mint nothing. */
let kommunKey: SigningKey;
/** The gateway's assertion key, given to it as a key file so that the test can sign as it does. */
let gatewayKey: SigningKey;
let assertions: AssertionSigner;
const keyDir = mkdtempSync(join(tmpdir(), 'samverkan-gateway-key-'));
beforeAll(async () => {
  kommunKey = await generateSigningKey();
  gatewayKey = await generateSigningKey();
  writeKeyFile(join(keyDir, 'gateway.json'), [gatewayKey]);
  assertions = createAssertionSigner([gatewayKey]);
  // Key sets are cached briefly here, so that a retired key's refusal is seen within seconds.
  region = await startE2ERegion({
    syntheticProjects: 3,
    authEnv: { JWT_JWKS_CACHE_MS: '1500', JWT_JWKS_COOLDOWN_MS: '300' },
    gatewayEnv: { GATEWAY_SIGNING_KEY_FILE: join(keyDir, 'gateway.json') },
  });
}, 120_000);
/** The kommun's and the region's database, each over a connection of its own kept for the suite. */
const snapshotter = databaseSnapshots();
afterAll(async () => {
  await snapshotter.close();
  await region?.stop();
  rmSync(keyDir, { recursive: true, force: true });
});

const K = '1480';
const now = () => Math.floor(Date.now() / 1000);
type Caller = { name: string; token: () => Promise<string | undefined>; gateway: string; direct: string };
type MintOptions = { key?: SigningKey; secret?: string; audience?: string; expiresIn?: number | null; issuedAt?: number | null };
const mint = (identity: Identity, o: MintOptions = {}) => async () =>
  mintToken(identity, o.secret ? { ...o, key: undefined } : { ...o, key: o.key ?? (await region.idp.current()) });
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
  { name: 'another audience', token: mint(allowed === 'kommun' ? kommunEditor : regionEditor, { audience: 'elsewhere' }), gateway: 'UNAUTHENTICATED', direct: 'UNAUTHENTICATED' },
  // The allowed role, signed by a key no identity provider published: a kommun minting for itself.
  { name: 'signed by a kommun\'s own key', token: mint(allowed === 'kommun' ? kommunEditor : regionEditor, { key: kommunKey }), gateway: 'UNAUTHENTICATED', direct: 'UNAUTHENTICATED' },
  { name: 'HS256 with a shared secret', token: mint(allowed === 'kommun' ? kommunEditor : regionEditor, { secret: 'a-shared-secret-0123456789-abcdefghijkl' }), gateway: 'UNAUTHENTICATED', direct: 'UNAUTHENTICATED' },
  { name: 'no exp', token: mint(allowed === 'kommun' ? kommunEditor : regionEditor, { expiresIn: null }), gateway: 'UNAUTHENTICATED', direct: 'UNAUTHENTICATED' },
  { name: 'older than the maximum age', token: mint(allowed === 'kommun' ? kommunEditor : regionEditor, { issuedAt: now() - 13 * 3600, expiresIn: now() + 3600 }), gateway: 'UNAUTHENTICATED', direct: 'UNAUTHENTICATED' },
  { name: 'iat in the future', token: mint(allowed === 'kommun' ? kommunEditor : regionEditor, { issuedAt: now() + 600 }), gateway: 'UNAUTHENTICATED', direct: 'UNAUTHENTICATED' },
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
const snapshots = async () => {
  const [kommun, regionRows] = await Promise.all([snapshotter.take(region.databases.get(K)!), snapshotter.take(region.databases.get('region')!)]);
  return { kommun, region: regionRows };
};

describe.each(['gateway', 'direct'] as const)('every mutation, %s', (path) => {
  it.each(MUTATIONS.map((m) => [m.name, m] as const))('%s: refused callers change nothing', async (_name, m) => {
    const ids = await freshIds();
    // Each caller's request must leave every row as it found it: what one left is what the next finds.
    let before = await snapshots();
    for (const caller of refused(m.owner)) {
      const token = await caller.token();
      const { status, body } = await postGraphQL(urlFor(path, m), m.query, m.variables(ids), token ? { authorization: `Bearer ${token}` } : {});
      const code = body.errors?.[0]?.extensions?.code;
      expect([caller.name, code]).toEqual([caller.name, caller[path]]);
      expect(body.errors[0].message.length).toBeGreaterThan(20);
      expect(status).toBeLessThan(500);
      const after = await snapshots();
      expect(after).toEqual(before);
      before = after;
    }
  });

  it('allowed callers change data: the kommun editor its kommun, the region editor the region', async () => {
    const ids = await freshIds();
    let before = await snapshots();
    for (const m of MUTATIONS) {
      const token = await mint(m.owner === 'kommun' ? kommunEditor : regionEditor)();
      const { body } = await postGraphQL(urlFor(path, m), m.query, m.variables(ids), { authorization: `Bearer ${token}` });
      expect([m.name, body.errors]).toEqual([m.name, undefined]);
      const after = await snapshots();
      expect([m.name, after]).not.toEqual([m.name, before]);
      before = after;
    }
  });
});

/** A write of 1480's data and one of the region's, as `token`, at the gateway or a subgraph. */
const kommunWrite = (url: string, token: string, n: number) =>
  postGraphQL(url, 'mutation($i: TwinTownInput!) { createTwinTown(input: $i) { id } }', { i: { municipality: K, city: `Rotation ${n}`, country: 'IS' } }, { authorization: `Bearer ${token}` });
const regionWrite = (url: string, token: string, n: number) =>
  postGraphQL(url, 'mutation($i: NetworkInput!) { upsertNetwork(input: $i) { id } }', { i: { id: `rotation-${n}`, name: 'Rotation' } }, { authorization: `Bearer ${token}` });
let writes = 0;
/** Where each write goes: the gateway, the kommun's subgraph, the region's subgraph. */
const targets = () => [
  { name: 'gateway (kommun)', write: (t: string) => kommunWrite(region.gatewayUrl, t, ++writes), who: kommunEditor },
  { name: 'gateway (region)', write: (t: string) => regionWrite(region.gatewayUrl, t, ++writes), who: regionEditor },
  { name: 'kommun 1480 directly', write: (t: string) => kommunWrite(region.kommuner.get(K)!, t, ++writes), who: kommunEditor },
  { name: 'region subgraph directly', write: (t: string) => regionWrite(region.regionUrl, t, ++writes), who: regionEditor },
];

describe('a token replayed where it does not belong', () => {
  it("an editor's token of 1480, sent straight to kommun 1481 for a write there, is refused and changes nothing", async () => {
    const token = await mint(kommunEditor)();
    const before = await snapshotDatabase(region.databases.get('1481')!);
    const { status, body } = await postGraphQL(
      region.kommuner.get('1481')!,
      'mutation($i: TwinTownInput!) { createTwinTown(input: $i) { id } }',
      { i: { municipality: '1481', city: 'Replay', country: 'NO' } },
      { authorization: `Bearer ${token}` },
    );
    expect(status).toBeLessThan(500);
    expect(body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(body.errors?.[0]?.message).toMatch(/editor of kommun 1480; only an editor of kommun 1481/);
    expect(await snapshotDatabase(region.databases.get('1481')!)).toEqual(before);
  });
});

/**
 * The gateway's assertions, as the subgraphs verify them: with the keys the gateway publishes at
 * /.well-known/jwks.json (GATEWAY_JWKS_URL), addressed to one subgraph, short-lived, and never
 * good for a write.
 */
describe("the gateway's assertions", () => {
  const createTwinTown = 'mutation($i: TwinTownInput!) { createTwinTown(input: $i) { id } }';
  const twinTown = (code: string) => ({ i: { municipality: code, city: 'Assertion', country: 'FI' } });

  it('the gateway publishes its assertion key', async () => {
    const jwks = (await (await fetch(region.gatewayUrl.replace('/graphql', '/.well-known/jwks.json'))).json()) as { keys: Array<Record<string, unknown>> };
    expect(jwks.keys).toEqual([expect.objectContaining({ kid: gatewayKey.kid, alg: 'EdDSA', kty: 'OKP', crv: 'Ed25519' })]);
    expect(jwks.keys[0]).not.toHaveProperty('d');
  });

  it.each([
    ['kommun 1480', () => region.kommuner.get(K)!, kommunAudience(K), createTwinTown, twinTown(K), K],
    ['the region subgraph', () => region.regionUrl, REGION_AUDIENCE, 'mutation($i: NetworkInput!) { upsertNetwork(input: $i) { id } }', { i: { id: 'asserted', name: 'Asserted' } }, 'region'],
  ] as const)('%s accepts an assertion addressed to it as an identity, and refuses it for a write', async (_name, url, audience, query, variables, db) => {
    const who = db === 'region' ? regionEditor : kommunEditor;
    const before = await snapshotDatabase(region.databases.get(db)!);
    const { body } = await postGraphQL(url(), query, variables, { authorization: `Bearer ${await assertions.signAssertion(who, audience)}` });
    expect(body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(body.errors?.[0]?.message).toMatch(/gateway assertion cannot write/);
    expect(await snapshotDatabase(region.databases.get(db)!)).toEqual(before);
  });

  it('an assertion for kommun 1480 is refused by kommun 1481 (audience)', async () => {
    const editor1481: Identity = { role: 'kommun-editor', subject: 'o', municipality: '1481' };
    const before = await snapshotDatabase(region.databases.get('1481')!);
    const { body } = await postGraphQL(region.kommuner.get('1481')!, createTwinTown, twinTown('1481'), {
      authorization: `Bearer ${await assertions.signAssertion(editor1481, kommunAudience(K))}`,
    });
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(body.errors?.[0]?.message).toMatch(/gateway assertion was refused: the token's "aud" claim/);
    expect(await snapshotDatabase(region.databases.get('1481')!)).toEqual(before);
  });

  it('an expired assertion is refused', async () => {
    const twoMinutesAgo = createAssertionSigner([gatewayKey], { clock: () => now() - 120 });
    const expired = await twoMinutesAgo.signAssertion(kommunEditor, kommunAudience(K));
    const { body } = await postGraphQL(region.kommuner.get(K)!, createTwinTown, twinTown(K), { authorization: `Bearer ${expired}` });
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(body.errors?.[0]?.message).toMatch(/gateway assertion was refused: the token has expired/);
  });

  it('the gateway itself takes no assertion as a caller\'s token', async () => {
    const { body } = await postGraphQL(region.gatewayUrl, createTwinTown, twinTown(K), { authorization: `Bearer ${await assertions.signAssertion(kommunEditor, kommunAudience(K))}` });
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

// Last: it changes the identity provider's keys.
describe('key rotation', () => {
  it('a new key works from its first token, the old one through the rollover, and not once it is retired', async () => {
    const old = await region.idp.current();
    const oldTokens = await Promise.all(targets().map((t) => mint(t.who, { key: old })()));
    const next = await region.idp.rotate();
    expect(next.kid).not.toBe(old.kid);

    // A kid no service has seen: each fetches the key set again and accepts the token.
    for (const t of targets()) {
      const token = await mint(t.who, { key: next })();
      const { body } = await eventually(`${t.name} accepts the new key`, async () => {
        const answer = await t.write(token);
        return answer.body.errors ? undefined : answer;
      });
      expect([t.name, body.errors]).toEqual([t.name, undefined]);
    }
    // During the rollover the old key still verifies.
    for (const [i, t] of targets().entries()) {
      const { body } = await t.write(oldTokens[i]);
      expect([t.name, body.errors]).toEqual([t.name, undefined]);
    }

    // Retired: once each service's cached key set expires, the old key's tokens are refused.
    await region.idp.retire();
    for (const [i, t] of targets().entries()) {
      const refused = await eventually(`${t.name} refuses the retired key`, async () => {
        const answer = await t.write(oldTokens[i]);
        return answer.body.errors ? answer : undefined;
      });
      expect([t.name, refused.body.errors?.[0]?.extensions?.code]).toEqual([t.name, 'UNAUTHENTICATED']);
      expect(refused.body.errors?.[0]?.message).toContain(`kid "${old.kid}"`);
    }
    // A refused write changed nothing.
    const before = { kommun: await snapshotDatabase(region.databases.get(K)!), region: await snapshotDatabase(region.databases.get('region')!) };
    for (const [i, t] of targets().entries()) expect((await t.write(oldTokens[i])).body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect({ kommun: await snapshotDatabase(region.databases.get(K)!), region: await snapshotDatabase(region.databases.get('region')!) }).toEqual(before);
    // And the new key goes on working.
    for (const t of targets()) expect((await t.write(await region.token(t.who))).body.errors).toBeUndefined();
  });
});

import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { ensureDatabase, withDatabase, TEST_SERVER_URL, dropDatabase, testDatabaseName } from '@samverkan/testing';
import { runService, type ServiceProcess } from '@samverkan/region-runner';
import { eventually, startE2ERegion, startProxy, type E2ERegion, type Proxy } from './harness';

/** Holes, not failures: slow, stopped, joining, leaving and contract-breaking kommuner. */
let region: E2ERegion;
let regionEditor: string;
let proxy: Proxy;
const TIMEOUT = 1500;

const UPSERT = `mutation($i: MemberInput!) { upsertMember(input: $i) { code subgraphUrl } }`;

async function setMemberUrl(code: string, name: string, url: string, county = 'Västra Götalands län') {
  const { body } = await region.gql(UPSERT, { i: { code, name, county, subgraphUrl: url } }, regionEditor);
  expect(body.errors).toBeUndefined();
  await eventually(`member ${code} verified at ${url}`, async () => {
    const h = await region.health();
    return h.members.find((m: any) => m.code === code && m.verifiedUrl === url);
  });
}

const STATS = '{ projectStats(groupBy: [MUNICIPALITY]) { municipality { code } count } }';
function statsCodes(body: any): string[] {
  if (!body.data) throw new Error(`no data: ${JSON.stringify(body)}`);
  return body.data.projectStats.map((g: any) => g.municipality.code).sort();
}

beforeAll(async () => {
  // Every kommun behind a counting proxy; Öckerö's also made slow or stopped below.
  region = await startE2ERegion({ shardTimeoutMs: TIMEOUT, proxied: true });
  regionEditor = await region.token({ role: 'region-editor', subject: 'e2e-region' });
  proxy = region.proxies.get('1407')!;
}, 120_000);
afterAll(async () => {
  await region?.stop();
});

describe('fetches', () => {
  it('cost one request per shard they need, not one per item (and a page a second ask of the shards that ran short)', async () => {
    const queries = [
      '{ projects(first: 50) { nodes { id municipality { name } developmentAreas { name } partners { name } funding { programme { name } } } } }',
      '{ developmentAreas { name projects(first: 5) { nodes { id title municipality { name } } } } }',
      '{ networks { name memberships { municipality { name } } } }',
    ];
    const codes = region.manifest.members.map((m) => m.code);
    for (const [i, q] of queries.entries()) {
      region.resetProxies();
      const { body } = await region.gql(q);
      expect(body.errors).toBeUndefined();
      const asked = region.requestsByKommun();
      expect([q, Object.keys(asked).sort()]).toEqual([q, [...codes].sort()]);
      // The first two are pages across shards: a shard whose share of a page ran short is asked once more.
      const most = i < 2 ? 2 : 1;
      expect([q, Object.values(asked).filter((n) => n > most)]).toEqual([q, []]);
    }
  });
});

describe('a kommun that fails', () => {
  it('when slow, leaves a hole named in the errors, and the answer comes within the timeout', async () => {
    // Far slower than the shard timeout, so an answer before the margin can only come from the timeout.
    proxy.state.delayMs = TIMEOUT + 20_000;
    const started = Date.now();
    const { body } = await region.gql(STATS);
    const elapsed = Date.now() - started;
    proxy.state.delayMs = 0;
    expect(elapsed).toBeLessThan(TIMEOUT + 10_000); // the shard timeout the gateway promises, with room for a loaded machine
    expect(statsCodes(body)).toHaveLength(12);
    expect(statsCodes(body)).not.toContain('1407');
    expect(body.errors).toEqual([
      expect.objectContaining({
        message: expect.stringContaining('Öckerö (1407)'),
        extensions: expect.objectContaining({ code: 'MUNICIPALITY_UNAVAILABLE', municipality: '1407', reason: expect.stringMatching(/did not answer within 1500 ms/) }),
      }),
    ]);
  });

  it('when stopped, leaves a hole named in the errors; the rest answers', async () => {
    await proxy.close();
    const { body } = await region.gql(`{ ${STATS.slice(1, -1)} projects(first: 100, filter: { municipalities: ["1407", "1480"] }) { nodes { municipality { code } } } }`);
    expect(statsCodes(body)).toHaveLength(12);
    expect(new Set(body.data.projects.nodes.map((p: any) => p.municipality.code))).toEqual(new Set(['1480']));
    // Named at each field it is missing from.
    expect(body.errors).toEqual(
      ['projectStats', 'projects'].map((field) =>
        expect.objectContaining({ path: [field], extensions: expect.objectContaining({ code: 'MUNICIPALITY_UNAVAILABLE', municipality: '1407', reason: expect.stringMatching(/refused the connection/) }) }),
      ),
    );
    expect(body.extensions.missingMunicipalities).toEqual([{ code: '1407', name: 'Öckerö' }]);
    // Its own items fail alone.
    const item = await region.gql('{ a: project(id: "1407:project:1") { id } b: project(id: "1480:project:1") { id } }');
    expect(item.body.data).toEqual({ a: null, b: { id: '1480:project:1' } });
    expect(item.body.errors).toEqual([
      expect.objectContaining({ path: ['a'], extensions: expect.objectContaining({ code: 'MUNICIPALITY_UNAVAILABLE', municipality: '1407' }) }),
    ]);
    await setMemberUrl('1407', 'Öckerö', region.kommuner.get('1407')!);
    const { body: back } = await region.gql(STATS);
    expect(back.errors).toBeUndefined();
    expect(statsCodes(back)).toHaveLength(13);
  });
});

describe('membership is data', () => {
  let motala: ServiceProcess | undefined;
  const db = testDatabaseName('samverkan_e2e', 'motala');
  afterAll(async () => {
    await motala?.stop();
    await dropDatabase(TEST_SERVER_URL, db);
  });

  it('a kommun joining is answered for without a restart, and one leaving is gone', async () => {
    await ensureDatabase(TEST_SERVER_URL, db);
    motala = runService('motala', 'services/kommun/src/cli/serve-many.ts', {
      KOMMUN_INSTANCES: JSON.stringify([{ code: '0583', databaseUrl: withDatabase(TEST_SERVER_URL, db), port: 0 }]),
      SYNTHETIC_PROJECTS: '5',
      ...region.serviceEnv,
      LOG_LEVEL: 'warn',
    });
    const [line] = await motala.ready;
    const url = line.split(' ')[2];
    await setMemberUrl('0583', 'Motala', url, 'Östergötlands län');
    const { body } = await region.gql('{ municipality(code: "0583") { name memberships { network { name } } twinTowns { city } } projectStats(groupBy: [MUNICIPALITY]) { municipality { code } } }');
    expect(body.errors).toBeUndefined();
    expect(body.data.municipality.name).toBe('Motala');
    expect(body.data.municipality.twinTowns.map((t: any) => t.city).sort()).toEqual(['Daugavpils', 'Hyvinge']);
    expect(statsCodes(body)).toContain('0583');

    const removed = await region.gql('mutation { removeMember(code: "0583") }', {}, regionEditor);
    expect(removed.body.errors).toBeUndefined();
    await eventually('0583 gone from the gateway', async () => !(await region.health()).members.some((m: any) => m.code === '0583'));
    const after = await region.gql(STATS);
    expect(after.body.errors).toBeUndefined();
    expect(statsCodes(after.body)).not.toContain('0583');
    expect(statsCodes(after.body)).toHaveLength(13);
  });

  it('kommuner sharing one combined instance are asked once, and each answers for its own', async () => {
    const combinedDb = testDatabaseName('samverkan_e2e', 'combined');
    await ensureDatabase(TEST_SERVER_URL, combinedDb);
    const combined = runService('combined', 'services/kommun/src/cli/serve-many.ts', {
      KOMMUN_INSTANCES: JSON.stringify([{ code: '0583,2081', databaseUrl: withDatabase(TEST_SERVER_URL, combinedDb), port: 0 }]),
      SYNTHETIC_PROJECTS: '7',
      ...region.serviceEnv,
      LOG_LEVEL: 'warn',
    });
    const counter = await startProxy((await combined.ready)[0].split(' ')[2]);
    try {
      await setMemberUrl('0583', 'Motala', counter.url, 'Östergötlands län');
      await setMemberUrl('2081', 'Borlänge', counter.url, 'Dalarnas län');
      counter.reset();
      const { body } = await region.gql('{ projectStats(groupBy: [MUNICIPALITY]) { municipality { code } count } }');
      expect(body.errors).toBeUndefined();
      const counts = Object.fromEntries(body.data.projectStats.map((g: any) => [g.municipality.code, g.count]));
      // Each has its seed facts plus 7 generated projects, counted once, from one request.
      expect(counts['0583']).toBe(7);
      expect(counts['2081']).toBe(7);
      expect(counter.state.requests).toBe(1);
      const { body: items } = await region.gql('{ a: municipality(code: "2081") { strategy { title } projects(first: 1) { totalCount } } b: municipality(code: "0583") { twinTowns { city } } }');
      expect(items.errors).toBeUndefined();
      expect(items.data.a).toEqual({ strategy: { title: 'Internationell strategi' }, projects: { totalCount: 7 } });
      expect(items.data.b.twinTowns.map((t: any) => t.city).sort()).toEqual(['Daugavpils', 'Hyvinge']);
    } finally {
      await region.gql('mutation { a: removeMember(code: "0583") b: removeMember(code: "2081") }', {}, regionEditor);
      await counter.close();
      await combined.stop();
      await dropDatabase(TEST_SERVER_URL, combinedDb);
    }
  });

  it('a member whose schema breaks the contract is refused, shown on /health and never asked', async () => {
    const broken = new ApolloServer({
      plugins: [ApolloServerPluginInlineTraceDisabled()],
      schema: buildSubgraphSchema({
        typeDefs: parse(`extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
          type Query { projects: [Project!]! }
          type Project @key(fields: "id") { id: ID! name: String }`),
        resolvers: { Query: { projects: () => [{ id: '0999:project:1', name: 'should never appear' }] } },
      }),
    });
    const { url } = await startStandaloneServer(broken, { listen: { port: 0, host: '127.0.0.1' } });
    try {
      await region.gql(UPSERT, { i: { code: '0999', name: 'Brutet', county: 'Testlän', subgraphUrl: url } }, regionEditor);
      const member = await eventually('0999 refused', async () => (await region.health()).members.find((m: any) => m.code === '0999' && m.state === 'refused'));
      expect(member.problems.length).toBeGreaterThan(3);
      expect(member.problems.join('\n')).toMatch(/Field 'title' was removed from object type 'Project'|Type 'ProjectConnection' was removed|Field 'projectStats' was removed/);
      const { body } = await region.gql(STATS);
      expect(statsCodes(body)).toHaveLength(13);
      expect(body.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'MUNICIPALITY_UNAVAILABLE', municipality: '0999', reason: expect.stringMatching(/refused: its schema breaks the contract/) }) })]);
    } finally {
      await region.gql('mutation { removeMember(code: "0999") }', {}, regionEditor);
      await broken.stop();
    }
  });
});

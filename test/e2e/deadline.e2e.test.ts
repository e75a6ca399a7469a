import WebSocket from 'ws';
import { Client as PgClient } from 'pg';
import { createClient, type Client } from 'graphql-ws';
import { ensureDatabase, dropDatabase, TEST_SERVER_URL, testDatabaseName } from '@samverkan/testing';
import { freePort, runService, type ServiceProcess } from '@samverkan/region-runner';
import { eventually, listen, liveReady, startE2ERegion, type E2ERegion, startKommunProcess } from './harness';

/**
 * One deadline per request, which every stage draws from: with the shard timeout just below the
 * request timeout, a kommun that hangs cannot make a query of several stages (root fetch, second
 * ask, entity fetches, nested follow-ups) outlast REQUEST_TIMEOUT_MS. The answer comes by then,
 * HTTP 200, with everything that arrived and the late kommuner named. Settings under which that
 * cannot hold are refused at start.
 */
let region: E2ERegion;
let motala: ServiceProcess | undefined;
let motalaPort: number;
const motalaDb = testDatabaseName('samverkan_e2e', 'deadline_motala');
const clients: Client[] = [];
const REQUEST_TIMEOUT = 3000;
const SHARD_TIMEOUT = 2900;
/** Far longer than the request timeout: an answer before REQUEST_TIMEOUT + MARGIN can only come from the deadline. */
const HANG = 30_000;
const MARGIN = 7000;

function startMotala(): ServiceProcess {
  return startKommunProcess(region, '0583', motalaDb, motalaPort);
}

beforeAll(async () => {
  region = await startE2ERegion({ proxied: true, syntheticProjects: 10, shardTimeoutMs: SHARD_TIMEOUT, gatewayEnv: { REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT) } });
  await ensureDatabase(TEST_SERVER_URL, motalaDb);
  motalaPort = await freePort();
  motala = startMotala();
  await motala.ready;
}, 120_000);
afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  motala?.child.kill('SIGCONT');
  await motala?.stop();
  await region?.stop();
  await dropDatabase(TEST_SERVER_URL, motalaDb);
});

/**
 * A query whose plan runs in stages one after another, each of which asks every kommun: the
 * root lists (and a second ask to complete the page), the region's data for each project, the
 * development areas' projects nested under each project, the kommuner's part of each area.
 */
const STAGES = `{
  stats: projectStats(groupBy: [MUNICIPALITY]) { municipality { code } count }
  page: projects(first: 20, orderBy: { field: TITLE, direction: ASC }) {
    nodes { id title municipality { name } developmentAreas { code name projects(first: 2) { totalCount } } }
  }
  areas: developmentAreas { code projects(first: 3) { totalCount } }
}`;

async function timed(query: string) {
  const started = Date.now();
  const { status, body } = await region.gql(query);
  return { status, body, elapsed: Date.now() - started };
}

/** HTTP 200 by the deadline, with the others' stats, and `code` named as late at the top and in the errors. */
function expectLateHole(r: { status: number; body: any; elapsed: number }, code: string, name: string, others: string[]) {
  expect([r.status, r.body.errors?.find((e: any) => e.extensions?.code === 'REQUEST_TIMEOUT')]).toEqual([200, undefined]);
  expect(r.elapsed).toBeLessThan(REQUEST_TIMEOUT + MARGIN);
  const stats = r.body.data.stats.map((g: any) => g.municipality.code).sort();
  expect(stats).toEqual(others);
  expect(r.body.errors).toContainEqual(
    expect.objectContaining({
      message: expect.stringContaining(`${name} (${code})`),
      path: ['stats'],
      extensions: expect.objectContaining({ code: 'MUNICIPALITY_UNAVAILABLE', municipality: code, reason: "its subgraph did not answer by the request's deadline" }),
    }),
  );
  expect(r.body.extensions.missingMunicipalities).toContainEqual({ code, name });
  // Every error is a named hole: nothing generic, nothing internal.
  for (const e of r.body.errors) expect([e.extensions.code, typeof e.extensions.municipality]).toEqual(['MUNICIPALITY_UNAVAILABLE', 'string']);
}

const GR = () => region.manifest.members.map((m) => m.code).sort();

describe('a request has one deadline that every stage draws from', () => {
  it('a kommun that hangs (its answers delayed far past the request timeout) leaves a hole, named, and the answer comes by the deadline', async () => {
    const proxy = region.proxies.get('1407')!;
    proxy.state.delayMs = HANG;
    try {
      const r = await timed(STAGES);
      expectLateHole(r, '1407', 'Öckerö', GR().filter((c) => c !== '1407'));
    } finally {
      proxy.state.delayMs = 0;
    }
    // The gateway goes on answering, whole again.
    const { body } = await region.gql('{ projectStats(groupBy: [MUNICIPALITY]) { count } }');
    expect(body.errors).toBeUndefined();
  });

  it('a kommun whose process is stopped (SIGSTOP) leaves a hole, named, and the answer comes by the deadline', async () => {
    const editor = await region.token({ role: 'region-editor', subject: 'e2e-deadline' });
    const url = `http://127.0.0.1:${motalaPort}/graphql`;
    await region.gql('mutation($i: MemberInput!) { upsertMember(input: $i) { code } }', { i: { code: '0583', name: 'Motala', county: 'Östergötlands län', subgraphUrl: url } }, editor);
    await eventually('Motala verified', async () => (await region.health()).members.find((m: any) => m.code === '0583' && m.verifiedUrl === url));
    motala!.child.kill('SIGSTOP');
    try {
      const r = await timed(STAGES);
      expectLateHole(r, '0583', 'Motala', GR());
    } finally {
      motala!.child.kill('SIGCONT');
      await region.gql('mutation { removeMember(code: "0583") }', {}, editor);
      await eventually('Motala gone', async () => !(await region.health()).members.some((m: any) => m.code === '0583'));
    }
  });

  it("a subscription event's query draws from a deadline of its own", async () => {
    const c = createClient({ url: region.gatewayUrl.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0, lazy: true });
    clients.push(c);
    const sub = listen(c, 'subscription { projectChanged(municipalities: ["1407"]) { kind projectId project { title } } }');
    await liveReady(region, ['1407'], { upstreams: 1 });
    const proxy = region.proxies.get('1407')!;
    proxy.state.delayMs = HANG; // HTTP only: the event itself still comes over the kommun's WebSocket
    try {
      const db = new PgClient({ connectionString: region.databases.get('1407')! });
      await db.connect();
      await db.query(`INSERT INTO project (municipality_code, title, status, start_date) VALUES ('1407', 'Late', 'ONGOING', '2026-01-01')`);
      await db.end();
      const event = await sub.next(1, REQUEST_TIMEOUT + MARGIN);
      expect(event.data.projectChanged).toMatchObject({ kind: 'CREATED', project: null });
      expect(event.errors).toEqual([
        expect.objectContaining({ path: ['projectChanged', 'project'], extensions: expect.objectContaining({ code: 'MUNICIPALITY_UNAVAILABLE', municipality: '1407', reason: "its subgraph did not answer by the request's deadline" }) }),
      ]);
    } finally {
      proxy.state.delayMs = 0;
      sub.stop();
    }
  });
});

describe('settings under which the deadline cannot hold', () => {
  it.each([
    ['equal', '3000', '3000'],
    ['above', '5000', '3000'],
  ])('are refused at start, naming both variables (shard timeout %s the request timeout)', async (_how, shard, request) => {
    const gateway = runService('gateway-misconfigured', 'gateway/src/index.ts', {
      REGION_URL: region.regionUrl,
      PORT: '0',
      ...region.serviceEnv,
      LOG_LEVEL: 'warn',
      SHARD_TIMEOUT_MS: shard,
      REQUEST_TIMEOUT_MS: request,
    }, { timeoutMs: 20_000 });
    try {
      const refused = await gateway.ready.then(
        () => 'started',
        (err: Error) => err.message,
      );
      expect(refused).toMatch(/exited with code 1/);
      expect(refused).toMatch(new RegExp(`SHARD_TIMEOUT_MS .*below REQUEST_TIMEOUT_MS.*${shard}.*${request}`));
    } finally {
      await gateway.stop();
    }
  });
});

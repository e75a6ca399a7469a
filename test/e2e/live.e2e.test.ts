import WebSocket from 'ws';
import { Client as PgClient } from 'pg';
import { createClient, type Client } from 'graphql-ws';
import { ensureDatabase, dropDatabase, TEST_SERVER_URL, testDatabaseName } from '@samverkan/testing';
import { freePort, type ServiceProcess } from '@samverkan/region-runner';
import { eventually, listen, liveReady, startE2ERegion, type E2ERegion, startKommunProcess } from './harness';

/**
 * Live updates when kommuner fail under them: the gateway stays up, subscribers are told what
 * is missing and why, events are resolved in batches, and a subscriber that cannot keep up is
 * told instead of being left behind. Every kommun is behind a proxy (counting requests, able to
 * fail them); Motala runs in a process of its own, to be killed and restarted.
 */
let region: E2ERegion;
let motala: ServiceProcess | undefined;
let motalaPort: number;
const motalaDb = testDatabaseName('samverkan_e2e', 'live_motala');
const clients: Client[] = [];
const QUEUE_LIMIT = 25;

function startMotala(): ServiceProcess {
  return startKommunProcess(region, '0583', motalaDb, motalaPort);
}

beforeAll(async () => {
  region = await startE2ERegion({ syntheticProjects: 5, proxied: true, gatewayEnv: { SUBSCRIPTION_QUEUE_LIMIT: String(QUEUE_LIMIT) } });
  await ensureDatabase(TEST_SERVER_URL, motalaDb);
  motalaPort = await freePort();
  motala = startMotala();
  await motala.ready;
  const regionEditor = await region.token({ role: 'region-editor', subject: 'e2e-live' });
  const url = `http://127.0.0.1:${motalaPort}/graphql`;
  await region.gql('mutation($i: MemberInput!) { upsertMember(input: $i) { code } }', { i: { code: '0583', name: 'Motala', county: 'Östergötlands län', subgraphUrl: url } }, regionEditor);
  await eventually('Motala verified', async () => (await region.health()).members.find((m: any) => m.code === '0583' && m.verifiedUrl === url));
}, 120_000);
afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  await motala?.stop();
  await region?.stop();
  await dropDatabase(TEST_SERVER_URL, motalaDb);
});

function client(): Client {
  const c = createClient({ url: region.gatewayUrl.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0, lazy: true });
  clients.push(c);
  return c;
}

const gatewayProcess = () => region.processes.find((p) => p.name === 'gateway')!;
const upstreamStats = async () => (await region.health()).subscriptions.upstream['Subscription.projectChanged'];
const upstreamOpen = async (n: number) => eventually(`${n} upstream subscriptions`, async () => (await upstreamStats()).upstreams === n);
const liveStates = (events: any[], code: string) => events.flatMap((e) => (e.extensions?.liveUpdates ?? []).filter((u: any) => u.municipality === code).map((u: any) => u.state));

/** Inserts projects straight into a kommun's database, in one transaction: events in a burst. */
async function burst(code: string, n: number, title: string): Promise<number[]> {
  const c = new PgClient({ connectionString: region.databases.get(code)! });
  await c.connect();
  try {
    const { rows } = await c.query(
      `INSERT INTO project (municipality_code, title, status, start_date) SELECT $1, $2 || ' ' || g, 'ONGOING', '2026-01-01' FROM generate_series(1, $3::int) g RETURNING id`,
      [code, title, n],
    );
    return rows.map((r) => r.id as number).sort((a, b) => a - b);
  } finally {
    await c.end();
  }
}

describe('a kommun that dies under a subscription', () => {
  it('leaves the gateway running when its last subscriber leaves afterwards', async () => {
    const c = client();
    const all = listen(c, 'subscription { projectChanged { kind projectId } }');
    await upstreamOpen(14);
    motala!.child.kill('SIGKILL');
    // Ordinary browser tabs closing while the kommun is dead: the gateway closes its retrying upstream.
    await new Promise((r) => setTimeout(r, 3000));
    all.stop();
    await c.dispose();
    await upstreamOpen(0);
    await new Promise((r) => setTimeout(r, 1000));
    expect(gatewayProcess().child.exitCode).toBeNull();
    const { body } = await region.gql('{ region { name } }');
    expect(body.data.region.name).toBe('Göteborgsregionen');
    motala = startMotala();
    await motala.ready;
  });

  it('tells its subscribers that its live updates paused, naming it, and when they resumed', async () => {
    const all = listen(client(), 'subscription { projectChanged { kind projectId } }');
    const onlyMotala = listen(client(), 'subscription { projectChanged(municipalities: ["0583"]) { kind projectId } }');
    await upstreamOpen(14);
    motala!.child.kill('SIGKILL');
    await eventually('subscribers told that Motala paused', async () => liveStates(all.events, '0583').includes('PAUSED') && liveStates(onlyMotala.events, '0583').includes('PAUSED'));
    const paused = all.events.find((e) => liveStates([e], '0583').includes('PAUSED'));
    expect(paused.errors).toEqual([expect.objectContaining({ message: expect.stringMatching(/Motala \(0583\)/), extensions: expect.objectContaining({ code: 'MUNICIPALITY_UNAVAILABLE', municipality: '0583' }) })]);
    // Nobody is told anything of the kommuner that are well.
    expect(all.events.every((e) => (e.extensions?.liveUpdates ?? []).every((u: any) => u.municipality === '0583'))).toBe(true);
    // A subscriber that comes while it is down is told at once.
    const late = listen(client(), 'subscription { projectChanged(municipalities: ["0583"]) { kind projectId } }');
    await eventually('a late subscriber told that Motala is paused', async () => liveStates(late.events, '0583').includes('PAUSED'));

    motala = startMotala();
    await motala.ready;
    await eventually('subscribers told that Motala resumed', async () => [all, onlyMotala, late].every((s) => liveStates(s.events, '0583').at(-1) === 'RESUMED'), 20_000);
    for (const s of [all, onlyMotala, late]) s.stop();
  });
});

/**
 * Freezes Motala (SIGSTOP) once its upstream is acknowledged, or before anyone subscribes (the
 * operating system still accepts its port, and the opening handshake is never answered); its
 * subscriber must be told PAUSED, with the error naming it, and RESUMED once it is thawed.
 */
async function frozenAndThawed(when: 'once acknowledged' | 'before anyone subscribes'): Promise<void> {
  if (when === 'before anyone subscribes') motala!.child.kill('SIGSTOP');
  const sub = listen(client(), 'subscription { projectChanged(municipalities: ["0583"]) { kind projectId } }');
  try {
    try {
      if (when === 'once acknowledged') {
        await liveReady(region, ['0583'], { upstreams: 1 });
        motala!.child.kill('SIGSTOP');
      }
      await eventually('the subscriber told that Motala paused', async () => liveStates(sub.events, '0583').includes('PAUSED'), 20_000);
      expect(sub.events.find((e) => liveStates([e], '0583').includes('PAUSED')).errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'MUNICIPALITY_UNAVAILABLE', municipality: '0583' }) })]);
    } finally {
      motala!.child.kill('SIGCONT');
    }
    await eventually('the subscriber told that Motala resumed', async () => liveStates(sub.events, '0583').at(-1) === 'RESUMED', 20_000);
  } finally {
    sub.stop();
  }
  await upstreamOpen(0);
}

describe('a kommun that hangs under a subscription', () => {
  it('is reported paused while it answers nothing, and resumed when it answers again', async () => {
    // Only the pings can tell.
    await frozenAndThawed('once acknowledged');
  });

  it('is reported paused when it hangs before the live connection is opened, and resumed when it answers again', async () => {
    await frozenAndThawed('before anyone subscribes');
  });
});

describe('events', () => {
  it('arrive with what needs no read when the kommun cannot answer the rest, with the error on the fields that could not', async () => {
    const sub = listen(client(), 'subscription { projectChanged(municipalities: ["1481"]) { kind projectId at project { title } } }');
    await liveReady(region, ['1481'], { upstreams: 1 });
    const proxy = region.proxies.get('1481')!;
    proxy.state.failHttp = true;
    try {
      const [id] = await burst('1481', 1, 'Unreadable through the gateway');
      const event = await sub.next(1, 15_000);
      expect(event.data.projectChanged).toMatchObject({ kind: 'CREATED', projectId: `1481:project:${id}`, project: null });
      expect(typeof event.data.projectChanged.at).toBe('string');
      expect(event.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'MUNICIPALITY_UNAVAILABLE', municipality: '1481' }) })]);
    } finally {
      proxy.state.failHttp = false;
      sub.stop();
    }
  });

  it('are read many to a query, in the order they came', async () => {
    const sub = listen(client(), 'subscription { projectChanged(municipalities: ["1480"]) { kind projectId project { title } } }');
    await liveReady(region, ['1480'], { upstreams: 1 });
    region.resetProxies();
    const ids = await burst('1480', 20, 'Burst');
    await sub.next(20, 20_000);
    expect(sub.events.map((e) => e.data.projectChanged.projectId)).toEqual(ids.map((id) => `1480:project:${id}`));
    expect(sub.events.map((e) => e.data.projectChanged.project.title)).toEqual(ids.map(() => expect.stringMatching(/^Burst \d+$/)));
    expect(sub.events.every((e) => !e.errors)).toBe(true);
    // Twenty events, resolved by a handful of queries at most (one per batch), not twenty.
    expect(region.proxies.get('1480')!.state.requests).toBeLessThanOrEqual(3);
    sub.stop();
  });

  it('that come faster than they can be read end the subscription with an error saying how many were lost', async () => {
    const sub = listen(client(), 'subscription { projectChanged(municipalities: ["1482"]) { kind projectId project { title } } }');
    await liveReady(region, ['1482'], { upstreams: 1 });
    // Each read of Kungälv's projects now takes a second: a flood of events cannot be kept up with.
    const proxy = region.proxies.get('1482')!;
    proxy.state.delayMs = 1000;
    try {
      await burst('1482', QUEUE_LIMIT * 4, 'Flood');
      await eventually('the subscription ended', async () => sub.completed(), 20_000).catch((e) => { throw new Error(`${e.message}: ${sub.events.length} events, last ${JSON.stringify(sub.events.at(-1))}, errors ${JSON.stringify(sub.errors)}`); });
    } finally {
      proxy.state.delayMs = 0;
    }
    const last = sub.events.at(-1);
    expect(last.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'SUBSCRIBER_TOO_SLOW', dropped: expect.any(Number) }) })]);
    expect(last.errors[0].message).toMatch(/\d+ event\(s\) were not delivered/);
    const delivered = sub.events.filter((e) => e.data).length;
    expect(delivered + last.errors[0].extensions.dropped).toBeLessThanOrEqual(QUEUE_LIMIT * 4);
    // The gateway holds nothing for it any more.
    await eventually('no subscriber left', async () => (await region.health()).subscriptions.upstream['Subscription.projectChanged'].listeners === 0);
  });
});

describe('health', () => {
  it('tells anyone the status and counts; members and their URLs only a region editor', async () => {
    const url = region.gatewayUrl.replace('/graphql', '/health');
    const open = await fetch(url);
    const body = (await open.json()) as any;
    expect(open.status).toBe(200);
    expect(body).toEqual({ status: expect.stringMatching(/^(ok|degraded)$/), members: expect.any(Number), unavailable: expect.any(Number), subscriptions: { clients: expect.any(Number), upstreams: expect.any(Number), down: expect.any(Number) } });
    expect(body.members).toBeGreaterThanOrEqual(13);
    expect(JSON.stringify(body)).not.toMatch(/http|127\.0\.0\.1/);
    expect(await (await fetch(`${url}/ready`)).json()).toEqual(body);

    const details = `${url}/details`;
    const as = async (token?: string) => fetch(details, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    expect((await as()).status).toBe(401);
    expect((await as('not.a.token')).status).toBe(401);
    expect((await as(await region.token({ role: 'kommun-editor', subject: 'e2e-live', municipality: '1480' }))).status).toBe(403);
    const full = (await (await as(await region.token({ role: 'region-editor', subject: 'e2e-live' }))).json()) as any;
    expect(full.members.find((m: any) => m.code === '1480')).toMatchObject({ state: 'active', url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/graphql$/) });
    expect(full.memory.heapUsedMiB).toBeGreaterThan(0);
  });

  it('stays ready while kommuner are down, naming them; is not ready without the region subgraph', async () => {
    const editor = await region.token({ role: 'region-editor', subject: 'e2e-live' });
    await region.gql('mutation($i: MemberInput!) { upsertMember(input: $i) { code } }', { i: { code: '0583', name: 'Motala', county: 'Östergötlands län', subgraphUrl: 'http://127.0.0.1:9/graphql' } }, editor);
    await eventually('Motala unavailable', async () => (await region.health()).unavailable?.includes('0583'));
    const res = await fetch(region.gatewayUrl.replace('/graphql', '/health'));
    const degraded = { status: res.status, body: (await res.json()) as any };
    expect(degraded.status).toBe(200);
    expect(degraded.body.status).toBe('degraded');
    expect(degraded.body.unavailable).toBeGreaterThanOrEqual(1);
    expect((await fetch(region.gatewayUrl.replace('/graphql', '/health/live'))).status).toBe(200);

    await region.processes.find((p) => p.name === 'region')!.stop();
    await eventually('not ready', async () => (await fetch(region.gatewayUrl.replace('/graphql', '/health/ready'))).status === 503);
    expect((await fetch(region.gatewayUrl.replace('/graphql', '/health/live'))).status).toBe(200);
  });
});

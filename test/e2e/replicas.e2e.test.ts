import net from 'node:net';
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import { Redis } from 'ioredis';
import { createClient, type Client } from 'graphql-ws';
import { postGraphQL } from '@samverkan/testing';
import { eventually, listen, liveReady, startE2ERegion, startGatewayProcess, type E2ERegion } from './harness';

/**
 * Gateway replicas sharing one Redis (127.0.0.1:6379): two replicas with the response cache on,
 * a gateway with the cache in its own memory (no REDIS_URL), and one with it off, the reference
 * every cached answer must equal. Replica B reaches Redis through a TCP proxy the tests can cut.
 */
const REDIS = 'redis://127.0.0.1:6379';
const prefix = `samverkan-test-${randomBytes(6).toString('hex')}:`;
const CODES = ['1480', '1481', '1407', '1440'];
let region: E2ERegion;
let replicaB: { url: string; stop: () => Promise<void> };
let reference: { url: string; stop: () => Promise<void> };
let alone: { url: string; stop: () => Promise<void> };
let redisProxy: Awaited<ReturnType<typeof startTcpProxy>>;
const clients: Client[] = [];
const cacheEnv = { REDIS_KEY_PREFIX: prefix, RESPONSE_CACHE_TTL_S: '300' };
/** This suite is about the cache, not timeouts: a loaded machine should leave no hole. */
const patient = { SHARD_TIMEOUT_MS: '20000', REQUEST_TIMEOUT_MS: '30000' };

beforeAll(async () => {
  redisProxy = await startTcpProxy(6379);
  region = await startE2ERegion({ proxied: true, syntheticProjects: 4, shardTimeoutMs: 20_000, gatewayEnv: { ...patient, ...cacheEnv, REDIS_URL: REDIS } });
  [replicaB, reference, alone] = await Promise.all([
    startGatewayProcess(region, { ...patient, ...cacheEnv, REDIS_URL: `redis://127.0.0.1:${redisProxy.port}` }),
    startGatewayProcess(region, patient),
    startGatewayProcess(region, { ...patient, RESPONSE_CACHE_TTL_S: '300' }),
  ]);
  // Each replica's cache serves a kommun once its change stream is up: wait for a hit at each.
  for (const url of [region.gatewayUrl, replicaB.url, alone.url]) {
    await eventually('the cache in use', async () => (await read(url, STATS)).cache === 'hit' || undefined, 30_000);
  }
}, 180_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  await Promise.allSettled([replicaB?.stop(), reference?.stop(), alone?.stop()]);
  await region?.stop();
  await redisProxy?.close();
  // Leave nothing behind in the shared Redis.
  const redis = new Redis(REDIS);
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});

const STATS = 'query Stats { projectStats(groupBy: [MUNICIPALITY]) { key count } }';
const LIST = `query List($m: [ID!], $f: Int, $d: OrderDirection!) {
  projects(filter: { municipalities: $m }, first: $f, orderBy: { field: TITLE, direction: $d }) { totalCount nodes { id title status } }
}`;
const ONE = 'query One($c: ID!) { municipality(code: $c) { name projects(first: 10) { totalCount nodes { title } } } }';
const AREAS = 'query Areas { developmentAreas { code projects(first: 3) { totalCount nodes { title } } } }';

async function read(url: string, query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) });
  return { body: (await res.json()) as any, cache: res.headers.get('x-samverkan-cache') };
}

const editorOf = (code: string) => region.token({ role: 'kommun-editor', subject: `e2e-replicas-${code}`, municipality: code });

async function write(url: string, code: string, query: string, variables: Record<string, unknown>) {
  const { body } = await postGraphQL(url, query, variables, { authorization: `Bearer ${await editorOf(code)}` });
  expect((body as any).errors).toBeUndefined();
  return (body as any).data;
}

const CREATE = 'mutation($i: ProjectInput!) { createProject(input: $i) { id } }';
const UPDATE = 'mutation($id: ID!, $i: ProjectUpdateInput!) { updateProject(id: $id, input: $i) { id } }';
const create = (url: string, code: string, title: string) => write(url, code, CREATE, { i: { municipality: code, title, status: 'PLANNED', startDate: '2026-05-01' } }).then((d) => d.createProject.id as string);

/** A counter's value at a replica, summed over the series whose labels include `labels`. */
async function metric(url: string, name: string, labels = ''): Promise<number> {
  const text = await (await fetch(url.replace('/graphql', '/metrics'))).text();
  const lines = text.split('\n').filter((l) => l.startsWith(`${name}{`) && l.includes(labels));
  return lines.reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
}
const events = (url: string) => metric(url, 'samverkan_gateway_response_cache_invalidations_total', 'cause="event"');

function client(url: string): Client {
  const c = createClient({ url: url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0, lazy: true });
  clients.push(c);
  return c;
}

/** Every write made so far, through either replica or at a kommun: each replica hears each as one event. */
let writes = 0;
/** Waits until the replicas (or those given) have heard every write's event: then nothing may be stale. */
async function settled(urls = [region.gatewayUrl, replicaB.url]) {
  for (const url of urls) await eventually(`the events of ${writes} writes at ${url}`, async () => (await events(url)) >= writes);
}

/** The projects whose changes a subscription has delivered, in order (notices of a paused stream aside). */
const changes = (sub: ReturnType<typeof listen>): string[] => sub.events.filter((e) => e.data?.projectChanged).map((e) => e.data.projectChanged.projectId);

describe('gateway replicas with a shared Redis', () => {
  it('a write through one replica invalidates the other\'s cached answer before its event is delivered; subscribers on both get every event once', async () => {
    const SUB = 'subscription($m: [ID!]) { projectChanged(municipalities: $m) { kind projectId } }';
    const atA = listen(client(region.gatewayUrl), SUB, { m: ['1480'] });
    const atB = listen(client(replicaB.url), SUB, { m: ['1480'] });
    await Promise.all([liveReady(region, ['1480']), liveReady(region, ['1480'], { gatewayUrl: replicaB.url })]);
    // A first write shows both subscriptions in place.
    const ids = [await create(region.gatewayUrl, '1480', 'Replica warm-up')];
    writes++;
    await Promise.all([atA.next(1, 15_000), atB.next(1, 15_000)]);
    const q = { m: ['1480'], f: 50, d: 'ASC' };
    await eventually('a kept answer at B', async () => (await read(replicaB.url, LIST, q)).cache === 'hit' || undefined);
    const before = (await read(replicaB.url, LIST, q)).body.data.projects.totalCount;

    for (const [i, via] of [region.gatewayUrl, replicaB.url, region.gatewayUrl].entries()) {
      await eventually('a kept answer', async () => (await read(replicaB.url, LIST, q)).cache === 'hit' || undefined);
      // The kommun's events wait at its proxy: the replicas cannot have heard of the write.
      region.proxies.get('1480')!.state.holdEvents = true;
      ids.push(await create(via, '1480', `Replica write ${i}`));
      writes++;
      const [other, ref] = [await read(via === region.gatewayUrl ? replicaB.url : region.gatewayUrl, LIST, q), await read(reference.url, LIST, q)];
      expect(other.cache).toBe('miss');
      expect(other.body).toEqual(ref.body);
      expect(other.body.data.projects.totalCount).toBe(before + i + 1);
      expect([changes(atA).length, changes(atB).length]).toEqual([i + 1, i + 1]);
      region.proxies.get('1480')!.releaseEvents();
      await Promise.all([atA.next(i + 2), atB.next(i + 2)]);
    }
    await settled();
    for (const sub of [atA, atB]) {
      expect(changes(sub)).toEqual(ids);
      // Nothing else came: no pause of the stream, no error.
      expect(sub.events).toHaveLength(ids.length);
      expect(sub.errors).toEqual([]);
    }
    atA.stop();
    atB.stop();
  }, 120_000);

  it('answers every anonymous read as the uncached gateway does, through random interleavings of writes and reads', async () => {
    let seed = 20261128;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)];
    const created: Array<[string, string]> = [];
    const reads = () => {
      const m = CODES.filter(() => random() < 0.5);
      return pick<[string, Record<string, unknown>]>([
        [STATS, {}],
        [LIST, { m: m.length ? m : null, f: pick([3, 20]), d: pick(['ASC', 'DESC']) }],
        [ONE, { c: pick(CODES) }],
        [AREAS, {}],
      ]);
    };
    const hitsBefore = await metric(region.gatewayUrl, 'samverkan_gateway_response_cache_total', 'outcome="hit"');
    for (let step = 0; step < 60; step++) {
      const r = random();
      const code = pick(CODES);
      if (r < 0.25) {
        const via = pick([region.gatewayUrl, replicaB.url, 'direct']);
        const url = via === 'direct' ? region.kommuner.get(code)! : via;
        if (created.length && random() < 0.4) {
          const [id, owner] = pick(created);
          await write(via === 'direct' ? region.kommuner.get(owner)! : via, owner, UPDATE, { id, i: { title: `Renamed ${step}`, status: pick(['ONGOING', 'COMPLETED']) } });
        } else created.push([await create(url, code, `Step ${step} ${pick(['Alfa', 'Beta', 'Gamma'])}`), code]);
        writes++;
        // A write at a kommun reaches the replicas by its event alone: wait for it (a write through
        // a replica needs no wait: the other replica must be right at once).
        if (via === 'direct') await settled();
      } else {
        const [query, variables] = reads();
        const replica = pick([region.gatewayUrl, replicaB.url, alone.url]);
        // The gateway without Redis learns of every write made elsewhere from its event alone.
        if (replica === alone.url) await settled([alone.url]);
        let [got, want] = [await read(replica, query, variables), await read(reference.url, query, variables)];
        // A kommun too slow on a loaded machine leaves a hole, and an answer with a hole compares
        // with nothing: both are read again (a stale kept answer would come back the same).
        for (let again = 0; again < 3 && (got.body.errors || want.body.errors); again++) [got, want] = [await read(replica, query, variables), await read(reference.url, query, variables)];
        expect(want.body.errors).toBeUndefined();
        expect({ step, query, variables, body: got.body }).toEqual({ step, query, variables, body: want.body });
      }
    }
    // Reads racing a write: none may leave a stale answer behind.
    for (let round = 0; round < 4; round++) {
      const variables = { m: CODES, f: 20, d: 'ASC' };
      const racing = Array.from({ length: 6 }, (_, i) => read(i % 2 ? replicaB.url : region.gatewayUrl, LIST, variables));
      await Promise.all([...racing, create(round % 2 ? replicaB.url : region.gatewayUrl, CODES[round], `Race ${round}`)]);
      writes++;
      await settled();
      const want = await read(reference.url, LIST, variables);
      for (const url of [region.gatewayUrl, replicaB.url]) expect((await read(url, LIST, variables)).body).toEqual(want.body);
    }
    // The comparison meant something: the caches answered some of them.
    expect(await metric(region.gatewayUrl, 'samverkan_gateway_response_cache_total', 'outcome="hit"')).toBeGreaterThan(hitsBefore);
    expect(await metric(alone.url, 'samverkan_gateway_response_cache_total', 'outcome="hit"')).toBeGreaterThan(1);
  }, 300_000);

  it('lets a caller with a token past the cache, and keeps no answer with a hole', async () => {
    const token = await editorOf('1480');
    const withToken = await read(region.gatewayUrl, STATS, {}, { authorization: `Bearer ${token}` });
    expect(withToken.cache).toBeNull();
    expect(withToken.body).toEqual((await read(reference.url, STATS)).body);

    const proxy = region.proxies.get('1407')!;
    proxy.state.failHttp = true;
    try {
      const q = { m: ['1407', '1481'], f: 20, d: 'DESC' };
      for (let i = 0; i < 3; i++) {
        const { body, cache } = await read(region.gatewayUrl, LIST, q);
        expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'MUNICIPALITY_UNAVAILABLE', municipality: '1407' });
        expect(cache).toBe('miss');
      }
    } finally {
      proxy.state.failHttp = false;
    }
  }, 60_000);

  it('shares persisted documents: one registered at one replica is known at the other', async () => {
    const query = `query Registered { region { name } municipalities { code } }`;
    const { createHash } = await import('node:crypto');
    const sha256Hash = createHash('sha256').update(query).digest('hex');
    const persisted = (url: string, withQuery: boolean) =>
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...(withQuery ? { query } : {}), extensions: { persistedQuery: { version: 1, sha256Hash } } }) }).then((r) => r.json() as Promise<any>);
    expect((await persisted(replicaB.url, false)).errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect((await persisted(region.gatewayUrl, true)).errors).toBeUndefined();
    const atB = await persisted(replicaB.url, false);
    expect(atB.errors).toBeUndefined();
    expect(atB.data.municipalities).toHaveLength(13);
  }, 60_000);

  it('keeps answering right while a replica\'s Redis is gone, and uses it again when it is back', async () => {
    const q = { m: ['1481', '1440'], f: 20, d: 'ASC' };
    await eventually('a kept answer at B', async () => (await read(replicaB.url, LIST, q)).cache === 'hit' || undefined);
    await redisProxy.cut();
    // B cannot reach Redis; A can, and writes through it (so B's kept answer is dead).
    await create(region.gatewayUrl, '1481', 'While Redis is gone for B');
    writes++;
    for (let i = 0; i < 3; i++) {
      const [got, want] = [await read(replicaB.url, LIST, q), await read(reference.url, LIST, q)];
      expect(got.body).toEqual(want.body);
      expect(got.cache).toBe('bypass');
    }
    await create(replicaB.url, '1440', 'Written through B while its Redis is gone');
    writes++;
    // Counted where an operator sees it.
    expect(await metric(replicaB.url, 'samverkan_gateway_redis_errors_total')).toBeGreaterThan(0);
    redisProxy.restore();
    await settled();
    await eventually('B uses the cache again', async () => (await read(replicaB.url, LIST, q)).cache === 'hit' || undefined, 30_000);
    for (const url of [region.gatewayUrl, replicaB.url]) expect((await read(url, LIST, q)).body).toEqual((await read(reference.url, LIST, q)).body);
  }, 120_000);
});

/** A TCP proxy to a local port that can be cut (every connection dropped, new ones refused) and restored. */
async function startTcpProxy(target: number) {
  const sockets = new Set<net.Socket>();
  let open = true;
  const server = net.createServer((socket) => {
    if (!open) return socket.destroy();
    const upstream = net.connect(target, '127.0.0.1');
    socket.pipe(upstream).pipe(socket);
    for (const s of [socket, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined).on('close', () => {
        sockets.delete(s);
        socket.destroy();
        upstream.destroy();
      });
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as net.AddressInfo).port,
    async cut() {
      open = false;
      for (const s of sockets) s.destroy();
    },
    restore() {
      open = true;
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

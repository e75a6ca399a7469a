import http from 'node:http';
import net from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Identity } from '@samverkan/server-kit';
import { postGraphQL, TEST_SERVER_URL, testDatabaseName, withDatabase, type GraphQLBody } from '@samverkan/testing';
import type { Client } from 'graphql-ws';
import {
  freePort,
  listenOnFreePort,
  runService,
  waitForHealth,
  startDevIdentityProvider,
  readManifest,
  REPO_ROOT,
  startRegion,
  type DevIdentityProvider,
  type RegionOptions,
  type RunningRegion,
  type ServiceProcess,
} from '@samverkan/region-runner';

export type Proxy = Awaited<ReturnType<typeof startProxy>>;

export interface E2ERegion extends RunningRegion {
  /** With `proxied`, the proxy between the gateway and each kommun (by kommunkod). */
  proxies: Map<string, Proxy>;
  /** Requests each kommun's proxy has seen since the last `resetProxies`, by kommunkod (those with any). */
  requestsByKommun(): Record<string, number>;
  resetProxies(): void;
  gql(query: string, variables?: Record<string, unknown>, token?: string): Promise<{ status: number; body: GraphQLBody }>;
  /** Queries one kommun's own subgraph directly. */
  direct(code: string, query: string, variables?: Record<string, unknown>): Promise<{ status: number; body: GraphQLBody }>;
  /** A token signed by the region's identity provider (its current key). */
  token(identity: Identity): Promise<string>;
  /** The region's identity provider: a key pair of its own per region, served as a JWKS by this process. */
  idp: DevIdentityProvider;
  /** The gateway's /health/details (members with their URLs and states, subscriptions), as a region editor reads it; another gateway's of the region with its URL. */
  health(gatewayUrl?: string): Promise<any>;
}

/**
 * The whole region on the test PostgreSQL server, every service on a free port; databases dropped
 * at stop. Tokens are asymmetric as in production: an identity provider of the region's own (a key
 * pair in a temporary folder, its JWKS served by this process) signs them, and every service
 * verifies them with its JWKS URL. With `proxied`, the gateway reaches each kommun through a
 * counting proxy of its own. With `members`, the region is GR with those kommuner only (for a
 * suite that asks no more of it).
 */
export async function startE2ERegion(options: Partial<RegionOptions> & { proxied?: boolean; members?: string[] } = {}): Promise<E2ERegion> {
  const proxies = new Map<string, Proxy>();
  const { proxied, members, ...regionOptions } = options;
  const memberPort = proxied
    ? async (code: string, url: string) => {
        const proxy = await startProxy(url);
        proxies.set(code, proxy);
        return Number(new URL(proxy.url).port);
      }
    : undefined;
  const idpDir = mkdtempSync(join(tmpdir(), 'samverkan-idp-'));
  if (members) {
    const gr = readManifest(regionOptions.manifestFile ?? join(REPO_ROOT, 'schema/regions/gr.json'));
    regionOptions.manifestFile = join(idpDir, 'members.json');
    writeFileSync(regionOptions.manifestFile, JSON.stringify({ ...gr, members: gr.members.filter((m) => members.includes(m.code)) }));
  }
  const idp = await startDevIdentityProvider({ dir: idpDir });
  const closeIdp = async () => {
    await idp.close();
    rmSync(idpDir, { recursive: true, force: true });
  };
  const region = await startRegion({
    memberPort,
    databaseUrl: TEST_SERVER_URL,
    freePorts: true,
    databasePrefix: testDatabaseName('samverkan_e2e'),
    seed: 'always',
    syntheticProjects: 40,
    jwksUrl: idp.jwksUrl,
    // A test run shares a stock PostgreSQL (max_connections = 100) with other clients: a region
    // holds at most 13 + 2 connections, plus one LISTEN per kommun while subscriptions run.
    kommunPoolSize: 1,
    regionPoolSize: 2,
    // Generous: suites that expect no hole must not see one on a loaded machine; suites about timeouts set their own.
    shardTimeoutMs: 5000,
    membersRefreshMs: 300,
    ...regionOptions,
  }).catch(async (err) => {
    await Promise.all([...proxies.values()].map((p) => p.close()));
    await closeIdp();
    throw err;
  });
  return {
    ...region,
    proxies,
    requestsByKommun: () => Object.fromEntries([...proxies].filter(([, p]) => p.state.requests > 0).map(([code, p]) => [code, p.state.requests])),
    resetProxies: () => proxies.forEach((p) => p.reset()),
    gql: (query, variables, token) => postGraphQL(region.gatewayUrl, query, variables, token ? { authorization: `Bearer ${token}` } : {}),
    direct: (code, query, variables) => postGraphQL(region.kommuner.get(code)!, query, variables),
    token: (identity) => idp.token(identity),
    idp,
    health: async (gatewayUrl = region.gatewayUrl) => {
      const token = await idp.token({ role: 'region-editor', subject: 'e2e-health' });
      return (await fetch(gatewayUrl.replace('/graphql', '/health/details'), { headers: { authorization: `Bearer ${token}` } })).json();
    },
    stop: async (o) => {
      await Promise.all([...proxies.values()].map((p) => p.close()));
      await region.stop({ dropDatabases: true, ...o });
      await closeIdp();
    },
  };
}

/** Waits until `check` holds, polling; fails with `what` after `ms`. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined | false>, ms = 10_000): Promise<T> {
  const until = Date.now() + ms;
  let last: unknown;
  while (Date.now() < until) {
    try {
      const v = await check();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

/**
 * Waits until the gateway (the region's, or the one at `gatewayUrl`) subscribes to the events of
 * each of `codes` over a connected upstream (acknowledged by its kommun), holds `upstreams`
 * upstream subscriptions for projectChanged, all connected, when that is given, and each of `codes`
 * that runs in the region listens for its database's changes: only from then on is a committed
 * change sure to become an event. (The gateway's upstream is open as soon as it has asked; the
 * kommun acknowledges, and starts listening, a moment later, later still on a loaded machine.)
 */
export async function liveReady(region: E2ERegion, codes: string[], options: { upstreams?: number; gatewayUrl?: string } = {}): Promise<void> {
  const what = `upstream subscriptions${options.upstreams === undefined ? '' : ` (${options.upstreams})`} for ${codes.join(', ') || 'no kommun'} connected`;
  await eventually(what, async () => {
    const up = (await region.health(options.gatewayUrl)).subscriptions.upstream['Subscription.projectChanged'];
    if (!up || (options.upstreams !== undefined && (up.upstreams !== options.upstreams || up.connected !== options.upstreams))) return false;
    return codes.every((c) => up.connectedCodes.includes(c));
  });
  for (const code of codes.filter((c) => region.kommuner.has(c))) {
    await eventually(`kommun ${code} listening`, async () => ((await (await fetch(region.kommuner.get(code)!.replace('/graphql', '/health'))).json()) as { listening: boolean }).listening);
  }
}

/**
 * A real HTTP proxy in front of a kommun's subgraph, to make it slow or stopped on demand and to
 * count the requests the gateway sends it.
 */
export async function startProxy(target: string) {
  /**
   * `failHttp`: answer every counted request HTTP 500 (WebSockets still pass); `failFrom`: the same
   * from the counted request with that number on (1 is the first since the last reset), so a later
   * stage of a query fails while the first passes; `rewrite`: change each counted answer's JSON on
   * its way back, as a kommun running some other implementation might answer.
   */
  const state = {
    delayMs: 0,
    requests: 0,
    failHttp: false,
    failFrom: Infinity,
    rewrite: null as ((answer: any) => any) | null,
    /** Hold back the events (graphql-ws `next` messages) the kommun sends until `releaseEvents`; pings and pongs pass. */
    holdEvents: false,
    bodies: [] as string[],
    authorizations: [] as Array<string | undefined>,
    requestIds: [] as Array<string | undefined>,
  };
  const tunnels = new Set<net.Socket>();
  const held: Array<[net.Socket, Buffer]> = [];
  /** Answers held back by `delayMs`: dropped when the proxy closes, so that nothing outlives it. */
  const delayed = new Set<NodeJS.Timeout>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      // The gateway's periodic schema check is not a query's fetch: count only the latter.
      const counted = !body.toString().includes('_service');
      if (counted) {
        state.requests++;
        state.bodies.push(body.toString());
        state.authorizations.push(req.headers.authorization);
        state.requestIds.push(req.headers['x-request-id'] as string | undefined);
      }
      if (counted && (state.failHttp || state.requests >= state.failFrom)) {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('the kommun is failing (test proxy)');
        return;
      }
      const rewrite = counted ? state.rewrite : null;
      const timer = setTimeout(async () => {
        delayed.delete(timer);
        try {
          const upstream = await fetch(target, { method: 'POST', headers: { 'content-type': 'application/json', ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) }, body });
          const text = await upstream.text();
          res.writeHead(upstream.status, { 'content-type': 'application/json' });
          res.end(rewrite ? JSON.stringify(rewrite(JSON.parse(text))) : text);
        } catch {
          res.destroy();
        }
      }, state.delayMs);
      delayed.add(timer);
    });
  });
  // WebSockets (the gateway's upstream subscriptions) pass through as they are.
  server.on('upgrade', (req, socket, head) => {
    const t = new URL(target);
    const upstream = net.connect(Number(t.port), t.hostname, () => {
      const headers = [];
      for (let i = 0; i < req.rawHeaders.length; i += 2) headers.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      upstream.write(`${req.method} ${req.url} HTTP/1.1\r\n${headers.join('\r\n')}\r\n\r\n`);
      upstream.write(head);
      socket.pipe(upstream);
      upstream.on('data', (chunk: Buffer) => (state.holdEvents && chunk.includes('"type":"next"') ? held.push([socket as net.Socket, chunk]) : socket.write(chunk)));
    });
    tunnels.add(upstream).add(socket as net.Socket);
    const end = () => {
      upstream.destroy();
      socket.destroy();
      tunnels.delete(upstream);
      tunnels.delete(socket as net.Socket);
    };
    upstream.on('error', end).on('close', end);
    socket.on('error', end).on('close', end);
  });
  // Started while a region starts (its memberPort): never on a port handed out to one of its services.
  const url = `http://127.0.0.1:${await listenOnFreePort(server)}/graphql`;
  return {
    url,
    state,
    /** Sends on what `holdEvents` held back, in order, and holds nothing more. */
    releaseEvents() {
      state.holdEvents = false;
      for (const [socket, chunk] of held.splice(0)) if (!socket.destroyed) socket.write(chunk);
    },
    reset() {
      state.requests = 0;
      state.bodies = [];
      state.authorizations = [];
      state.requestIds = [];
    },
    close: () =>
      new Promise<void>((r) => {
        for (const t of tunnels) t.destroy();
        for (const t of delayed) clearTimeout(t);
        delayed.clear();
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/**
 * One more gateway over a running region (a replica behind the same load balancer, or one with
 * other settings), in a process of its own on a free port; `stop` ends it.
 */
export async function startGatewayProcess(region: RunningRegion, env: Record<string, string> = {}): Promise<{ url: string; stop: () => Promise<void> }> {
  const port = await freePort();
  const gateway = runService('gateway', 'gateway/src/index.ts', {
    ...region.serviceEnv,
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    PORT: String(port),
    REGION_URL: region.regionUrl,
    SHARD_TIMEOUT_MS: '5000',
    MEMBERS_REFRESH_MS: '300',
    ...env,
  });
  try {
    await Promise.race([waitForHealth(`http://127.0.0.1:${port}/health`, 60_000), gateway.ready.catch((e) => Promise.reject(e))]);
  } catch (err) {
    await gateway.stop();
    throw err;
  }
  return { url: `http://127.0.0.1:${port}/graphql`, stop: () => gateway.stop() };
}

/** A subscription whose events collect in `events`; `next(n)` waits for the n-th. */
export function listen(c: Client, query: string, variables: Record<string, unknown> = {}) {
  const events: any[] = [];
  const errors: unknown[] = [];
  const waiters: Array<() => void> = [];
  let completed = false;
  const stop = c.subscribe({ query, variables }, {
    next: (v) => {
      events.push(v);
      waiters.splice(0).forEach((w) => w());
    },
    error: (e) => {
      errors.push(e);
      waiters.splice(0).forEach((w) => w());
    },
    complete: () => {
      completed = true;
      waiters.splice(0).forEach((w) => w());
    },
  });
  return {
    events,
    errors,
    stop,
    completed: () => completed,
    async next(n: number, ms = 5000): Promise<any> {
      const until = Date.now() + ms;
      while (events.length < n && !errors.length && Date.now() < until) {
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 100);
        });
      }
      if (events.length < n) throw new Error(`expected ${n} events, got ${events.length}; errors: ${JSON.stringify(errors)}`);
      return events[n - 1];
    },
  };
}

/**
 * A kommun subgraph in a process of its own (a member beside the region's shared kommun process),
 * so a test can kill, stop or restart it alone. Its database must exist; it seeds it when empty.
 * It checks tokens as the region's services do (`region.serviceEnv`).
 */
export function startKommunProcess(region: RunningRegion, code: string, database: string, port: number): ServiceProcess {
  return runService(`kommun-${code}`, 'services/kommun/src/cli/serve-many.ts', {
    KOMMUN_INSTANCES: JSON.stringify([{ code, databaseUrl: withDatabase(TEST_SERVER_URL, database), port }]),
    SEED: 'if-empty',
    SYNTHETIC_PROJECTS: '3',
    ...region.serviceEnv,
    LOG_LEVEL: 'warn',
    DB_POOL_SIZE: '1',
  });
}

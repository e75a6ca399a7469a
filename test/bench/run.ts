import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import os from 'node:os';
import { join } from 'node:path';
import { dropDatabase, ensureDatabase, postGraphQL, withDatabase } from '@samverkan/testing';
import { ensurePostgres, freePort, REPO_ROOT, runService, startDevIdentityProvider, startHubOfHubs, startRegion, waitForHealth, type DevIdentityProvider, type RunningRegion, type ServiceProcess } from '@samverkan/region-runner';
import { composeSupergraph } from '@samverkan/gateway/src/supergraph';
import { generateProjects } from '@samverkan/kommun/src/seed/synthetic';
import { Redis } from 'ioredis';
import { atRate, bareFanOut, drive, driveAtRate, type LoadResult } from './load';
import { cpuMs, rssMiB, table } from './stats';
import { shardCost } from './shard-cost';
import { syntheticManifest } from './synthetic-region';
import { startReplicas } from './replicas';
import { domainOf, variedBodies, type Domain, type Scenario } from './varied';

/**
 * npm run bench: the region on real PostgreSQL with deterministic synthetic volume, each
 * scenario driven by autocannon at fixed concurrency, in two forms (every request identical, and
 * varied: each request with its own variables), against Samverkan and the baselines a user could
 * pick instead; then the region at 13, 50 and 290 shards with each shard behind a delaying proxy
 * (remote shards, simulated). Prints a table and writes test/bench/results/latest.json.
 *
 * BENCH_PROJECTS (2000 per kommun), BENCH_SECONDS (8: each run about that long, and at least
 * BENCH_MIN_REQUESTS requests, 40), BENCH_CONNECTIONS (8),
 * BENCH_DATABASE_URL (default: an embedded PostgreSQL in .data/bench-postgres),
 * BENCH_GROWTH (true): also the remote-shard runs at 13, 50 and 290 shards (BENCH_SHARDS, e.g.
 * "13,50") and S1 and S2 at 20,000 projects per kommun; BENCH_GROWTH_CONNECTIONS (4) and
 * BENCH_DELAYS (round trips in ms, "0,5,20") for those; BENCH_BIG=false leaves out the 20,000.
 * BENCH_HUB_REGIONS (3): beside the largest of BENCH_SHARDS, a national hub over that many
 * regional gateways over the same kommuner (0 leaves it out); both of its hops (national to
 * regional, regional to kommun) go through delaying proxies. BENCH_REPLAY (true): the remote-shard
 * runs once more with the kommuner's answers recorded and replayed by the proxies (see replayed()),
 * so that the kommuner's own work leaves this machine's cores (the hub's regional gateways stay live),
 * and S1 in them once more open-loop at BENCH_RATE requests a second (10; 0 leaves it out).
 */
const PROJECTS = Number(process.env.BENCH_PROJECTS ?? 2000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
/** Requests of a measured run, at least (BENCH_MIN_REQUESTS). */
const MIN_REQUESTS = Number(process.env.BENCH_MIN_REQUESTS ?? 40);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 8);
const GROWTH_CONNECTIONS = Number(process.env.BENCH_GROWTH_CONNECTIONS ?? 4);
const DELAYS = (process.env.BENCH_DELAYS ?? '0,5,20').split(',').map(Number);
const SHARDS = (process.env.BENCH_SHARDS ?? '13,50,290').split(',').map(Number);
/** Distinct varied requests per scenario in the remote-shard runs. */
const GROWTH_POOL = 100;
/** false: leave out the remote-shard runs with the shards' answers replayed (BENCH_REPLAY). */
const REPLAY = (process.env.BENCH_REPLAY ?? 'true') !== 'false';
const REPLAYED = ', shards replayed';
/**
 * Requests a second for the open-loop runs of S1 beside the replayed ones (BENCH_RATE, 10): the
 * latency of a fan-out at a load the gateway is not saturated by, where a closed loop of
 * connections measures its throughput. 0 leaves them out.
 */
const RATE = Number(process.env.BENCH_RATE ?? 10);
const AT_RATE = `, ${RATE} req/s`;
/**
 * Requests a second for the open-loop runs of varied S1 (13 shards and the monolith) and varied S3
 * (through the gateway, directly and through the bare proxy): about a quarter of what the slowest
 * of them serves in a closed loop here, so that they read latency at a load, not throughput.
 */
const LOCAL_RATES = { S1: RATE, S3: 10 * RATE };
/** The target suffix of the bare fan-out's rows (bareFloor). */
const BARE_FAN_OUT = ', a bare undici fan-out (its own CPU as gw CPU)';
/** Processes hosting the 13 kommun subgraphs (one per core by default). */
const KOMMUN_PROCESSES = Number(process.env.BENCH_KOMMUN_PROCESSES ?? os.cpus().length);
const GROWTH = (process.env.BENCH_GROWTH ?? 'true') !== 'false';
const BIG = (process.env.BENCH_BIG ?? 'true') !== 'false';
/** Regional gateways under the national hub measured beside the flat region at the largest shard count (0: none). */
const HUB_REGIONS = Number(process.env.BENCH_HUB_REGIONS ?? 3);
/** false: leave out the 13-shard scenarios, the baselines and the fixed cost (to rerun only the remote shards). */
const LOCAL = (process.env.BENCH_LOCAL ?? 'true') !== 'false';
/** The Redis the replicas share (BENCH_REDIS_URL); without one answering, their target is left out. */
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const op = (name: string) => readFileSync(join(__dirname, 'operations', `${name}.graphql`), 'utf8');
const OPS = { S1: op('s1-top-projects'), S2: op('s2-stats'), S3: op('s3-kommun'), S4: op('s4-areas'), S5: op('s5-update') };
const log = (line: string) => process.stderr.write(`${line}\n`);

type Form = 'identical' | 'varied';
interface Row extends LoadResult {
  scenario: string;
  form: Form;
  target: string;
  /** Round trip added between the gateway and each shard (remote-shard runs), ms. */
  delayMs?: number;
  sqlPerRequest: number | null;
  peakMiB: number;
  /** The gateway's own CPU time per request (user + system, from /proc), ms; null without a Samverkan gateway. */
  gatewayCpuMs: number | null;
  /** The gateway process's peak resident memory during the run. */
  gatewayPeakMiB: number | null;
  /** The delaying proxies' CPU time per request, ms (remote-shard runs with the answers replayed). */
  proxyCpuMs?: number;
  /** Requests arrived at this rate a second, open-loop (see driveAtRate); otherwise a closed loop of the target's connections. */
  rate?: number;
}
const rows: Row[] = [];
/** Milliseconds the deterministic generator takes for 20,000 projects (seeding's own cost). */
let generatorMs = NaN;
/** The target of the bare proxy in front of the kommun S3 asks (bare-proxy.ts). */
const BARE_PROXY = 'a bare proxy in front of the kommun';
/** The kommun subgraph's fixed cost per request: S3 directly at one connection, less its SQL by a bare pg client (mean ms). */
let fixedCost: { directMs: number; floorMs: number; statements: number; cpuMs: number; floorCpuMs: number } | null = null;

async function redisAnswers(url: string): Promise<boolean> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 1000, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

/** Sums the SQL statements the kommun instances have run (each reports its total on /health). */
async function sqlTotal(kommunUrls: string[]): Promise<number> {
  let total = 0;
  for (const url of new Set(kommunUrls)) total += ((await (await fetch(url.replace('/graphql', '/health'))).json()) as { sqlStatements: number }).sqlStatements;
  return total;
}

/** Peak resident memory of the given processes together, and of `one` alone, while `fn` runs. */
async function peakDuring<T>(pids: number[], one: number | undefined, fn: () => Promise<T>): Promise<{ value: T; peak: number; onePeak: number }> {
  let peak = 0;
  let onePeak = 0;
  const sample = () => {
    let sum = 0;
    for (const pid of new Set([...pids, ...(one ? [one] : [])])) {
      try {
        const rss = rssMiB(pid);
        sum += rss;
        if (pid === one) onePeak = Math.max(onePeak, rss);
      } catch {
        /* gone */
      }
    }
    peak = Math.max(peak, sum);
  };
  sample();
  const timer = setInterval(sample, 200);
  try {
    return { value: await fn(), peak, onePeak };
  } finally {
    clearInterval(timer);
    sample();
  }
}

interface Target {
  kommunUrls: string[];
  pids: number[];
  /** The Samverkan gateway serving the target, whose own CPU time and memory are reported. */
  gatewayPid?: number;
  /** Several gateway replicas serving the target: their CPU time together is reported (memory: `gatewayPid`'s). */
  gatewayPids?: number[];
  headers?: Record<string, string>;
  connections?: number;
  delayMs?: number;
  /** The delaying proxies' process, whose CPU time per request is kept too (proxyCpuMs). */
  proxyPid?: number;
  /** Requests arriving at this rate a second, open-loop, in place of `connections` in a closed loop. */
  rate?: number;
}

async function measure(scenario: string, form: Form, target: string, url: string, body: string | (() => string), opts: Target): Promise<Row> {
  const sample = typeof body === 'string' ? body : body();
  const started = performance.now();
  const check = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...opts.headers }, body: sample });
  const checked = (await check.json()) as { errors?: unknown[] };
  if (!check.ok || checked.errors) throw new Error(`${scenario} (${form}) on ${target} does not answer cleanly: ${JSON.stringify(checked).slice(0, 400)}`);
  const connections = opts.connections ?? CONNECTIONS;
  // Both runs are counted, not timed (see drive): none of their requests is still being served
  // when the next begins, and the gateway's CPU time and the SQL over the measured run are its
  // requests' own. At 290 shards a timed run of a few requests a second would end with a third of
  // its requests' work uncounted, and charge it to the next. The warm-up is about 2 s' worth at
  // the first answer's pace; the measured run about SECONDS' worth at the warm-up's, and at least
  // MIN_REQUESTS, so that a slow target's figures (290 shards, a request or two a second) do not
  // rest on a dozen requests.
  const firstMs = performance.now() - started;
  const { rate } = opts;
  // At a rate, the warm-up is 2 s' worth of arrivals and the measured run SECONDS' worth (at least MIN_REQUESTS).
  const load = (amount: number, seed: string) =>
    rate ? driveAtRate(url, body, { rate, amount, seed, headers: opts.headers }) : drive(url, body, { connections, amount, headers: opts.headers });
  const warm = await load(rate ? Math.ceil(2 * rate) : Math.min(5000, Math.round((2000 / Math.max(firstMs, 1)) * connections)), 'warm-up');
  const amount = Math.min(200_000, Math.max(MIN_REQUESTS, Math.round((rate ?? warm.rps) * SECONDS)));
  const before = await sqlTotal(opts.kommunUrls);
  const gateways = opts.gatewayPids ?? (opts.gatewayPid ? [opts.gatewayPid] : []);
  const gatewaysCpu = () => gateways.reduce((sum, pid) => sum + cpuMs(pid), 0);
  const cpuBefore = gatewaysCpu();
  const proxyBefore = opts.proxyPid ? cpuMs(opts.proxyPid) : 0;
  const { value, peak, onePeak } = await peakDuring(opts.pids, opts.gatewayPid, () => load(amount, 'measured'));
  const cpu = gateways.length ? gatewaysCpu() - cpuBefore : NaN;
  const proxyCpu = opts.proxyPid ? cpuMs(opts.proxyPid) - proxyBefore : NaN;
  const after = await sqlTotal(opts.kommunUrls);
  const requests = Math.max(1, value.requests);
  const row: Row = {
    scenario,
    form,
    target,
    ...(opts.delayMs === undefined ? {} : { delayMs: opts.delayMs }),
    ...value,
    sqlPerRequest: opts.kommunUrls.length ? (after - before) / requests : null,
    peakMiB: peak,
    gatewayCpuMs: opts.gatewayPid ? cpu / requests : null,
    gatewayPeakMiB: opts.gatewayPid ? onePeak : null,
    ...(opts.proxyPid ? { proxyCpuMs: proxyCpu / requests } : {}),
    ...(rate ? { rate } : {}),
  };
  rows.push(row);
  log(
    `  ${scenario} ${form} ${target}: p50 ${row.p50} ms, p99 ${row.p99} ms, ${row.rps.toFixed(0)} req/s, ${row.sqlPerRequest?.toFixed(1) ?? '–'} SQL/req` +
      `${row.gatewayCpuMs === null ? '' : `, gateway ${row.gatewayCpuMs.toFixed(2)} ms CPU/req, ${row.gatewayPeakMiB!.toFixed(0)} MiB`}` +
      `${row.non2xx || row.errors ? `, ${row.non2xx} non-2xx, ${row.errors} errors` : ''}`,
  );
  return row;
}

/** Both forms of a read scenario against one target; the varied one with the target's own cursors. */
async function measureBoth(scenario: Scenario, target: string, url: string, domain: Domain, opts: Target): Promise<void> {
  await measure(scenario, 'identical', target, url, gql(OPS[scenario]), opts);
  await measure(scenario, 'varied', target, url, await variedBodies(scenario, OPS[scenario], url, domain), opts);
}

const gql = (query: string, variables?: unknown) => JSON.stringify({ query, variables });
const pidsOf = (ps: ServiceProcess[]) => ps.map((p) => p.child.pid!).filter(Boolean);
const gatewayOf = (r: RunningRegion) => r.processes.find((p) => p.name === 'gateway')!.child.pid!;

/** The delaying proxies (test/bench/delay-proxy.ts) in a process of their own. */
async function startDelayProxies() {
  const p = runService('delay-proxies', 'test/bench/delay-proxy.ts', {});
  await p.ready;
  const waiting = new Map<string, (m: any) => void>();
  p.child.on('message', (m: { added?: string; port?: number; delayed?: number; mode?: string; broadcast?: unknown }) => {
    const key = m.added !== undefined ? `add:${m.added}` : m.mode !== undefined ? 'mode' : 'broadcast' in m ? 'broadcast' : `delay:${m.delayed}`;
    waiting.get(key)?.(m);
    waiting.delete(key);
  });
  const ask = <T>(key: string, message: unknown) =>
    new Promise<T>((resolve) => {
      waiting.set(key, resolve);
      p.child.send(message as object);
    });
  return {
    pid: p.child.pid!,
    // Each proxy's port is handed out here, with the region's own (freePort): a proxy never takes one of theirs.
    memberPort: async (code: string, target: string) => {
      for (let attempt = 0; ; attempt++) {
        const m = await ask<{ port?: number; error?: string }>(`add:${code}`, { add: { code, target, port: await freePort() } });
        if (m.port) return m.port;
        if (attempt >= 20) throw new Error(`the delaying proxy for ${code} could not listen: ${m.error}`);
      }
    },
    setDelay: async (ms: number) => void (await ask(`delay:${ms}`, { delay: ms })),
    /** Sets the mode of the proxies of `codes`, or of all (see delay-proxy.ts); returns the answers replayed and missed since the last call. */
    setMode: (mode: 'live' | 'record' | 'replay', codes?: string[]) => ask<{ hits: number; misses: number }>('mode', { mode, codes }),
    /** The recorded request the most proxies hold an answer to (one fan-out's request to every shard), and how many hold it. */
    broadcast: async () => (await ask<{ broadcast: { path: string; body: string; held: number } | null }>('broadcast', { broadcast: true })).broadcast,
    stop: () => p.stop(),
  };
}

/** The region at `n` shards, each behind a delaying proxy: S1 and S2 at every round trip in DELAYS. */
async function remoteShards(n: number, pgUrl: string, jwksUrl: string): Promise<void> {
  const proxies = await startDelayProxies();
  try {
    const manifestFile = n === 13 ? undefined : syntheticManifest(n);
    // The proxy in front of each kommun, for the regional gateways of a hub over the same kommuner.
    const proxyPorts = new Map<string, number>();
    const r = await startRegion({
      databaseUrl: pgUrl, manifestFile, databasePrefix: `samverkan_bench_n${n}`, freePorts: true, seed: 'always', syntheticProjects: 100, jwksUrl,
      kommunProcesses: KOMMUN_PROCESSES, kommunPoolSize: 1, logLevel: 'error', shardTimeoutMs: 25_000, gatewayEnv: { REQUEST_TIMEOUT_MS: '30000' },
      memberPort: async (code, url) => {
        const port = await proxies.memberPort(code, url);
        proxyPorts.set(code, port);
        return port;
      },
    });
    try {
      const kommunUrls = [...r.kommuner.values()];
      const opts = { kommunUrls, pids: pidsOf(r.processes), gatewayPid: gatewayOf(r), connections: GROWTH_CONNECTIONS };
      const domain = await domainOf(r.gatewayUrl, r.manifest.members.map((m) => m.code));
      const target = `${n} shards × 100 projects`;
      // Fewer distinct requests, their cursors asked one at a time: a first page at 290 shards takes a while on two cores.
      const s1 = await variedBodies('S1', OPS.S1, r.gatewayUrl, domain, { pool: GROWTH_POOL, concurrency: 1 });
      const s2 = await variedBodies('S2', OPS.S2, r.gatewayUrl, domain, { pool: GROWTH_POOL, concurrency: 1 });
      for (const delayMs of DELAYS) {
        await proxies.setDelay(delayMs);
        await measure('S1', 'identical', target, r.gatewayUrl, gql(OPS.S1), { ...opts, delayMs });
        await measure('S1', 'varied', target, r.gatewayUrl, s1, { ...opts, delayMs });
        await measure('S2', 'varied', target, r.gatewayUrl, s2, { ...opts, delayMs });
      }
      if (REPLAY) await replayed(r.gatewayUrl, proxies, `${target}${REPLAYED}`, [gql(OPS.S1), s1, s2], opts, undefined, [...proxyPorts.values()]);
      if (HUB_REGIONS > 0 && n === Math.max(...SHARDS)) await hubOfHubs(r, proxies, proxyPorts, kommunUrls);
    } finally {
      await r.stop();
    }
  } finally {
    await proxies.stop();
  }
}

/**
 * The same runs with the shards' work taken off this machine: every answer the shards give to the
 * runs' requests is recorded once (every distinct request sent once, at no delay), then replayed by
 * the proxies R ms after each shard request arrives, without the shards. What remains on the two
 * cores is the gateway, the region subgraph and the load generator, as when every kommun runs on
 * hosts of its own. A shard request not recorded goes on to its shard (counted, and logged).
 */
async function replayed(
  gatewayUrl: string,
  proxies: Awaited<ReturnType<typeof startDelayProxies>>,
  target: string,
  [identical, s1, s2]: [string, () => string, () => string],
  opts: Target,
  codes?: string[],
  floorPorts?: number[],
): Promise<void> {
  log(`  recording the shards' answers to ${1 + 2 * GROWTH_POOL} distinct requests…`);
  await proxies.setDelay(0);
  await proxies.setMode('record', codes);
  const bodies = [identical, ...Array.from({ length: GROWTH_POOL }, s1), ...Array.from({ length: GROWTH_POOL }, s2)];
  let next = 0;
  let faulty = 0;
  await Promise.all(
    Array.from({ length: GROWTH_CONNECTIONS }, async () => {
      for (let i = next++; i < bodies.length; i = next++) {
        const answer = (await (await fetch(gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: bodies[i] })).json()) as { errors?: unknown[] };
        // A shard that failed here is asked again when its request is replayed (a miss, counted).
        if (answer.errors && faulty++ === 0) log(`    recording: ${JSON.stringify(answer.errors).slice(0, 300)}`);
      }
    }),
  );
  if (faulty) log(`    ${faulty} of ${bodies.length} recorded requests had errors; their shards are asked again when replayed`);
  await proxies.setMode('replay', codes);
  try {
    for (const delayMs of DELAYS) {
      await proxies.setDelay(delayMs);
      for (const [scenario, form, body] of [['S1', 'identical', identical], ['S1', 'varied', s1], ['S2', 'varied', s2]] as const) {
        const row = await measure(scenario, form, target, gatewayUrl, body, { ...opts, delayMs, proxyPid: proxies.pid });
        const { hits, misses } = await proxies.setMode('replay', codes);
        log(`    ${hits} shard answers replayed, ${misses} asked of the shards; the replaying proxies' CPU ${row.proxyCpuMs?.toFixed(2)} ms/req`);
      }
    }
    // S1 once more at the largest round trip, with requests arriving at RATE a second (open-loop).
    if (RATE > 0) {
      const delayMs = Math.max(...DELAYS);
      await proxies.setDelay(delayMs);
      for (const [form, body] of [['identical', identical], ['varied', s1]] as const) {
        const row = await measure('S1', form, `${target}${AT_RATE}`, gatewayUrl, body, { ...opts, delayMs, proxyPid: proxies.pid, rate: RATE });
        const { hits, misses } = await proxies.setMode('replay', codes);
        log(`    ${hits} shard answers replayed, ${misses} asked of the shards; the replaying proxies' CPU ${row.proxyCpuMs?.toFixed(2)} ms/req`);
      }
      if (floorPorts) await bareFloor(proxies, floorPorts, `${target}${AT_RATE}${BARE_FAN_OUT}`, delayMs);
    }
  } finally {
    await proxies.setMode('live', codes);
  }
}

/**
 * The floor under the gateway's fan-out: one recorded shard request that every shard holds an
 * answer to, sent by a bare undici fan-out (bareFanOut) to every proxy at once, its answers
 * replayed, open-loop at RATE. Its row's gateway CPU is the fan-out client's own (this process).
 */
async function bareFloor(proxies: Awaited<ReturnType<typeof startDelayProxies>>, ports: number[], target: string, delayMs: number): Promise<void> {
  const request = await proxies.broadcast();
  if (!request || request.held < ports.length) {
    log(`    no recorded request that all ${ports.length} shards hold an answer to (most: ${request?.held ?? 0}); the bare fan-out is left out`);
    return;
  }
  const fan = bareFanOut(ports.map((port) => `http://127.0.0.1:${port}`), request.path, request.body);
  try {
    await atRate(fan.send, { rate: RATE, amount: Math.ceil(2 * RATE), seed: 'warm-up' });
    const cpuBefore = process.cpuUsage();
    const proxyBefore = cpuMs(proxies.pid);
    const value = await atRate(fan.send, { rate: RATE, amount: Math.max(MIN_REQUESTS, Math.round(RATE * SECONDS)), seed: 'measured' });
    const cpu = process.cpuUsage(cpuBefore);
    const requests = Math.max(1, value.requests);
    const row: Row = {
      scenario: 'S1', form: 'identical', target, delayMs, ...value, rate: RATE, sqlPerRequest: null, peakMiB: NaN,
      gatewayCpuMs: (cpu.user + cpu.system) / 1000 / requests, gatewayPeakMiB: null, proxyCpuMs: (cpuMs(proxies.pid) - proxyBefore) / requests,
    };
    rows.push(row);
    const { hits, misses } = await proxies.setMode('replay');
    log(`  S1 ${target}: p50 ${row.p50} ms, p99 ${row.p99} ms, the client's CPU ${row.gatewayCpuMs!.toFixed(2)} ms/req; ${hits} shard answers replayed, ${misses} asked of the shards`);
  } finally {
    await fan.close();
  }
}

/**
 * The same kommuner behind a national hub over HUB_REGIONS regional gateways (each a member of the
 * hub with its share of the kommuner, see README, Hub of hubs): S1 and S2 at every round trip,
 * beside the flat region's rows. Both hops cross a delaying proxy, so at 20 ms a request pays two
 * round trips in a row where the flat region pays one. CPU and memory are the national gateway's.
 */
async function hubOfHubs(r: RunningRegion, proxies: Awaited<ReturnType<typeof startDelayProxies>>, proxyPorts: Map<string, number>, kommunUrls: string[]): Promise<void> {
  const codes = r.manifest.members.map((m) => m.code);
  const size = Math.ceil(codes.length / HUB_REGIONS);
  const groups = Array.from({ length: HUB_REGIONS }, (_, i) => codes.slice(i * size, (i + 1) * size)).filter((g) => g.length);
  await proxies.setDelay(0);
  log(`  starting a national hub over ${groups.length} regional gateways…`);
  const hub = await startHubOfHubs({
    region: r, groups, databasePrefix: `samverkan_bench_hub${codes.length}`, logLevel: 'error', shardTimeoutMs: 25_000, gatewayEnv: { REQUEST_TIMEOUT_MS: '30000' },
    kommunPort: async (code) => proxyPorts.get(code)!, memberPort: proxies.memberPort,
  });
  try {
    const target = `national hub over ${groups.length} regional gateways, ${codes.length} kommuner`;
    const opts = { kommunUrls, pids: [...pidsOf(r.processes), ...pidsOf(hub.processes)], gatewayPid: hub.gatewayPid, connections: GROWTH_CONNECTIONS };
    const domain = await domainOf(hub.gatewayUrl, codes);
    const s1 = await variedBodies('S1', OPS.S1, hub.gatewayUrl, domain, { pool: GROWTH_POOL, concurrency: 1 });
    const s2 = await variedBodies('S2', OPS.S2, hub.gatewayUrl, domain, { pool: GROWTH_POOL, concurrency: 1 });
    for (const delayMs of DELAYS) {
      await proxies.setDelay(delayMs);
      await measure('S1', 'identical', target, hub.gatewayUrl, gql(OPS.S1), { ...opts, delayMs });
      await measure('S1', 'varied', target, hub.gatewayUrl, s1, { ...opts, delayMs });
      await measure('S2', 'varied', target, hub.gatewayUrl, s2, { ...opts, delayMs });
    }
    // The kommuner replayed, the regional gateways live (each on the same two cores, where in
    // production each runs on hosts of its own): both hops still cost a round trip each.
    if (REPLAY) await replayed(hub.gatewayUrl, proxies, `${target}${REPLAYED}`, [gql(OPS.S1), s1, s2], opts, codes);
  } finally {
    await hub.stop();
  }
}

/** The 13-shard region, the monolith and the peers: every scenario in both forms, and the kommun's fixed cost. */
async function local(pgUrl: string, idp: DevIdentityProvider): Promise<void> {
  log(`seeding 13 kommuner × ${PROJECTS} projects…`);
  const extra: ServiceProcess[] = [];
  let replicas: Awaited<ReturnType<typeof startReplicas>> | null = null;
  try {
    const region = await startRegion({ databaseUrl: pgUrl, databasePrefix: 'samverkan_bench_gr', freePorts: true, seed: 'always', syntheticProjects: PROJECTS, jwksUrl: idp.jwksUrl, kommunProcesses: KOMMUN_PROCESSES, kommunPoolSize: 4, logLevel: 'error' });
    const codes = region.manifest.members.map((m) => m.code);
    try {
      // The monolith: all 13 kommuner's projects in one kommun-subgraph instance, behind a gateway as a single shard.
      for (const db of ['samverkan_bench_monolith', 'samverkan_bench_monoregion']) {
        await dropDatabase(pgUrl, db);
        await ensureDatabase(pgUrl, db);
      }
      const monoGatewayPort = await freePort();
      const auth = { JWT_JWKS_URL: idp.jwksUrl, JWT_SECRET: '', GATEWAY_JWKS_URL: `http://127.0.0.1:${monoGatewayPort}/.well-known/jwks.json` };
      const monolith = runService('monolith', 'services/kommun/src/cli/serve-many.ts', {
        KOMMUN_INSTANCES: JSON.stringify([{ code: codes.join(','), databaseUrl: withDatabase(pgUrl, 'samverkan_bench_monolith'), port: await freePort() }]),
        SEED: 'always', SYNTHETIC_PROJECTS: String(PROJECTS), LOG_LEVEL: 'error', DB_POOL_SIZE: '10', ...auth,
      }, { timeoutMs: 600_000 });
      extra.push(monolith);
      const monolithUrl = (await monolith.ready)[0].split(' ')[2];
      const monoRegionPort = await freePort();
      const monoRegion = runService('mono-region', 'services/region/src/index.ts', {
        DATABASE_URL: withDatabase(pgUrl, 'samverkan_bench_monoregion'), PORT: String(monoRegionPort), KOMMUN_URL_TEMPLATE: monolithUrl, LOG_LEVEL: 'error', ...auth,
      });
      extra.push(monoRegion);
      const monoRegionUrl = `http://127.0.0.1:${monoRegionPort}/graphql`;
      await Promise.race([waitForHealth(monoRegionUrl.replace('/graphql', '/health'), 60_000), monoRegion.ready]);
      const monoGateway = runService('mono-gateway', 'gateway/src/index.ts', { PORT: String(monoGatewayPort), REGION_URL: monoRegionUrl, LOG_LEVEL: 'error', ...auth });
      extra.push(monoGateway);
      const monoGatewayUrl = `http://127.0.0.1:${monoGatewayPort}/graphql`;
      await Promise.race([waitForHealth(monoGatewayUrl.replace('/graphql', '/health'), 60_000, true), monoGateway.ready]);

      // Stock @apollo/gateway and the peer gateway over the same single-shard supergraph.
      const supergraphFile = join(mkdtempSync(join(tmpdir(), 'samverkan-bench-')), 'supergraph.graphql');
      writeFileSync(supergraphFile, composeSupergraph(readFileSync(join(REPO_ROOT, 'schema/region.graphql'), 'utf8'), readFileSync(join(REPO_ROOT, 'schema/kommun.graphql'), 'utf8'), monoRegionUrl, monolithUrl));
      const stock = runService('stock-gateway', 'test/bench/stock-gateway.ts', { SUPERGRAPH_FILE: supergraphFile, PORT: String(await freePort()) }, { readyOnFirst: true });
      extra.push(stock);
      const stockUrl = (await stock.ready)[0].split(' ')[1];
      const peerDir = join(__dirname, 'peer');
      if (!existsSync(join(peerDir, 'node_modules/@graphql-hive/gateway'))) {
        log('installing the peer gateway (Hive Gateway) into test/bench/peer…');
        execFileSync('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock', '--workspaces=false'], { cwd: peerDir, stdio: 'inherit' });
      }
      const hivePort = await freePort();
      const hive = runHive(peerDir, supergraphFile, hivePort);
      extra.push(hive);
      const hiveUrl = `http://127.0.0.1:${hivePort}/graphql`;
      await waitForHealth(`http://127.0.0.1:${hivePort}/healthcheck`, 120_000, true);

      // The floor for any gateway in front of the kommun S3 asks (see bare-proxy.ts).
      const bare = runService('bare-proxy', 'test/bench/bare-proxy.ts', { TARGET_URL: region.kommuner.get('1480')!, PORT: String(await freePort()) }, { readyOnFirst: true });
      extra.push(bare);
      const bareUrl = (await bare.ready)[0].split(' ')[1];
      const kommunUrls = [...region.kommuner.values()];
      const ours = { kommunUrls, pids: pidsOf(region.processes), gatewayPid: gatewayOf(region) };
      const single = { kommunUrls: [monolithUrl], pids: pidsOf([monolith, monoRegion]) };
      const domain = await domainOf(region.gatewayUrl, codes);
      // Two replicas with the response cache in a shared Redis, behind a round-robin balancer:
      // what the cache does for identical reads (a wall of dashboards).
      replicas = (await redisAnswers(REDIS_URL)) ? await startReplicas(region, 2, REDIS_URL) : null;
      if (!replicas) log(`Redis does not answer at ${REDIS_URL}: the replicas with a shared cache are left out`);
      const replicaTarget = { kommunUrls, pids: [...pidsOf(region.processes), ...(replicas?.pids ?? [])], gatewayPid: replicas?.pids[0], gatewayPids: replicas?.pids };
      log(`\nScenarios (${CONNECTIONS} connections, about ${SECONDS} s of requests each, at least ${MIN_REQUESTS}, identical and varied):`);
      const monoTarget = { ...single, pids: [...single.pids, monoGateway.child.pid!], gatewayPid: monoGateway.child.pid! };
      for (const s of ['S1', 'S2', 'S3', 'S4'] as const) {
        await measureBoth(s, 'Samverkan, 13 shards', region.gatewayUrl, domain, ours);
        if (replicas) await measure(s, 'identical', 'Samverkan, 13 shards, 2 replicas + Redis cache', replicas.url, gql(OPS[s]), replicaTarget);
        await measureBoth(s, 'monolith behind Samverkan', monoGatewayUrl, domain, monoTarget);
        if (s === 'S3') {
          await measureBoth(s, 'kommun subgraph directly', region.kommuner.get('1480')!, domain, { kommunUrls, pids: ours.pids });
          await measureBoth(s, BARE_PROXY, bareUrl, domain, { kommunUrls, pids: [...ours.pids, bare.child.pid!] });
        }
        // The varied S1 and S3 bars once more at a load none of their targets is saturated by.
        const rate = LOCAL_RATES[s as keyof typeof LOCAL_RATES];
        if (rate > 0) {
          const baselines: Array<[string, string, Target]> =
            s === 'S1'
              ? [['monolith behind Samverkan', monoGatewayUrl, monoTarget]]
              : [['kommun subgraph directly', region.kommuner.get('1480')!, { kommunUrls, pids: ours.pids }], [BARE_PROXY, bareUrl, { kommunUrls, pids: [...ours.pids, bare.child.pid!] }]];
          const targets: Array<[string, string, Target]> = [['Samverkan, 13 shards', region.gatewayUrl, ours], ...baselines];
          for (const [target, url, opts] of targets) {
            // The same requests in the same order for every target: a generator of their own, from the start.
            await measure(s, 'varied', `${target}, ${rate} req/s`, url, await variedBodies(s, OPS[s], url, domain), { ...opts, rate });
          }
        }
        await measureBoth(s, 'stock @apollo/gateway, 1 shard', stockUrl, domain, { ...single, pids: [...single.pids, stock.child.pid!] });
        await measureBoth(s, 'Hive Gateway, 1 shard', hiveUrl, domain, { ...single, pids: [...single.pids, hive.child.pid!] });
      }
      const token = await idp.token({ role: 'kommun-editor', subject: 'bench', municipality: '1480' });
      /** Updates rotating over 1480's projects as that gateway sees them. */
      const updates = async (url: string) => {
        const { body } = await postGraphQL(url, '{ projects(first: 100, filter: { municipalities: ["1480"] }) { nodes { id } } }');
        const ids = (body.data.projects.nodes as Array<{ id: string }>).map((p) => p.id);
        let n = 0;
        return () => gql(OPS.S5, { id: ids[n++ % ids.length], title: `Updated ${n}` });
      };
      await measure('S5', 'varied', 'Samverkan, 13 shards', region.gatewayUrl, await updates(region.gatewayUrl), { ...ours, headers: { authorization: `Bearer ${token}` } });
      await measure('S5', 'varied', 'monolith behind Samverkan', monoGatewayUrl, await updates(monoGatewayUrl), { ...monoTarget, headers: { authorization: `Bearer ${token}` } });
      await Promise.all(extra.splice(0).map((p) => p.stop()));
      await replicas?.stop();
      replicas = null;

      log('\nThe kommun subgraph\'s fixed cost: S3 directly at one connection, and its SQL by a bare pg client…');
      const cost = await shardCost({ code: '1480', databaseUrl: region.databases.get('1480')!, env: region.serviceEnv, body: gql(OPS.S3), seconds: SECONDS, profileDir: process.env.BENCH_PROFILE });
      for (const [target, r] of [['kommun subgraph alone, 1 connection', cost.direct], [`its ${cost.statements} SQL statements by bare pg, 1 connection`, cost.floor]] as const) {
        rows.push({ scenario: 'S3', form: 'identical', target, ...r, sqlPerRequest: null, peakMiB: NaN, gatewayCpuMs: null, gatewayPeakMiB: null });
      }
      fixedCost = { directMs: cost.direct.mean, floorMs: cost.floor.mean, statements: cost.statements, cpuMs: cost.cpuMsPerRequest, floorCpuMs: cost.floor.cpuMsPerRound };
      log(`  S3 alone: mean ${cost.direct.mean.toFixed(2)} ms; its SQL by bare pg: mean ${cost.floor.mean.toFixed(2)} ms; fixed cost ${(cost.direct.mean - cost.floor.mean).toFixed(2)} ms`);
    } finally {
      await region.stop({ dropDatabases: false });
    }

  } finally {
    await Promise.allSettled([...extra.map((p) => p.stop()), replicas?.stop()]);
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  const t0 = process.hrtime.bigint();
  generateProjects('1480', 20_000);
  generatorMs = Number(process.hrtime.bigint() - t0) / 1e6;
  // 290 kommun instances hold two connections each (a pool of one, and LISTEN for their events).
  const pg = await ensurePostgres({ url: process.env.BENCH_DATABASE_URL, dataDir: join(REPO_ROOT, '.data/bench-postgres'), port: 54339, maxConnections: 1200, log });
  // Tokens as in production: an identity provider of the benchmark's own signs them; every service verifies with its JWKS.
  const idpDir = mkdtempSync(join(tmpdir(), 'samverkan-bench-idp-'));
  const idp = await startDevIdentityProvider({ dir: idpDir });
  try {
    log(`PostgreSQL: ${pg.embedded ? 'embedded' : 'BENCH_DATABASE_URL'}`);
    if (LOCAL) await local(pg.url, idp);

    if (GROWTH) {
      for (const n of SHARDS) {
        log(`\nRemote shards: ${n} shards × 100 projects, round trips ${DELAYS.join(', ')} ms, ${GROWTH_CONNECTIONS} connections…`);
        try {
          await remoteShards(n, pg.url, idp.jwksUrl);
        } catch (err) {
          // One growth step failing must not lose the figures already measured.
          log(`  ${n} shards: ${(err as Error).message.split('\n')[0]}`);
        }
      }
    }
    if (GROWTH && BIG) {
      log(`\nGrowth: 13 shards × 20,000 projects…`);
      const big = await startRegion({ databaseUrl: pg.url, databasePrefix: 'samverkan_bench_big', freePorts: true, seed: 'always', syntheticProjects: 20_000, jwksUrl: idp.jwksUrl, kommunPoolSize: 4, logLevel: 'error' });
      try {
        const opts = { kommunUrls: [...big.kommuner.values()], pids: pidsOf(big.processes), gatewayPid: gatewayOf(big) };
        await measure('S1', 'identical', '13 shards × 20,000 projects', big.gatewayUrl, gql(OPS.S1), opts);
        await measure('S2', 'identical', '13 shards × 20,000 projects', big.gatewayUrl, gql(OPS.S2), opts);
      } finally {
        await big.stop();
      }
    }
  } finally {
    await idp.close();
    rmSync(idpDir, { recursive: true, force: true });
    await pg.stop();
  }
  report(started);
}

function runHive(peerDir: string, supergraphFile: string, port: number): ServiceProcess {
  const child = spawn(process.execPath, [join(peerDir, 'node_modules/@graphql-hive/gateway/dist/bin.js'), 'supergraph', supergraphFile, '--port', String(port), '--host', '127.0.0.1'], {
    cwd: peerDir,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, NODE_ENV: 'production' },
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    name: 'hive-gateway',
    child,
    ready: Promise.resolve([]),
    tail: () => '',
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

function report(started: number): void {
  const machine = `${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  const find = (s: string, f: Form, t: string, delayMs?: number) => rows.find((r) => r.scenario === s && r.form === f && r.target === t && r.delayMs === delayMs);
  const p50 = (s: string, f: Form, t: string, d?: number) => find(s, f, t, d)?.p50 ?? NaN;
  const rps = (s: string, f: Form, t: string) => find(s, f, t)?.rps ?? NaN;
  const cpu = (s: string, f: Form, t: string, d?: number) => find(s, f, t, d)?.gatewayCpuMs ?? NaN;
  const mem = (s: string, f: Form, t: string, d?: number) => find(s, f, t, d)?.gatewayPeakMiB ?? NaN;
  const [shards, mono, direct] = ['Samverkan, 13 shards', 'monolith behind Samverkan', 'kommun subgraph directly'];
  const [at13, at290] = ['13 shards × 100 projects', '290 shards × 100 projects'];
  const bar = [
    ...(['identical', 'varied'] as const).flatMap((f) => [
      { what: `S1 p50 vs monolith (${f})`, value: p50('S1', f, shards) / p50('S1', f, mono), limit: 1.5, lower: true },
      { what: `S2 p50 vs monolith (${f})`, value: p50('S2', f, shards) / p50('S2', f, mono), limit: 1.3, lower: true },
      { what: `S3 p50 via gateway vs direct (${f})`, value: p50('S3', f, shards) / p50('S3', f, direct), limit: 1.2, lower: true },
      // Not a bar of its own: what one more process in the way costs here, whatever it does.
      { what: `S3 p50 via a bare proxy vs direct (${f}; the floor for any gateway)`, value: p50('S3', f, BARE_PROXY) / p50('S3', f, direct), limit: 1.2, lower: true },
    ]),
    // The varied S1 and S3 bars at a load none of their targets is saturated by (open-loop).
    { what: `S1 p50 vs monolith (varied, ${LOCAL_RATES.S1} requests a second arriving)`, value: p50('S1', 'varied', `${shards}, ${LOCAL_RATES.S1} req/s`) / p50('S1', 'varied', `${mono}, ${LOCAL_RATES.S1} req/s`), limit: 1.5, lower: true },
    { what: `S3 p50 via gateway vs direct (varied, ${LOCAL_RATES.S3} requests a second arriving)`, value: p50('S3', 'varied', `${shards}, ${LOCAL_RATES.S3} req/s`) / p50('S3', 'varied', `${direct}, ${LOCAL_RATES.S3} req/s`), limit: 1.2, lower: true },
    { what: `S3 p50 via a bare proxy vs direct (varied, ${LOCAL_RATES.S3} requests a second arriving; the floor)`, value: p50('S3', 'varied', `${BARE_PROXY}, ${LOCAL_RATES.S3} req/s`) / p50('S3', 'varied', `${direct}, ${LOCAL_RATES.S3} req/s`), limit: 1.2, lower: true },
    ...['S1', 'S2', 'S3', 'S4'].flatMap((s) =>
      (['identical', 'varied'] as const).flatMap((f) => [
        { what: `${s} req/s, 1 shard: Samverkan / stock @apollo/gateway (${f})`, value: rps(s, f, mono) / rps(s, f, 'stock @apollo/gateway, 1 shard'), limit: 1, lower: false },
        { what: `${s} req/s, 1 shard: Samverkan / Hive Gateway (${f})`, value: rps(s, f, mono) / rps(s, f, 'Hive Gateway, 1 shard'), limit: 1, lower: false },
      ]),
    ),
    ...(['identical', 'varied'] as const).flatMap((f) => [
      { what: `20 ms round trips: S1 p50 at 290 shards vs 13 (${f})`, value: p50('S1', f, at290, 20) / p50('S1', f, at13, 20), limit: 1.5, lower: true },
      { what: `20 ms round trips, shards replayed: S1 p50 at 290 shards vs 13 (${f})`, value: p50('S1', f, `${at290}${REPLAYED}`, 20) / p50('S1', f, `${at13}${REPLAYED}`, 20), limit: 1.5, lower: true },
      { what: `20 ms round trips, shards replayed, ${RATE} requests a second: S1 p50 at 290 shards vs 13 (${f})`, value: p50('S1', f, `${at290}${REPLAYED}${AT_RATE}`, 20) / p50('S1', f, `${at13}${REPLAYED}${AT_RATE}`, 20), limit: 1.5, lower: true },
      // Not a bar of its own: what asking that many shards costs one Node process here, whatever else it does.
      ...(f === 'identical'
        ? [{ what: `20 ms round trips, shards replayed, ${RATE} requests a second: a bare undici fan-out at 290 shards vs 13 (the floor for a Node gateway)`, value: p50('S1', f, `${at290}${REPLAYED}${AT_RATE}${BARE_FAN_OUT}`, 20) / p50('S1', f, `${at13}${REPLAYED}${AT_RATE}${BARE_FAN_OUT}`, 20), limit: 1.5, lower: true }]
        : []),
      { what: `20 ms round trips: gateway CPU/request, S1 at 290 vs 13 (${f})`, value: cpu('S1', f, at290, 20) / cpu('S1', f, at13, 20), limit: 8, lower: true },
      { what: `20 ms round trips, shards replayed: gateway CPU/request, S1 at 290 vs 13 (${f})`, value: cpu('S1', f, `${at290}${REPLAYED}`, 20) / cpu('S1', f, `${at13}${REPLAYED}`, 20), limit: 8, lower: true },
      { what: `20 ms round trips: gateway peak memory, S1 at 290 vs 13 (${f})`, value: mem('S1', f, at290, 20) / mem('S1', f, at13, 20), limit: 1.5, lower: true },
      { what: `20 ms round trips, shards replayed: gateway peak memory, S1 at 290 vs 13 (${f})`, value: mem('S1', f, `${at290}${REPLAYED}`, 20) / mem('S1', f, `${at13}${REPLAYED}`, 20), limit: 1.5, lower: true },
    ]),
  ].filter((b) => Number.isFinite(b.value));
  const minutes = (Date.now() - started) / 60000;
  const figures = { date: new Date().toISOString(), machine, load: os.loadavg(), projectsPerKommun: PROJECTS, connections: CONNECTIONS, growthConnections: GROWTH_CONNECTIONS, seconds: SECONDS, minutes, generatorMs, fixedCost, rows, bar };
  writeFileSync(join(__dirname, 'results/latest.json'), `${JSON.stringify(figures, null, 2)}\n`);
  const fixed = (v: number | null, digits = 1) => (v === null || !Number.isFinite(v) ? '–' : v.toFixed(digits));
  console.log(`\nSamverkan benchmark, ${figures.date.slice(0, 10)}, ${machine}; synthetic data, ${PROJECTS} projects per kommun unless stated; ${CONNECTIONS} connections (${GROWTH_CONNECTIONS} for remote shards), each run about ${SECONDS} s of requests, counted to the last answer\n`);
  const local = rows.filter((r) => r.delayMs === undefined);
  // Identical and varied side by side, one line per scenario and target.
  const pairs = [...new Map(local.map((r) => [`${r.scenario}|${r.target}`, r])).values()].map((r) => [r.scenario, r.target, find(r.scenario, 'identical', r.target), find(r.scenario, 'varied', r.target)] as const);
  const half = (r: Row | undefined) => (r ? [r.p50, r.p99, r.rps, fixed(r.sqlPerRequest), fixed(r.gatewayCpuMs, 2), fixed(r.peakMiB), r.non2xx + r.errors] : ['', '', '', '', '', '', '']);
  console.log(table(
    ['scenario', 'target', 'p50 ms', 'p99 ms', 'req/s', 'SQL/req', 'gw CPU ms/req', 'peak MiB', 'non-2xx', '| varied: p50 ms', 'p99 ms', 'req/s', 'SQL/req', 'gw CPU ms/req', 'peak MiB', 'non-2xx'],
    pairs.map(([s, t, i, v]) => [s, t, ...half(i), ...half(v)]),
  ));
  const remote = rows.filter((r) => r.delayMs !== undefined);
  if (remote.length) {
    console.log(`\nRemote shards, simulated: a delaying proxy per shard (the round trip split evenly between the two directions); load: a closed loop of connections, or requests arriving open-loop at a rate\n`);
    console.log(table(
      ['scenario', 'form', 'shards', 'round trip ms', 'load', 'p50 ms', 'p99 ms', 'req/s', 'SQL/req', 'gw CPU ms/req', 'gw peak MiB', 'replay CPU ms/req', 'non-2xx'],
      remote.map((r) => [r.scenario, r.form, r.target, r.delayMs!, r.rate ? `${r.rate} req/s arriving` : `${GROWTH_CONNECTIONS} connections`, r.p50, r.p99, r.rps, fixed(r.sqlPerRequest), fixed(r.gatewayCpuMs, 2), fixed(r.gatewayPeakMiB, 0), fixed(r.proxyCpuMs ?? null, 2), r.non2xx + r.errors]),
    ));
  }
  const hubs = [...new Set(remote.filter((r) => r.target.startsWith('national hub')).map((r) => r.target))];
  for (const hub of hubs) {
    // The flat region's target with the same suffixes (shards replayed, a rate).
    const flat = hub.replace(/^national hub over \d+ regional gateways, (\d+) kommuner/, '$1 shards × 100 projects');
    console.log(`\nHub of hubs: ${hub} against the flat ${flat} (ratio hub / flat; the hub pays two round trips in a row)\n`);
    console.log(table(
      ['scenario', 'form', 'round trip ms', 'p50 ratio', 'p99 ratio', 'gw CPU/req ratio', 'gw peak MiB ratio'],
      remote.filter((r) => r.target === hub).map((h) => {
        const f = find(h.scenario, h.form, flat, h.delayMs);
        const ratio = (a: number | null, b: number | null | undefined) => fixed(a !== null && b ? a / b : NaN, 2);
        return [h.scenario, h.form, h.delayMs!, ratio(h.p50, f?.p50), ratio(h.p99, f?.p99), ratio(h.gatewayCpuMs, f?.gatewayCpuMs), ratio(h.gatewayPeakMiB, f?.gatewayPeakMiB)];
      }),
    ));
  }
  if (fixedCost) {
    console.log(
      `\nThe kommun subgraph's fixed cost per request: S3 directly at one connection ${fixedCost.directMs.toFixed(2)} ms (mean), ` +
        `its ${fixedCost.statements} SQL statements by a bare pg client ${fixedCost.floorMs.toFixed(2)} ms: ${(fixedCost.directMs - fixedCost.floorMs).toFixed(2)} ms; ` +
        `CPU time per request ${fixedCost.cpuMs.toFixed(2)} ms against the bare client's ${fixedCost.floorCpuMs.toFixed(2)} ms: ${(fixedCost.cpuMs - fixedCost.floorCpuMs).toFixed(2)} ms`,
    );
  }
  console.log(`\nThe synthetic-data generator: 20,000 projects in ${generatorMs.toFixed(0)} ms`);
  console.log(`Load average at the end (1, 5, 15 min): ${os.loadavg().map((l) => l.toFixed(1)).join(', ')}`);
  console.log(`\nThe bar\n`);
  console.log(table(['what', 'value', 'bar', 'met'], bar.map((b) => [b.what, b.value.toFixed(2), `${b.lower ? '≤' : '≥'} ${b.limit}`, (b.lower ? b.value <= b.limit : b.value >= b.limit) ? 'yes' : 'NO'])));
  console.log(`\nTotal: ${minutes.toFixed(1)} minutes`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});


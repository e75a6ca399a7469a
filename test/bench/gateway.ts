import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { dropDatabase } from '@samverkan/testing';
import { ensurePostgres, freePort, REPO_ROOT, runService, startDevIdentityProvider, startRegion, waitForHealth } from '@samverkan/region-runner';
import { cpuSplit, quantile, table } from './stats';
import { syntheticManifest } from './synthetic-region';
import { domainOf, variedBodies, type Scenario } from './varied';

/**
 * npm run bench:gateway: the gateway's own cost per distinct request, without the full benchmark,
 * and beside it what the request cost the kommun hosts, the region subgraph and the PostgreSQL
 * backends serving them (CPU time of those processes over the same run).
 * Starts the 13-shard region (BENCH_PROJECTS projects per kommun, 2000), or with BENCH_SHARDS=n a
 * synthetic region of n kommuner (100 projects each), sends the varied form of
 * each scenario (BENCH_SCENARIOS, "S1,S2,S3", at n shards "S1,S2"; BENCH_REQUESTS distinct requests each, 200) at
 * BENCH_CONNECTIONS (2) in flight, and prints per request: the gateway's CPU time (from
 * /proc/<pid>/stat, which the machine's load hardly moves), the shard requests it sent (its own
 * fetch metrics) and the SQL statements the kommuner ran. Each scenario is warmed up first with
 * requests of another seed, so that caches by document are warm and nothing by variables is.
 * S3 is also sent through a second gateway with its short path off (SHORT_PATH=false), through a
 * bare proxy in front of the kommun (bare-proxy.ts: what any process in the way costs), and to the
 * kommun directly, each with the CPU time of that process, the kommun hosts and PostgreSQL.
 * BENCH_DATABASE_URL as for npm run bench (BENCH_DATABASE_PREFIX names its databases, samverkan_bench_gw); BENCH_PROFILE=<dir>: the gateway runs under
 * `node --cpu-prof` and leaves its profile there when the run ends (read it with profile-top.ts);
 * BENCH_GATEWAY_FLAGS: more of node's own flags for the gateway (e.g. `--max-semi-space-size=32`).
 */
/** Kommuner in the region: 13 is the demo region (GR); any other count a synthetic region of that many. */
const SHARDS = Number(process.env.BENCH_SHARDS ?? 13);
const DEMO = SHARDS === 13;
const PROJECTS = Number(process.env.BENCH_PROJECTS ?? (DEMO ? 2000 : 100));
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 200);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 2);
// S3 asks one of the demo region's kommuner (1480).
const SCENARIOS = (process.env.BENCH_SCENARIOS ?? (DEMO ? 'S1,S2,S3' : 'S1,S2')).split(',') as Scenario[];
const PROFILE = process.env.BENCH_PROFILE;
/** The databases' name prefix (BENCH_DATABASE_PREFIX), so that runs on one shared server do not meet. */
const PREFIX = process.env.BENCH_DATABASE_PREFIX ?? (DEMO ? 'samverkan_bench_gw' : `samverkan_bench_gw_n${SHARDS}`);
const OPS: Record<string, string> = {
  S1: 's1-top-projects',
  S2: 's2-stats',
  S3: 's3-kommun',
  S4: 's4-areas',
};
const METRICS_TOKEN = 'bench-gateway-metrics-token';
const log = (line: string) => process.stderr.write(`${line}\n`);

/** Shard requests the gateway has sent so far (its fetch histogram's counts, the region subgraph left out). */
async function shardRequests(gatewayUrl: string): Promise<number> {
  const text = await (await fetch(gatewayUrl.replace('/graphql', '/metrics'), { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
  let total = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('samverkan_gateway_shard_fetch_seconds_count{') && !line.includes('municipality="region"')) total += Number(line.split(' ').at(-1));
  }
  return total;
}

/** CPU milliseconds (user and system) each of the processes `pids` has used so far; one gone is left out. */
function cpuOf(pids: number[]): Map<number, number> {
  const used = new Map<number, number>();
  for (const pid of pids) {
    try {
      const { user, system } = cpuSplit(pid);
      used.set(pid, user + system);
    } catch {
      // Gone (a PostgreSQL backend that ended).
    }
  }
  return used;
}

/**
 * CPU milliseconds the processes read in `before` used until `after`, counting only those read
 * both times: a PostgreSQL backend that ends in between (a pool letting an idle connection go)
 * takes its time with it, and would otherwise count as a negative.
 */
function cpuBetween(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, ms] of after) {
    const was = before.get(pid);
    if (was !== undefined) total += ms - was;
  }
  return total;
}

/** The PostgreSQL backends serving the benchmark's databases (the pools stay open, so the same ones serve the whole run). */
async function backendPids(databaseUrl: string): Promise<number[]> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname LIKE $1 AND pid <> pg_backend_pid()', [`${PREFIX}%`]);
    return rows.map((r) => r.pid);
  } finally {
    await client.end();
  }
}

/** SQL statements the kommun hosts have run so far. */
async function sqlTotal(kommunUrls: string[]): Promise<number> {
  let total = 0;
  for (const url of new Set(kommunUrls)) total += ((await (await fetch(url.replace('/graphql', '/health'))).json()) as { sqlStatements: number }).sqlStatements;
  return total;
}

/** Sends every body, `connections` at a time; the latency of each, and how many answered with errors. */
async function send(url: string, bodies: string[], connections: number): Promise<{ latencies: number[]; failed: number; first?: string }> {
  const latencies: number[] = [];
  let failed = 0;
  let first: string | undefined;
  let next = 0;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      for (let i = next++; i < bodies.length; i = next++) {
        const started = performance.now();
        const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: bodies[i] });
        const text = await res.text();
        latencies.push(performance.now() - started);
        if (!res.ok || (JSON.parse(text) as { errors?: unknown }).errors) {
          failed++;
          first ??= text.slice(0, 300);
        }
      }
    }),
  );
  return { latencies: latencies.sort((a, b) => a - b), failed, first };
}

async function main(): Promise<void> {
  const pg = await ensurePostgres({ url: process.env.BENCH_DATABASE_URL, dataDir: join(REPO_ROOT, '.data/bench-postgres'), port: 54339, maxConnections: 1200, log });
  const idpDir = mkdtempSync(join(tmpdir(), 'samverkan-bench-idp-'));
  const idp = await startDevIdentityProvider({ dir: idpDir });
  const rows: Array<Record<string, number | string>> = [];
  try {
    log(`starting ${SHARDS} kommuner × ${PROJECTS} projects…`);
    // The region's registry holds the kommuner's ports, which are new every run: it starts afresh (kommun data may be kept, BENCH_KEEP).
    await dropDatabase(pg.url, `${PREFIX}_region`);
    const region = await startRegion({
      databaseUrl: pg.url,
      databasePrefix: PREFIX,
      manifestFile: DEMO ? undefined : syntheticManifest(SHARDS),
      freePorts: true,
      seed: 'if-empty',
      syntheticProjects: PROJECTS,
      jwksUrl: idp.jwksUrl,
      kommunProcesses: 2,
      kommunPoolSize: 1,
      regionPoolSize: 2,
      logLevel: 'error',
      // Generous: a kommun process holds several kommuner on a pool of one connection each, on a shared machine.
      shardTimeoutMs: 20_000,
      gatewayEnv: { METRICS_TOKEN, REQUEST_TIMEOUT_MS: '30000' },
      gatewayNodeFlags: [...(PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE}`] : []), ...(process.env.BENCH_GATEWAY_FLAGS?.split(' ').filter(Boolean) ?? [])],
    });
    try {
      const gatewayPid = region.processes.find((p) => p.name === 'gateway')!.child.pid!;
      const kommunPids = region.processes.filter((p) => p.name.startsWith('kommuner-')).map((p) => p.child.pid!);
      const regionPid = region.processes.find((p) => p.name === 'region')!.child.pid!;
      const kommunUrls = [...region.kommuner.values()];
      const domain = await domainOf(region.gatewayUrl, region.manifest.members.map((m) => m.code));
      const started = Date.now();
      for (const scenario of SCENARIOS) {
        const query = readFileSync(join(__dirname, 'operations', `${OPS[scenario]}.graphql`), 'utf8');
        const bodiesOf = async (url: string, seed: string, pool: number) => {
          const next = await variedBodies(scenario, query, url, domain, { seed, pool, concurrency: 1 });
          return Array.from({ length: pool }, next);
        };
        await send(region.gatewayUrl, await bodiesOf(region.gatewayUrl, 'warm-up', 50), CONNECTIONS);
        const bodies = await bodiesOf(region.gatewayUrl, 'bench', REQUESTS);
        const backends = await backendPids(pg.url);
        const [cpu0, fetches0, sql0] = [cpuSplit(gatewayPid), await shardRequests(region.gatewayUrl), await sqlTotal(kommunUrls)];
        const [kommun0, region0, pg0] = [cpuOf(kommunPids), cpuOf([regionPid]), cpuOf(backends)];
        const t0 = Date.now();
        const { latencies, failed, first } = await send(region.gatewayUrl, bodies, CONNECTIONS);
        const seconds = (Date.now() - t0) / 1000;
        const [kommun1, region1, pg1] = [cpuOf(kommunPids), cpuOf([regionPid]), cpuOf(backends)];
        const [cpu1, fetches1, sql1] = [cpuSplit(gatewayPid), await shardRequests(region.gatewayUrl), await sqlTotal(kommunUrls)];
        if (first) log(`  ${scenario}: ${failed} answers with errors, the first: ${first}`);
        const row: Record<string, number | string> = {
          scenario,
          target: `Samverkan, ${SHARDS} shards`,
          requests: bodies.length,
          gwCpuMsPerRequest: (cpu1.user + cpu1.system - cpu0.user - cpu0.system) / bodies.length,
          gwSystemMsPerRequest: (cpu1.system - cpu0.system) / bodies.length,
          kommunCpuMsPerRequest: cpuBetween(kommun0, kommun1) / bodies.length,
          regionCpuMsPerRequest: cpuBetween(region0, region1) / bodies.length,
          postgresCpuMsPerRequest: cpuBetween(pg0, pg1) / bodies.length,
          shardRequestsPerRequest: (fetches1 - fetches0) / bodies.length,
          sqlPerRequest: (sql1 - sql0) / bodies.length,
          p50: quantile(latencies, 0.5),
          p99: quantile(latencies, 0.99),
          failed,
          seconds,
          endedSecondsAfterStart: (Date.now() - started) / 1000,
        };
        rows.push(row);
        log(`  ${scenario}: ${JSON.stringify(row)}`);
        if (scenario === 'S3') {
          // The same requests through the gateway's full path (a second gateway, SHORT_PATH=false),
          // through a bare proxy (what any process in the way costs), and to the kommun directly.
          const direct = region.kommuner.get('1480')!;
          const fullPort = await freePort();
          const full = runService('gateway-full-path', 'gateway/src/index.ts', { ...region.serviceEnv, LOG_LEVEL: 'error', HOST: '127.0.0.1', PORT: String(fullPort), REGION_URL: region.regionUrl, SHARD_TIMEOUT_MS: '20000', REQUEST_TIMEOUT_MS: '30000', SHORT_PATH: 'false' });
          const bare = runService('bare-proxy', 'test/bench/bare-proxy.ts', { TARGET_URL: direct, PORT: String(await freePort()) }, { readyOnFirst: true });
          try {
            await Promise.race([waitForHealth(`http://127.0.0.1:${fullPort}/health`, 60_000, true), full.ready]);
            const bareUrl = (await bare.ready)[0].split(' ')[1];
            const others: Array<[string, string, number | undefined]> = [
              ['Samverkan, 13 shards, full path (SHORT_PATH=false)', `http://127.0.0.1:${fullPort}/graphql`, full.child.pid],
              ['a bare proxy in front of the kommun', bareUrl, bare.child.pid],
              ['kommun subgraph directly', direct, undefined],
            ];
            for (const [target, url, pid] of others) {
              await send(url, await bodiesOf(url, 'warm-up', 50), CONNECTIONS);
              const measured = await bodiesOf(url, 'bench', REQUESTS);
              const backends = await backendPids(pg.url);
              const [c0, k0, p0] = [pid ? cpuSplit(pid) : undefined, cpuOf(kommunPids), cpuOf(backends)];
              const d = await send(url, measured, CONNECTIONS);
              const [c1, k1, p1] = [pid ? cpuSplit(pid) : undefined, cpuOf(kommunPids), cpuOf(backends)];
              rows.push({
                scenario,
                target,
                requests: REQUESTS,
                gwCpuMsPerRequest: c0 && c1 ? (c1.user + c1.system - c0.user - c0.system) / REQUESTS : NaN,
                gwSystemMsPerRequest: c0 && c1 ? (c1.system - c0.system) / REQUESTS : NaN,
                kommunCpuMsPerRequest: cpuBetween(k0, k1) / REQUESTS,
                regionCpuMsPerRequest: NaN,
                postgresCpuMsPerRequest: cpuBetween(p0, p1) / REQUESTS,
                shardRequestsPerRequest: NaN,
                sqlPerRequest: NaN,
                p50: quantile(d.latencies, 0.5),
                p99: quantile(d.latencies, 0.99),
                failed: d.failed,
                seconds: NaN,
                endedSecondsAfterStart: (Date.now() - started) / 1000,
              });
            }
          } finally {
            await Promise.all([full.stop(), bare.stop()]);
          }
        }
      }
      const stoppedAt = Date.now();
      await region.stop({ dropDatabases: process.env.BENCH_KEEP !== 'true' });
      if (PROFILE) log(`profile in ${PROFILE}; the measured run ended ${((Date.now() - stoppedAt) / 1000).toFixed(1)} s before the gateway stopped (add this to each scenario's distance from the end)`);
    } catch (err) {
      await region.stop({ dropDatabases: process.env.BENCH_KEEP !== 'true' });
      throw err;
    }
  } finally {
    await idp.close();
    rmSync(idpDir, { recursive: true, force: true });
    await pg.stop();
  }
  const fixed = (v: number | string, d = 2) => (typeof v === 'number' ? (Number.isFinite(v) ? v.toFixed(d) : '–') : v);
  console.log(`\nThe gateway's own cost per distinct request: varied traffic, ${REQUESTS} requests each, ${CONNECTIONS} in flight, ${SHARDS} shards × ${PROJECTS} projects\n`);
  console.log(
    table(
      ['scenario', 'target', 'gw (or proxy) CPU ms/req', 'of it in the kernel', 'kommuner CPU ms/req', 'region CPU ms/req', 'PostgreSQL CPU ms/req', 'shard requests/req', 'SQL/req', 'p50 ms', 'p99 ms', 'with errors'],
      rows.map((r) => [
        r.scenario,
        r.target,
        fixed(r.gwCpuMsPerRequest),
        fixed(r.gwSystemMsPerRequest),
        fixed(r.kommunCpuMsPerRequest),
        fixed(r.regionCpuMsPerRequest),
        fixed(r.postgresCpuMsPerRequest),
        fixed(r.shardRequestsPerRequest, 1),
        fixed(r.sqlPerRequest, 1),
        fixed(r.p50, 1),
        fixed(r.p99, 1),
        r.failed,
      ]),
    ),
  );
  writeFileSync(join(__dirname, DEMO ? 'results/gateway.json' : `results/gateway-${SHARDS}-shards.json`), `${JSON.stringify({ date: new Date().toISOString(), shards: SHARDS, projectsPerKommun: PROJECTS, requests: REQUESTS, connections: CONNECTIONS, rows }, null, 2)}\n`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

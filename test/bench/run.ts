import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import os from 'node:os';
import { join } from 'node:path';
import { mintToken } from '@samverkan/server-kit';
import { dropDatabase, ensureDatabase, postGraphQL, withDatabase } from '@samverkan/testing';
import { ensurePostgres, freePort, REPO_ROOT, runService, startRegion, waitForHealth, type RunningRegion, type ServiceProcess } from '@samverkan/region-runner';
import { composeSupergraph } from '@samverkan/gateway/src/supergraph';
import { generateProjects } from '@samverkan/kommun/src/seed/synthetic';
import { drive, type LoadResult } from './load';
import { rssMiB, table } from './stats';

/**
 * npm run bench: the region on real PostgreSQL with deterministic synthetic volume, each
 * scenario driven by autocannon at fixed concurrency, against Samverkan and the baselines a
 * user could pick instead. Prints a table and writes test/bench/results/latest.json.
 *
 * BENCH_PROJECTS (2000 per kommun), BENCH_SECONDS (8), BENCH_CONNECTIONS (8),
 * BENCH_DATABASE_URL (default: an embedded PostgreSQL in .data/bench-postgres),
 * BENCH_GROWTH (true): also S1 and S2 at 50 and 290 shards and at 20,000 projects per kommun.
 */
const PROJECTS = Number(process.env.BENCH_PROJECTS ?? 2000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 8);
/** Processes hosting the 13 kommun subgraphs (one per core by default). */
const KOMMUN_PROCESSES = Number(process.env.BENCH_KOMMUN_PROCESSES ?? os.cpus().length);
const GROWTH = (process.env.BENCH_GROWTH ?? 'true') !== 'false';
const SECRET = 'bench-secret-0123456789-abcdefghijklmnop';
const op = (name: string) => readFileSync(join(__dirname, 'operations', `${name}.graphql`), 'utf8');
const OPS = { S1: op('s1-top-projects'), S2: op('s2-stats'), S3: op('s3-kommun'), S4: op('s4-areas'), S5: op('s5-update') };
const log = (line: string) => process.stderr.write(`${line}\n`);

interface Row extends LoadResult {
  scenario: string;
  target: string;
  sqlPerRequest: number | null;
  peakMiB: number;
}
const rows: Row[] = [];
/** Milliseconds the deterministic generator takes for 20,000 projects (seeding's own cost). */
let generatorMs = NaN;

/** Sums the SQL statements the kommun instances have run (each reports its total on /health). */
async function sqlTotal(kommunUrls: string[]): Promise<number> {
  let total = 0;
  for (const url of new Set(kommunUrls)) total += ((await (await fetch(url.replace('/graphql', '/health'))).json()) as { sqlStatements: number }).sqlStatements;
  return total;
}

/** Peak resident memory of the given processes together while `fn` runs. */
async function peakDuring<T>(pids: number[], fn: () => Promise<T>): Promise<{ value: T; peak: number }> {
  let peak = 0;
  const sample = () => {
    let sum = 0;
    for (const pid of pids) {
      try {
        sum += rssMiB(pid);
      } catch {
        /* gone */
      }
    }
    peak = Math.max(peak, sum);
  };
  sample();
  const timer = setInterval(sample, 200);
  try {
    return { value: await fn(), peak };
  } finally {
    clearInterval(timer);
    sample();
  }
}

async function measure(scenario: string, target: string, url: string, body: string | (() => string), opts: { kommunUrls: string[]; pids: number[]; headers?: Record<string, string> }): Promise<Row> {
  const sample = typeof body === 'string' ? body : body();
  const check = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...opts.headers }, body: sample });
  const checked = (await check.json()) as { errors?: unknown[] };
  if (!check.ok || checked.errors) throw new Error(`${scenario} on ${target} does not answer cleanly: ${JSON.stringify(checked).slice(0, 400)}`);
  await drive(url, body, { connections: CONNECTIONS, seconds: 2, headers: opts.headers }); // warm-up
  const before = await sqlTotal(opts.kommunUrls);
  const { value, peak } = await peakDuring(opts.pids, () => drive(url, body, { connections: CONNECTIONS, seconds: SECONDS, headers: opts.headers }));
  const after = await sqlTotal(opts.kommunUrls);
  const row: Row = { scenario, target, ...value, sqlPerRequest: opts.kommunUrls.length ? (after - before) / Math.max(1, value.requests) : null, peakMiB: peak };
  rows.push(row);
  log(`  ${scenario} ${target}: p50 ${row.p50} ms, p99 ${row.p99} ms, ${row.rps.toFixed(0)} req/s, ${row.sqlPerRequest?.toFixed(1) ?? '–'} SQL/req${row.non2xx || row.errors ? `, ${row.non2xx} non-2xx, ${row.errors} errors` : ''}`);
  return row;
}

const gql = (query: string, variables?: unknown) => JSON.stringify({ query, variables });
const pidsOf = (ps: ServiceProcess[]) => ps.map((p) => p.child.pid!).filter(Boolean);

/** A manifest of `n` synthetic kommuner (codes 3001…, which no Swedish kommun has). */
function syntheticManifest(n: number): string {
  const file = join(mkdtempSync(join(tmpdir(), 'samverkan-bench-')), `synthetic-${n}.json`);
  const members = Array.from({ length: n }, (_, i) => ({ code: String(3001 + i), name: `Syntetisk kommun ${i + 1}`, officialName: `Syntetisk kommun ${i + 1}`, county: 'Syntetiskt län', population: 10_000, port: 0 }));
  writeFileSync(file, JSON.stringify({ id: `synthetic${n}`, name: `Synthetic region of ${n}`, nameShort: `S${n}`, populationYear: 2023, members }));
  return file;
}

async function growthRun(label: string, region: RunningRegion): Promise<void> {
  const kommunUrls = [...region.kommuner.values()];
  const pids = pidsOf(region.processes);
  await measure('S1', label, region.gatewayUrl, gql(OPS.S1), { kommunUrls, pids });
  await measure('S2', label, region.gatewayUrl, gql(OPS.S2), { kommunUrls, pids });
}

async function main(): Promise<void> {
  const started = Date.now();
  const t0 = process.hrtime.bigint();
  generateProjects('1480', 20_000);
  generatorMs = Number(process.hrtime.bigint() - t0) / 1e6;
  // 290 kommun instances hold two connections each (a pool of one, and LISTEN for their events).
  const pg = await ensurePostgres({ url: process.env.BENCH_DATABASE_URL, dataDir: join(REPO_ROOT, '.data/bench-postgres'), port: 54339, maxConnections: 1200, log });
  const extra: ServiceProcess[] = [];
  try {
    log(`PostgreSQL: ${pg.embedded ? 'embedded' : 'BENCH_DATABASE_URL'}; seeding 13 kommuner × ${PROJECTS} projects…`);
    const region = await startRegion({ databaseUrl: pg.url, databasePrefix: 'samverkan_bench_gr', freePorts: true, seed: 'always', syntheticProjects: PROJECTS, jwtSecret: SECRET, kommunProcesses: KOMMUN_PROCESSES, kommunPoolSize: 4, logLevel: 'error' });
    const codes = region.manifest.members.map((m) => m.code);
    try {
      // The monolith: all 13 kommuner's projects in one kommun-subgraph instance, behind a gateway as a single shard.
      for (const db of ['samverkan_bench_monolith', 'samverkan_bench_monoregion']) {
        await dropDatabase(pg.url, db);
        await ensureDatabase(pg.url, db);
      }
      const monolith = runService('monolith', 'services/kommun/src/cli/serve-many.ts', {
        KOMMUN_INSTANCES: JSON.stringify([{ code: codes.join(','), databaseUrl: withDatabase(pg.url, 'samverkan_bench_monolith'), port: await freePort() }]),
        SEED: 'always', SYNTHETIC_PROJECTS: String(PROJECTS), JWT_SECRET: SECRET, LOG_LEVEL: 'error', DB_POOL_SIZE: '10',
      }, { timeoutMs: 600_000 });
      extra.push(monolith);
      const monolithUrl = (await monolith.ready)[0].split(' ')[2];
      const monoRegionPort = await freePort();
      const monoRegion = runService('mono-region', 'services/region/src/index.ts', {
        DATABASE_URL: withDatabase(pg.url, 'samverkan_bench_monoregion'), PORT: String(monoRegionPort), KOMMUN_URL_TEMPLATE: monolithUrl, LOG_LEVEL: 'error', JWT_SECRET: SECRET,
      });
      extra.push(monoRegion);
      const monoRegionUrl = `http://127.0.0.1:${monoRegionPort}/graphql`;
      await Promise.race([waitForHealth(monoRegionUrl.replace('/graphql', '/health'), 60_000), monoRegion.ready]);
      const monoGatewayPort = await freePort();
      const monoGateway = runService('mono-gateway', 'gateway/src/index.ts', { PORT: String(monoGatewayPort), REGION_URL: monoRegionUrl, LOG_LEVEL: 'error', JWT_SECRET: SECRET });
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

      const kommunUrls = [...region.kommuner.values()];
      const ours = pidsOf(region.processes);
      const single = { kommunUrls: [monolithUrl], pids: pidsOf([monolith, monoRegion]) };
      log(`\nScenarios (${CONNECTIONS} connections, ${SECONDS} s each):`);
      for (const s of ['S1', 'S2', 'S3', 'S4'] as const) {
        await measure(s, 'Samverkan, 13 shards', region.gatewayUrl, gql(OPS[s]), { kommunUrls, pids: ours });
        await measure(s, 'monolith behind Samverkan', monoGatewayUrl, gql(OPS[s]), { ...single, pids: [...single.pids, monoGateway.child.pid!] });
        if (s === 'S3') await measure(s, 'kommun subgraph directly', region.kommuner.get('1480')!, gql(OPS.S3), { kommunUrls, pids: ours });
        await measure(s, 'stock @apollo/gateway, 1 shard', stockUrl, gql(OPS[s]), { ...single, pids: [...single.pids, stock.child.pid!] });
        await measure(s, 'Hive Gateway, 1 shard', hiveUrl, gql(OPS[s]), { ...single, pids: [...single.pids, hive.child.pid!] });
      }
      const token = await mintToken({ role: 'kommun-editor', subject: 'bench', municipality: '1480' }, { secret: SECRET });
      /** Updates rotating over 1480's projects as that gateway sees them. */
      const updates = async (url: string) => {
        const { body } = await postGraphQL(url, '{ projects(first: 100, filter: { municipalities: ["1480"] }) { nodes { id } } }');
        const ids = (body.data.projects.nodes as Array<{ id: string }>).map((p) => p.id);
        let n = 0;
        return () => gql(OPS.S5, { id: ids[n++ % ids.length], title: `Updated ${n}` });
      };
      await measure('S5', 'Samverkan, 13 shards', region.gatewayUrl, await updates(region.gatewayUrl), { kommunUrls, pids: ours, headers: { authorization: `Bearer ${token}` } });
      await measure('S5', 'monolith behind Samverkan', monoGatewayUrl, await updates(monoGatewayUrl), { ...single, pids: [...single.pids, monoGateway.child.pid!], headers: { authorization: `Bearer ${token}` } });
      await Promise.all(extra.splice(0).map((p) => p.stop()));
    } finally {
      await region.stop({ dropDatabases: false });
    }

    if (GROWTH) {
      for (const n of [13, 50, 290]) {
        log(`\nGrowth: ${n} shards × 100 projects…`);
        const manifestFile = n === 13 ? undefined : syntheticManifest(n);
        try {
          const r = await startRegion({ databaseUrl: pg.url, manifestFile, databasePrefix: `samverkan_bench_n${n}`, freePorts: true, seed: 'always', syntheticProjects: 100, jwtSecret: SECRET, kommunProcesses: KOMMUN_PROCESSES, kommunPoolSize: 1, logLevel: 'error', shardTimeoutMs: 10_000, gatewayEnv: { REQUEST_TIMEOUT_MS: '30000' } });
          try {
            await growthRun(`${n} shards × 100 projects`, r);
          } finally {
            await r.stop();
          }
        } catch (err) {
          // One growth step failing must not lose the figures already measured.
          log(`  ${n} shards: ${(err as Error).message.split('\n')[0]}`);
        }
      }
      log(`\nGrowth: 13 shards × 20,000 projects…`);
      const big = await startRegion({ databaseUrl: pg.url, databasePrefix: 'samverkan_bench_big', freePorts: true, seed: 'always', syntheticProjects: 20_000, jwtSecret: SECRET, kommunPoolSize: 4, logLevel: 'error' });
      try {
        await growthRun('13 shards × 20,000 projects', big);
      } finally {
        await big.stop();
      }
    }
  } finally {
    await Promise.allSettled(extra.map((p) => p.stop()));
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
  const p50 = (s: string, t: string) => rows.find((r) => r.scenario === s && r.target === t)?.p50 ?? NaN;
  const rps = (s: string, t: string) => rows.find((r) => r.scenario === s && r.target === t)?.rps ?? NaN;
  const ratio = (a: number, b: number) => a / b;
  const bar = [
    { what: 'S1 p50 vs monolith', value: ratio(p50('S1', 'Samverkan, 13 shards'), p50('S1', 'monolith behind Samverkan')), limit: 1.5, lower: true },
    { what: 'S2 p50 vs monolith', value: ratio(p50('S2', 'Samverkan, 13 shards'), p50('S2', 'monolith behind Samverkan')), limit: 1.3, lower: true },
    { what: 'S3 p50 via gateway vs direct', value: ratio(p50('S3', 'Samverkan, 13 shards'), p50('S3', 'kommun subgraph directly')), limit: 1.2, lower: true },
    ...['S1', 'S2', 'S3', 'S4'].flatMap((s) => [
      { what: `${s} req/s, 1 shard: Samverkan / stock @apollo/gateway`, value: ratio(rps(s, 'monolith behind Samverkan'), rps(s, 'stock @apollo/gateway, 1 shard')), limit: 1, lower: false },
      { what: `${s} req/s, 1 shard: Samverkan / Hive Gateway`, value: ratio(rps(s, 'monolith behind Samverkan'), rps(s, 'Hive Gateway, 1 shard')), limit: 1, lower: false },
    ]),
    { what: 'S1 p50 at 290 shards vs 13', value: ratio(p50('S1', '290 shards × 100 projects'), p50('S1', '13 shards × 100 projects')), limit: 3, lower: true },
  ].filter((b) => Number.isFinite(b.value));
  const figures = { date: new Date().toISOString(), machine, projectsPerKommun: PROJECTS, connections: CONNECTIONS, seconds: SECONDS, minutes: (Date.now() - started) / 60000, generatorMs, rows, bar };
  writeFileSync(join(__dirname, 'results/latest.json'), `${JSON.stringify(figures, null, 2)}\n`);
  console.log(`\nSamverkan benchmark, ${figures.date.slice(0, 10)}, ${machine}; synthetic data, ${PROJECTS} projects per kommun unless stated; ${CONNECTIONS} connections, ${SECONDS} s a run\n`);
  console.log(table(['scenario', 'target', 'p50 ms', 'p99 ms', 'req/s', 'SQL/req', 'peak MiB', 'non-2xx'], rows.map((r) => [r.scenario, r.target, r.p50, r.p99, r.rps, r.sqlPerRequest === null ? '–' : r.sqlPerRequest.toFixed(1), r.peakMiB, r.non2xx + r.errors])));
  console.log(`\nThe synthetic-data generator: 20,000 projects in ${generatorMs.toFixed(0)} ms`);
  console.log(`\nThe bar\n`);
  console.log(table(['what', 'value', 'bar', 'met'], bar.map((b) => [b.what, b.value.toFixed(2), `${b.lower ? '≤' : '≥'} ${b.limit}`, (b.lower ? b.value <= b.limit : b.value >= b.limit) ? 'yes' : 'NO'])));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});


/**
 * Soak test (`npm run soak`; not part of `npm test`): GR's whole region on this machine, under a
 * mixed load of subscribers, writers and readers for a bounded time, with a kommun paused and
 * another killed along the way; then it checks the live-update and data guarantees and prints a
 * report. Exit code 0 only when every check holds. It stops by itself (a watchdog ends a run that
 * overruns by far) and drops its databases at the end, also after a failure or Ctrl-C.
 *
 * Settings (environment, with defaults):
 *   SOAK_SECONDS=120       length of the load phase
 *   SOAK_SUBSCRIBERS=50    graphql-ws clients at the gateway, each on its own socket
 *   SOAK_WRITERS=6         write loops, half through the gateway, half straight to the kommun
 *   SOAK_READERS=6         read loops (projects pages, projectStats; gateway and kommuner)
 *   SOAK_WRITE_RATE=10     writes per second, all writers together (about)
 *   SOAK_DATABASE_URL      PostgreSQL server; default TEST_DATABASE_URL, else
 *                          postgres://postgres@127.0.0.1:5432/postgres (needs CREATEDB; about
 *                          30 connections: one pool connection and one LISTEN per kommun, two
 *                          for the region, one for the checks)
 *   SOAK_SEED=1            seed of every random choice (who subscribes to what, what is written)
 *   SOAK_MAX_LAG_MS=5000   fail when the delivery lag's p99 exceeds this
 *   SOAK_PAUSE=1407        kommun whose process is stopped (SIGSTOP) at 20 % of the load, for 10 s
 *   SOAK_KILL=1419         kommun whose process is killed (SIGKILL) at 40 %, not restarted
 *
 * What it runs: the region with one OS process per kommun (`kommunProcesses: 13`), small pools,
 * 20 synthetic projects per kommun, on free ports of 127.0.0.1, databases `samverkan_soak_<run>_*`.
 * The load and the checks are in the files beside this one: subscribers.ts, writers.ts,
 * readers.ts, faults.ts, checks.ts, report.ts. Services' log lines go to a file in the temp
 * directory, named in the report.
 */
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { dropDatabase, TEST_SERVER_URL, withDatabase } from '@samverkan/testing';
import { startDevIdentityProvider, startRegion, type DevIdentityProvider, type RunningRegion, type ServiceProcess } from '@samverkan/region-runner';
import { checkDatabases, checkDeliveries, checkLag, checkLiveUpdates, checkMemory, type Check, type Row } from './checks';
import { Faults, sampleRss } from './faults';
import { post } from './http';
import { seeded, sleep } from './random';
import { newTally, runReader } from './readers';
import { checksReport, readsReport, subscribersReport, writesReport } from './report';
import { churn, closeAll, startSubscribers, type Subscriber } from './subscribers';
import { runWriter, type WriteRecord } from './writers';

const num = (name: string, fallback: number) => {
  const v = process.env[name];
  const n = v === undefined || v === '' ? fallback : Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number (got ${v})`);
  return n;
};
const settings = {
  seconds: num('SOAK_SECONDS', 120),
  subscribers: num('SOAK_SUBSCRIBERS', 50),
  writers: num('SOAK_WRITERS', 6),
  readers: num('SOAK_READERS', 6),
  writeRate: num('SOAK_WRITE_RATE', 10),
  databaseUrl: process.env.SOAK_DATABASE_URL || TEST_SERVER_URL,
  seed: num('SOAK_SEED', 1),
  maxLagMs: num('SOAK_MAX_LAG_MS', 5000),
  pause: process.env.SOAK_PAUSE || '1407',
  kill: process.env.SOAK_KILL || '1419',
};
const RUN = randomBytes(4).toString('hex');
const PREFIX = `samverkan_soak_${RUN}`;
const PAUSE_MS = 10_000;
const WRITE_TIMEOUT_MS = 15_000;
const READ_TIMEOUT_MS = 15_000;
const SETTLE_MAX_MS = 30_000;
const SETTLE_QUIET_MS = 5_000;
const AFTER_SETTLE_MS = 30_000;

const started = Date.now();
const say = (line: string) => console.log(`[soak ${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s] ${line}`);

let region: RunningRegion | undefined;
/** The run's own development identity provider: services verify tokens with its JWKS, as in production. */
let idp: DevIdentityProvider | undefined;
const idpDir = mkdtempSync(join(tmpdir(), 'samverkan-soak-idp-'));
let subscribers: Subscriber[] = [];
const faults = new Faults(say);

async function main(): Promise<number> {
  const logFile = join(tmpdir(), `samverkan-soak-${RUN}.log`);
  const serviceLog = createWriteStream(logFile);
  say(`run ${RUN}, seed ${settings.seed}: ${settings.seconds} s, ${settings.subscribers} subscribers, ${settings.writers} writers (~${settings.writeRate}/s), ${settings.readers} readers; services log to ${logFile}`);

  idp = await startDevIdentityProvider({ dir: idpDir });
  const signer = idp;
  region = await startRegion({
    databaseUrl: settings.databaseUrl,
    databasePrefix: PREFIX,
    freePorts: true,
    seed: 'always',
    syntheticProjects: 20,
    jwksUrl: signer.jwksUrl,
    kommunProcesses: 13,
    kommunPoolSize: 1,
    regionPoolSize: 2,
    // So the soak can ask the gateway to collect garbage before it reads what the gateway holds.
    gatewayEnv: { NODE_OPTIONS: '--expose-gc' },
    echo: (line) => serviceLog.write(`${line}\n`),
  });
  const r = region;
  const members = [...r.kommuner.keys()];
  const gateway = r.processes.find((p) => p.name === 'gateway')!;
  for (const code of [settings.pause, settings.kill]) {
    if (!r.kommuner.has(code)) throw new Error(`${code} is not a member of ${r.manifest.name}`);
    const host = r.processOf(code);
    const shared = members.filter((c) => r.processOf(c) === host);
    if (shared.length !== 1) throw new Error(`kommun ${code} shares its process with ${shared.join(', ')}: a fault would hit them all`);
  }
  say(`region up in ${((Date.now() - started) / 1000).toFixed(1)} s: gateway ${r.gatewayUrl}, ${members.length} kommuner in ${r.processes.length - 2} processes`);

  let gatewayExit: { t: number; code: number | null; signal: string | null } | undefined;
  gateway.child.once('exit', (code, signal) => {
    if (cleaning) return; // stopped by the soak itself
    gatewayExit = { t: Date.now(), code, signal };
    say(`THE GATEWAY EXITED (code ${code}, signal ${signal})`);
  });
  const rss = sampleRss(gateway.child);
  /** The gateway's heap after a full collection, in MiB (what it holds, not what awaits the collector). */
  // The gateway's health details (memory, members, subscriptions) are for a region editor.
  const healthToken = await signer.token({ role: 'region-editor', subject: 'soak-health' });
  const healthDetails = (query = '') => fetch(r.gatewayUrl.replace('/graphql', `/health/details${query}`), { headers: { authorization: `Bearer ${healthToken}` } });
  const heldMiB = async (): Promise<number> => {
    const res = await healthDetails('?gc=1').catch(() => null);
    const body = res ? ((await res.json().catch(() => null)) as { memory?: { heapUsedMiB?: number } } | null) : null;
    return body?.memory?.heapUsedMiB ?? NaN;
  };

  // Subscribers, attached before any write.
  const wsUrl = r.gatewayUrl.replace(/^http/, 'ws');
  subscribers = startSubscribers(wsUrl, settings.subscribers, members, [settings.pause, settings.kill], seeded(settings.seed, 'subscribers'));
  const listeners = subscribers.reduce((n, s) => n + (s.codes ? s.codes.length : members.length), 0);
  await waitFor('subscribers attached at the gateway', 60_000, async () => {
    const health = (await (await healthDetails()).json()) as any;
    const s = health.subscriptions?.upstream?.['Subscription.projectChanged'];
    return health.subscriptions?.clients >= settings.subscribers && s?.listeners >= listeners;
  });
  await waitFor('every kommun subscribed and listening', 60_000, async () => {
    for (const url of r.kommuner.values()) {
      const h = (await (await fetch(url.replace('/graphql', '/health'))).json()) as any;
      if (!(h.subscriptions >= 1 && h.listening)) return false;
    }
    return true;
  });
  await sleep(1000);
  for (let i = 0; i < 10; i++) await post(r.gatewayUrl, '{ projects(first: 5) { nodes { id municipality { name } } } }', {}, {}, READ_TIMEOUT_MS);
  say(`${subscribers.length} subscribers attached (${listeners} kommun listeners); load for ${settings.seconds} s`);

  // The load.
  const loadStart = Date.now();
  const duration = settings.seconds * 1000;
  // The heap's baseline: a tenth into the load, when the gateway's caches have filled.
  let heldWarm = NaN;
  setTimeout(() => void heldMiB().then((v) => (heldWarm = v)), 0.1 * duration);
  const until = loadStart + duration;
  const writes: WriteRecord[] = [];
  const tokens = new Map<string, Promise<string>>();
  const tokenFor = (code: string) => {
    if (!tokens.has(code)) tokens.set(code, signer.token({ role: 'kommun-editor', subject: `soak-${code}`, municipality: code }));
    return tokens.get(code)!;
  };
  let n = 0;
  const tallies = { gateway: newTally(), direct: newTally() };
  const churned = { opened: 0, failures: new Map<string, number>() };
  faults.pause(settings.pause, r.processOf(settings.pause).child, loadStart + 0.2 * duration, PAUSE_MS);
  faults.kill(settings.kill, r.processOf(settings.kill).child, loadStart + 0.4 * duration);
  const progress = setInterval(() => {
    const delivered = subscribers.reduce((k, s) => k + s.messages.length, 0);
    const rssNow = rss.samples.at(-1)?.mib ?? NaN;
    say(`${writes.length} writes, ${tallies.gateway.requests + tallies.direct.requests} reads, ${delivered} messages delivered, gateway RSS ${rssNow.toFixed(0)} MiB`);
  }, 10_000);
  await Promise.all([
    ...Array.from({ length: settings.writers }, (_, i) =>
      runWriter({
        index: i,
        via: i < Math.ceil(settings.writers / 2) ? 'gateway' : 'direct',
        gatewayUrl: r.gatewayUrl,
        kommuner: r.kommuner,
        runId: RUN,
        nextNumber: () => ++n,
        tokenFor,
        intervalMs: (settings.writers / Math.max(0.1, settings.writeRate)) * 1000,
        until,
        timeoutMs: WRITE_TIMEOUT_MS,
        random: seeded(settings.seed, `writer-${i}`),
        log: writes,
      }),
    ),
    ...Array.from({ length: settings.readers }, (_, i) =>
      runReader({ gatewayUrl: r.gatewayUrl, kommuner: r.kommuner, until, timeoutMs: READ_TIMEOUT_MS, random: seeded(settings.seed, `reader-${i}`), pauseMs: [100, 400], tallies }),
    ),
    churn(wsUrl, members, until, seeded(settings.seed, 'churn'), churned),
    faults.done(),
  ]);
  clearInterval(progress);
  const loadEnd = Date.now();
  loadEndAt = loadEnd;
  say(`load done: ${writes.length} writes, ${tallies.gateway.requests + tallies.direct.requests} reads`);

  // Let deliveries settle: until nothing new arrives for 5 s (at most 30 s), then 30 s more.
  const total = () => subscribers.reduce((k, s) => k + s.messages.length, 0);
  let last = total();
  let lastChange = Date.now();
  while (Date.now() - loadEnd < SETTLE_MAX_MS && Date.now() - lastChange < SETTLE_QUIET_MS) {
    await sleep(250);
    if (total() !== last) {
      last = total();
      lastChange = Date.now();
    }
  }
  say(`deliveries settled after ${((Date.now() - loadEnd) / 1000).toFixed(1)} s (${last} messages); waiting ${AFTER_SETTLE_MS / 1000} s more`);
  await sleep(Math.max(AFTER_SETTLE_MS, loadEnd + 30_000 - Date.now()));
  rss.stop();
  const heldAfter = await heldMiB();
  const lateMessages = total() - last;

  // Close the subscribers (closing sockets is itself part of what the gateway must survive), then
  // ask the gateway one more question.
  const snapshot = subscribers;
  const closingAt = Date.now();
  await closeAll(subscribers, 10_000);
  await sleep(3000);
  const answer = await post(r.gatewayUrl, '{ region { name } }', {}, {}, READ_TIMEOUT_MS);
  const answered = answer.kind === 'answer' && answer.status === 200 && typeof answer.body?.data?.region?.name === 'string';
  const gatewayCheck: Check = {
    name: 'the gateway never exited and still answers a query',
    passed: !gatewayExit && gateway.child.exitCode === null && gateway.child.signalCode === null && answered,
    figures: [
      gatewayExit
        ? `exited ${((gatewayExit.t - loadStart) / 1000).toFixed(1)} s after the load began, ${gatewayExit.t >= closingAt ? `${gatewayExit.t - closingAt} ms after the soak began closing its ${snapshot.length} subscribers' sockets` : 'before the soak closed its subscribers'} (code ${gatewayExit.code}, signal ${gatewayExit.signal}); its last lines:\n${indent(gateway.tail())}`
        : 'still running after every subscriber closed its socket',
      answer.kind === 'answer' ? `{ region { name } }: HTTP ${answer.status} ${JSON.stringify(answer.body).slice(0, 200)}` : `{ region { name } }: ${answer.reason}`,
    ],
  };

  // What the databases hold.
  const rows = await readSoakRows(r);
  const db = checkDatabases(writes, rows);
  const t = faults.times;
  const checks: Check[] = [
    gatewayCheck,
    ...db.checks,
    ...checkDeliveries(snapshot, writes, db.committedIndeterminate),
    checkLag(snapshot, settings.maxLagMs, { code: settings.pause, from: t.pausedAt, to: t.resumedAt !== undefined ? t.resumedAt + 1000 : undefined }),
    checkLiveUpdates(snapshot, settings.kill, 'killed', t.killedAt),
    checkLiveUpdates(snapshot, settings.pause, 'paused', t.pausedAt),
    checkMemory(
      { warm: heldWarm, after: heldAfter },
      {
        warm: rss.at(loadStart + 0.1 * duration)?.mib ?? NaN,
        peak: rss.peak(loadStart, loadEnd),
        after: rss.at(loadEnd + 30_000)?.mib ?? NaN,
      },
    ),
  ];

  const rel = (x?: number) => (x === undefined ? 'never' : `${((x - loadStart) / 1000).toFixed(1)} s`);
  console.log(`
===== Samverkan soak, run ${RUN} (seed ${settings.seed}) =====
${r.manifest.name}: ${members.length} kommuner, one process each; gateway ${r.gatewayUrl}
load ${((loadEnd - loadStart) / 1000).toFixed(1)} s; ${settings.pause} paused at ${rel(t.pausedAt)}, resumed at ${rel(t.resumedAt)}; ${settings.kill} killed at ${rel(t.killedAt)}
last message arrived ${lastArrival(snapshot, lastChange)}; ${lateMessages} messages arrived in the ${AFTER_SETTLE_MS / 1000} s wait after that

Writes (${writes.length}):
${writesReport(writes)}

Reads:
${readsReport(tallies)}

Subscribers:
${subscribersReport(snapshot, churned)}

Checks:
${checksReport(checks)}`);
  serviceLog.end();
  return checks.every((c) => c.passed) ? 0 : 1;
}

/** The rows the soak wrote (titles soak-<run>-…), read straight from each kommun's database. */
async function readSoakRows(r: RunningRegion): Promise<Row[]> {
  const rows: Row[] = [];
  for (const [key, url] of r.databases) {
    if (key === 'region') continue;
    const c = new Client({ connectionString: url });
    await c.connect();
    try {
      const { rows: found } = await c.query<{ id: number; code: string; title: string }>(
        `SELECT id, municipality_code AS code, title FROM project WHERE title LIKE $1`,
        [`soak-${RUN}-%`],
      );
      for (const f of found) rows.push({ projectId: `${f.code}:project:${f.id}`, code: f.code, title: f.title });
    } finally {
      await c.end();
    }
  }
  return rows;
}

async function waitFor(what: string, ms: number, check: () => Promise<boolean>): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    try {
      if (await check()) return;
    } catch {
      // not yet
    }
    await sleep(250);
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}`);
}

function lastArrival(subs: Subscriber[], by: number): string {
  let t = 0;
  for (const s of subs) for (const m of s.messages) if (m.t <= by && m.t > t) t = m.t;
  if (!t) return 'never';
  const d = (t - (loadEndAt ?? t)) / 1000;
  return d >= 0 ? `${d.toFixed(1)} s after the load ended` : `${(-d).toFixed(1)} s before the load ended`;
}
let loadEndAt: number | undefined;

const indent = (s: string) => s.split('\n').map((l) => `          ${l}`).join('\n');

let cleaning: Promise<void> | undefined;
/** Continues a paused kommun, closes the clients, stops every service and drops the run's databases. */
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    faults.cancel();
    await closeAll(subscribers, 5000);
    if (region) {
      for (const p of region.processes) if (alive(p)) p.child.kill('SIGCONT');
      await region.stop({ dropDatabases: true }).catch((err) => say(`stopping the region: ${err}`));
      for (const p of region.processes) if (alive(p)) p.child.kill('SIGKILL');
    }
    await idp?.close().catch(() => undefined);
    rmSync(idpDir, { recursive: true, force: true });
    const left = await sweepDatabases().catch((err) => [`(could not sweep: ${err})`]);
    say(left.length ? `dropped databases the region left: ${left.join(', ')}` : `databases ${PREFIX}_* dropped`);
  })();
  return cleaning;
}

const alive = (p: ServiceProcess) => p.child.exitCode === null && p.child.signalCode === null;

/** Drops whatever is left of this run's databases (a start that failed half-way leaves some). */
async function sweepDatabases(): Promise<string[]> {
  const admin = new Client({ connectionString: withDatabase(settings.databaseUrl, 'postgres') });
  await admin.connect();
  let names: string[];
  try {
    const { rows } = await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE starts_with(datname, $1)`, [`${PREFIX}_`]);
    names = rows.map((x) => x.datname);
  } finally {
    await admin.end();
  }
  for (const name of names) await dropDatabase(settings.databaseUrl, name);
  return names;
}

// A run that overruns by far is ended: the soak is bounded in time whatever the services do.
const watchdog = setTimeout(
  () => {
    say('the soak overran its time; stopping');
    void cleanup().finally(() => process.exit(2));
  },
  settings.seconds * 1000 + 6 * 60_000,
);
// The soak's own clients must not end it: a stray rejection is reported, not fatal.
process.on('unhandledRejection', (err) => say(`unhandled rejection in the soak: ${err instanceof Error ? err.message : String(err)}`));
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    say(`${signal}: stopping`);
    void cleanup().finally(() => process.exit(130));
  });
}

main()
  .catch((err) => {
    console.error(err instanceof Error ? err.stack : err);
    return 2;
  })
  .then(async (code) => {
    await cleanup();
    clearTimeout(watchdog);
    process.exit(code);
  });

import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dropDatabase, ensureDatabase, withDatabase } from '@samverkan/testing';
import { ensurePostgres, freePort, REPO_ROOT, startDevIdentityProvider } from '@samverkan/region-runner';
import { captureStatements, startKommun } from './shard-cost';

/**
 * npm run bench:shard:instructions: the kommun subgraph's work per S3 request counted in machine
 * instructions, which, unlike time, the load other processes put on the machine does not move;
 * and the same for its floor, the request's SQL statements run by a bare `pg` client. Each runs
 * under valgrind's callgrind with counting off; after BENCH_WARMUP (5000) rounds (V8 has
 * optimized the hot code by then) counting is switched on for BENCH_REQUESTS (300) rounds, one
 * after another. Counted: the whole process (its JavaScript, V8 including its compiler threads,
 * libuv, the user side of system calls; not the kernel). BENCH_QUERY: another operation than S3
 * (e.g. `{ __typename }`, which runs no SQL: what HTTP, Apollo Server and the plugins cost alone).
 * BENCH_CALLGRIND_OUT=<dir> keeps the dumps for callgrind_annotate; BENCH_PERF_MAP=1 runs the
 * subgraph with `--perf-basic-prof`, whose /tmp/perf-<pid>.map names the JIT code's addresses.
 */
const warmup = Number(process.env.BENCH_WARMUP ?? 5000);
const rounds = Number(process.env.BENCH_REQUESTS ?? 300);

/** A node process under callgrind, counting nothing until `count` (vgdb finds it by its USER and HOST). */
function underCallgrind(outDir: string, name: string, nodeArgs: string[], env: NodeJS.ProcessEnv): ChildProcessWithoutNullStreams {
  const valgrind = ['--tool=callgrind', '--instr-atstart=no', '--separate-threads=yes', '--smc-check=all-non-file', `--callgrind-out-file=${join(outDir, `${name}.out`)}`];
  return spawn('valgrind', [...valgrind, process.execPath, '--expose-gc', '-r', COLLECT_ON_SIGNAL, ...nodeArgs], { cwd: REPO_ROOT, env: { ...process.env, ...env, USER: 'bench', HOST: '127.0.0.1' }, stdio: ['pipe', 'pipe', 'pipe'] });
}

/** Resolves at the first stdout line equal to `line`. */
function lineFrom(child: ChildProcessWithoutNullStreams, line: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      if (chunk.toString().split('\n').includes(line)) {
        child.stdout.off('data', onData);
        resolve();
      }
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => reject(new Error(`the process under valgrind exited with ${code}`)));
  });
}

/** Instructions per round, in all the process's threads and in its main thread (JavaScript, and the part of garbage collection it does itself). */
interface Counted {
  all: number;
  main: number;
}

/**
 * `run(warmup)`, a full garbage collection (so that every count starts from the same heap, and
 * the major collections in its window come from its own rounds), then counting on for
 * `run(rounds)`, off, and the dumps read: one per thread (`--separate-threads`); thread 1 is the
 * main thread, the others V8's compiler and collector helpers and libuv's pool.
 */
async function count(child: ChildProcessWithoutNullStreams, outDir: string, name: string, run: (n: number) => Promise<void>): Promise<Counted> {
  const control = (arg: string) => execFileSync('callgrind_control', [arg, String(child.pid)], { env: { ...process.env, USER: 'bench', HOST: '127.0.0.1' } });
  await run(warmup);
  const collected = lineFrom(child, 'COLLECTED');
  child.kill('SIGUSR2');
  await collected;
  control('--instr=on');
  control('--zero');
  await run(rounds);
  control('--dump');
  control('--instr=off');
  // Each thread's dump holds what it did since the zero: its `summary:` (or `totals:`) line.
  const dumps = readdirSync(outDir).filter((f) => f.startsWith(`${name}.out`));
  let all = 0;
  let main = 0;
  for (const f of dumps) {
    const m = /^(?:summary|totals):\s*(\d+)/m.exec(readFileSync(join(outDir, f), 'utf8'));
    if (!m) continue;
    all += Number(m[1]);
    if (/-0*1$/.test(f)) main += Number(m[1]);
  }
  if (!main) throw new Error(`no instruction count of the main thread in callgrind's dumps (${dumps.join(', ') || 'no dump'})`);
  if (process.env.BENCH_CALLGRIND_OUT) for (const f of dumps) cpSync(join(outDir, f), join(process.env.BENCH_CALLGRIND_OUT, f));
  return { all: all / rounds, main: main / rounds };
}

/** Loaded first in each measured process (node -r): SIGUSR2 collects all garbage and says COLLECTED. */
const COLLECT_ON_SIGNAL = join(__dirname, 'collect-on-signal.js');

/** The bare client: runs STATEMENTS over one connection, N rounds per line N on stdin, then says DONE. */
const REPLAY = `
const { Client } = require('pg');
const statements = JSON.parse(process.env.STATEMENTS);
const client = new Client({ connectionString: process.env.DATABASE_URL });
client.connect().then(() => {
  console.log('READY');
  require('readline').createInterface({ input: process.stdin }).on('line', async (line) => {
    for (let i = 0; i < Number(line); i++) for (const s of statements) await client.query(s.query, s.parameters);
    console.log('DONE');
  });
});
process.on('SIGTERM', () => client.end().finally(() => process.exit(0)));
`;

async function main(): Promise<void> {
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const pg = await ensurePostgres({ url: process.env.BENCH_DATABASE_URL, dataDir: join(REPO_ROOT, '.data/bench-postgres'), port: 54339, maxConnections: 1200, log });
  const idpDir = mkdtempSync(join(tmpdir(), 'samverkan-bench-idp-'));
  const outDir = mkdtempSync(join(tmpdir(), 'samverkan-callgrind-'));
  const idp = await startDevIdentityProvider({ dir: idpDir });
  const children: ChildProcessWithoutNullStreams[] = [];
  // BENCH_DB_NAME: another name, for two runs side by side on one PostgreSQL.
  const db = process.env.BENCH_DB_NAME ?? 'samverkan_bench_instructions';
  try {
    await dropDatabase(pg.url, db);
    await ensureDatabase(pg.url, db);
    const databaseUrl = withDatabase(pg.url, db);
    const env = { JWT_JWKS_URL: idp.jwksUrl, JWT_SECRET: '' };
    const seeding = await startKommun({ code: '1480', databaseUrl, env }, 'error', { SEED: 'always', SYNTHETIC_PROJECTS: process.env.BENCH_PROJECTS ?? '2000', MIGRATE_ON_START: 'true' });
    await seeding.stop();
    const label = process.env.BENCH_QUERY ? JSON.stringify(process.env.BENCH_QUERY) : 'S3';
    const body = JSON.stringify({ query: process.env.BENCH_QUERY ?? readFileSync(join(__dirname, 'operations/s3-kommun.graphql'), 'utf8') });

    const port = await freePort();
    const kommun = underCallgrind(outDir, 'kommun', [...(process.env.BENCH_PERF_MAP ? ['--perf-basic-prof'] : []), '-r', '@swc-node/register', 'services/kommun/src/cli/serve-many.ts'], {
      ...env,
      KOMMUN_INSTANCES: JSON.stringify([{ code: '1480', databaseUrl, port }]),
      SEED: 'never',
      MIGRATE_ON_START: 'false',
      LOG_LEVEL: 'error',
      DB_POOL_SIZE: '1',
    });
    children.push(kommun);
    await lineFrom(kommun, 'READY');
    const post = async () => {
      const res = await fetch(`http://127.0.0.1:${port}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      const answer = (await res.json()) as { errors?: unknown };
      if (answer.errors) throw new Error(JSON.stringify(answer.errors));
    };
    const subgraph = await count(kommun, outDir, 'kommun', async (n) => {
      for (let i = 0; i < n; i++) await post();
    });
    const millions = (c: Counted) => `${(c.all / 1e6).toFixed(2)} million (main thread ${(c.main / 1e6).toFixed(2)})`;
    console.log(`${label} on the kommun subgraph: ${millions(subgraph)} instructions per request (${rounds} requests after ${warmup} to warm up)`);
    kommun.kill('SIGTERM');
    if (process.env.BENCH_QUERY) return;

    const statements = await captureStatements({ code: '1480', databaseUrl, env, body });
    const replay = underCallgrind(outDir, 'replay', ['-e', REPLAY], { DATABASE_URL: databaseUrl, STATEMENTS: JSON.stringify(statements) });
    children.push(replay);
    await lineFrom(replay, 'READY');
    const floor = await count(replay, outDir, 'replay', async (n) => {
      const done = lineFrom(replay, 'DONE');
      replay.stdin.write(`${n}\n`);
      await done;
    });
    console.log(`its ${statements.length} SQL statements by a bare pg client: ${millions(floor)} instructions per round`);
    console.log(`fixed cost: ${millions({ all: subgraph.all - floor.all, main: subgraph.main - floor.main })} instructions per request`);
  } finally {
    for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
    await Promise.all(children.map((c) => (c.exitCode === null && c.signalCode === null ? new Promise((r) => c.once('exit', r)) : undefined)));
    await dropDatabase(pg.url, db).catch(() => undefined);
    await idp.close();
    rmSync(idpDir, { recursive: true, force: true });
    rmSync(outDir, { recursive: true, force: true });
    await pg.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

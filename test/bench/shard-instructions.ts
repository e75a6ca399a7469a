import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dropDatabase, ensureDatabase, withDatabase } from '@samverkan/testing';
import { ensurePostgres, freePort, REPO_ROOT, startDevIdentityProvider } from '@samverkan/region-runner';
import { startKommun } from './shard-cost';

/**
 * npm run bench:shard:instructions: the kommun subgraph's work per request counted in machine
 * instructions, which, unlike time, the load other processes put on the machine does not move.
 * The subgraph runs under valgrind's callgrind with counting off; after BENCH_WARMUP (200)
 * requests it is switched on for BENCH_REQUESTS (100) S3 requests, one after another, then off.
 * Prints instructions per request: the whole process (its JavaScript, V8, libuv, and the system
 * calls' user-side part; not the kernel's). BENCH_QUERY: another operation than S3 (e.g.
 * `{ __typename }`, which runs no SQL: what HTTP, Apollo Server and the plugins cost alone).
 */
async function main(): Promise<void> {
  const warmup = Number(process.env.BENCH_WARMUP ?? 200);
  const requests = Number(process.env.BENCH_REQUESTS ?? 100);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const pg = await ensurePostgres({ url: process.env.BENCH_DATABASE_URL, dataDir: join(REPO_ROOT, '.data/bench-postgres'), port: 54339, maxConnections: 1200, log });
  const idpDir = mkdtempSync(join(tmpdir(), 'samverkan-bench-idp-'));
  const outDir = mkdtempSync(join(tmpdir(), 'samverkan-callgrind-'));
  const idp = await startDevIdentityProvider({ dir: idpDir });
  let stopKommun = (): void => undefined;
  const db = 'samverkan_bench_instructions';
  try {
    await dropDatabase(pg.url, db);
    await ensureDatabase(pg.url, db);
    const databaseUrl = withDatabase(pg.url, db);
    const env = { JWT_JWKS_URL: idp.jwksUrl, JWT_SECRET: '' };
    const seeding = await startKommun({ code: '1480', databaseUrl, env }, 'error', { SEED: 'always', SYNTHETIC_PROJECTS: process.env.BENCH_PROJECTS ?? '2000', MIGRATE_ON_START: 'true' });
    await seeding.stop();

    const port = await freePort();
    const child = spawn(
      'valgrind',
      ['--tool=callgrind', '--instr-atstart=no', '--smc-check=all-non-file', `--callgrind-out-file=${join(outDir, 'callgrind.out')}`, process.execPath, '-r', '@swc-node/register', 'services/kommun/src/cli/serve-many.ts'],
      {
        cwd: REPO_ROOT,
        env: {
          ...process.env,
          ...env,
          USER: 'bench',
          KOMMUN_INSTANCES: JSON.stringify([{ code: '1480', databaseUrl, port }]),
          SEED: 'never',
          MIGRATE_ON_START: 'false',
          LOG_LEVEL: 'error',
          DB_POOL_SIZE: '1',
          HOST: '127.0.0.1',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    stopKommun = () => child.kill('SIGTERM');
    const ready = new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => chunk.toString().split('\n').some((l) => l === 'READY') && resolve());
      child.once('exit', (code) => reject(new Error(`the kommun under valgrind exited with ${code}`)));
    });
    await ready;
    // vgdb finds the process by the USER and HOST it was started with (HOST is also the kommun's).
    const control = (...args: string[]) => execFileSync('callgrind_control', [...args, String(child.pid)], { env: { ...process.env, USER: 'bench', HOST: '127.0.0.1' } }).toString();
    const url = `http://127.0.0.1:${port}/graphql`;
    const body = JSON.stringify({ query: process.env.BENCH_QUERY ?? readFileSync(join(__dirname, 'operations/s3-kommun.graphql'), 'utf8') });
    const post = async () => {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      const answer = (await res.json()) as { errors?: unknown };
      if (answer.errors) throw new Error(JSON.stringify(answer.errors));
    };
    for (let i = 0; i < warmup; i++) await post();
    control('--instr=on');
    control('--zero');
    for (let i = 0; i < requests; i++) await post();
    control('--dump');
    control('--instr=off');
    // The dump holds what was counted since the zero: its `summary:` (or `totals:`) line.
    const dumps = readdirSync(outDir).filter((f) => f.startsWith('callgrind.out'));
    const counted = dumps.map((f) => /^(?:summary|totals):\s*(\d+)/m.exec(readFileSync(join(outDir, f), 'utf8'))).filter((m) => m !== null);
    if (!counted.length) throw new Error(`no instruction count in callgrind's dump (${dumps.join(', ') || 'no dump'})`);
    const total = Math.max(...counted.map((m) => Number(m[1])));
    console.log(`${process.env.BENCH_QUERY ? JSON.stringify(process.env.BENCH_QUERY) : 'S3'} on the kommun subgraph: ${(total / requests / 1e6).toFixed(2)} million instructions per request (${requests} requests after ${warmup} to warm up)`);
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  } finally {
    stopKommun();
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

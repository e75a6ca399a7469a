import { spawn, type ChildProcess } from 'node:child_process';
import { Client } from 'pg';
import { REPO_ROOT } from '@samverkan/region-runner';
import { TEST_SERVER_URL, withDatabase } from '@samverkan/testing';

/**
 * `npm run test:loaded`: `npm test` as it runs on a shared, busy machine. Holds HELD_CONNECTIONS
 * (default 60) idle connections to the test PostgreSQL server, as other clients of a stock
 * server (max_connections = 100) would, keeps CPU_HOGS (default 1) processes spinning on the
 * cores, and runs `npm test` RUNS times (default 3) in a row. Prints each run's result and time
 * and the most connections the tests held at once; exits non-zero when a run failed.
 */
const HELD = Number(process.env.HELD_CONNECTIONS ?? 60);
const HOGS = Number(process.env.CPU_HOGS ?? 1);
const RUNS = Number(process.env.RUNS ?? 3);

async function main(): Promise<void> {
  const held: Client[] = [];
  for (let i = 0; i < HELD; i++) {
    const c = new Client({ connectionString: withDatabase(TEST_SERVER_URL, 'postgres'), application_name: 'samverkan-stress-holder' });
    c.on('error', () => undefined);
    await c.connect();
    held.push(c);
  }
  const { rows } = await held[0].query<{ max: string; used: string }>(
    `SELECT current_setting('max_connections') AS max, (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend')::text AS used`,
  );
  console.log(`holding ${HELD} connections; the server allows ${rows[0].max}, ${rows[0].used} in use now; ${HOGS} CPU hog(s) running`);

  // One of the held connections watches how many the tests hold at once.
  let peak = 0;
  const watch = setInterval(() => {
    held[0]
      .query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE backend_type = 'client backend' AND application_name <> 'samverkan-stress-holder' AND pid <> pg_backend_pid()`)
      .then((r) => (peak = Math.max(peak, r.rows[0].n)))
      .catch(() => undefined);
  }, 100);

  const hogs: ChildProcess[] = Array.from({ length: HOGS }, () => spawn(process.execPath, ['-e', 'for (;;) Math.sqrt(Math.random());'], { stdio: 'ignore' }));
  const results: Array<{ run: number; code: number | null; seconds: number; peak: number }> = [];
  try {
    for (let run = 1; run <= RUNS; run++) {
      peak = 0;
      const started = Date.now();
      const code = await new Promise<number | null>((resolve) => {
        const child = spawn('npm', ['test'], { cwd: REPO_ROOT, stdio: 'inherit' });
        child.once('exit', resolve);
      });
      results.push({ run, code, seconds: Math.round((Date.now() - started) / 1000), peak });
      console.log(`\nrun ${run}: ${code === 0 ? 'passed' : `FAILED (exit ${code})`} in ${results.at(-1)!.seconds} s; at most ${peak} connections held by the tests\n`);
    }
  } finally {
    clearInterval(watch);
    for (const h of hogs) h.kill('SIGKILL');
    await Promise.allSettled(held.map((c) => c.end()));
  }
  console.log(`npm test with ${HELD} connections held elsewhere and ${HOGS} CPU hog(s):`);
  for (const r of results) console.log(`  run ${r.run}: ${r.code === 0 ? 'passed' : 'FAILED'}, ${r.seconds} s, peak ${r.peak} connections`);
  process.exit(results.every((r) => r.code === 0) ? 0 : 1);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});

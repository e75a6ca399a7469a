import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dropDatabase, ensureDatabase, withDatabase } from '@samverkan/testing';
import { ensurePostgres, REPO_ROOT, startDevIdentityProvider } from '@samverkan/region-runner';
import { shardCost, startKommun } from './shard-cost';

/**
 * npm run bench:shard: the kommun subgraph's fixed cost per request alone (see shardCost), on the
 * benchmark's embedded PostgreSQL, one kommun of BENCH_PROJECTS (2000) projects, BENCH_SECONDS (8)
 * a run. BENCH_PROFILE=<dir>: the measured subgraph runs under `node --cpu-prof` and leaves its
 * profile in <dir> (read the top frames with `node -r @swc-node/register test/bench/profile-top.ts <file> [from s before end] [to s before end]`).
 */
async function main(): Promise<void> {
  const seconds = Number(process.env.BENCH_SECONDS ?? 8);
  const projects = Number(process.env.BENCH_PROJECTS ?? 2000);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const pg = await ensurePostgres({ url: process.env.BENCH_DATABASE_URL, dataDir: join(REPO_ROOT, '.data/bench-postgres'), port: 54339, maxConnections: 1200, log });
  const idpDir = mkdtempSync(join(tmpdir(), 'samverkan-bench-idp-'));
  const idp = await startDevIdentityProvider({ dir: idpDir });
  const db = 'samverkan_bench_shard';
  try {
    await dropDatabase(pg.url, db);
    await ensureDatabase(pg.url, db);
    const databaseUrl = withDatabase(pg.url, db);
    const env = { JWT_JWKS_URL: idp.jwksUrl, JWT_SECRET: '' };
    // Migrate and seed once, by the kommun itself.
    const seeding = await startKommun({ code: '1480', databaseUrl, env }, 'error', { SEED: 'always', SYNTHETIC_PROJECTS: String(projects), MIGRATE_ON_START: 'true' });
    await seeding.stop();
    const body = JSON.stringify({ query: readFileSync(join(__dirname, 'operations/s3-kommun.graphql'), 'utf8') });
    const { direct, floor, statements, cpuMsPerRequest } = await shardCost({ code: '1480', databaseUrl, env, body, seconds, profileDir: process.env.BENCH_PROFILE });
    console.log(`S3 kommun subgraph directly, 1 connection: mean ${direct.mean.toFixed(2)} ms, p50 ${direct.p50} ms, p99 ${direct.p99} ms, ${direct.rps.toFixed(0)} req/s`);
    console.log(`S3's ${statements} SQL statements by a bare pg client: mean ${floor.mean.toFixed(2)} ms, p50 ${floor.p50.toFixed(2)} ms, p99 ${floor.p99.toFixed(2)} ms`);
    console.log(`fixed cost per request: ${(direct.mean - floor.mean).toFixed(2)} ms`);
    console.log(`CPU time per request: the subgraph ${cpuMsPerRequest.toFixed(2)} ms, the bare pg client ${floor.cpuMsPerRound.toFixed(2)} ms; fixed CPU ${(cpuMsPerRequest - floor.cpuMsPerRound).toFixed(2)} ms`);
  } finally {
    await dropDatabase(pg.url, db).catch(() => undefined);
    await idp.close();
    rmSync(idpDir, { recursive: true, force: true });
    await pg.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mintToken, stopOnSignals } from '@samverkan/common';
import { REPO_ROOT } from './processes';
import { startRegion } from './region';

/**
 * `npm start`: the whole demo region on this machine. Uses DATABASE_URL when set, else an
 * embedded PostgreSQL in .data/. REGION_MANIFEST picks another region (default GR's 13).
 * `npm start -- --reseed` replaces the demo data.
 */
async function main(): Promise<void> {
  const started = Date.now();
  const secret = process.env.JWT_SECRET ?? devSecret();
  const region = await startRegion({
    manifestFile: process.env.REGION_MANIFEST,
    databaseUrl: process.env.DATABASE_URL,
    jwtSecret: secret,
    seed: process.argv.includes('--reseed') ? 'always' : 'if-empty',
    syntheticProjects: process.env.SYNTHETIC_PROJECTS ? Number(process.env.SYNTHETIC_PROJECTS) : undefined,
    gatewayPort: process.env.PORT ? Number(process.env.PORT) : undefined,
    echo: (line) => process.stderr.write(`${line}\n`),
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const sample = region.manifest.members.find((m) => m.code === '1480') ?? region.manifest.members[0];
  const token = await mintToken({ role: 'kommun-editor', subject: `demo-editor-${sample.code}`, municipality: sample.code }, { secret });
  console.log(`
Samverkan: ${region.manifest.name}, ${region.kommuner.size} kommuner, ready in ${seconds} s
  PostgreSQL: ${region.postgres.embedded ? 'embedded (.data/postgres)' : 'DATABASE_URL'}
  Region subgraph: ${region.regionUrl}
  Kommun subgraphs: ${[...region.kommuner].map(([code, url]) => `${code} ${url}`).join(', ')}

Gateway: ${region.gatewayUrl}
Health:  ${region.gatewayUrl.replace('/graphql', '/health')}

Try:
  curl -s ${region.gatewayUrl} -H 'content-type: application/json' -d '{"query":"{ region { name population } projectStats(groupBy: [MUNICIPALITY]) { municipality { name } count budgetTotal } }"}'

A token for an editor of ${sample.name} (${sample.code}), valid 8 hours:
  ${token}

Ctrl-C stops everything.`);
  stopOnSignals(async () => {
    console.log('\nstopping…');
    await region.stop();
  }, 30_000);
}

/** A development secret kept in .data/ so tokens stay valid across restarts. */
function devSecret(): string {
  const file = join(REPO_ROOT, '.data/dev-jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(join(REPO_ROOT, '.data'), { recursive: true });
  const secret = randomBytes(32).toString('hex');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});

import 'reflect-metadata';
// First: tracing instruments the HTTP modules before the servers load them.
import { stopTracing } from '../tracing';
import { z } from 'zod';
import { createLogger, readConfig, stopOnSignals } from '@samverkan/server-kit';
import { readKommunConfig } from '../config';
import { createKommunServer, type KommunServer } from '../server';
import { demoSeedFor, projectCount, seedKommun } from '../seed/seeder';

const instances = z.array(
  z.object({
    /** One kommunkod, or several (comma-separated) for a combined instance over one database. */
    code: z.string().regex(/^\d{4}(,\d{4})*$/),
    databaseUrl: z.string(),
    port: z.number().int().min(0).max(65535),
  }),
);

/**
 * Runs several kommun subgraphs in one process, each with its own kommunkod, database and port:
 * how the demo region and the tests host 13 kommuner on a 2-core machine. Each instance is the
 * same server a kommun runs alone (`npm run kommun`).
 *
 * KOMMUN_INSTANCES: JSON list of { code, databaseUrl, port }.
 * SEED: `if-empty` (default) seeds a kommun whose database has no projects; `always`; `never`.
 * SYNTHETIC_PROJECTS: generated projects per kommun when seeding (default 200).
 * Other variables (JWT_*, DB_POOL_SIZE, HOST, LOG_LEVEL) as for one kommun.
 * Prints `READY <code> <url>` per instance, then `READY`.
 */
async function main(): Promise<void> {
  const config = readConfig({
    KOMMUN_INSTANCES: z.string().transform((s, ctx) => {
      try {
        return instances.parse(JSON.parse(s));
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be a JSON list of { code, databaseUrl, port }' });
        return z.NEVER;
      }
    }),
    SEED: z.enum(['if-empty', 'always', 'never']).default('if-empty'),
    SYNTHETIC_PROJECTS: z.coerce.number().int().min(0).max(1_000_000).default(200),
  });
  const logger = createLogger('kommuner');
  const servers: KommunServer[] = [];
  stopOnSignals(async () => {
    await Promise.allSettled(servers.map((s) => s.stop()));
    await stopTracing?.();
  });

  for (const instance of config.KOMMUN_INSTANCES) {
    const kommun = readKommunConfig({ ...process.env, KOMMUNKOD: instance.code, DATABASE_URL: instance.databaseUrl, PORT: String(instance.port) });
    const server = await createKommunServer(kommun, logger.child({ kommun: instance.code }));
    servers.push(server);
    const n = await projectCount(server.db);
    if (config.SEED === 'always' || (config.SEED === 'if-empty' && n === 0)) {
      for (const code of instance.code.split(',')) await seedKommun(server.db, demoSeedFor(code, config.SYNTHETIC_PROJECTS));
    }
    const url = await server.start();
    console.log(`READY ${instance.code} ${url}`);
  }
  console.log('READY');
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});

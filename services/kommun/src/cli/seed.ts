import 'reflect-metadata';
import { z } from 'zod';
import { createLogger, readConfig } from '@samverkan/server-kit';
import { kommunEnv } from '../config';
import { connectAndMigrate, createDataSource } from '../data-source';
import { demoSeedFor, projectCount, seedKommun } from '../seed/seeder';

/**
 * Replaces the demo data of each kommun in KOMMUNKOD: recorded facts plus SYNTHETIC_PROJECTS
 * generated projects (default 200, labelled synthetic). `npm run kommun:seed`. With
 * SEED=if-empty, a database that holds any project is left as it is (the compose file's seed
 * service, which runs at every `up`).
 */
async function main(): Promise<void> {
  const config = readConfig({
    KOMMUNKOD: kommunEnv.KOMMUNKOD,
    DATABASE_URL: kommunEnv.DATABASE_URL,
    LOG_LEVEL: kommunEnv.LOG_LEVEL,
    SYNTHETIC_PROJECTS: z.coerce.number().int().min(0).max(1_000_000).default(200),
    SYNTHETIC_SEED: z.coerce.number().int().default(0),
    SEED: z.enum(['always', 'if-empty']).default('always'),
  });
  const db = createDataSource({ url: config.DATABASE_URL, logger: createLogger('kommun-seed', config.LOG_LEVEL) });
  await connectAndMigrate(db);
  const n = await projectCount(db);
  if (config.SEED === 'if-empty' && n > 0) {
    console.log(JSON.stringify({ municipalities: config.KOMMUNKOD, skipped: `the database holds ${n} projects` }));
    await db.destroy();
    return;
  }
  for (const code of config.KOMMUNKOD) {
    const summary = await seedKommun(db, demoSeedFor(code, config.SYNTHETIC_PROJECTS, config.SYNTHETIC_SEED));
    console.log(JSON.stringify(summary));
  }
  await db.destroy();
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});

import 'reflect-metadata';
import { createLogger, readConfig } from '@samverkan/server-kit';
import { regionEnv } from '../config';
import { connectAndMigrate, createDataSource } from '../data-source';
import { loadCatalogue, loadManifest, subgraphUrlsFrom } from '../manifest';
import { seedRegion } from '../seed';

/**
 * Replaces the region's data with REGION_MANIFEST (default schema/regions/gr.json) and
 * REGION_CATALOGUE (default schema/catalogue.json); each member's subgraph URL comes from
 * KOMMUN_URL_TEMPLATE (default http://127.0.0.1:{port}/graphql). `npm run region:seed`.
 */
async function main(): Promise<void> {
  const config = readConfig({
    DATABASE_URL: regionEnv.DATABASE_URL,
    REGION_MANIFEST: regionEnv.REGION_MANIFEST,
    REGION_CATALOGUE: regionEnv.REGION_CATALOGUE,
    KOMMUN_URL_TEMPLATE: regionEnv.KOMMUN_URL_TEMPLATE,
    LOG_LEVEL: regionEnv.LOG_LEVEL,
  });
  // Both files are checked before the database is touched.
  const manifest = loadManifest(config.REGION_MANIFEST);
  const catalogue = loadCatalogue(config.REGION_CATALOGUE);
  const db = createDataSource({ url: config.DATABASE_URL, logger: createLogger('region-seed', config.LOG_LEVEL) });
  await connectAndMigrate(db);
  const summary = await seedRegion(db, manifest, catalogue, subgraphUrlsFrom(manifest, config.KOMMUN_URL_TEMPLATE));
  console.log(JSON.stringify(summary));
  await db.destroy();
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});

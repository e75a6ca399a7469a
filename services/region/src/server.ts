import 'reflect-metadata';
import { createLogger, REGION_AUDIENCE, verifierFor, type Logger } from '@samverkan/server-kit';
import { createSubgraphServer, openDatabase } from '@samverkan/subgraph-kit';
import type { RegionConfig } from './config';
import type { RegionContext } from './context';
import { createDataSource } from './data-source';
import { loadCatalogue, loadManifest, subgraphUrlsFrom } from './manifest';
import { buildRegionSchema } from './schema';
import { seedRegionIfEmpty } from './seed';
import { createLoaders } from './store/loaders';
import { regionDb } from './store/tables';

export { GRAPHQL_PATH } from '@samverkan/server-kit';

export interface RegionServer {
  /** Listens; answers the GraphQL URL. */
  start(port?: number, host?: string): Promise<string>;
  stop(): Promise<void>;
  /** The subgraph SDL, as `_service { sdl }` answers it. */
  sdl: string;
  db: ReturnType<typeof createDataSource>;
  /** Migrations applied at start. */
  migrated: string[];
}

/** Seeds an empty database from the configured data files (see SEED_WHEN_EMPTY). */
async function seedIfEmpty(db: RegionServer['db'], config: RegionConfig, logger: Logger): Promise<void> {
  const manifest = loadManifest(config.REGION_MANIFEST);
  const seeded = await seedRegionIfEmpty(db, manifest, loadCatalogue(config.REGION_CATALOGUE), subgraphUrlsFrom(manifest, config.KOMMUN_URL_TEMPLATE));
  if (seeded) logger.info({ ...seeded, manifest: config.REGION_MANIFEST }, 'empty database seeded');
}

/**
 * Builds the region subgraph: database (migrated unless told not to, seeded when empty unless
 * told not to), schema and HTTP (see createSubgraphServer). Nothing listens until `start`.
 */
export async function createRegionServer(config: RegionConfig, logger: Logger = createLogger('region', config.LOG_LEVEL)): Promise<RegionServer> {
  const db = createDataSource({ url: config.DATABASE_URL, poolSize: config.DB_POOL_SIZE, logger });
  const migrated = await openDatabase(db, config.MIGRATE_ON_START, logger);
  if (config.SEED_WHEN_EMPTY) await seedIfEmpty(db, config, logger);

  const { schema, sdl } = await buildRegionSchema();
  const verify = verifierFor(config, logger, [REGION_AUDIENCE]);

  const server = await createSubgraphServer<RegionContext>({
    service: 'region',
    config,
    logger,
    db,
    schema,
    // The request's own database handle, counting into its tally (see kyselyOver).
    context: async (authorization, { tally }) => {
      const sql = regionDb(db, tally);
      return { db: sql, credentials: await verify(authorization), loaders: createLoaders(sql) };
    },
    health: {
      healthy: async () => {
        const rows: Array<{ id: string }> = await db.query('SELECT id FROM region');
        return { region: rows[0]?.id ?? null };
      },
    },
  });

  return {
    sdl,
    db,
    migrated,
    async start(port, host) {
      const url = await server.start(port, host);
      logger.info({ url }, 'region subgraph listening');
      return url;
    },
    stop: () => server.stop(),
  };
}

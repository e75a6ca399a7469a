import 'reflect-metadata';
import http from 'node:http';
import { ApolloServer } from '@apollo/server';
import { createApp, createLogger, fieldSuggestions, serverOptions, REGION_AUDIENCE, verifierFor, jsonErrors, listen, poolGauges, ServiceMetrics, standardPlugins, subgraphProtection, type Logger } from '@samverkan/server-kit';
import { mountSubgraph, poolOf, statementReport, type StatementTally } from '@samverkan/subgraph-kit';
import type { RegionConfig } from './config';
import type { RegionContext } from './context';
import { connectAndMigrate, createDataSource } from './data-source';
import { loadCatalogue, loadManifest, subgraphUrlsFrom } from './manifest';
import { buildRegionSchema } from './schema';
import { seedRegionIfEmpty } from './seed';
import { createLoaders } from './store/loaders';

export { GRAPHQL_PATH } from '@samverkan/server-kit';

type HttpContext = RegionContext & { tally: StatementTally };

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
 * told not to), schema and HTTP. Nothing listens until `start`.
 */
export async function createRegionServer(config: RegionConfig, logger: Logger = createLogger('region', config.LOG_LEVEL)): Promise<RegionServer> {
  const db = createDataSource({ url: config.DATABASE_URL, poolSize: config.DB_POOL_SIZE, logger });
  await db.initialize();
  const migrated = config.MIGRATE_ON_START ? await connectAndMigrate(db) : [];
  if (migrated.length) logger.info({ migrated }, 'migrations applied');
  if (config.SEED_WHEN_EMPTY) await seedIfEmpty(db, config, logger);

  const { schema, sdl } = await buildRegionSchema();
  const verify = verifierFor(config, logger, [REGION_AUDIENCE]);

  const metrics = new ServiceMetrics('region', config.METRICS_TOKEN);
  poolGauges(metrics, () => poolOf(db));
  const app = createApp();
  const httpServer = http.createServer(app);
  const protection = subgraphProtection({ fieldSuggestions: fieldSuggestions(config) });
  const apollo = new ApolloServer<HttpContext>({
    schema,
    ...serverOptions(logger),
    validationRules: protection.validationRules,
    parseOptions: protection.parseOptions,
    plugins: [...protection.plugins, ...standardPlugins(httpServer), statementReport, metrics.plugin()],
  });
  await apollo.start();

  app.get('/health', async (_req, res) => {
    try {
      const rows: Array<{ id: string }> = await db.query('SELECT id FROM region');
      res.json({ status: 'ok', region: rows[0]?.id ?? null });
    } catch {
      res.status(503).json({ status: 'database unavailable' });
    }
  });
  app.get('/metrics', metrics.handler());
  mountSubgraph(app, apollo, async (req) => ({ db, credentials: await verify(req.headers.authorization), loaders: createLoaders(db) }));
  app.use(jsonErrors(logger));

  let stopped = false;
  return {
    sdl,
    db,
    migrated,
    async start(port = config.PORT, host = config.HOST) {
      const url = await listen(httpServer, port, host);
      logger.info({ url }, 'region subgraph listening');
      return url;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await apollo.stop();
      await db.destroy();
    },
  };
}

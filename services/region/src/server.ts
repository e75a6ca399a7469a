import 'reflect-metadata';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import {
  subgraphProtection,
  createErrorFormatter,
  createLogger,
  createTokenVerifier,
  currentTally,
  withStatementTally,
  type Logger,
  type StatementTally,
} from '@samverkan/common';
import type { RegionConfig } from './config';
import type { RegionContext } from './context';
import { connectAndMigrate, createDataSource } from './data-source';
import { loadCatalogue, loadManifest, subgraphUrlsFrom } from './manifest';
import { buildRegionSchema } from './schema';
import { seedRegionIfEmpty } from './seed';
import { createLoaders } from './store/loaders';

export const GRAPHQL_PATH = '/graphql';

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

/** Reports the SQL statements a request cost in `extensions.sqlStatements` (for tests and benchmarks). */
const statementReport: ApolloServerPlugin<HttpContext> = {
  async requestDidStart() {
    return {
      async willSendResponse({ response, contextValue }) {
        if (response.body.kind === 'single') {
          response.body.singleResult.extensions = {
            ...response.body.singleResult.extensions,
            sqlStatements: contextValue.tally.count,
          };
        }
      },
    };
  },
};

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
  const verify = createTokenVerifier({
    secret: config.JWT_SECRET,
    jwksUrl: config.JWT_JWKS_URL,
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
  });
  if (!config.JWT_SECRET && !config.JWT_JWKS_URL) {
    logger.warn('no JWT_SECRET or JWT_JWKS_URL: this subgraph is read-only, every write is refused');
  }

  const app = express();
  const httpServer = http.createServer(app);
  const protection = subgraphProtection();
  const apollo = new ApolloServer<HttpContext>({
    schema,
    formatError: createErrorFormatter(logger),
    introspection: true,
    // Internal details stay in the log (see createErrorFormatter), never in an answer.
    includeStacktraceInErrorResponses: false,
    // Each entry point handles SIGINT/SIGTERM itself and stops everything in order.
    stopOnTerminationSignals: false,
    validationRules: protection.validationRules,
    parseOptions: protection.parseOptions,
    plugins: [...protection.plugins, ApolloServerPluginDrainHttpServer({ httpServer }), ApolloServerPluginInlineTraceDisabled(), ApolloServerPluginCacheControlDisabled(), statementReport],
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
  const graphql = expressMiddleware(apollo, {
    context: async ({ req }) => ({
      db,
      credentials: await verify(req.headers.authorization),
      loaders: createLoaders(db),
      tally: currentTally() ?? { count: 0 },
    }),
  });
  app.use(GRAPHQL_PATH, express.json({ limit: '1mb' }), (req, res, next) =>
    withStatementTally({ count: 0 }, () => graphql(req, res, next)),
  );
  // Body parser failures (malformed JSON, too large) answer 400/413 with a message, never a stack.
  app.use((err: { status?: number; type?: string; message?: string }, _req: express.Request, res: express.Response, next: express.NextFunction) => {
    if (!err) return next();
    const status = err.status && err.status >= 400 && err.status < 500 ? err.status : 500;
    if (status === 500) logger.error({ err }, 'request failed');
    res.status(status).json({ errors: [{ message: status === 500 ? 'Internal server error' : `Bad request: ${err.message}`, extensions: { code: 'BAD_REQUEST' } }] });
  });

  let stopped = false;
  return {
    sdl,
    db,
    migrated,
    async start(port = config.PORT, host = config.HOST) {
      await new Promise<void>((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => resolve());
      });
      const address = httpServer.address() as AddressInfo;
      const url = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}${GRAPHQL_PATH}`;
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

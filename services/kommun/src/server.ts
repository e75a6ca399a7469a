import 'reflect-metadata';
import http from 'node:http';
import { ApolloServer } from '@apollo/server';
import { WebSocketServer } from 'ws';
import { useServer } from 'graphql-ws/use/ws';
import { createPubSub } from '@graphql-yoga/subscription';
import { GRAPHQL_PATH, createApp, createLogger, fieldSuggestions, serverOptions, socketHooks, kommunAudience, verifierFor, jsonErrors, listen, poolGauges, ServiceMetrics, standardPlugins, subgraphProtection, type Logger } from '@samverkan/server-kit';
import { mountSubgraph, poolOf, statementReport, type StatementTally } from '@samverkan/subgraph-kit';
import type { KommunConfig } from './config';
import { RegionCatalogue } from './catalogue';
import type { KommunContext } from './context';
import { connectAndMigrate, createDataSource } from './data-source';
import { buildKommunSchema } from './schema';
import { PROJECT_CHANGED, type KommunPubSub, type SubscriptionContext } from './resolvers/subscription.resolver';
import { createLoaders } from './store/loaders';
import { listenForProjectChanges } from './store/notifications';

export { GRAPHQL_PATH };

type HttpContext = KommunContext & { tally: StatementTally };

export interface KommunServer {
  /** Listens; answers the GraphQL URL (HTTP; the same path speaks graphql-ws). */
  start(port?: number, host?: string): Promise<string>;
  stop(): Promise<void>;
  /** The subgraph SDL, as `_service { sdl }` answers it. */
  sdl: string;
  db: ReturnType<typeof createDataSource>;
  /** Migrations applied at start. */
  migrated: string[];
}

/**
 * Builds the kommun subgraph: database (migrated unless told not to), schema, HTTP and graphql-ws
 * on one path. Nothing listens until `start`.
 */
export async function createKommunServer(config: KommunConfig, logger: Logger = createLogger('kommun', config.LOG_LEVEL)): Promise<KommunServer> {
  const codes = new Set(config.KOMMUNKOD);
  const db = createDataSource({ url: config.DATABASE_URL, poolSize: config.DB_POOL_SIZE, logger });
  await db.initialize();
  const migrated = config.MIGRATE_ON_START ? await connectAndMigrate(db) : [];
  if (migrated.length) logger.info({ migrated }, 'migrations applied');

  const pubSub: KommunPubSub = createPubSub();
  const listener = listenForProjectChanges(config.DATABASE_URL, (m) => pubSub.publish(PROJECT_CHANGED, m), logger);

  const { schema, sdl } = await buildKommunSchema();
  const verify = verifierFor(config, logger, [...codes].map(kommunAudience));
  const catalogue = new RegionCatalogue({ regionUrl: config.REGION_URL, maxAgeMs: config.CATALOGUE_MAX_AGE_MS, minRefreshMs: 1000, logger });

  const metrics = new ServiceMetrics('kommun', config.METRICS_TOKEN);
  poolGauges(metrics, () => poolOf(db));
  const app = createApp();
  const httpServer = http.createServer(app);
  const wsServer = new WebSocketServer({ server: httpServer, path: GRAPHQL_PATH, maxPayload: 1024 * 1024 });
  // A project list's edges and nodes are counted by its `first`.
  const protection = subgraphProtection({ connections: { ProjectConnection: ['edges', 'nodes'] }, fieldSuggestions: fieldSuggestions(config) });
  const wsCleanup = useServer<Record<string, unknown>, { context?: SubscriptionContext }>(
    {
      context: async (ctx) => {
        const auth = ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization;
        const credentials = await verify(typeof auth === 'string' ? auth : undefined);
        const context: SubscriptionContext = { db, codes, credentials, loaders: createLoaders(db), catalogue, pubSub, changes: listener };
        return context;
      },
      // The same limits as over HTTP, checked before anything is subscribed or run.
      ...socketHooks(logger, () => schema, protection),
    },
    wsServer,
  );

  const apollo = new ApolloServer<HttpContext>({
    schema,
    ...serverOptions(logger),
    validationRules: protection.validationRules,
    parseOptions: protection.parseOptions,
    plugins: [
      ...protection.plugins,
      ...standardPlugins(httpServer),
      statementReport,
      metrics.plugin(),
      {
        async serverWillStart() {
          return {
            async drainServer() {
              await wsCleanup.dispose();
            },
          };
        },
      },
    ],
  });
  await apollo.start();

  app.get('/health', async (_req, res) => {
    try {
      await db.query('SELECT 1');
      res.json({ status: 'ok', municipalities: [...codes], websockets: wsServer.clients.size, subscriptions: listener.holders, listening: listener.listening, sqlStatements: db.counter.total });
    } catch {
      res.status(503).json({ status: 'database unavailable', municipalities: [...codes] });
    }
  });
  metrics.gauge('samverkan_kommun_subscriptions', 'graphql-ws sockets open (websockets) and projectChanged subscriptions held (subscriptions).', ['kind'], (set) => {
    set({ kind: 'websockets' }, wsServer.clients.size);
    set({ kind: 'subscriptions' }, listener.holders);
  });
  app.get('/metrics', metrics.handler());
  // Up to 16 MiB: an import of 5,000 projects is one mutation.
  mountSubgraph(app, apollo, async (req) => ({ db, codes, credentials: await verify(req.headers.authorization), loaders: createLoaders(db), catalogue }), '16mb');
  app.use(jsonErrors(logger));

  let stopped = false;
  return {
    sdl,
    db,
    migrated,
    async start(port = config.PORT, host = config.HOST) {
      const url = await listen(httpServer, port, host);
      logger.info({ url, municipalities: [...codes] }, 'kommun subgraph listening');
      return url;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await apollo.stop();
      await listener.stop();
      await db.destroy();
    },
  };
}

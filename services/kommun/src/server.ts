import 'reflect-metadata';
import { createPubSub } from '@graphql-yoga/subscription';
import { GRAPHQL_PATH, createLogger, kommunAudience, verifierFor, type Logger } from '@samverkan/server-kit';
import { createSubgraphServer, openDatabase } from '@samverkan/subgraph-kit';
import type { KommunConfig } from './config';
import { RegionCatalogue } from './catalogue';
import type { KommunContext } from './context';
import { createDataSource } from './data-source';
import { buildKommunSchema } from './schema';
import { PROJECT_CHANGED, type KommunPubSub, type SubscriptionContext } from './resolvers/subscription.resolver';
import { createLoaders } from './store/loaders';
import { listenForProjectChanges } from './store/notifications';
import { kommunDb } from './store/tables';

export { GRAPHQL_PATH };

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
 * on one path (see createSubgraphServer). Nothing listens until `start`.
 */
export async function createKommunServer(config: KommunConfig, logger: Logger = createLogger('kommun', config.LOG_LEVEL)): Promise<KommunServer> {
  const codes = new Set(config.KOMMUNKOD);
  const db = createDataSource({ url: config.DATABASE_URL, poolSize: config.DB_POOL_SIZE, logger });
  const migrated = await openDatabase(db, config.MIGRATE_ON_START, logger);

  const pubSub: KommunPubSub = createPubSub();
  const listener = listenForProjectChanges(config.DATABASE_URL, (m) => pubSub.publish(PROJECT_CHANGED, m), logger);

  const { schema, sdl } = await buildKommunSchema();
  const verify = verifierFor(config, logger, [...codes].map(kommunAudience));
  const catalogue = new RegionCatalogue({ regionUrl: config.REGION_URL, maxAgeMs: config.CATALOGUE_MAX_AGE_MS, minRefreshMs: 1000, logger });

  const server = await createSubgraphServer<KommunContext, SubscriptionContext>({
    service: 'kommun',
    config,
    logger,
    db,
    schema,
    // A project list's edges and nodes are counted by its `first`.
    connections: { ProjectConnection: ['edges', 'nodes'] },
    // The request's own database handle, counting into its tally (see kyselyOver).
    context: async (authorization, { tally }) => {
      const sql = kommunDb(db, tally);
      return { db: sql, codes, credentials: await verify(authorization), loaders: createLoaders(sql), catalogue };
    },
    // Up to 16 MiB: an import of 5,000 projects is one mutation.
    maxBody: '16mb',
    subscriptions: {
      context: async (params) => {
        const auth = params?.authorization ?? params?.Authorization;
        const credentials = await verify(typeof auth === 'string' ? auth : undefined);
        const sql = kommunDb(db);
        return { db: sql, codes, credentials, loaders: createLoaders(sql), catalogue, pubSub, changes: listener };
      },
    },
    health: {
      identity: { municipalities: [...codes] },
      healthy: async ({ websockets }) => {
        await db.query('SELECT 1');
        return { websockets, subscriptions: listener.holders, listening: listener.listening, sqlStatements: db.counter.total };
      },
    },
    metrics: (metrics, state) =>
      metrics.gauge('samverkan_kommun_subscriptions', 'graphql-ws sockets open (websockets) and projectChanged subscriptions held (subscriptions).', ['kind'], (set) => {
        set({ kind: 'websockets' }, state().websockets);
        set({ kind: 'subscriptions' }, listener.holders);
      }),
    onStop: () => listener.stop(),
  });

  return {
    sdl,
    db,
    migrated,
    async start(port, host) {
      const url = await server.start(port, host);
      logger.info({ url, municipalities: [...codes] }, 'kommun subgraph listening');
      return url;
    },
    stop: () => server.stop(),
  };
}

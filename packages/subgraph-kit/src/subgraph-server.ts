import http from 'node:http';
import { ApolloServer, type ApolloServerPlugin, type BaseContext } from '@apollo/server';
import type { GraphQLSchema } from 'graphql';
import { WebSocketServer } from 'ws';
import { useServer } from 'graphql-ws/use/ws';
import { GRAPHQL_PATH, createApp, fieldSuggestions, jsonErrors, listen, poolGauges, serverOptions, ServiceMetrics, socketHooks, standardPlugins, subgraphProtection, type Logger } from '@samverkan/server-kit';
import { compiledExecutor } from './compiled-executor';
import { connectAndMigrate, poolOf, type CountedDataSource } from './database';
import { requestReport, routeRequests, subgraphEndpoint, type SubgraphRequest } from './subgraph-http';

/** What a subgraph server answers about itself while it runs. */
export interface ServedState {
  /** graphql-ws sockets open (0 without subscriptions). */
  websockets: number;
}

/** What differs between one subgraph server and another; everything else is createSubgraphServer's. */
export interface SubgraphServerOptions<C extends BaseContext, S> {
  /** The service's name in metrics (`service` label) and log lines. */
  service: string;
  config: { PORT: number; HOST: string; METRICS_TOKEN?: string; FIELD_SUGGESTIONS?: boolean; NODE_ENV?: string };
  logger: Logger;
  /** Its own database, initialized (see openDatabase); destroyed by `stop`, last. */
  db: CountedDataSource;
  schema: GraphQLSchema;
  /** Connection types and their lists, which the connection's `first` counts (see subgraphProtection). */
  connections?: Record<string, readonly string[]>;
  /**
   * An HTTP request's context, from its Authorization header and the request (its id and statement
   * tally, which are added): the database handle it gives the resolvers is the request's own,
   * counting into that tally (see kyselyOver).
   */
  context(authorization: string | undefined, request: SubgraphRequest): Promise<C>;
  /** Largest JSON body (express.json's `limit`). Default 1mb. */
  maxBody?: string;
  /** `/health`: always carries `status` and `identity`; with a working database, also what `healthy` adds (it throws when the database does not answer). */
  health: { identity?: Record<string, unknown>; healthy(state: ServedState): Promise<Record<string, unknown>> };
  /** graphql-ws on the GraphQL path, with a context per socket from its `connectionParams`. */
  subscriptions?: { context(connectionParams: Record<string, unknown> | undefined): Promise<S> };
  /** Gauges of the service's own, read when Prometheus scrapes. */
  metrics?(metrics: ServiceMetrics, state: () => ServedState): void;
  /** Runs on stop, after the GraphQL server has drained and before the database closes. */
  onStop?(): Promise<void>;
}

export interface SubgraphServer {
  /** Listens; answers the GraphQL URL (HTTP; with subscriptions the same path speaks graphql-ws). */
  start(port?: number, host?: string): Promise<string>;
  /** Stops once: drains HTTP and sockets, then `onStop`, then the database. */
  stop(): Promise<void>;
  /** The sockets and what else `/health` reports. */
  state(): ServedState;
}

/** Initializes a subgraph's database and, when told to, applies its pending migrations; returns their names. */
export async function openDatabase(db: CountedDataSource, migrate: boolean, logger: Logger): Promise<string[]> {
  await db.initialize();
  const migrated = migrate ? await connectAndMigrate(db) : [];
  if (migrated.length) logger.info({ migrated }, 'migrations applied');
  return migrated;
}

/**
 * A Samverkan subgraph's server, the one every subgraph runs: Apollo Server on GRAPHQL_PATH
 * (subgraphEndpoint: request ids, JSON bodies, body errors as JSON; Express serves the other
 * paths), the same query protection over
 * HTTP and graphql-ws, authentication through `context`, the SQL statement tally in
 * `extensions.sqlStatements`, `/health`, `/metrics` (requests, pool, the service's own gauges),
 * and an orderly stop. Nothing listens until `start`.
 */
export async function createSubgraphServer<C extends BaseContext, S = never>(options: SubgraphServerOptions<C, S>): Promise<SubgraphServer> {
  const { config, logger, db, schema } = options;
  const metrics = new ServiceMetrics(options.service, config.METRICS_TOKEN);
  poolGauges(metrics, () => poolOf(db));
  // A GraphQL request's id travels in its context (see assignRequestId).
  const app = createApp();
  // The GraphQL endpoint, once Apollo Server has started (requests before that go to the app).
  const endpoint: { graphql?: ReturnType<typeof subgraphEndpoint> } = {};
  const httpServer = http.createServer(routeRequests(app, () => endpoint.graphql));
  const protection = subgraphProtection({ connections: options.connections, fieldSuggestions: fieldSuggestions(config) });

  const plugins: ApolloServerPlugin<C & SubgraphRequest>[] = [...protection.plugins, ...standardPlugins(httpServer), requestReport, metrics.plugin()];
  let websockets = (): number => 0;
  if (options.subscriptions) {
    const { context } = options.subscriptions;
    const wsServer = new WebSocketServer({ server: httpServer, path: GRAPHQL_PATH, maxPayload: 1024 * 1024 });
    websockets = () => wsServer.clients.size;
    const wsCleanup = useServer<Record<string, unknown>, { context?: S }>(
      {
        context: (ctx) => context(ctx.connectionParams) as Promise<Record<string, unknown>>,
        // The same limits as over HTTP, checked before anything is subscribed or run.
        ...socketHooks(logger, () => schema, protection),
      },
      wsServer,
    );
    plugins.push({
      async serverWillStart() {
        return {
          async drainServer() {
            await wsCleanup.dispose();
          },
        };
      },
    });
  }
  const state = (): ServedState => ({ websockets: websockets() });

  const apollo = new ApolloServer<C & SubgraphRequest>({
    // Apollo parses, validates and checks; the operation itself runs compiled (see compiledExecutor).
    gateway: compiledExecutor(schema),
    ...serverOptions(logger),
    validationRules: protection.validationRules,
    parseOptions: protection.parseOptions,
    plugins,
  });
  await apollo.start();

  const { identity = {}, healthy } = options.health;
  app.get('/health', async (_req, res) => {
    try {
      res.json({ status: 'ok', ...identity, ...(await healthy(state())) });
    } catch {
      res.status(503).json({ status: 'database unavailable', ...identity });
    }
  });
  options.metrics?.(metrics, state);
  app.get('/metrics', metrics.handler());
  endpoint.graphql = subgraphEndpoint(apollo, options.context, logger, options.maxBody);
  app.use(jsonErrors(logger));

  let stopped = false;
  return {
    state,
    start: (port = config.PORT, host = config.HOST) => listen(httpServer, port, host),
    async stop() {
      if (stopped) return;
      stopped = true;
      await apollo.stop();
      await options.onStop?.();
      await db.destroy();
    },
  };
}

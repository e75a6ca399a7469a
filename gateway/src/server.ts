import http from 'node:http';
import { readFileSync } from 'node:fs';
import express from 'express';
import { ApolloServer, HeaderMap } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloGateway } from '@apollo/gateway';
import cors from 'cors';
import { GraphQLError } from 'graphql';
import { GRAPHQL_PATH, REQUEST_ID_HEADER, ServiceMetrics, createApp, createLogger, fieldSuggestions, serverOptions, socketHooks, verifierFor, jsonErrors, listen, standardPlugins, type AssertionSigner, type Identity, type Logger } from '@samverkan/server-kit';
import { createGatewayAssertions } from './assertions';
import { queryLimits } from './limits';
import { requestDeadline, type Deadline } from './deadline';
import { holeError, missingMunicipalitiesReport } from './holes';
import { deadlineOf, requestTimeout } from './request-timeout';
import type { GatewayConfig } from './config';
import { loadDeclaration } from './routing/declaration';
import { RegionDataSource } from './region-data-source';
import { ShardedDataSource } from './sharded-data-source';
import { ShardClient } from './shards/client';
import { buildContract, ContractChecker } from './shards/contract';
import { MemberRegistry } from './shards/registry';
import { SubscriptionService } from './subscriptions/service';
import { TrustedDocuments } from './trusted-documents';
import { ResponseCache, type ReadTracker } from './cache/response-cache';
import { ShortPath, type NodeMiddleware, type Prefetched } from './short-path';
import { MemoryStore, RedisStore, type CacheStore } from './cache/store';
import { dashboard } from './dashboard';
import { MEMBER_PATH, memberFace } from './member';
import { exportRoutes } from './export';
import { importRoutes } from './import';
import { WebSocketServer } from 'ws';
import { useServer } from 'graphql-ws/use/ws';
import { print, type ExecutionResult } from 'graphql';

export { GRAPHQL_PATH };

const mib = (bytes: number) => Math.round(bytes / 2 ** 20);

/**
 * What the gateway knows of a request: its caller (the token itself travels on only with a write,
 * to the kommun that owns it), and its deadline, set when it started, which every fetch it makes
 * draws from.
 */
export interface GatewayContext {
  identity: Identity | null;
  deadline: Deadline;
  /** An anonymous read from a client (HTTP or the socket): the response cache may answer it and keep its answer. */
  cacheable?: boolean;
  /** What the request read and wrote, filled as its fetches go out (see ReadTracker). */
  reads?: ReadTracker;
  /** A fetch the short path made already for this request, which the full path answers from (see ShortPath). */
  prefetched?: Prefetched;
}

export interface RegionalGateway {
  start(port?: number, host?: string): Promise<string>;
  stop(): Promise<void>;
  registry: MemberRegistry;
  /** Signs the gateway's own short-lived, audience-bound assertions of a caller's identity. */
  assertions: AssertionSigner;
}

/**
 * Builds the regional gateway: @apollo/gateway over the committed supergraph, with the kommun
 * contract's fetches routed to the member shards the region's registry names. Nothing listens
 * until `start`.
 */
export async function createGateway(config: GatewayConfig, logger: Logger = createLogger('gateway', config.LOG_LEVEL)): Promise<RegionalGateway> {
  const contract = buildContract(readFileSync(config.CONTRACT_FILE, 'utf8'));
  const declaration = loadDeclaration(config.ROUTING_FILE, contract);
  const metrics = new ServiceMetrics('gateway', config.METRICS_TOKEN);
  // Fetches are labelled by the kommun (or kommuner, joined by "+") behind the URL, or "region".
  let shardLabels = new Map<string, string>();
  const shardLabel = (url: string) => shardLabels.get(url) ?? 'unknown';
  const fetchSeconds = metrics.histogram('samverkan_gateway_shard_fetch_seconds', 'Time the gateway waited for each fetch to a subgraph, by kommun (or "region") and outcome.', ['municipality', 'outcome'], [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]);
  const sharedFetches = metrics.counter('samverkan_gateway_shared_fetches_total', 'Reads answered by an identical read already in flight to the same kommun, by kommun.', ['municipality']);
  const holes = metrics.counter('samverkan_gateway_holes_total', 'Answers with a kommun missing (a hole), by kommun and cause.', ['municipality', 'cause']);
  const client = new ShardClient({
    timeoutMs: config.SHARD_TIMEOUT_MS,
    concurrency: config.SHARD_CONCURRENCY,
    maxResponseBytes: config.SHARD_MAX_RESPONSE_MB * 2 ** 20,
    observer: {
      fetched: (url, seconds, outcome) => fetchSeconds.observe({ municipality: shardLabel(url), outcome }, seconds),
      shared: (url) => sharedFetches.inc({ municipality: shardLabel(url) }),
    },
  });
  const registry = new MemberRegistry({
    regionUrl: config.REGION_URL,
    client,
    checker: new ContractChecker(contract),
    logger,
    refreshMs: config.MEMBERS_REFRESH_MS,
    schemaRefreshMs: config.MEMBERS_SCHEMA_REFRESH_MS,
  });
  const relabel = () => {
    const byUrl = new Map<string, string[]>();
    for (const m of registry.all()) {
      const target = registry.target(m.code);
      if (target.url) byUrl.set(target.url, [...(byUrl.get(target.url) ?? []), m.code]);
    }
    shardLabels = new Map([[config.REGION_URL, 'region'], ...[...byUrl].map(([url, codes]) => [url, codes.sort().join('+')] as const)]);
  };
  registry.onChange(relabel);
  await registry.start();
  relabel();
  metrics.gauge('samverkan_gateway_members', 'Members of the region by state (active, unavailable, refused).', ['state'], (set) => {
    const counts = { active: 0, unavailable: 0, refused: 0 };
    for (const m of registry.all()) counts[m.state]++;
    for (const [state, n] of Object.entries(counts)) set({ state }, n);
  });

  const assertions = await createGatewayAssertions(config, logger);
  const supergraphSdl = readFileSync(config.SUPERGRAPH_FILE, 'utf8');
  // The kommun contract's data source, which the short path shares with @apollo/gateway.
  let kommunSource: ShardedDataSource | undefined;
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name, url }) =>
      name === declaration.subgraph
        ? (kommunSource = new ShardedDataSource({ contract, declaration, registry, client, logger, assertions }))
        : new RegionDataSource(name === 'region' ? config.REGION_URL : url!, client, assertions),
  });

  const verify = verifierFor(config, logger);
  const limits = queryLimits(
    {
      maxDepth: config.MAX_DEPTH,
      maxAliases: config.MAX_ALIASES,
      maxTokens: config.MAX_TOKENS,
      maxDirectives: config.MAX_DIRECTIVES,
      maxCost: config.MAX_COST,
      maxPageSize: config.MAX_PAGE_SIZE,
      listSizeEstimate: config.LIST_SIZE_ESTIMATE,
      fieldSuggestions: fieldSuggestions(config),
    },
    declaration,
  );

  // Redis, when given, is what replicas share; without it each keeps its own, in memory.
  const redisFailures = metrics.counter('samverkan_gateway_redis_errors_total', 'Redis commands that failed or timed out (the cache was skipped for them), by operation.', ['operation']);
  const shared: CacheStore | undefined = config.REDIS_URL
    ? new RedisStore({ url: config.REDIS_URL, prefix: config.REDIS_KEY_PREFIX, timeoutMs: config.REDIS_TIMEOUT_MS, logger, failed: (operation) => redisFailures.inc({ operation }) })
    : undefined;
  const cacheOutcomes = metrics.counter('samverkan_gateway_response_cache_total', 'Anonymous reads by what the response cache did: hit, miss, bypass (it could not be used), and stored (misses kept).', ['outcome']);
  const invalidations = metrics.counter('samverkan_gateway_response_cache_invalidations_total', 'Generations renewed, by cause: write (through this gateway), event (projectChanged), stream (a kommun\'s stream came up), members, resync (after Redis failed).', ['cause']);
  const responseCache = config.RESPONSE_CACHE_TTL_S
    ? new ResponseCache({
        store: shared ?? new MemoryStore(),
        ttlMs: config.RESPONSE_CACHE_TTL_S * 1000,
        registry,
        logger,
        observer: { outcome: (outcome) => cacheOutcomes.inc({ outcome }), invalidated: (cause, n) => invalidations.inc({ cause }, n) },
      })
    : null;
  if (responseCache) registry.onChange(() => responseCache.membersChanged());

  const trusted = TrustedDocuments.load(config.TRUSTED_DOCUMENTS_FILE);
  if (config.TRUSTED_DOCUMENTS_ONLY_FOR_ANONYMOUS && !trusted.size) logger.warn({ file: config.TRUSTED_DOCUMENTS_FILE }, 'anonymous callers may run only trusted documents, and there are none: build the dashboard');
  /** The refusal for an anonymous caller's request, when only trusted documents are open to them. */
  const anonymousRefusal = (request: { query?: unknown; extensions?: unknown }) => (config.TRUSTED_DOCUMENTS_ONLY_FOR_ANONYMOUS ? trusted.refusal(request) : null);
  const shortPath =
    config.SHORT_PATH && !responseCache
      ? new ShortPath({
          supergraphSdl,
          subgraph: declaration.subgraph,
          schema: () => gateway.schema,
          source: () => kommunSource,
          checkOperation: limits.checkOperation,
          refusal: anonymousRefusal,
          metrics,
        })
      : null;

  const app = createApp();
  // Requests go to the app, or first to the short path once the routes are set up (below).
  let listener: http.RequestListener = app;
  const httpServer = http.createServer((req, res) => listener(req, res));
  // Sockets at GRAPHQL_PATH, and at MEMBER_PATH when the member face is on (routed below).
  const wsServer = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    validationRules: limits.validationRules,
    parseOptions: limits.parseOptions,
    allowBatchedHttpRequests: false,
    // The dashboard's documents by hash; clients may register others (automatic persisted queries).
    persistedQueries: { cache: trusted.persistedQueryCache(1000, shared) },
    // An internal error that names a kommun, should one come past the data source, is a hole too.
    ...serverOptions(logger, { fromKommun: ({ code, path }) => holeError(code, registry.get(code)?.name, 'its subgraph answered an internal error', path) }),
    plugins: [
      ...standardPlugins(httpServer),
      ...limits.plugins,
      missingMunicipalitiesReport(registry, (municipality, cause) => holes.inc({ municipality, cause })),
      metrics.plugin(),
      ...(responseCache ? [responseCache.plugin<GatewayContext>()] : []),
      // Last: it learns the documents every other plugin has let through.
      ...(shortPath ? [shortPath.plugin()] : []),
    ],
  });
  await apollo.start();

  // graphql-ws on the same path: subscriptions through the shards, and queries and mutations
  // run exactly as over HTTP.
  const subscriptions = new SubscriptionService({
    apollo,
    registry,
    declaration,
    logger,
    queueLimit: config.SUBSCRIPTION_QUEUE_LIMIT,
    maxAliases: config.MAX_ALIASES,
    requestTimeoutMs: config.REQUEST_TIMEOUT_MS,
  });
  // The cache hears every member's changes, whether or not any client subscribes.
  if (responseCache) subscriptions.watchChanges(responseCache);
  const hooks = socketHooks(logger, () => gateway.schema!, limits);
  const wsCleanup = useServer(
    {
      // A token given in connectionParams is checked when the socket opens; a refused one closes it.
      onConnect: async (ctx) => {
        const auth = ctx.connectionParams?.authorization;
        return typeof auth === 'string' ? !(await verify(auth)).rejected : true;
      },
      subscribe: (args) => subscriptions.subscribe(args),
      context: (ctx) => ({ authorization: typeof ctx.connectionParams?.authorization === 'string' ? ctx.connectionParams.authorization : undefined }),
      execute: async (args): Promise<ExecutionResult> => {
        const deadline = requestDeadline(config.REQUEST_TIMEOUT_MS);
        const { authorization } = (args.contextValue ?? {}) as { authorization?: string };
        const headers = new HeaderMap();
        if (authorization) headers.set('authorization', authorization);
        const response = await apollo.executeOperation(
          {
            query: print(args.document),
            variables: args.variableValues as Record<string, unknown> | undefined,
            operationName: args.operationName ?? undefined,
            http: { method: 'POST', headers, search: '', body: undefined },
          },
          { contextValue: { identity: authorization ? (await verify(authorization)).identity : null, deadline, cacheable: !authorization } },
        );
        // Its errors are formatted already; socketHooks sends them as they are.
        return response.body.kind === 'single' ? (response.body.singleResult as ExecutionResult) : { errors: [] };
      },
      // The same limits as over HTTP, checked before anything is subscribed or run.
      ...hooks,
      onSubscribe: (ctx, id, payload) => {
        const refused = typeof ctx.connectionParams?.authorization === 'string' ? null : anonymousRefusal(payload);
        return refused ? [refused] : hooks.onSubscribe(ctx, id, payload);
      },
    },
    wsServer,
  );

  // Ready means this gateway can serve: the region subgraph answers and a supergraph is loaded.
  // Kommuner that are down leave holes in answers, not a gateway out of service: they are counted
  // in the body (status "degraded") and never turn the status code to 503, which would make a
  // load balancer drop the gateway for every kommun.
  const readiness = () => {
    const members = registry.all();
    const ready = Boolean(registry.lastRefresh?.ok && gateway.schema);
    const unavailable = members.filter((m) => m.state !== 'active').map((m) => m.code);
    return { ready, members, unavailable, status: !ready ? 'unavailable' : unavailable.length ? 'degraded' : 'ok' };
  };
  // Anyone may ask: the status and counts only. Members' URLs, states and problems are the
  // region's business (/health/details).
  const health = (_req: express.Request, res: express.Response) => {
    const { ready, members, unavailable, status } = readiness();
    const upstream = Object.values(subscriptions.stats());
    res.status(ready ? 200 : 503).json({
      status,
      members: members.length,
      unavailable: unavailable.length,
      subscriptions: { clients: wsServer.clients.size, upstreams: upstream.reduce((n, s) => n + s.upstreams, 0), down: upstream.reduce((n, s) => n + s.down, 0) },
    });
  };
  const details = async (req: express.Request, res: express.Response) => {
    const { identity, rejected } = await verify(req.headers.authorization);
    if (identity?.role !== 'region-editor') {
      const [status, code, why] = identity ? [403, 'FORBIDDEN', 'only a region editor may read them'] : [401, 'UNAUTHENTICATED', rejected ? `the token was refused: ${rejected}` : 'send a region editor\'s token'];
      res.status(status).json({ errors: [{ message: `The gateway's health details are not public: ${why}.`, extensions: { code } }] });
      return;
    }
    // A process started with --expose-gc (the soak test does) can be asked to collect first, so
    // that what it reports is what the gateway holds, not garbage waiting for a collection.
    const gc = (globalThis as { gc?: () => void }).gc;
    if (req.query.gc !== undefined && gc) gc();
    const { rss, heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage();
    const { ready, members, unavailable, status } = readiness();
    res.status(ready ? 200 : 503).json({
      status,
      unavailable,
      registry: registry.lastRefresh,
      members,
      subscriptions: { clients: wsServer.clients.size, upstream: subscriptions.stats() },
      memory: { rssMiB: mib(rss), heapUsedMiB: mib(heapUsed), heapTotalMiB: mib(heapTotal), externalMiB: mib(external), arrayBuffersMiB: mib(arrayBuffers) },
    });
  };
  metrics.gauge('samverkan_gateway_subscriptions', 'graphql-ws clients, upstream subscriptions to kommuner, and those of them down.', ['kind'], (set) => {
    const upstream = Object.values(subscriptions.stats());
    set({ kind: 'clients' }, wsServer.clients.size);
    set({ kind: 'upstreams' }, upstream.reduce((n, s) => n + s.upstreams, 0));
    set({ kind: 'down' }, upstream.reduce((n, s) => n + s.down, 0));
  });
  app.get('/metrics', metrics.handler());
  app.get('/health', health);
  app.get('/health/ready', health);
  app.get('/health/details', details);
  // The public keys of the gateway's assertions: subgraphs fetch them (GATEWAY_JWKS_URL).
  app.get('/.well-known/jwks.json', (_req, res) => void res.set('cache-control', 'public, max-age=60').json(assertions.jwks()));
  app.get('/health/live', (_req, res) => void res.json({ status: 'ok' }));
  // Anonymous bodies stay small; a caller whose token is valid may send an import's rows.
  const anonymousJson = express.json({ limit: config.MAX_BODY_BYTES });
  const editorJson = express.json({ limit: config.MAX_EDITOR_BODY_BYTES });
  const jsonBody: express.RequestHandler = (req, res, next) => {
    if (!req.headers.authorization) return anonymousJson(req, res, next);
    verify(req.headers.authorization).then(({ identity }) => (identity ? editorJson : anonymousJson)(req, res, next), next);
  };
  const origins = config.CORS_ORIGINS.trim();
  const corsHeaders = cors({ origin: origins === '*' ? '*' : origins === 'none' ? false : origins.split(',').map((o) => o.trim()) });
  app.use(GRAPHQL_PATH, corsHeaders);
  app.use(
    GRAPHQL_PATH,
    requestTimeout(config.REQUEST_TIMEOUT_MS),
    jsonBody,
    expressMiddleware(apollo, {
      // The token is checked here; it travels on only with writes, and their owner checks it again.
      context: async ({ req, res }) => {
        const { identity, rejected } = await verify(req.headers.authorization);
        if (rejected) {
          throw new GraphQLError(`The token was refused: ${rejected}. Send a valid token, or none to read.`, {
            extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
          });
        }
        const refused = identity ? null : anonymousRefusal(req.method === 'GET' ? req.query : (req.body ?? {}));
        if (refused) throw refused;
        const prefetched = res.locals.prefetched as Prefetched | undefined;
        return { identity, deadline: deadlineOf(res) ?? requestDeadline(config.REQUEST_TIMEOUT_MS), cacheable: !req.headers.authorization, ...(prefetched ? { prefetched } : {}) };
      },
    }),
  );
  // Exports read as an anonymous caller would, through the whole pipeline (limits, holes named).
  // The HTTP request's id goes along as its header, where the data sources read it for every fetch.
  const runAnonymous = async (query: string, variables: Record<string, unknown>, requestId?: string) => {
    const http = requestId ? { http: { method: 'POST', headers: new HeaderMap([[REQUEST_ID_HEADER, requestId]]), search: '', body: undefined } } : {};
    const response = await apollo.executeOperation({ query, variables, ...http }, { contextValue: { identity: null, deadline: requestDeadline(config.REQUEST_TIMEOUT_MS) } });
    return response.body.kind === 'single' ? response.body.singleResult : { errors: [{ message: 'An export cannot be answered incrementally.' }] };
  };
  // The member face, when this gateway is a member of a hub above it (see member.ts).
  const member = config.MEMBER_FACE
    ? await memberFace({
        contract,
        source: new ShardedDataSource({ contract, declaration, registry, client, logger, assertions, asMember: true }),
        verify,
        logger,
        requestTimeoutMs: config.REQUEST_TIMEOUT_MS,
        fieldSuggestions: fieldSuggestions(config),
        subscriptions,
      })
    : null;
  if (member) app.use(member.router);
  httpServer.on('upgrade', (req, socket, head) => {
    const path = (req.url ?? '').split('?')[0];
    const target = path === GRAPHQL_PATH ? wsServer : path === MEMBER_PATH ? member?.sockets : undefined;
    if (!target) {
      socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
      return;
    }
    target.handleUpgrade(req, socket, head, (ws) => target.emit('connection', ws, req));
  });
  if (shortPath) {
    // Both work on node's own request and response as on Express's (they read headers and the body stream, and set headers).
    const onNode = (middleware: express.RequestHandler) => middleware as unknown as NodeMiddleware;
    listener = shortPath.listener(app, { cors: onNode(corsHeaders), parseJson: onNode(anonymousJson), timeoutMs: config.REQUEST_TIMEOUT_MS, logger });
  }
  app.use(exportRoutes(runAnonymous, config.MAX_PAGE_SIZE));
  app.use(importRoutes(runAnonymous, verify));
  app.use(dashboard(config.DASHBOARD_DIR));
  app.use(jsonErrors(logger));

  let stopped = false;
  return {
    registry,
    assertions,
    async start(port = config.PORT, host = config.HOST) {
      const url = await listen(httpServer, port, host);
      logger.info({ url, members: registry.all().length }, 'regional gateway listening');
      return url;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      registry.stop();
      await wsCleanup.dispose();
      await subscriptions.close();
      await member?.stop();
      await apollo.stop();
      await client.close();
      await shared?.close();
    },
  };
}

import express from 'express';
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { GatewayExecutor, GatewayInterface } from '@apollo/server-gateway-interface';
import { execute, getVariableValues, GraphQLError, Kind, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import { WebSocketServer } from 'ws';
import { useServer } from 'graphql-ws/use/ws';
import { REQUEST_ID_HEADER, serverOptions, socketHooks, subgraphProtection, type Identity, type Logger, type TokenVerifier } from '@samverkan/server-kit';
import { BUDGET_HEADER, memberDeadline, type Deadline } from './deadline';
import { rootFields } from './documents';
import type { ShardedDataSource } from './sharded-data-source';
import type { SubscriptionService } from './subscriptions/service';

/**
 * Where a regional gateway answers as one member of a hub above it (a national hub of regional
 * hubs): the kommun contract, for every kommun of its region together.
 */
export const MEMBER_PATH = '/member/graphql';

/** Root fields the member face answers from the contract schema itself, not from its kommuner. */
const SCHEMA_FIELDS = new Set(['_service', '__schema', '__type', '__typename']);

interface MemberContext {
  identity: Identity | null;
  authorization?: string;
  deadline: Deadline;
}

export interface MemberFaceOptions {
  /** The kommun contract as a subgraph schema (`_service`, `_entities`), see buildContract. */
  contract: GraphQLSchema;
  /** The gateway's sharded pipeline, answering as a member (ShardedDataSourceOptions.asMember). */
  source: ShardedDataSource;
  verify: TokenVerifier;
  logger: Logger;
  requestTimeoutMs: number;
  fieldSuggestions: boolean;
  /** The gateway's subscriptions, whose upstream events the member face relays (SubscriptionService.relay). */
  subscriptions: SubscriptionService;
}

/**
 * The member face of a regional gateway: to a hub above it, one member that implements the kommun
 * contract for all of the region's kommuner, as a combined kommun instance does.
 *
 * - Its schema is the contract at this gateway's version: `_service { sdl }` announces it (the
 *   `@link` to the contract) as any kommun does, so the hub above checks it like any member.
 * - Every other operation is one fetch of the contract (root fields, `_entities`, a mutation),
 *   answered by the gateway's own sharded pipeline over its kommuner: lists merged into exact
 *   pages with the kommuner's own cursors (a position: sort value, kommunkod, id, which any level
 *   can order by), counts and sums added up, entities and writes routed by kommunkod; a write goes
 *   on to its owner with the caller's token, which this gateway verifies first.
 * - A kommun missing inside it is named (MUNICIPALITY_UNAVAILABLE, `municipality`, `reason`) at
 *   the place it is missing from, the rest of the answer kept; the hub above passes that on.
 * - It answers by the time the hub above waits (BUDGET_HEADER), within REQUEST_TIMEOUT_MS.
 * - Over graphql-ws on the same path, `projectChanged`: the events of its kommuner as they sent
 *   them, relayed from the gateway's own upstream subscriptions (one per kommun, shared with its
 *   own subscribers), so the hub above subscribes once per member.
 * It is protected as a kommun subgraph is (depth, aliases, tokens, representations, cost).
 */
export async function memberFace(options: MemberFaceOptions): Promise<{ router: express.Router; sockets: WebSocketServer; stop(): Promise<void> }> {
  const { contract, source, verify, logger } = options;
  const executor: GatewayExecutor = async (requestContext) => {
    const { document, operation, request } = requestContext;
    const context = requestContext.context as MemberContext;
    const refuse = (message: string, code = 'BAD_REQUEST') => ({ errors: [new GraphQLError(message, { extensions: { code } })] });
    if (operation.operation === 'subscription') return refuse('The member face answers queries and mutations; subscribe to projectChanged at the gateway itself (/graphql).');
    if (operation.selectionSet.selections.some((s) => s.kind !== Kind.FIELD)) return refuse('The member face answers root fields selected directly: spread no fragment at the root of the operation.');
    const names = rootFields(operation).map((f) => f.name.value);
    const { errors: badVariables } = getVariableValues(contract, operation.variableDefinitions ?? [], request.variables ?? {});
    if (badVariables?.length) return { errors: badVariables };
    if (names.some((n) => SCHEMA_FIELDS.has(n) && n !== '__typename')) {
      if (!names.every((n) => SCHEMA_FIELDS.has(n))) return refuse('Ask _service and introspection on their own, not together with the contract\'s data.');
      return execute({ schema: contract, document, operationName: requestContext.operationName, variableValues: request.variables });
    }
    if (names.includes('_entities') && names.length > 1) return refuse('Ask _entities on its own, as a gateway does.');
    const answer = await source.answerOperation(
      { query: requestContext.source, document, operation, variables: request.variables ?? {} },
      { authorization: context.authorization, identity: context.identity, deadline: context.deadline, requestId: request.http?.headers.get(REQUEST_ID_HEADER) ?? undefined },
    );
    return { data: answer.data, ...(answer.errors?.length ? { errors: answer.errors.map(asError) } : {}) };
  };
  const gateway: GatewayInterface = {
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: contract, coreSupergraphSdl: '' });
      return () => undefined;
    },
    load: async () => ({ executor }),
    stop: async () => undefined,
  };
  const protection = subgraphProtection({ connections: { ProjectConnection: ['edges', 'nodes'] }, fieldSuggestions: options.fieldSuggestions });
  const apollo = new ApolloServer<MemberContext>({
    gateway,
    ...serverOptions(logger),
    validationRules: protection.validationRules,
    parseOptions: protection.parseOptions,
    allowBatchedHttpRequests: false,
    persistedQueries: false,
    plugins: [...protection.plugins, ApolloServerPluginInlineTraceDisabled(), ApolloServerPluginCacheControlDisabled(), ApolloServerPluginLandingPageDisabled()],
  });
  await apollo.start();
  const router = express.Router();
  router.use(
    MEMBER_PATH,
    // Up to 16 MiB, as a kommun takes: an import of 5,000 projects is one mutation.
    express.json({ limit: '16mb' }),
    expressMiddleware(apollo, {
      context: async ({ req }) => {
        const authorization = req.headers.authorization;
        const { identity, rejected } = await verify(authorization);
        if (rejected) {
          throw new GraphQLError(`The token was refused: ${rejected}. Send a valid token, or none to read.`, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
        }
        const budget = req.headers[BUDGET_HEADER];
        return { identity, authorization, deadline: memberDeadline(typeof budget === 'string' ? budget : undefined, options.requestTimeoutMs) };
      },
    }),
  );
  // Subscriptions only: a query or mutation over this socket is refused (POST it).
  const sockets = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  const hooks = socketHooks(logger, () => contract, protection);
  const socketCleanup = useServer(
    {
      schema: contract,
      ...hooks,
      subscribe: (args) => options.subscriptions.relay(args),
      execute: () => ({ errors: [new GraphQLError('The member face runs subscriptions over its socket; POST queries and mutations to it.', { extensions: { code: 'BAD_REQUEST' } })] }),
    },
    sockets,
  );
  return {
    router,
    sockets,
    stop: async () => {
      await socketCleanup.dispose();
      await apollo.stop();
    },
  };
}

function asError(e: GraphQLFormattedError): GraphQLError {
  return new GraphQLError(e.message, { path: e.path, extensions: e.extensions });
}

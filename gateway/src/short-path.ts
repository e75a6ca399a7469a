import type { IncomingMessage, ServerResponse } from 'node:http';
import { getOperationAST, getVariableValues, Kind, visit, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import type { ApolloServerPlugin } from '@apollo/server';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { operationFromDocument, Supergraph, type Operation } from '@apollo/federation-internals';
import { QueryPlanner, type FetchNode } from '@apollo/query-planner';
// @apollo/gateway's own result shaping, which its executor runs on every answer (not in its index).
import { computeResponse } from '@apollo/gateway/dist/resultShaping';
import { LRUCache } from 'lru-cache';
import { answerFailedRequest, assignRequestId, GRAPHQL_PATH, type CostRequest, type Logger, type ServiceMetrics } from '@samverkan/server-kit';
import type { GraphQLError } from 'graphql';
import type { Deadline } from './deadline';
import { startClock } from './request-timeout';
import { parseFetch } from './documents';
import type { ShardedDataSource } from './sharded-data-source';

type Obj = Record<string, unknown>;
type Listener = (req: IncomingMessage, res: ServerResponse) => void;
/** Middleware on node's own request and response. */
export type NodeMiddleware = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;

/**
 * A fetch the short path made and could not answer from (its answer had errors): the full path
 * answers the request from it, instead of asking the kommuner again (see ShardedDataSource.process).
 */
export interface Prefetched {
  query: string;
  variables: Obj;
  response: GatewayGraphQLResponse;
}

/** What the short path knows of one document and operation name: its one fetch, and how to shape its answer. */
interface Shortcut {
  operationName: string | null;
  document: DocumentNode;
  operation: OperationDefinitionNode;
  /** The operation as @apollo/gateway's result shaping reads it. */
  shaping: Operation;
  fetch: { query: string; document: DocumentNode; operation: OperationDefinitionNode; variableUsages: readonly string[] };
}

export interface ShortPathOptions {
  supergraphSdl: string;
  /** The name of the kommun contract's subgraph in the supergraph (the routing declaration's). */
  subgraph: string;
  /** The API schema Apollo Server validates against (the gateway's, once loaded). */
  schema: () => GraphQLSchema | undefined;
  source: () => ShardedDataSource | undefined;
  /** The limits' checks of one request's variables (what the limits' plugins check), or null. */
  checkOperation(request: CostRequest): GraphQLError | null;
  /** The refusal for an anonymous caller's body (trusted documents only), or null. */
  refusal(body: Obj): unknown;
  metrics: ServiceMetrics;
  /** Documents kept, each with its operations. */
  max?: number;
}

/**
 * Full-path runs of a document before the short path plans it (the full path plans it as well):
 * a document sent once costs what it cost before, and one that comes again, as dashboards' and
 * analysts' with new variables do, takes the short path from its third request on.
 */
const RUNS_BEFORE_PLANNING = 2;
/** What the documents known may hold at most, by their texts' length (see `known`). */
const KNOWN_MAX_BYTES = 32 * 2 ** 20;

/** The media types a request may accept for the short path to answer: those Apollo Server answers with `application/json`. */
const JSON_ACCEPTED = new Set([undefined, '*/*', 'application/json']);
const BODY_KEYS = new Set(['query', 'variables', 'operationName']);

/**
 * The gateway's short path for the commonest request there is: an anonymous query whose plan is
 * one fetch from the kommun contract (one kommun's data, or a list every kommun answers), such as
 * a dashboard or an analyst sends again and again with new variables. The full path runs it
 * through Apollo Server's request pipeline and @apollo/gateway's executor, which rebuild the
 * operation, look up its plan, and walk the plan's nodes for every request; that costs the gateway
 * more CPU than the kommun spends answering.
 *
 * The short path answers only what it can answer exactly as the full path would:
 * - documents the full path has run twice (learned by `plugin`, at the start of execution, so
 *   after Apollo Server has parsed and validated them and every plugin has let them through),
 *   whose plan, made by the same query planner over the same supergraph, is one fetch from the
 *   kommun contract with nothing to rewrite;
 * - a POST without a token, whose body is exactly a query, its variables and operation name, and
 *   which accepts `application/json`;
 * - variables that coerce and pass the limits (the same checks as the limits' plugins).
 *
 * It sends the fetch through the same data source, shapes the answer with @apollo/gateway's own
 * result shaping, and answers it as Apollo Server would, counted in the same metrics. An answer
 * with any error (a hole, a value the shaping refuses) is handed to the full path with the fetch
 * already made (Prefetched), so that errors are formatted, reported and counted in one place,
 * and no kommun is asked twice. Anything else goes the full path from the start.
 *
 * Off with SHORT_PATH=false; not used when the response cache is on (it answers through Apollo's pipeline).
 */
export class ShortPath {
  private readonly planner: QueryPlanner;
  private readonly supergraph: Supergraph;
  /**
   * By query text, then operation name ('' for none): a shortcut; null when the full path must
   * answer; a number while the full path has run it fewer than RUNS_BEFORE_PLANNING times. Bounded
   * by count and by the text's length (a document kept with its plan takes some times its text).
   */
  private readonly known: LRUCache<string, Map<string, Shortcut | null | number>>;
  private readonly taken: ReturnType<ServiceMetrics['counter']>;
  private readonly planned: ReturnType<ServiceMetrics['counter']>;

  constructor(private readonly options: ShortPathOptions) {
    this.taken = options.metrics.counter('samverkan_gateway_short_path_total', 'Requests the short path took, by outcome: answered, or handed over (its fetch answered with errors, which the full path answers from).', ['outcome']);
    this.planned = options.metrics.counter('samverkan_gateway_short_path_plans_total', 'Documents the short path planned, by whether it keeps a shortcut for them (kept="false": the full path answers them).', ['kept']);
    this.supergraph = Supergraph.build(options.supergraphSdl);
    this.planner = new QueryPlanner(this.supergraph);
    this.known = new LRUCache({ max: options.max ?? 1000, maxSize: KNOWN_MAX_BYTES, sizeCalculation: (_value, query) => 1024 + query.length * 16 });
  }

  /**
   * Learns each document the full path runs: the Apollo Server plugin. It must come after every
   * plugin that may refuse an operation in `didResolveOperation` (execution starts after them all).
   */
  plugin(): ApolloServerPlugin {
    return {
      requestDidStart: async ({ request }) => {
        const query = request.query;
        if (typeof query !== 'string') return;
        return {
          // Apollo Server starts execution also without an operation to run (an unknown operation name), to answer why.
          executionDidStart: async ({ document, operation, operationName }) => {
            if (!document || !operation) return;
            const key = request.operationName ?? '';
            const byName = this.known.get(query);
            // Planned already (a shortcut, or null: the full path answers it) or run `runs` times.
            const runs = byName?.has(key) ? byName.get(key) : 0;
            if (typeof runs !== 'number') return;
            // A document sent once (a prober's, an analyst's one-off) is never planned twice; one that comes again is.
            const learned = runs + 1 < RUNS_BEFORE_PLANNING ? runs + 1 : this.shortcutOf(document, operation, operationName ?? null);
            if (typeof learned !== 'number') this.planned.inc({ kept: String(learned !== null) });
            if (byName) byName.set(key, learned);
            else this.known.set(query, new Map([[key, learned]]));
          },
        };
      },
    };
  }

  /**
   * The HTTP server's listener. A request the short path may take (an anonymous POST to the
   * GraphQL path that accepts JSON) is read here, as the app would read it but without Express's
   * router in the way: its id (see assignRequestId), CORS headers, its clock and its JSON
   * body, by the same middleware. Every other request, and each of these the short path does not
   * answer, goes to `app`, which runs it as it runs any request: the id, the clock and the body
   * already read are kept (with `res.locals.prefetched` when the short path fetched already).
   */
  listener(app: Listener, http: { cors: NodeMiddleware; parseJson: NodeMiddleware; timeoutMs: number; logger: Logger }): Listener {
    return (req, res) => {
      if (req.method !== 'POST' || req.url !== GRAPHQL_PATH || req.headers.authorization !== undefined || !JSON_ACCEPTED.has(req.headers.accept)) return app(req, res);
      const started = process.hrtime.bigint();
      // Should the app take the request over, it answers under the same id (set on the request).
      const requestId = assignRequestId(req, res);
      const deadline = startClock(res, http.timeoutMs);
      http.cors(req, res, () =>
        http.parseJson(req, res, (err) => {
          if (err) return answerFailedRequest(res, err, http.logger, requestId);
          const shortcut = this.eligible(req as IncomingMessage & { body?: unknown });
          if (!shortcut) return app(req, res);
          const { variables } = (req as IncomingMessage & { body: { variables?: Obj | null } }).body;
          this.answer(shortcut, variables ?? {}, deadline, requestId).then(
            (outcome) => {
              if ('prefetched' in outcome) {
                this.taken.inc({ outcome: 'handed over' });
                (res as ServerResponse & { locals: Obj }).locals.prefetched = outcome.prefetched;
                return app(req, res);
              }
              this.taken.inc({ outcome: 'answered' });
              this.options.metrics.observeRequest(shortcut.operationName, 'query', { data: {} }, started);
              res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(outcome.text) }).end(outcome.text);
            },
            (error: unknown) => {
              // Not expected (the data source answers failures as errors): the full path runs the request afresh.
              http.logger.error({ err: error, requestId }, 'the short path failed; the full path answers');
              app(req, res);
            },
          );
        }),
      );
    };
  }

  /** The shortcut for this request (an anonymous POST that accepts JSON, see `listener`), or null when the full path must answer it. */
  private eligible(req: IncomingMessage & { body?: unknown }): Shortcut | null {
    const body = req.body as Obj | undefined;
    if (typeof body !== 'object' || body === null || Array.isArray(body) || typeof body.query !== 'string') return null;
    for (const key in body) if (!BODY_KEYS.has(key)) return null;
    const { variables, operationName } = body;
    if (variables !== undefined && variables !== null && (typeof variables !== 'object' || Array.isArray(variables))) return null;
    if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') return null;
    const shortcut = this.known.get(body.query)?.get((operationName as string | null | undefined) ?? '');
    if (!shortcut || typeof shortcut === 'number') return null;
    const schema = this.options.schema();
    if (!schema || this.options.refusal(body)) return null;
    const vars = (variables ?? {}) as Obj;
    if (shortcut.operation.variableDefinitions?.length && getVariableValues(schema, shortcut.operation.variableDefinitions, vars).errors) return null;
    if (this.options.checkOperation({ schema, document: shortcut.document, variables: vars, operationName: shortcut.operationName })) return null;
    return shortcut;
  }

  /** The answer's text, or the fetch for the full path to answer from. */
  private async answer(shortcut: Shortcut, variables: Obj, deadline: Deadline, requestId: string): Promise<{ text: string } | { prefetched: Prefetched }> {
    const { fetch } = shortcut;
    // As @apollo/gateway's executor: the fetch's variables as the client gave them, undefined ones left out.
    const fetchVariables = Object.create(null) as Obj;
    for (const name of fetch.variableUsages) if (Object.hasOwn(variables, name) && variables[name] !== undefined) fetchVariables[name] = variables[name];
    const source = this.options.source()!;
    const response = await source.answerOperation(
      { query: fetch.query, document: fetch.document, operation: fetch.operation, variables: fetchVariables },
      { identity: null, deadline, requestId },
    );
    const prefetched = { prefetched: { query: fetch.query, variables: fetchVariables, response } };
    if (response.errors?.length || !response.data) return prefetched;
    const shaped = computeResponse({
      operation: shortcut.shaping,
      variables,
      input: response.data as Obj,
      introspectionHandling: () => {
        throw new Error('no introspection on the short path');
      },
    });
    if (shaped.errors.length) return prefetched;
    // As Apollo Server writes a single result (prettyJSONStringify).
    return { text: `${JSON.stringify({ data: shaped.data })}\n` };
  }

  /** The shortcut of an operation the full path is about to run, or null when its plan is not one plain fetch from the kommun contract. */
  private shortcutOf(document: DocumentNode, operation: OperationDefinitionNode, operationName: string | null): Shortcut | null {
    if (operation.operation !== 'query' || !uses(document, operation)) return null;
    try {
      const shaping = operationFromDocument(this.supergraph.apiSchema(), document, { operationName: operationName ?? undefined, validate: false });
      const plan = this.planner.buildQueryPlan(shaping);
      const node = plan.node;
      if (node?.kind !== 'Fetch' || !isPlainFetch(node, this.options.subgraph)) return null;
      // Parsed as the data source parses the fetches @apollo/gateway sends it.
      const fetchDocument = parseFetch(node.operation);
      const fetchOperation = getOperationAST(fetchDocument);
      if (!fetchOperation) return null;
      return {
        operationName,
        document,
        operation,
        shaping,
        fetch: { query: node.operation, document: fetchDocument, operation: fetchOperation, variableUsages: node.variableUsages ?? [] },
      };
    } catch {
      return null;
    }
  }
}

/** A fetch from `subgraph` with nothing to require or rewrite. */
function isPlainFetch(node: FetchNode, subgraph: string): boolean {
  return (
    node.serviceName === subgraph &&
    node.operationKind === 'query' &&
    !node.requires?.length &&
    !node.inputRewrites?.length &&
    !node.outputRewrites?.length &&
    !node.contextRewrites?.length
  );
}

/**
 * Whether an operation uses only what the short path answers: no introspection fields (Apollo's
 * executor answers those itself) and no incremental delivery.
 */
function uses(document: DocumentNode, operation: OperationDefinitionNode): boolean {
  let plain = true;
  const check = {
    Field(node: { name: { value: string } }) {
      if (node.name.value === '__schema' || node.name.value === '__type') plain = false;
    },
    Directive(node: { name: { value: string } }) {
      if (node.name.value === 'defer' || node.name.value === 'stream') plain = false;
    },
  };
  visit(operation, check);
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) visit(d, check);
  return plain;
}

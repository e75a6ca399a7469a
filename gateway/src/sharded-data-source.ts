import { getOperationAST, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { kommunAudience, REQUEST_ID_HEADER, type AssertionSigner, type Identity, type Logger } from '@samverkan/server-kit';
import { isDeepStrictEqual } from 'node:util';
import type { Deadline } from './deadline';
import type { Prefetched } from './short-path';
import type { ReadTracker } from './cache/response-cache';
import { parseFetch, rootFields } from './documents';
import { findCutEntities, graftCut } from './pipeline/cuts';
import { answerEntities } from './pipeline/entities';
import { FetchReport } from './pipeline/fanout';
import type { Fetch, Stages } from './pipeline/fetch';
import { answerMutation } from './pipeline/mutation';
import { Planner } from './pipeline/plan';
import { answerQuery } from './pipeline/query';
import { VersionGate } from './pipeline/versions';
import type { RoutingDeclaration } from './routing/declaration';
import type { ShardClient } from './shards/client';
import type { MemberRegistry } from './shards/registry';

type Obj = Record<string, unknown>;

/** What every fetch of one client request shares: the caller, their token and the request's deadline. */
export interface RequestScope {
  /** Sent with writes only, to the kommun that owns them (see FanOutScope.writeAuthorization). */
  authorization?: string;
  /** The caller as the gateway verified them: asserted to the owner of a field that must know who asks. */
  identity?: Identity | null;
  deadline?: Deadline;
  /** What the request reads and writes, for the response cache. */
  reads?: ReadTracker;
  /** The client request's id (see assignRequestId): sent on to every kommun asked, and named in the log. */
  requestId?: string;
}

export interface ShardedDataSourceOptions {
  contract: GraphQLSchema;
  declaration: RoutingDeclaration;
  registry: MemberRegistry;
  client: ShardClient;
  logger: Logger;
  /** Signs the gateway's assertions of who asks, for the fields the declaration lists under `identity`. */
  assertions?: AssertionSigner;
  /**
   * Answers as a member of a hub above (see member.ts), as a combined kommun instance would: a
   * kommunkod a `municipalities` filter names that this gateway does not serve is another member's
   * business, left out without an error. Default false: the gateway names it MUNICIPALITY_UNKNOWN.
   */
  asMember?: boolean;
}

/**
 * The data source of the kommun contract: one logical subgraph whose fetches go to the member
 * shards. Entity fetches are split by owner and put back in order; broadcast fields are asked of
 * every shard and merged; mutations go to the owning kommun only. Everything is derived from the
 * routing declaration, so a field added to the contract needs no code here.
 *
 * Each fetch runs one way through the pipeline: plan (pipeline/plan) → fan out (pipeline/fanout)
 * → complete pages (pipeline/pages) → merge (routing/merge).
 */
export class ShardedDataSource implements GraphQLDataSource {
  private readonly planner: Planner;
  private readonly versions: VersionGate;

  constructor(private readonly options: ShardedDataSourceOptions) {
    this.planner = new Planner({ contract: options.contract, declaration: options.declaration });
    this.versions = new VersionGate(options.contract, options.registry);
  }

  async process(options: GraphQLDataSourceProcessOptions): Promise<GatewayGraphQLResponse> {
    const { request } = options;
    if (options.kind !== 'incoming operation') return { data: {} };
    const document = options.document ?? parseFetch(request.query!);
    const variables = (request.variables ?? {}) as Obj;
    const operation = getOperationAST(document, request.operationName);
    if (!operation) return { errors: [{ message: 'The gateway built a fetch without an operation.' }] };
    const http = options.incomingRequestContext.request.http;
    const authorization = http?.headers.get('authorization') ?? undefined;
    const requestId = http?.headers.get(REQUEST_ID_HEADER) ?? undefined;
    // The request's one deadline (set when it started, see GatewayContext): every fetch draws from it.
    const context = (options.context ?? {}) as { deadline?: Deadline; identity?: Identity | null; reads?: ReadTracker; prefetched?: Prefetched };
    const { deadline, identity, reads, prefetched } = context;
    // The short path asked this very fetch already (and handed the request over for its errors).
    if (prefetched && prefetched.query === request.query && isDeepStrictEqual(prefetched.variables, variables)) {
      context.prefetched = undefined;
      return prefetched.response;
    }
    return this.fetch({ query: request.query!, document, operation, variables }, { authorization, identity, deadline, reads, requestId });
  }

  /**
   * A contract-level operation as a hub above sends it to this gateway's member face (root fields
   * of the contract, `_entities`, or a mutation), answered by the same pipeline as the gateway's
   * own fetches.
   */
  answerOperation(fetch: Fetch, request: RequestScope): Promise<GatewayGraphQLResponse> {
    return this.fetch(fetch, request);
  }

  /**
   * One fetch: what its shards can answer, then what had to be cut from it (entities nested below
   * its root fields that other shards hold, see planCuts), each as an `_entities` fetch of its
   * own, at any depth, grafted back in place.
   */
  private async fetch(fetch: Fetch, request: RequestScope): Promise<GatewayGraphQLResponse> {
    const plan = this.oneShard() ? null : this.planner.cuts(fetch.query, fetch.document, fetch.operation);
    const shardFetch: Fetch = plan ? { ...fetch, query: plan.query, document: plan.document, operation: getOperationAST(plan.document)! } : fetch;
    const response = await this.answer(shardFetch, request);
    if (!plan || !response.data) return response;
    const errors = [...(response.errors ?? [])];
    await Promise.all(
      plan.cuts.map(async (cut) => {
        const found = findCutEntities(cut, response.data as Obj);
        if (!found.reps.length) return;
        const entities = { query: cut.entities.query, document: cut.entities.document, operation: getOperationAST(cut.entities.document)! };
        graftCut(found, await this.fetch({ ...entities, variables: { ...fetch.variables, representations: found.reps } }, request), errors);
      }),
    );
    return errors.length ? { data: response.data, errors: dedupe(errors) } : { data: response.data };
  }

  /** The fetch's own answer, from the part that handles its kind: mutations, `_entities`, or root query fields. */
  private answer(fetch: Fetch, request: RequestScope): Promise<GatewayGraphQLResponse> {
    const { registry, client, logger } = this.options;
    const write = fetch.operation.operation === 'mutation';
    const stages: Stages = {
      contract: this.options,
      asMember: this.options.asMember,
      planner: this.planner,
      registry,
      fanout: {
        client,
        logger,
        report: new FetchReport(registry),
        deadline: request.deadline,
        writeAuthorization: write ? request.authorization : undefined,
        write,
        identityFor: write ? undefined : this.identityFor(fetch, request),
        versions: this.versions,
        reads: request.reads,
        requestId: request.requestId,
      },
    };
    const fields = rootFields(fetch.operation);
    if (write) return answerMutation(fetch, stages);
    if (fields.length === 1 && fields[0].name.value === '_entities') return answerEntities(fetch, stages, fields[0]);
    return answerQuery(fetch, stages, fields);
  }

  /**
   * For a fetch of fields that answer according to who asks (the declaration's `identity`, all
   * routed to one owner): the gateway's assertion of the caller, bound to the kommun asked. The
   * caller's token stays here; an anonymous caller is asserted to nobody, and the owner answers
   * as to anyone who does not say who they are.
   */
  private identityFor(fetch: Fetch, request: RequestScope): ((codes: string[]) => Promise<string | undefined>) | undefined {
    const { declaration, assertions } = this.options;
    const { identity } = request;
    if (!identity || !assertions || !declaration.identity.length) return undefined;
    if (!rootFields(fetch.operation).some((f) => declaration.identity.includes(`Query.${f.name.value}`))) return undefined;
    return async (codes) => (codes.length === 1 ? `Bearer ${await assertions.signAssertion(identity, kommunAudience(codes[0]))}` : undefined);
  }

  /** Whether one shard serves every kommun: then it answers every fetch whole, and nothing is cut. */
  private oneShard(): boolean {
    const { registry } = this.options;
    return new Set(registry.all().map((m) => registry.target(m.code).url)).size <= 1;
  }
}

/** The errors of a fetch and its cuts, each once (a kommun missing from several parts is named once). */
function dedupe(errors: GraphQLFormattedError[]): GraphQLFormattedError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const id = JSON.stringify([e.message, e.path, e.extensions?.code, e.extensions?.municipality]);
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

import { getOperationAST, type OperationDefinitionNode } from 'graphql';
import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { REGION_AUDIENCE, REQUEST_ID_HEADER, type AssertionSigner, type Identity } from '@samverkan/server-kit';
import type { Deadline } from './deadline';
import { REGION_SCOPE, type ReadTracker } from './cache/response-cache';
import { parseFetch, rootFields } from './documents';
import type { ShardClient } from './shards/client';

/** Region query fields that answer according to who asks: the gateway asserts the caller to the region for them. */
export const REGION_IDENTITY_FIELDS: ReadonlySet<string> = new Set(['regionAuditLog']);

/**
 * The region subgraph, over the same pooled keep-alive client as the shards (identical reads in
 * flight shared), within the request's deadline. The caller's token goes with writes only; a read
 * of a field that must know who asks (REGION_IDENTITY_FIELDS) carries the gateway's own
 * assertion of the caller, bound to the region, instead.
 */
export class RegionDataSource implements GraphQLDataSource {
  constructor(
    private readonly url: string,
    private readonly client: ShardClient,
    private readonly assertions?: AssertionSigner,
  ) {}

  async process(options: GraphQLDataSourceProcessOptions): Promise<GatewayGraphQLResponse> {
    const headers: Record<string, string> = {};
    let write = false;
    if (options.kind === 'incoming operation') {
      // The client request's id goes along, so that the region's log lines carry the gateway's id.
      const requestId = options.incomingRequestContext.request.http?.headers.get(REQUEST_ID_HEADER);
      if (requestId) headers[REQUEST_ID_HEADER] = requestId;
      const operation = getOperationAST(options.document ?? parseFetch(options.request.query!), options.request.operationName);
      write = operation?.operation === 'mutation';
      const authorization = options.incomingRequestContext.request.http?.headers.get('authorization');
      const identity = (options.context as { identity?: Identity | null } | undefined)?.identity;
      if (operation?.operation === 'mutation') {
        if (authorization) headers.authorization = authorization;
      } else if (identity && this.assertions && operation && asksWhoAsks(operation)) {
        headers.authorization = `Bearer ${await this.assertions.signAssertion(identity, REGION_AUDIENCE)}`;
      }
    }
    const { query, variables, operationName } = options.request;
    const { deadline, reads } = (options.context ?? {}) as { deadline?: Deadline; reads?: ReadTracker };
    reads?.[write ? 'written' : 'read'].add(REGION_SCOPE);
    try {
      return (await this.client.post(this.url, { query: query!, variables, operationName }, headers, deadline, { write, notBefore: reads?.since })) as GatewayGraphQLResponse;
    } catch (err) {
      return { errors: [{ message: `The region subgraph ${(err as Error).message}; region data is missing from this answer.`, extensions: { code: 'REGION_UNAVAILABLE' } }] };
    }
  }
}

const asksWhoAsks = (operation: OperationDefinitionNode) => rootFields(operation).some((f) => REGION_IDENTITY_FIELDS.has(f.name.value));

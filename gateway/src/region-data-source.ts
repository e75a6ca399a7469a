import { getOperationAST, parse } from 'graphql';
import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import type { Deadline } from './deadline';
import type { ShardClient } from './shards/client';

/**
 * The region subgraph, over the same pooled keep-alive client as the shards (identical reads in
 * flight shared), within the request's deadline. The caller's token goes with writes only.
 */
export class RegionDataSource implements GraphQLDataSource {
  constructor(
    private readonly url: string,
    private readonly client: ShardClient,
  ) {}

  async process(options: GraphQLDataSourceProcessOptions): Promise<GatewayGraphQLResponse> {
    const headers: Record<string, string> = {};
    const document = options.kind === 'incoming operation' ? (options.document ?? parse(options.request.query!)) : undefined;
    if (options.kind === 'incoming operation' && document && getOperationAST(document, options.request.operationName)?.operation === 'mutation') {
      const authorization = options.incomingRequestContext.request.http?.headers.get('authorization');
      if (authorization) headers.authorization = authorization;
    }
    const { query, variables, operationName } = options.request;
    const deadline = (options.context as { deadline?: Deadline } | undefined)?.deadline;
    try {
      return (await this.client.post(this.url, { query: query!, variables, operationName }, headers, deadline)) as GatewayGraphQLResponse;
    } catch (err) {
      return { errors: [{ message: `The region subgraph ${(err as Error).message}; region data is missing from this answer.`, extensions: { code: 'REGION_UNAVAILABLE' } }] };
    }
  }
}

import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import type { Deadline } from './deadline';
import type { ShardClient } from './shards/client';

/**
 * The region subgraph, over the same pooled keep-alive client as the shards (identical reads in
 * flight shared), with the caller's token passed on, within the request's deadline.
 */
export class RegionDataSource implements GraphQLDataSource {
  constructor(
    private readonly url: string,
    private readonly client: ShardClient,
  ) {}

  async process(options: GraphQLDataSourceProcessOptions): Promise<GatewayGraphQLResponse> {
    const headers: Record<string, string> = {};
    if (options.kind === 'incoming operation') {
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

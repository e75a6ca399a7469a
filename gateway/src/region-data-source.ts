import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';

/** The region subgraph, reached over HTTP with the caller's token passed on. */
export class RegionDataSource extends RemoteGraphQLDataSource {
  override willSendRequest(options: GraphQLDataSourceProcessOptions): void {
    if (options.kind !== 'incoming operation') return;
    const authorization = options.incomingRequestContext.request.http?.headers.get('authorization');
    if (authorization) options.request.http?.headers.set('authorization', authorization);
  }
}

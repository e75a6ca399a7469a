import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { buildClientSchema, parse } from 'graphql';
import { standardIntrospectionRequests } from '@samverkan/testing/graphql';
import { readGatewayConfig } from '../config';
import { createGateway, type RegionalGateway } from '../server';

/**
 * Standard tools load the schema through the gateway with its default limits: the real
 * supergraph, contract and routing, over a region subgraph whose registry lists no member, so
 * that every answer here comes from the gateway itself (introspection is answered from its
 * schema; refused queries are refused before any subgraph is asked).
 */
let region: ApolloServer;
let gateway: RegionalGateway;
let url: string;

beforeAll(async () => {
  region = new ApolloServer({
    schema: buildSubgraphSchema({
      typeDefs: parse('type Query { municipalities: [Municipality!]! } type Municipality { code: ID! name: String! subgraphUrl: String }'),
      resolvers: { Query: { municipalities: () => [] } },
    }),
    plugins: [ApolloServerPluginInlineTraceDisabled()],
  });
  const regionUrl = (await startStandaloneServer(region, { listen: { port: 0, host: '127.0.0.1' } })).url;
  gateway = await createGateway(readGatewayConfig({ REGION_URL: regionUrl, LOG_LEVEL: 'silent' }));
  url = await gateway.start(0, '127.0.0.1');
});
afterAll(async () => {
  await gateway?.stop();
  await region?.stop();
});

async function post(body: { query: string; operationName?: string }): Promise<{ status: number; json: any }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, json: await res.json() };
}

describe('introspection through the gateway, default limits', () => {
  it.each(standardIntrospectionRequests().map((r) => [r.name, r.body] as const))('%s answers the whole schema', async (_name, body) => {
    const { status, json } = await post(body);
    expect(json.errors).toBeUndefined();
    expect(status).toBe(200);
    // What the tool does next: build the schema from the answer.
    const schema = buildClientSchema(json.data);
    expect(schema.getQueryType()?.getFields().projects).toBeDefined();
    expect(schema.getType('ProjectConnection')).toBeDefined();
  });

  it('introspection nested past graphql-js\'s own bound is still refused (it costs nothing here)', async () => {
    const { status, json } = await post({ query: '{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }' });
    expect(status).toBe(400);
    expect(json.errors[0].message).toMatch(/introspection depth/);
  });
});

describe('data still costs what it costs', () => {
  const tooExpensive = 'developmentAreas { projects(first: 100) { nodes { partners { municipality { projects(first: 100) { nodes { id } } } } } } }';
  it.each([
    ['alone', `{ ${tooExpensive} }`],
    ['beside introspection', `{ __schema { types { name } } ${tooExpensive} }`],
    ['under an alias that looks like a meta field', `{ __x: ${tooExpensive} }`],
    ['in a fragment on Query spread under introspection names', `query IntrospectionQuery { __typename ...F } fragment F on Query { __schema: ${tooExpensive} }`],
  ])('a too expensive query %s answers QUERY_TOO_COMPLEX', async (_name, query) => {
    const { status, json } = await post({ query });
    expect(status).toBe(400);
    expect(json.errors).toHaveLength(1);
    expect(json.errors[0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', maxCost: 25_000 });
    expect(json.data).toBeUndefined();
  });

  it('a data query too deep answers QUERY_TOO_DEEP beside introspection', async () => {
    const nest = (d: number): string => (d === 0 ? 'id' : `projects(first: 1) { nodes { partners { municipality { ${nest(d - 1)} } } } }`);
    const { status, json } = await post({ query: `{ __schema { queryType { name } } municipality(code: "1480") { ${nest(4)} } }` });
    expect(status).toBe(400);
    expect(json.errors[0].extensions.code).toBe('QUERY_TOO_DEEP');
  });
});

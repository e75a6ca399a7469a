import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { encodeCursor } from '@samverkan/contract';
import { postGraphQL } from '@samverkan/testing/graphql';
import { readGatewayConfig } from '../config';
import { createGateway, type RegionalGateway } from '../server';
import { composeSupergraph } from '../supergraph';
import { ITEM_TYPES, LINK } from './pipeline-fixture';

/**
 * The gateway knows no field of the kommun contract by name: it follows the contract file and the
 * routing declaration. Here a different, small contract is served by three real shards; adding
 * fields to it (a broadcast entity field, a root list) takes new files and shard code, and no
 * gateway code.
 */
const CONTRACT_V1 = `${LINK}
type Query { items(first: Int, orderBy: ItemOrder): ItemConnection! }
${ITEM_TYPES}
type Topic @key(fields: "code") { code: ID! }
`;
const CONTRACT_V2 = `${CONTRACT_V1}
extend type Query { labels: [String!]! }
extend type Topic { items(first: Int, orderBy: ItemOrder): ItemConnection! }
`;
const REGION = `${LINK}
type Query { municipalities: [Municipality!]! topics: [Topic!]! }
type Municipality { code: ID! name: String! subgraphUrl: String }
type Topic @key(fields: "code") { code: ID! name: String! }
`;
const DECLARATION = {
  subgraph: 'kommun',
  entities: { Item: { key: 'id' } },
  route: {},
  merge: { ItemConnection: { kind: 'connection', edges: 'edges', cursor: 'cursor', nodes: 'nodes', pageInfo: 'pageInfo', sum: ['total'], defaultFirst: 10 } },
};

const CODES = ['0001', '0002', '0003'];
/** Each shard's items: sizes that interleave across shards. */
const itemsOf = (code: string) => [1, 2, 3, 4].map((n) => ({ id: `${code}:item:${n}`, label: `${code}-${n}`, size: n * 10 + Number(code), code, n }));

function shardSchema(code: string, withV2: boolean) {
  const page = (first = 10, direction = 'DESC') => {
    const sorted = [...itemsOf(code)].sort((a, b) => (direction === 'DESC' ? b.size - a.size : a.size - b.size));
    const chosen = sorted.slice(0, first);
    const edges = chosen.map((i) => ({ cursor: encodeCursor({ field: 'BUDGET_TOTAL', direction: direction as 'ASC' | 'DESC', value: i.size, code, local: i.n }), node: i }));
    return { edges, nodes: chosen, pageInfo: { hasNextPage: sorted.length > first, endCursor: edges.at(-1)?.cursor ?? null }, total: sorted.length };
  };
  const query: Record<string, unknown> = { items: (_: unknown, a: any) => page(a.first, a.orderBy?.direction) };
  const resolvers: any = { Query: query, Item: { __resolveReference: (r: any) => itemsOf(code).find((i) => i.id === r.id) ?? null } };
  if (withV2) {
    query.labels = () => itemsOf(code).map((i) => i.label);
    resolvers.Topic = { __resolveReference: (r: any) => r, items: (_: unknown, a: any) => page(a.first, a.orderBy?.direction) };
  }
  return buildSubgraphSchema({ typeDefs: parse(withV2 ? CONTRACT_V2 : CONTRACT_V1), resolvers });
}

const servers: ApolloServer[] = [];
async function serve(schema: ReturnType<typeof buildSubgraphSchema>): Promise<string> {
  const server = new ApolloServer({ schema, plugins: [ApolloServerPluginInlineTraceDisabled()] });
  servers.push(server);
  return (await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } })).url;
}

async function regionWith(version: 'v1' | 'v2'): Promise<{ gateway: RegionalGateway; url: string }> {
  const withV2 = version === 'v2';
  const shardUrls = await Promise.all(CODES.map((c) => serve(shardSchema(c, withV2))));
  const regionUrl = await serve(
    buildSubgraphSchema({
      typeDefs: parse(REGION),
      resolvers: {
        Query: { municipalities: () => CODES.map((code, i) => ({ code, name: `Kommun ${code}`, subgraphUrl: shardUrls[i] })), topics: () => [{ code: 'T1', name: 'Topic one' }] },
        Topic: { __resolveReference: (r: any) => ({ ...r, name: 'Topic one' }) },
      } as any,
    }),
  );
  const contract = withV2 ? CONTRACT_V2 : CONTRACT_V1;
  const dir = mkdtempSync(join(tmpdir(), 'samverkan-routing-'));
  writeFileSync(join(dir, 'contract.graphql'), contract);
  writeFileSync(join(dir, 'routing.json'), JSON.stringify(DECLARATION));
  writeFileSync(join(dir, 'supergraph.graphql'), composeSupergraph(REGION, contract, regionUrl));
  const config = readGatewayConfig({
    REGION_URL: regionUrl,
    CONTRACT_FILE: join(dir, 'contract.graphql'),
    ROUTING_FILE: join(dir, 'routing.json'),
    SUPERGRAPH_FILE: join(dir, 'supergraph.graphql'),
    LOG_LEVEL: 'silent',
  });
  const gateway = await createGateway(config);
  return { gateway, url: await gateway.start(0, '127.0.0.1') };
}

const allSizes = CODES.flatMap(itemsOf).map((i) => i.size).sort((a, b) => b - a);

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
});

describe('a contract the gateway has never seen', () => {
  it('v1: its root connection merges across the shards by the declaration', async () => {
    const { gateway, url } = await regionWith('v1');
    try {
      const { body } = await postGraphQL(url, '{ items(first: 5, orderBy: { field: BUDGET_TOTAL, direction: DESC }) { total nodes { size } pageInfo { hasNextPage } } }');
      expect(body.errors).toBeUndefined();
      expect(body.data.items).toEqual({ total: 12, nodes: allSizes.slice(0, 5).map((size) => ({ size })), pageInfo: { hasNextPage: true } });
    } finally {
      await gateway.stop();
    }
  });

  it('v2: a new broadcast entity field and a new root list work with the same gateway code', async () => {
    const { gateway, url } = await regionWith('v2');
    try {
      const { body } = await postGraphQL(url, '{ topics { name items(first: 4, orderBy: { field: BUDGET_TOTAL, direction: ASC }) { total edges { node { label } } } } labels }');
      expect(body.errors).toBeUndefined();
      const ascending = CODES.flatMap(itemsOf).sort((a, b) => a.size - b.size).slice(0, 4).map((i) => ({ node: { label: i.label } }));
      expect(body.data.topics).toEqual([{ name: 'Topic one', items: { total: 12, edges: ascending } }]);
      expect(body.data.labels).toEqual(CODES.flatMap((c) => itemsOf(c).map((i) => i.label)));
    } finally {
      await gateway.stop();
    }
  });
});

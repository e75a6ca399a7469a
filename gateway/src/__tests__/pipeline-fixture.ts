import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { graphql, parse, type GraphQLSchema } from 'graphql';
import { comparePositions, decodeCursor, encodeCursor, type CursorPosition } from '@samverkan/contract';
import { type Logger } from '@samverkan/server-kit';
import type { Deadline } from '../deadline';
import type { RoutingDeclaration } from '../routing/declaration';
import { ShardedDataSource } from '../sharded-data-source';
import { buildContract } from '../shards/contract';
import { ShardClient, type Transport } from '../shards/client';
import type { Member, MemberRegistry } from '../shards/registry';

/**
 * A small contract served by shards that run in this process (no HTTP): each shard is a subgraph
 * schema executed with graphql-js behind the shard client's transport, so that the pipeline's parts
 * are tested with real shard answers, in memory.
 */
export const LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable"])';

/** Items, ordered and paged by keyset cursors: the types of a connection the declaration merges. */
export const ITEM_TYPES = `input ItemOrder { field: ItemOrderField!, direction: Dir! }
enum ItemOrderField { BUDGET_TOTAL }
enum Dir { ASC DESC }
type Item @key(fields: "id") { id: ID! label: String! size: Int! }
type ItemEdge { cursor: String! node: Item! }
type PageInfo { hasNextPage: Boolean! endCursor: String }
type ItemConnection { edges: [ItemEdge!]! nodes: [Item!]! pageInfo: PageInfo! total: Int! }
`;

export const CONTRACT_SDL = `${LINK}
type Query {
  item(id: ID!): Item
  items(filter: ItemFilter, orderBy: ItemOrder, first: Int, after: String): ItemConnection!
  labels: [String!]!
}
type Mutation { createItem(kommun: ID!, label: String!): Item }
input ItemFilter { kommuner: [String!] }
${ITEM_TYPES}
type Topic @key(fields: "code") { code: ID! items(first: Int, orderBy: ItemOrder): ItemConnection! }
`;

export const DECLARATION: RoutingDeclaration = {
  subgraph: 'kommun',
  entities: { Item: { key: 'id', referencedAcrossKommuner: false } },
  route: { 'Query.item': 'id', 'Mutation.createItem': 'kommun' },
  identity: [],
  prune: { 'Query.items': 'filter.kommuner' },
  merge: { ItemConnection: { kind: 'connection', edges: 'edges', cursor: 'cursor', nodes: 'nodes', pageInfo: 'pageInfo', sum: ['total'], defaultFirst: 10 } },
  subscriptions: {},
};

export const contract: GraphQLSchema = buildContract(CONTRACT_SDL);

export interface Item {
  id: string;
  label: string;
  size: number;
  code: string;
  n: number;
}

/** A kommun's items of the given sizes (sizes may repeat, within and across kommuner: ties break by kommunkod, then id). */
export function itemsOf(code: string, sizes: number[]): Item[] {
  return sizes.map((size, i) => ({ id: `${code}:item:${i + 1}`, label: `${code}-${i + 1}`, size, code, n: i + 1 }));
}

export const positionOf = (item: Item, direction: 'ASC' | 'DESC'): CursorPosition => ({ field: 'BUDGET_TOTAL', direction, value: item.size, code: item.code, local: item.n });

/** Items in the global order of a direction. */
export function sorted(items: Item[], direction: 'ASC' | 'DESC' = 'DESC'): Item[] {
  return [...items].sort((a, b) => comparePositions(positionOf(a, direction), positionOf(b, direction)));
}

/** One page of a kommun's items, as a kommun answers it: keyset after a cursor, in the global order. */
export function pageOf(items: Item[], first = 10, direction: 'ASC' | 'DESC' = 'DESC', after?: string | null) {
  const from = after ? decodeCursor(after) : null;
  const rest = sorted(items, direction).filter((i) => !from || comparePositions(positionOf(i, direction), from) > 0);
  const chosen = rest.slice(0, first);
  const edges = chosen.map((node) => ({ cursor: encodeCursor(positionOf(node, direction)), node }));
  return { edges, nodes: chosen, pageInfo: { hasNextPage: rest.length > first, endCursor: edges.at(-1)?.cursor ?? null }, total: items.length };
}

/** A shard's subgraph schema over its kommuner's items. */
export function shardSchema(items: Item[]): GraphQLSchema {
  const page = (a: { first?: number; after?: string; orderBy?: { direction: 'ASC' | 'DESC' } }) => pageOf(items, a.first ?? 10, a.orderBy?.direction ?? 'DESC', a.after);
  return buildSubgraphSchema({
    typeDefs: parse(CONTRACT_SDL),
    resolvers: {
      Query: {
        item: (_: unknown, a: { id: string }) => items.find((i) => i.id === a.id) ?? null,
        items: (_: unknown, a: Parameters<typeof page>[0] & { filter?: { kommuner?: string[] } }) => {
          const kept = a.filter?.kommuner ? items.filter((i) => a.filter!.kommuner!.includes(i.code)) : items;
          return pageOf(kept, a.first ?? 10, a.orderBy?.direction ?? 'DESC', a.after);
        },
        labels: () => items.map((i) => i.label),
      },
      Mutation: { createItem: (_: unknown, a: { kommun: string; label: string }) => ({ id: `${a.kommun}:item:99`, label: a.label, size: 0 }) },
      Item: { __resolveReference: (r: { id: string }) => items.find((i) => i.id === r.id) ?? null },
      Topic: { __resolveReference: (r: { code: string }) => r, items: (_: unknown, a: Parameters<typeof page>[0]) => page(a) },
    } as never,
  });
}

/** What one in-process shard does with a request: answer it from a schema, or misbehave. */
export type ShardBehaviour =
  | { schema: GraphQLSchema }
  | { throws: string }
  | { hangs: true }
  | { answers: unknown }
  /** Answered by a function: a gateway's member face in process (see hub-of-hubs.test.ts). */
  | { handle: (query: string, variables: Record<string, unknown>, headers: Record<string, string>) => Promise<unknown> };

/** Every request a transport was given, to assert on. */
export interface Sent {
  url: string;
  query: string;
  variables: Record<string, unknown>;
  headers: Record<string, string>;
}

/** A shard client transport that serves each URL in process. */
export function inProcessTransport(shards: Record<string, ShardBehaviour>, sent: Sent[] = []): Transport {
  return async (url, body, headers, signal) => {
    const { query, variables } = JSON.parse(body) as { query: string; variables: Record<string, unknown> };
    sent.push({ url, query, variables, headers });
    const shard = shards[url];
    if (!shard) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    if ('throws' in shard) throw Object.assign(new Error(shard.throws), { code: 'ECONNRESET' });
    if ('hangs' in shard) {
      return new Promise((_, reject) => signal.addEventListener('abort', () => reject(Object.assign(new Error('aborted'), { name: 'AbortError' }))));
    }
    if ('answers' in shard) return { status: 200, text: JSON.stringify(shard.answers) };
    if ('handle' in shard) return { status: 200, text: JSON.stringify(await shard.handle(query, variables ?? {}, headers)) };
    const result = await graphql({ schema: shard.schema, source: query, variableValues: variables });
    return { status: 200, text: JSON.stringify(result) };
  };
}

/** A registry of members (named `Ort <code>`) each served at `http://shard-<code>/`, or at the URL given. */
export function registryOf(codes: string[], urlOf: (code: string) => string | null = (code) => `http://shard-${code}/`): MemberRegistry {
  const members = new Map<string, Member>(
    codes.map((code) => {
      const url = urlOf(code);
      return [code, { code, name: `Ort ${code}`, url, state: url ? 'active' : 'unavailable', verifiedUrl: url ?? undefined, reason: url ? undefined : 'its subgraph has not been reached yet' }];
    }),
  );
  const registry: Pick<MemberRegistry, 'all' | 'get' | 'target'> = {
    all: () => [...members.values()].sort((a, b) => a.code.localeCompare(b.code)),
    get: (code) => members.get(code),
    target: (code) => {
      const m = members.get(code);
      if (!m) return { url: null, reason: `kommun ${code} is not a member of this region` };
      return m.verifiedUrl ? { url: m.verifiedUrl } : { url: null, member: m, reason: m.reason ?? 'unknown' };
    },
  };
  return registry as MemberRegistry;
}

/** A logger that keeps what it is given. */
export function memoryLogger(): Logger & { warnings: unknown[] } {
  const warnings: unknown[] = [];
  const noop = () => undefined;
  const logger = { warnings, warn: (...args: unknown[]) => void warnings.push(args), info: noop, error: noop, debug: noop, trace: noop, fatal: noop, child: () => logger, level: 'silent' };
  return logger as unknown as Logger & { warnings: unknown[] };
}

/** A deterministic pseudo-random generator (mulberry32), so that a failing case can be run again by its seed. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A sharded data source over in-process shards, one per kommun (or as `urlOf` groups them). */
export function regionOf(
  itemsByCode: Record<string, Item[]>,
  options: { behaviour?: Record<string, ShardBehaviour>; urlOf?: (code: string) => string | null; timeoutMs?: number; asMember?: boolean } = {},
) {
  const codes = Object.keys(itemsByCode).sort();
  const urlOf = options.urlOf ?? ((code: string) => `http://shard-${code}/`);
  const served: Record<string, ShardBehaviour> = {};
  for (const code of codes) {
    const url = urlOf(code);
    if (!url) continue;
    const items = codes.filter((c) => urlOf(c) === url).flatMap((c) => itemsByCode[c]);
    served[url] = options.behaviour?.[code] ?? { schema: shardSchema(items) };
  }
  const sent: Sent[] = [];
  const client = new ShardClient({ timeoutMs: options.timeoutMs ?? 10_000, concurrency: 16, transport: inProcessTransport(served, sent) });
  const logger = memoryLogger();
  const source = new ShardedDataSource({ contract, declaration: DECLARATION, registry: registryOf(codes, urlOf), client, logger, asMember: options.asMember });
  /** One fetch, as the gateway's query planner hands it to the data source. */
  const fetch = async (query: string, variables: Record<string, unknown> = {}, scope: { authorization?: string; deadline?: Deadline } = {}) => {
    const headers = new Map(scope.authorization ? [['authorization', scope.authorization]] : []);
    const options = {
      kind: 'incoming operation',
      request: { query, variables },
      incomingRequestContext: { request: { http: { headers } } },
      context: { deadline: scope.deadline },
    };
    return source.process(options as unknown as GraphQLDataSourceProcessOptions);
  };
  return { source, sent, fetch, logger, close: () => client.close() };
}

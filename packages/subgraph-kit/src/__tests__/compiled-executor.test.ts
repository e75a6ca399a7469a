/**
 * The compiled executor against graphql-js itself: generated operations (fields, aliases,
 * fragments, @include/@skip, variables with and without defaults, wrong variables, resolvers that
 * fail in every way, abstract types) run by both over one schema, and the answers compared.
 */
import { GraphQLError, buildSchema, execute, getOperationAST, parse, validate, type GraphQLFieldResolver, type GraphQLObjectType, type GraphQLSchema } from 'graphql';
import { GraphQLDateTimeISO, GraphQLLocalDate } from 'graphql-scalars';
import { compiledExecutor, RUNS_BEFORE_COMPILING } from '../compiled-executor';

const sdl = /* GraphQL */ `
  enum Status { PLANNED ONGOING COMPLETED }
  input Inner { flag: Boolean! = false, on: LocalDate }
  input Filter { statuses: [Status!]! = [], text: String, limit: Int! = 3, inner: Inner, since: DateTimeISO }
  interface Node { id: ID! }
  type Person implements Node { id: ID! name: String }
  type Item implements Node {
    id: ID!
    title: String!
    score: Float
    status: Status!
    tags: [String!]!
    broken: String!
    failing: String
    owner: Person
  }
  union Thing = Item | Person
  type Query {
    items(filter: Filter, first: Int = 2): [Item!]!
    item(id: ID!): Item
    things: [Thing!]!
    node(id: ID!): Node
    echo(filter: Filter!): String!
  }
  scalar LocalDate
  scalar DateTimeISO
`;

interface Item { id: string; title: string; score: number | null; status: string; tags: string[]; owner: { id: string; name: string | null } | null }
const ITEMS: Item[] = Array.from({ length: 6 }, (_, i) => ({
  id: `i${i}`,
  title: `Item ${i}`,
  score: i % 3 ? i * 1.5 : null,
  status: ['PLANNED', 'ONGOING', 'COMPLETED'][i % 3],
  tags: Array.from({ length: i % 3 }, (_, j) => `t${j}`),
  owner: i % 2 ? { id: `p${i}`, name: i % 4 === 1 ? `Person ${i}` : null } : null,
}));

function testSchema(): GraphQLSchema {
  const schema = buildSchema(sdl);
  Object.assign(schema.getType('LocalDate')!, { parseValue: GraphQLLocalDate.parseValue, serialize: GraphQLLocalDate.serialize, parseLiteral: GraphQLLocalDate.parseLiteral });
  Object.assign(schema.getType('DateTimeISO')!, { parseValue: GraphQLDateTimeISO.parseValue, serialize: GraphQLDateTimeISO.serialize, parseLiteral: GraphQLDateTimeISO.parseLiteral });
  const resolve = (type: string, field: string, fn: GraphQLFieldResolver<any, any>) => {
    (schema.getType(type) as GraphQLObjectType).getFields()[field].resolve = fn;
  };
  const later = <T>(value: T) => new Promise<T>((r) => setImmediate(() => r(value)));
  resolve('Query', 'items', async (_, { filter, first }: { filter?: { statuses: string[]; limit: number }; first: number }) => {
    const wanted = filter?.statuses ?? [];
    return later(ITEMS.filter((i) => !wanted.length || wanted.includes(i.status)).slice(0, Math.min(first, filter?.limit ?? 99)));
  });
  resolve('Query', 'item', (_, { id }: { id: string }) => ITEMS.find((i) => i.id === id) ?? null);
  resolve('Query', 'things', () => ITEMS.flatMap((i) => (i.owner ? [i, i.owner] : [i])));
  resolve('Query', 'node', (_, { id }: { id: string }) => ITEMS.find((i) => i.id === id) ?? ITEMS.map((i) => i.owner).find((o) => o?.id === id) ?? null);
  resolve('Query', 'echo', (_, { filter }: { filter: unknown }) => JSON.stringify(filter));
  // A non-null field that is null for some items: the item (or the list) goes null, one error.
  resolve('Item', 'broken', (i: Item) => (i.score === null ? null : `ok ${i.id}`));
  // Errors of every kind: a user error with a code, an internal one, a rejected promise.
  resolve('Item', 'failing', async (i: Item) => {
    const n = Number(i.id.slice(1));
    if (n % 3 === 0) throw new GraphQLError(`bad ${i.id}`, { extensions: { code: 'BAD_USER_INPUT', field: 'id' } });
    if (n % 3 === 1) throw new Error(`internal ${i.id}`);
    return later(`fine ${i.id}`);
  });
  const typeOf = (v: { title?: string }) => (v.title === undefined ? 'Person' : 'Item');
  Object.assign(schema.getType('Thing')!, { resolveType: typeOf });
  Object.assign(schema.getType('Node')!, { resolveType: typeOf });
  return schema;
}

/** A small deterministic generator (mulberry32), so that a failure can be replayed. */
function random(seed: number) {
  let a = seed;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)], chance: (p: number) => next() < p };
}

const ITEM_FIELDS = ['id', 'title', 'score', 'status', 'tags', 'broken', 'failing', 'owner { id name }', '__typename'];

function itemSelection(r: ReturnType<typeof random>): string {
  const fields = ITEM_FIELDS.filter(() => r.chance(0.5));
  if (!fields.length) fields.push('id');
  return fields
    .map((f, i) => {
      const [name, sub = ''] = f.split(/ (?=\{)/);
      const aliased = r.chance(0.2) ? `a${i}: ${name}` : name;
      const directive = r.chance(0.15) ? ' @include(if: $flag)' : r.chance(0.1) ? ' @skip(if: $flag)' : '';
      return `${aliased}${directive} ${sub}`;
    })
    .join(' ');
}

function operation(r: ReturnType<typeof random>): { query: string; variables: Record<string, unknown> } {
  const parts: string[] = [];
  if (r.chance(0.7)) parts.push(`items(filter: $filter, first: $first) { ${itemSelection(r)} ${r.chance(0.3) ? '...F' : ''} }`);
  if (r.chance(0.4)) parts.push(`item(id: "${r.pick(['i0', 'i1', 'i2', 'i3', 'nope'])}") { ${itemSelection(r)} }`);
  if (r.chance(0.3)) parts.push(`things { __typename ... on Item { id title } ... on Person { name } }`);
  if (r.chance(0.3)) parts.push(`node(id: "${r.pick(['i1', 'p1', 'p3', 'x'])}") { id __typename ... on Person { name } }`);
  if (r.chance(0.3)) parts.push(`echo(filter: ${r.pick(['$required', '{ text: "x" }', '{ statuses: [ONGOING], inner: {} }', '{ inner: { on: "2024-02-29" } }'])})`);
  if (!parts.length) parts.push('__typename');
  const fragment = /\.\.\.F/.test(parts.join('')) ? 'fragment F on Item { title status }' : '';
  const body = parts.join(' ');
  const definitions = ['$filter: Filter', '$first: Int = 2', '$flag: Boolean = true', '$required: Filter = { limit: 1 }'].filter((d) => body.includes(`${d.split(':')[0]})`) || body.includes(`${d.split(':')[0]},`));
  const query = `query Q${definitions.length ? `(${definitions.join(', ')})` : ''} { ${body} } ${fragment}`;
  const variables: Record<string, unknown> = {};
  if (r.chance(0.6))
    variables.filter = r.pick<unknown>([
      {},
      { statuses: ['ONGOING', 'PLANNED'] },
      { statuses: 'COMPLETED' }, // a single value for a list, as GraphQL allows
      { limit: 1, inner: { on: '2024-01-31' } },
      { since: '2024-01-02T03:04:05Z' },
      { statuses: ['NOT_A_STATUS'] }, // wrong: refused
      { limit: 'three' }, // wrong
      { inner: { on: '2024-02-30' } }, // wrong date
      { unknown: 1 }, // wrong field
      null,
    ]);
  if (r.chance(0.5)) variables.first = r.pick<unknown>([0, 1, 5, null, 2 ** 40, '2']);
  if (r.chance(0.5)) variables.flag = r.pick<unknown>([true, false, 'yes']);
  if (r.chance(0.3)) variables.required = r.pick<unknown>([{ text: 'y' }, { statuses: [] }, 7]);
  return { query, variables };
}

/** What a client sees of an answer; errors in a stable order (the two may meet them in another). */
function seen(result: { data?: unknown; errors?: readonly GraphQLError[] }) {
  const errors = result.errors?.map((e) => ({ message: e.message, path: e.path, locations: e.locations, extensions: e.extensions, original: e.originalError?.message }));
  errors?.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  return JSON.parse(JSON.stringify({ data: result.data, errors }));
}

/** Whether some part of `path` (not the whole) is null in `data`: the error's field was taken away with its parent. */
function underANull(data: unknown, path: Array<string | number> | undefined): boolean {
  let at: unknown = data;
  for (const step of path?.slice(0, -1) ?? []) {
    if (at === null) return true;
    at = (at as Record<string | number, unknown>)[step];
  }
  return at === null || data === null;
}

describe('compiledExecutor', () => {
  const schema = testSchema();
  /**
   * Runs a document as Apollo hands it over, the same document object each time: by graphql-js
   * until it has run RUNS_BEFORE_COMPILING times, then compiled. Every run's data must be
   * graphql-js's; the compiled run's answer is returned.
   */
  const run = async (query: string, variables: Record<string, unknown>, operationName?: string) => {
    const compiledOperations: Array<string | undefined> = [];
    const { executor } = await compiledExecutor(schema, { compiled: (name) => compiledOperations.push(name) }).load({ apollo: { key: '', keyHash: '', graphRef: '' } } as never);
    const document = parse(query);
    const operation = getOperationAST(document, operationName) ?? undefined;
    const once = () => executor!({ document, operation, operationName: operation?.name?.value ?? null, request: { query, variables, operationName }, context: {} } as never);
    const expected = seen(await execute({ schema, document: parse(query), variableValues: variables, contextValue: {}, operationName }));
    for (let i = 0; i < RUNS_BEFORE_COMPILING; i++) {
      expect({ query, variables, run: i, data: seen(await once()).data }).toEqual({ query, variables, run: i, data: expected.data });
    }
    expect(compiledOperations).toEqual([]);
    const result = await once();
    // An operation graphql-js can run is compiled at its run after RUNS_BEFORE_COMPILING.
    if (operation) expect(compiledOperations).toHaveLength(1);
    return result;
  };

  it('answers 300 generated operations exactly as graphql-js does, data and errors', async () => {
    const r = random(20261128);
    let compared = 0;
    let withErrors = 0;
    for (let i = 0; i < 300; i++) {
      const { query, variables } = operation(r);
      expect(validate(schema, parse(query))).toEqual([]);
      const expected = await execute({ schema, document: parse(query), variableValues: variables, contextValue: {} });
      const actual = await run(query, variables);
      const [a, e] = [seen(actual), seen(expected)];
      expect({ query, variables, data: a.data }).toEqual({ query, variables, data: e.data });
      // graphql-js answers as soon as a null has taken a field's parent away, and drops the errors
      // of that parent's fields still running; the compiled query waits for them and lists them.
      // Every other error is the same.
      const key = JSON.stringify;
      const extra = (a.errors ?? []).filter((x: object) => !(e.errors ?? []).some((y: object) => key(y) === key(x)));
      expect({ query, variables, missing: (e.errors ?? []).filter((y: object) => !(a.errors ?? []).some((x: object) => key(x) === key(y))) }).toEqual({ query, variables, missing: [] });
      for (const error of extra) expect({ query, error, underANull: underANull(a.data, error.path) }).toEqual({ query, error, underANull: true });
      compared++;
      if (expected.errors?.length) withErrors++;
    }
    // The generator reaches both answers with and without errors.
    expect(compared).toBe(300);
    expect(withErrors).toBeGreaterThan(50);
    expect(withErrors).toBeLessThan(290);
  });

  it('answers errors graphql-js would make, with their extensions, as graphql-js errors', async () => {
    const result = await run('{ items(first: 5) { id failing } }', {});
    expect(result.errors!.length).toBeGreaterThan(1);
    for (const error of result.errors!) {
      expect(error).toBeInstanceOf(GraphQLError);
      expect(error.extensions).toBeDefined();
      expect(error.locations).toEqual([{ line: 1, column: 24 }]);
    }
    const user = result.errors!.find((e) => e.message === 'bad i0')!;
    expect(user.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'id' });
    expect(result.errors!.find((e) => e.message === 'internal i1')!.originalError).toBeInstanceOf(Error);
  });

  it('fills in a non-null input field default, as graphql-js does', async () => {
    const result = await run('query($f: Filter!) { echo(filter: $f) }', { f: { text: 'a' } });
    expect(result).toEqual({ data: { echo: JSON.stringify({ statuses: [], text: 'a', limit: 3 }) } });
  });

  it('names the operation to run when a document holds several, running none', async () => {
    const expected = await execute({ schema, document: parse('query A { __typename } query B { items { id } }') });
    const result = await run('query A { __typename } query B { items { id } }', {});
    expect(seen(result)).toEqual(seen(expected));
    expect(result.errors![0].message).toMatch(/operation name/);
  });

  it('refuses a schema whose enum values are not their names: variables would be coerced twice', () => {
    const odd = buildSchema('enum E { A } type Query { e(x: E): E }');
    const a = odd.getType('E') as unknown as { getValues(): Array<{ value: unknown }> };
    a.getValues()[0].value = 'a';
    expect(() => compiledExecutor(odd)).toThrow(/E\.A/);
  });

  it('keeps the values of the scalars the subgraphs take as input when they are coerced again', () => {
    for (const [scalar, inputs] of [
      [GraphQLLocalDate, ['2024-02-29', '1999-12-31']],
      [GraphQLDateTimeISO, ['2024-01-02T03:04:05Z', '2024-01-02T03:04:05.123+02:00']],
    ] as const) {
      for (const input of inputs) {
        const once = scalar.parseValue(input);
        expect(String(scalar.parseValue(once))).toBe(String(once));
      }
    }
  });
});

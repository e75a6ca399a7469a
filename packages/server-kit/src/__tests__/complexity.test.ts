import { buildSchema, getNamedType, getNullableType, isListType, parse, print, type DocumentNode } from 'graphql';
import { getComplexity, type ComplexityEstimator } from 'graphql-query-complexity';
import { compiledComplexity } from '../complexity';
import { costCheck } from '../cost';

/**
 * compiledComplexity must give what graphql-query-complexity's getComplexity gives, for every
 * operation and variables: the same number, or the same error, after the same estimator calls in
 * the same order. Operations and variables are generated (seeded), valid and not: fragments
 * (nested, cyclic, unknown), abstract types, @include/@skip from literals and variables, arguments
 * from literals, variables and defaults, variables of the wrong type or missing.
 */

const schema = buildSchema(`
  interface Node { id: ID! }
  interface Named { name: String }
  type Item implements Node & Named { id: ID! name: String size: Int tags: [String!] parts(first: Int, kind: Kind = SMALL): [Item!]! owner: Owner broken: Int }
  type Owner implements Node & Named { id: ID! name: String items(first: Int, after: String, filter: Filter): ItemConnection! }
  type ItemEdge { cursor: String! node: Item! }
  type ItemConnection { edges: [ItemEdge!]! nodes: [Item!]! total: Int! }
  union Thing = Item | Owner
  enum Kind { SMALL LARGE }
  input Filter { kinds: [Kind!], min: Int = 3, text: String }
  type Query {
    item(id: ID!): Item
    items(first: Int = 10, after: String, filter: Filter): ItemConnection!
    things(first: Int): [Thing!]!
    nodes(ids: [ID!]!): [Node]!
    owner(id: ID): Owner
    count: Int
  }
  type Mutation { rename(id: ID!, name: String!): Item }
`);

/** mulberry32: a failing case can be run again by its seed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rng = () => number;
const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)];

/** Field selections by type: name, its arguments (as written, with variables), its type's name for nesting. */
const FIELDS: Record<string, Array<{ name: string; args: string[]; type?: string }>> = {
  Query: [
    { name: 'item', args: ['id: "1"', 'id: $id'], type: 'Item' },
    { name: 'items', args: ['', 'first: 5', 'first: $first', 'first: $first, after: $after', 'filter: { kinds: [LARGE], min: $min }', 'filter: $filter', 'first: -1', 'first: "x"'], type: 'ItemConnection' },
    { name: 'things', args: ['', 'first: 3', 'first: $first'], type: 'Thing' },
    { name: 'nodes', args: ['ids: ["1", "2"]', 'ids: $ids'], type: 'Node' },
    { name: 'owner', args: ['', 'id: $id'], type: 'Owner' },
    { name: 'count', args: [''] },
    { name: '__typename', args: [''] },
    { name: 'missing', args: [''] },
  ],
  Item: [
    { name: 'id', args: [''] },
    { name: 'name', args: [''] },
    { name: 'size', args: [''] },
    { name: 'tags', args: [''] },
    { name: 'broken', args: [''] },
    { name: 'parts', args: ['', 'first: 2', 'first: $first', 'kind: $kind', 'kind: LARGE'], type: 'Item' },
    { name: 'owner', args: [''], type: 'Owner' },
    { name: '__typename', args: [''] },
  ],
  Owner: [
    { name: 'id', args: [''] },
    { name: 'name', args: [''] },
    { name: 'items', args: ['', 'first: 4', 'first: $first', 'filter: $filter', 'after: $after'], type: 'ItemConnection' },
  ],
  ItemConnection: [
    { name: 'total', args: [''] },
    { name: 'edges', args: [''], type: 'ItemEdge' },
    { name: 'nodes', args: [''], type: 'Item' },
  ],
  ItemEdge: [
    { name: 'cursor', args: [''] },
    { name: 'node', args: [''], type: 'Item' },
  ],
  Thing: [{ name: '__typename', args: [''] }],
  Node: [{ name: 'id', args: [''] }, { name: '__typename', args: [''] }],
  Named: [{ name: 'name', args: [''] }],
};
const CONDITIONS: Record<string, string[]> = {
  Query: [],
  Item: ['Item', 'Node', 'Named'],
  Owner: ['Owner', 'Node', 'Named', 'Thing'],
  ItemConnection: ['ItemConnection'],
  ItemEdge: ['ItemEdge'],
  Thing: ['Item', 'Owner', 'Node', 'Named', 'Thing'],
  Node: ['Item', 'Owner', 'Named'],
  Named: ['Item', 'Owner', 'Node'],
};
const DIRECTIVES = ['', '', '', ' @include(if: true)', ' @include(if: false)', ' @skip(if: true)', ' @include(if: $on)', ' @skip(if: $off)', ' @skip(if: $on) @include(if: $on)'];
const FRAGMENT_NAMES = ['A', 'B', 'C', 'Missing'];

/** A selection set on `type`, `depth` levels deep at most. */
function selection(rng: Rng, type: string, depth: number, fragments: Map<string, string>): string {
  const parts: string[] = [];
  const n = 1 + Math.floor(rng() * 3);
  for (let i = 0; i < n; i++) {
    const r = rng();
    const directive = pick(rng, DIRECTIVES);
    if (r < 0.15 && depth > 0 && CONDITIONS[type]?.length) {
      const on = pick(rng, [...CONDITIONS[type], 'Unknown']);
      parts.push(`... on ${on}${directive} { ${selection(rng, FIELDS[on] ? on : type, depth - 1, fragments)} }`);
    } else if (r < 0.2 && depth > 0) {
      parts.push(`...${directive} { ${selection(rng, type, depth - 1, fragments)} }`);
    } else if (r < 0.3 && depth > 0) {
      const name = pick(rng, FRAGMENT_NAMES);
      if (!fragments.has(name) && name !== 'Missing') fragments.set(name, pick(rng, Object.keys(CONDITIONS).filter((t) => t !== 'Query')));
      parts.push(`...${name}${directive}`);
    } else {
      const f = pick(rng, FIELDS[type]);
      const args = pick(rng, f.args);
      const alias = rng() < 0.2 ? `a${i}: ` : '';
      const sub = f.type && FIELDS[f.type] ? (depth > 0 ? ` { ${selection(rng, f.type, depth - 1, fragments)} }` : ' { __typename }') : '';
      parts.push(`${alias}${f.name}${args ? `(${args})` : ''}${directive}${sub}`);
    }
  }
  return parts.join(' ');
}

const VARIABLES = ['$id: ID', '$first: Int', '$first: Int = 7', '$after: String', '$min: Int', '$filter: Filter', '$filter: Filter = { min: 1 }', '$ids: [ID!]!', '$kind: Kind', '$on: Boolean!', '$on: Boolean = true', '$off: Boolean'];

/** An operation (sometimes two, and fragments, some cyclic), as text. */
function operation(rng: Rng): string {
  const fragments = new Map<string, string>();
  const mutation = rng() < 0.05;
  const body = mutation ? `rename(id: "1", name: "n") { ${selection(rng, 'Item', 2, fragments)} }` : selection(rng, 'Query', 4, fragments);
  const declared = new Map<string, string>();
  for (const v of VARIABLES) if (rng() < 0.45) declared.set(v.split(':')[0], v);
  const header = declared.size ? `(${[...declared.values()].join(', ')})` : '';
  const texts = [`${mutation ? 'mutation' : 'query'} Op${header} { ${body} }`];
  if (rng() < 0.1) texts.push(`query Other { count items(first: 3) { total } }`);
  // Fragment bodies may spread each other (and themselves): cycles the walk must cut.
  for (const [name, on] of fragments) texts.push(`fragment ${name} on ${on} { ${selection(rng, on, 2, new Map(fragments))} }`);
  return texts.join('\n');
}

/** Variables of every kind: right, wrong, missing, null. */
function variables(rng: Rng): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const maybe = (name: string, values: unknown[]) => {
    if (rng() < 0.6) out[name] = pick(rng, values);
  };
  maybe('id', ['1', 2, null]);
  maybe('first', [0, 3, 25, 200, -2, null, 'ten', 1.5]);
  maybe('after', ['c1', null, 5]);
  maybe('min', [1, null, 'x']);
  maybe('filter', [{ kinds: ['SMALL'] }, { min: 9, text: 't' }, { kinds: ['HUGE'] }, { unknown: 1 }, null, 'f']);
  maybe('ids', [['1'], [], null, ['1', null]]);
  maybe('kind', ['SMALL', 'LARGE', 'OTHER', null]);
  maybe('on', [true, false, null, 'yes']);
  maybe('off', [true, false, null]);
  return out;
}

/** An estimator like the cost check's (pages multiply), failing for `broken` now and then, that records its calls. */
function recording(calls: string[], seed: number): ComplexityEstimator {
  return ({ field, args, childComplexity, type }) => {
    calls.push(`${type.name}.${field.name} ${JSON.stringify(args)} ${childComplexity}`);
    if (field.name === 'broken' && seed % 3 === 0) return NaN;
    if (field.name.startsWith('__')) return 0;
    const first = args?.first;
    if (typeof first === 'number') return 1 + Math.max(0, first) * Math.max(1, childComplexity);
    if (isListType(getNullableType(field.type))) return 1 + 20 * Math.max(1, childComplexity);
    return 1 + childComplexity + (getNamedType(field.type).name === 'Owner' ? 2 : 0);
  };
}

type Outcome = { value: number } | { error: string; type: string };

function outcome(run: () => number): Outcome {
  try {
    return { value: run() };
  } catch (err) {
    return { error: (err as Error).message, type: (err as Error).constructor.name };
  }
}

describe('compiledComplexity', () => {
  it('equals getComplexity over generated operations and variables: numbers, errors and estimator calls', () => {
    let compared = 0;
    let numbers = 0;
    for (let seed = 1; seed <= 600; seed++) {
      const rng = random(seed);
      const text = operation(rng);
      let document: DocumentNode;
      try {
        document = parse(text);
      } catch {
        continue;
      }
      // Several variables (and operation names) for one document: the compiled part is reused, as for varied requests.
      for (let v = 0; v < 4; v++) {
        const operationName = rng() < 0.7 ? 'Op' : rng() < 0.5 ? undefined : 'Other';
        const vars = variables(rng);
        const expectedCalls: string[] = [];
        const actualCalls: string[] = [];
        const expected = outcome(() => getComplexity({ schema, query: document, variables: vars, operationName, estimators: [recording(expectedCalls, seed)] }));
        const actual = outcome(() => compiledComplexity(schema, document, operationName)(vars, recording(actualCalls, seed)));
        const context = { seed, text, operationName, vars };
        expect({ ...context, outcome: actual, calls: actualCalls }).toEqual({ ...context, outcome: expected, calls: expectedCalls });
        compared++;
        if ('value' in expected) numbers++;
      }
    }
    // The generator reaches both numbers and errors.
    expect(compared).toBeGreaterThan(2000);
    expect(numbers).toBeGreaterThan(compared / 4);
    expect(compared - numbers).toBeGreaterThan(compared / 20);
  });

  it('stops at graphql-query-complexity\'s node limit, as getComplexity does', () => {
    // Each fragment spreads the next twice: 2^14 selections in all.
    const names = Array.from({ length: 14 }, (_, i) => `F${i}`);
    const text = ['query Op { item(id: "1") { ...F0 } }', ...names.map((n, i) => `fragment ${n} on Item { id ${i + 1 < names.length ? `...F${i + 1} ...F${i + 1}` : ''} }`)].join('\n');
    const document = parse(text);
    const estimator = recording([], 1);
    const expected = outcome(() => getComplexity({ schema, query: document, variables: {}, operationName: 'Op', estimators: [estimator] }));
    expect(expected).toEqual({ error: 'Query exceeds the maximum allowed number of nodes.', type: 'GraphQLError' });
    expect(outcome(() => compiledComplexity(schema, document, 'Op')({}, estimator))).toEqual(expected);
  });

  it('compiles a document once and keeps nothing of one request\'s variables for the next', () => {
    const document = parse('query Op($first: Int) { items(first: $first) { nodes { id parts(first: $first) { id } } } }');
    const compiled = compiledComplexity(schema, document, 'Op');
    expect(compiledComplexity(schema, document, 'Op')).toBe(compiled);
    const estimator = recording([], 1);
    const results = [3, 50, 3].map((first) => compiled({ first }, estimator));
    expect(results[0]).toBe(results[2]);
    expect(results).toEqual([1, 50, 3].map((_, i) => getComplexity({ schema, query: document, variables: { first: [3, 50, 3][i] }, operationName: 'Op', estimators: [estimator] })));
  });
});

describe('costCheck', () => {
  const check = costCheck({ maxCost: 400, maxPageSize: 100, listSizeEstimate: 20 }, { ItemConnection: ['edges', 'nodes'] });
  const document = parse(print(parse('query Op($first: Int, $after: String) { items(first: $first, after: $after) { total nodes { id parts(first: 2) { id } } } }')));

  it('answers each request by its own variables, however many have come before', () => {
    expect(check({ schema, document, variables: { first: 10 }, operationName: 'Op' })).toBeNull();
    expect(check({ schema, document, variables: { first: 200 }, operationName: 'Op' })?.extensions.code).toBe('PAGE_SIZE_EXCEEDED');
    expect(check({ schema, document, variables: { first: 90 }, operationName: 'Op' })?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', cost: 1 + 90 * (1 + 1 + (1 + 2 * 1)) });
    expect(check({ schema, document, variables: { first: 'x' }, operationName: 'Op' })?.extensions.code).toBe('BAD_USER_INPUT');
    expect(check({ schema, document, variables: { first: 10, after: 'not a cursor' }, operationName: 'Op' })?.extensions.code).toBe('BAD_USER_INPUT');
    expect(check({ schema, document, variables: { first: 10 }, operationName: 'Op' })).toBeNull();
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  astFromValue,
  getNamedType,
  getNullableType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  Lexer,
  parse,
  print,
  Source,
  TokenKind,
  TypeInfo,
  valueFromAST,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type FieldNode,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import { gatewayEnv } from '@samverkan/gateway/src/config';
import type { DataPool, PoolProject } from './data-pool';

/**
 * A seeded, reproducible generator of read operations over the gateway's API schema: random
 * selections at random depth over every field, with arguments for every field that takes them
 * (filters drawn from the real data, every order, page sizes 0..100, cursors), aliases, named and
 * inline fragments, variables and @include/@skip, kept inside the gateway's limits.
 */

// ---------------------------------------------------------------------------------------------
// Randomness
// ---------------------------------------------------------------------------------------------

export type Rng = () => number;

/** mulberry32 over an FNV-1a hash of the parts: the same parts give the same sequence. */
export function rngFor(...parts: Array<string | number>): Rng {
  let h = 0x811c9dc5;
  const input = parts.join(':');
  for (let i = 0; i < input.length; i++) {
    h ^= input.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  let a = h >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)];
const chance = (rng: Rng, p: number) => rng() < p;
const int = (rng: Rng, min: number, max: number) => min + Math.floor(rng() * (max - min + 1));
function sample<T>(rng: Rng, items: readonly T[], n: number): T[] {
  const copy = items.slice();
  const out: T[] = [];
  while (out.length < n && copy.length) out.push(copy.splice(Math.floor(rng() * copy.length), 1)[0]);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Shapes and limits
// ---------------------------------------------------------------------------------------------

/**
 * Shapes the gateway is known not to answer exactly yet, each behind a switch so that a run can
 * leave them out (`npm test` includes every shape).
 */
export interface Shapes {
  /**
   * A broadcast field (a development area's, programme's or initiative's projects, an
   * initiative's participants, a network's memberships) selected on an object that a kommun
   * subgraph returned, e.g. `project(id) { developmentAreas { projects { totalCount } } }` or
   * `projects { nodes { initiative { participants { code } } } }`: the query plan keeps it in the
   * kommun's fetch, so one shard answers for the region.
   */
  nestedBroadcast: boolean;
  /**
   * A kommun's own fields (projects, memberships, twin towns, strategy) on a kommun reached
   * through another kommun's object, a project partner's `municipality`, e.g.
   * `projects { nodes { partners { municipality { projects { totalCount } } } } }`: the plan keeps
   * it in the fetch of the project's owner, which does not hold the partner kommun's data.
   */
  foreignOwner: boolean;
}

export const EVERY_SHAPE: Shapes = { nestedBroadcast: true, foreignOwner: true };

/** The gateway's default limits, from its own configuration, which every generated operation stays under. */
export const GATEWAY_LIMITS = {
  depth: gatewayEnv.MAX_DEPTH.parse(undefined),
  aliases: gatewayEnv.MAX_ALIASES.parse(undefined),
  cost: gatewayEnv.MAX_COST.parse(undefined),
  tokens: gatewayEnv.MAX_TOKENS.parse(undefined),
  pageSize: gatewayEnv.MAX_PAGE_SIZE.parse(undefined),
  listSize: gatewayEnv.LIST_SIZE_ESTIMATE.parse(undefined),
};
/** The generator's own bounds, with a margin under the gateway's. */
const BOUNDS = {
  depth: GATEWAY_LIMITS.depth - 2,
  aliases: GATEWAY_LIMITS.aliases - 6,
  cost: Math.floor(GATEWAY_LIMITS.cost * 0.8),
  tokens: Math.floor(GATEWAY_LIMITS.tokens * 0.9),
};

/**
 * Fields whose answers differ between the two sides by construction (each side's own subgraph
 * URLs), or that answer according to who asks (the audit logs), while generated operations are
 * anonymous.
 */
export const NOT_COMPARABLE: ReadonlySet<string> = new Set(['Municipality.subgraphUrl', 'Query.auditLog', 'Query.regionAuditLog']);

/** The only kommun field that names another kommun's entity: a partner that is a Swedish kommun. */
const FOREIGN_OWNER_LINKS = new Set(['Partner.municipality']);

// ---------------------------------------------------------------------------------------------
// What the routing makes of each field
// ---------------------------------------------------------------------------------------------

/** What the generator needs to know of the routing, read from the contract and the declaration. */
export interface RoutingFacts {
  /** `Type.field` the kommun contract defines. */
  kommunFields: Set<string>;
  /** `Type.field` the region subgraph defines. */
  regionFields: Set<string>;
  /** Kommun fields of region entities, which the gateway broadcasts and merges. */
  broadcastFields: Set<string>;
  /** Kommun fields of owner-routed entities (a kommun's projects, memberships, …), key excluded. */
  ownerFields: Set<string>;
  /** Types merged as connections, with their edges, nodes and pageInfo fields. */
  connections: Map<string, { edges: string; nodes: string; pageInfo: string; cursor: string }>;
}

function fieldsOfSdl(sdl: string): Map<string, { keys: string[]; fields: string[] }> {
  const out = new Map<string, { keys: string[]; fields: string[] }>();
  for (const def of parse(sdl).definitions) {
    if (def.kind !== Kind.OBJECT_TYPE_DEFINITION && def.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    const keys = (def.directives ?? [])
      .filter((d) => d.name.value === 'key')
      .flatMap((d) => d.arguments ?? [])
      .flatMap((a) => (a.value.kind === Kind.STRING ? a.value.value.split(/\s+/) : []));
    const entry = out.get(def.name.value) ?? { keys: [], fields: [] };
    entry.keys.push(...keys);
    entry.fields.push(...(def.fields ?? []).map((f) => f.name.value));
    out.set(def.name.value, entry);
  }
  return out;
}

export function readRoutingFacts(schemaDir = join(__dirname, '../../schema')): RoutingFacts {
  const kommun = fieldsOfSdl(readFileSync(join(schemaDir, 'kommun.graphql'), 'utf8'));
  const region = fieldsOfSdl(readFileSync(join(schemaDir, 'region.graphql'), 'utf8'));
  const declaration = JSON.parse(readFileSync(join(schemaDir, 'kommun.routing.json'), 'utf8')) as {
    entities: Record<string, { key: string }>;
    merge: Record<string, { kind: string; edges?: string; nodes?: string; pageInfo?: string; cursor?: string }>;
  };
  const coordinates = (m: typeof kommun) => new Set([...m].flatMap(([type, { fields }]) => fields.map((f) => `${type}.${f}`)));
  const broadcastFields = new Set<string>();
  const ownerFields = new Set<string>();
  for (const [type, { keys, fields }] of kommun) {
    if (!keys.length) continue;
    const target = declaration.entities[type] ? ownerFields : region.has(type) ? broadcastFields : null;
    for (const f of fields) if (target && !keys.includes(f)) target.add(`${type}.${f}`);
  }
  const connections = new Map<string, { edges: string; nodes: string; pageInfo: string; cursor: string }>();
  for (const [type, rule] of Object.entries(declaration.merge)) {
    if (rule.kind === 'connection') connections.set(type, { edges: rule.edges!, nodes: rule.nodes!, pageInfo: rule.pageInfo!, cursor: rule.cursor! });
  }
  return { kommunFields: coordinates(kommun), regionFields: coordinates(region), broadcastFields, ownerFields, connections };
}

// ---------------------------------------------------------------------------------------------
// Operations
// ---------------------------------------------------------------------------------------------

/** A connection whose `after` is the variable `variable`; its endCursor is at `path`.`pageInfo`.`endCursor`. */
export interface Pageable {
  variable: string;
  /** Response keys from the root to the connection; lists on the way are walked through. */
  path: string[];
  pageInfo: string;
  endCursor: string;
}

/** A field of a notable shape, by its response path (lists walked through). */
export interface Tagged {
  path: string[];
  tag: string;
  /** `Type.field` */
  coordinate: string;
}

export interface GeneratedOperation {
  seed: string;
  index: number;
  query: string;
  variables: Record<string, unknown>;
  pageables: Pageable[];
  tagged: Tagged[];
  /** The switchable shapes it holds (keys of Shapes). */
  shapes: Array<keyof Shapes>;
  /** Other features it uses, for the report: fragments, aliases, variables, cursors, directives. */
  features: string[];
  /**
   * Response paths of fields that the query planner may split between a named fragment of the
   * operation and the rest of a selection (see fragmentReusePaths).
   */
  fragmentReuse: string[][];
  measure: Measure;
}

export interface GeneratorOptions {
  schema: GraphQLSchema;
  facts: RoutingFacts;
  pool: DataPool;
  shapes: Shapes;
}

interface Built {
  text: string;
  cost: number;
  /** Levels of fields, fragments counted as GraphQL Armor counts them. */
  depth: number;
  aliases: number;
  keys: string[];
  pageables: Pageable[];
  tagged: Tagged[];
}

interface Ctx {
  /** Depth (as GraphQL Armor counts it) of the fields of this selection set; root fields are 1. */
  depth: number;
  /** The object was returned by a field only the kommun subgraph resolves. */
  fromKommun: boolean;
  /** The object is a kommun reached through another kommun's object. */
  foreign: boolean;
}

interface NamedFragment extends Built {
  name: string;
  type: string;
  signature: string;
}

const ORDER_FIELDS = ['START_DATE', 'BUDGET_TOTAL', 'EU_COFINANCING', 'TITLE', 'ID'];
const DIMENSIONS = ['MUNICIPALITY', 'DEVELOPMENT_AREA', 'PROGRAMME', 'FUND', 'STATUS', 'START_YEAR', 'INITIATIVE'];
const STATUSES = ['PLANNED', 'ONGOING', 'COMPLETED', 'CANCELLED'];

/** Generates operation `index` of the run `seed`; the same (seed, index) and data give the same operation. */
export function generateOperation(options: GeneratorOptions, seed: string, index: number): GeneratedOperation {
  for (let attempt = 0; ; attempt++) {
    const op = new OperationBuilder(options, rngFor('differential', seed, index, attempt)).build(seed, index);
    const document = parse(op.query);
    const m = measure(options.schema, document, op.variables, options.facts);
    if (m.depth <= BOUNDS.depth + 1 && m.aliases <= BOUNDS.aliases && m.cost <= BOUNDS.cost && m.tokens <= BOUNDS.tokens) {
      return { ...op, fragmentReuse: fragmentReusePaths(options.schema, document), measure: m };
    }
    if (attempt > 50) throw new Error(`could not generate operation ${seed}:${index} inside the limits (last: ${JSON.stringify(m)})`);
  }
}

class OperationBuilder {
  private readonly varDefs: string[] = [];
  private readonly variables: Record<string, unknown> = {};
  private readonly fragments: NamedFragment[] = [];
  private readonly features = new Set<string>();
  private aliases = 0;
  private names = 0;

  constructor(
    private readonly o: GeneratorOptions,
    private readonly rng: Rng,
  ) {}

  build(seed: string, index: number): Omit<GeneratedOperation, 'measure' | 'fragmentReuse'> {
    const query = this.o.schema.getQueryType()!;
    const budget = pick(this.rng, [200, 600, 1500, 4000, 10_000, BOUNDS.cost]);
    const root = this.selection(query, budget, { depth: 1, fromKommun: false, foreign: false }, new Map(), int(this.rng, 1, 4));
    const name = `Fuzz_${seed.replace(/\W/g, '_')}_${index}`;
    const head = `query ${name}${this.varDefs.length ? `(${this.varDefs.join(', ')})` : ''}`;
    const text = [`${head} ${root.text}`, ...this.fragments.map((f) => `fragment ${f.name} on ${f.type} ${f.text}`)].join('\n\n');
    const shapes = (Object.keys(EVERY_SHAPE) as Array<keyof Shapes>).filter((s) => root.tagged.some((t) => t.tag === s));
    return {
      seed,
      index,
      query: print(parse(text)),
      variables: this.variables,
      pageables: root.pageables,
      tagged: root.tagged,
      shapes,
      features: [...this.features].sort(),
    };
  }

  // --- selections --------------------------------------------------------------------------

  /** A selection set on `type` within `budget` (estimated cost), with about `want` fields. */
  private selection(type: GraphQLObjectType, budget: number, ctx: Ctx, scope: Map<string, string>, want = 1 + Math.floor(this.rng() ** 2 * 5)): Built {
    const items: Built[] = [];
    let left = budget;
    const candidates = Object.values(type.getFields()).filter((f) => this.allowed(type, f, ctx));
    const connection = this.o.facts.connections.get(type.name);
    for (let i = 0; i < want * 2 && items.length < want && left >= 1; i++) {
      // Fragments: named (sometimes one made before), or inline, with or without a type condition.
      if (items.length && chance(this.rng, 0.12) && ctx.depth < BOUNDS.depth) {
        const f = this.fragment(type, Math.max(1, Math.floor(left * 0.5)), ctx, scope);
        if (f) {
          items.push(f);
          left -= f.cost;
          continue;
        }
      }
      const field = this.choose(type, candidates, ctx, left, connection);
      if (!field) break;
      const built = this.field(type, field, this.allot(left, items.length, want), ctx, scope);
      if (!built) continue;
      items.push(built);
      left -= built.cost;
    }
    if (!items.length) {
      // Every object has a leaf to fall back on (an id, a code, a count).
      const leaf = candidates.find((f) => isLeafType(getNamedType(f.type)) && !f.args.some((a) => isNonNullType(a.type)));
      items.push((leaf && this.field(type, leaf, 1, ctx, scope)) || this.typename(scope));
    }
    if (chance(this.rng, 0.06) && !scope.has('__typename')) items.push(this.typename(scope));
    return this.join(items);
  }

  private typename(scope: Map<string, string>): Built {
    const key = scope.has('__typename') ? this.alias('__typename', scope) : '__typename';
    scope.set(key, '__typename');
    return { text: key === '__typename' ? '__typename' : `${key}: __typename`, cost: 0, depth: 1, aliases: key === '__typename' ? 0 : 1, keys: [key], pageables: [], tagged: [] };
  }

  private join(items: Built[], wrap = true): Built {
    const body = items.map((i) => i.text).join(' ');
    return {
      text: wrap ? `{ ${body} }` : body,
      cost: items.reduce((s, i) => s + i.cost, 0),
      depth: Math.max(...items.map((i) => i.depth)),
      aliases: items.reduce((s, i) => s + i.aliases, 0),
      keys: items.flatMap((i) => i.keys),
      pageables: items.flatMap((i) => i.pageables),
      tagged: items.flatMap((i) => i.tagged),
    };
  }

  /** A share of the budget left for the next field. */
  private allot(left: number, done: number, want: number): number {
    if (done >= want - 1) return left;
    return Math.max(1, Math.floor(left * (0.3 + this.rng() * 0.5)));
  }

  private allowed(type: GraphQLObjectType, f: GraphQLField<unknown, unknown>, ctx: Ctx): boolean {
    const coordinate = `${type.name}.${f.name}`;
    if (NOT_COMPARABLE.has(coordinate) || f.name.startsWith('_')) return false;
    if (!this.o.shapes.nestedBroadcast && ctx.fromKommun && this.o.facts.broadcastFields.has(coordinate)) return false;
    if (!this.o.shapes.foreignOwner && ctx.foreign && this.o.facts.ownerFields.has(coordinate)) return false;
    return true;
  }

  private choose(type: GraphQLObjectType, candidates: GraphQLField<unknown, unknown>[], ctx: Ctx, left: number, connection?: { edges: string; nodes: string; pageInfo: string }): GraphQLField<unknown, unknown> | undefined {
    const weighted: Array<[GraphQLField<unknown, unknown>, number]> = [];
    for (const f of candidates) {
      const named = getNamedType(f.type);
      const leaf = isLeafType(named);
      if (!leaf && (ctx.depth >= BOUNDS.depth || left < this.minimum(type, f))) continue;
      const coordinate = `${type.name}.${f.name}`;
      let w = leaf ? 1 : 2;
      if (f.args.length) w += 2;
      if (this.o.facts.broadcastFields.has(coordinate) || this.o.facts.ownerFields.has(coordinate)) w += 1;
      if (connection && (f.name === connection.nodes || f.name === connection.edges)) w += 2;
      if (type.name === 'Query') w = f.args.length ? 3 : 1.5;
      weighted.push([f, w]);
    }
    const total = weighted.reduce((s, [, w]) => s + w, 0);
    let r = this.rng() * total;
    for (const [f, w] of weighted) if ((r -= w) < 0) return f;
    return weighted.at(-1)?.[0];
  }

  /** The least budget a field can be asked within. */
  private minimum(type: GraphQLObjectType, f: GraphQLField<unknown, unknown>): number {
    const named = getNamedType(f.type);
    if (isLeafType(named)) return 1;
    if (this.o.facts.connections.get(type.name) && (f.name === this.o.facts.connections.get(type.name)!.edges || f.name === this.o.facts.connections.get(type.name)!.nodes)) return 1;
    if (f.args.some((a) => a.name === 'first')) return 2;
    if (isListType(getNullableType(f.type))) return 1 + GATEWAY_LIMITS.listSize;
    return 2;
  }

  private alias(name: string, scope: Map<string, string>): string {
    let key: string;
    do key = `${name}${++this.names}`;
    while (scope.has(key));
    return key;
  }

  /** One field with its arguments and selection; undefined when it cannot be asked here. */
  private field(type: GraphQLObjectType, f: GraphQLField<unknown, unknown>, budget: number, ctx: Ctx, scope: Map<string, string>): Built | undefined {
    const coordinate = `${type.name}.${f.name}`;
    const named = getNamedType(f.type);
    // The response key: the field's name, or an alias (required when the name is taken).
    let key = f.name;
    const aliased = scope.has(key) || (chance(this.rng, 0.12) && this.aliases < BOUNDS.aliases - 4);
    if (aliased) {
      if (this.aliases >= BOUNDS.aliases) return undefined;
      key = this.alias(f.name, scope);
      this.aliases++;
      this.features.add('alias');
    }
    scope.set(key, coordinate);
    const mark = { defs: this.varDefs.length, aliases: this.aliases };
    const args = this.args(type, f, budget);
    const tagged: Tagged[] = [];
    if (ctx.fromKommun && this.o.facts.broadcastFields.has(coordinate)) tagged.push({ path: [key], tag: 'nestedBroadcast', coordinate });
    if (ctx.foreign && this.o.facts.ownerFields.has(coordinate)) tagged.push({ path: [key], tag: 'foreignOwner', coordinate });
    if (type.name === 'Query' && f.name === 'projectStats') tagged.push({ path: [key], tag: 'stats', coordinate });
    if (args.order) tagged.push({ path: [key], tag: `order:${args.order}`, coordinate });
    const directive = chance(this.rng, 0.04) ? this.directive() : '';
    const head = `${aliased ? `${key}: ` : ''}${f.name}${args.text}${directive}`;
    if (isLeafType(named)) return { text: head, cost: 1, depth: 1, aliases: aliased ? 1 : 0, keys: [key], pageables: [], tagged };

    const object = named as GraphQLObjectType;
    const first = typeof args.first === 'number' ? args.first : undefined;
    const connectionRule = this.o.facts.connections.get(type.name);
    const passThrough = !!connectionRule && (f.name === connectionRule.edges || f.name === connectionRule.nodes);
    const list = isListType(getNullableType(f.type));
    // The estimator's rule (gateway/src/limits.ts): edges and nodes cost what their selection
    // costs, a field with `first` first times its selection, other lists 20 times.
    const perItem = passThrough ? budget : first !== undefined ? Math.floor((budget - 1) / Math.max(1, first)) : list ? Math.floor((budget - 1) / GATEWAY_LIMITS.listSize) : budget - 1;
    if (perItem < 1) {
      // Not asked after all: its variables go too (GraphQL refuses unused ones).
      for (const def of this.varDefs.splice(mark.defs)) delete this.variables[def.slice(1, def.indexOf(':'))];
      return undefined;
    }
    const child: Ctx = {
      depth: ctx.depth + 1,
      fromKommun: this.o.facts.kommunFields.has(coordinate) && !this.o.facts.regionFields.has(coordinate) ? true : this.o.facts.regionFields.has(coordinate) ? false : ctx.fromKommun,
      foreign: FOREIGN_OWNER_LINKS.has(coordinate),
    };
    const sub = this.o.facts.connections.has(object.name)
      ? this.connection(object, Math.min(perItem, 4000), child, args.after)
      : this.selection(object, Math.min(perItem, 6000), child, new Map());
    const cost = passThrough ? sub.cost : first !== undefined ? 1 + Math.max(0, first) * Math.max(1, sub.cost) : list ? 1 + GATEWAY_LIMITS.listSize * Math.max(1, sub.cost) : 1 + sub.cost;
    const prefix = <T extends { path: string[] }>(xs: T[]) => xs.map((x) => ({ ...x, path: [key, ...x.path] }));
    return {
      text: `${head} ${sub.text}`,
      cost,
      depth: 1 + sub.depth,
      aliases: (aliased ? 1 : 0) + sub.aliases,
      keys: [key],
      pageables: prefix(sub.pageables),
      tagged: [...tagged, ...prefix(sub.tagged)],
    };
  }

  /** A connection's selection: a count, the page info, edges, nodes; its endCursor whenever `after` is a variable. */
  private connection(type: GraphQLObjectType, budget: number, ctx: Ctx, after?: string): Built {
    const rule = this.o.facts.connections.get(type.name)!;
    const scope = new Map<string, string>();
    const fields = type.getFields();
    const items: Built[] = [];
    let left = budget;
    const add = (b: Built | undefined) => {
      if (b) {
        items.push(b);
        left -= b.cost;
      }
    };
    for (const f of Object.values(fields)) {
      if (f.name === rule.edges || f.name === rule.nodes || f.name === rule.pageInfo) continue;
      if (chance(this.rng, 0.6)) add(this.field(type, f, 1, ctx, scope));
    }
    let pageable: Pageable | undefined;
    if (after || chance(this.rng, 0.35)) {
      const pageInfo = fields[rule.pageInfo];
      const key = scope.has(rule.pageInfo) || chance(this.rng, 0.1) ? this.alias(rule.pageInfo, scope) : rule.pageInfo;
      if (key !== rule.pageInfo) this.aliases++;
      scope.set(key, `${type.name}.${rule.pageInfo}`);
      const infoType = getNamedType(pageInfo.type) as GraphQLObjectType;
      const inner = Object.keys(infoType.getFields()).filter((n) => (after && n === 'endCursor') || chance(this.rng, 0.6));
      if (!inner.length) inner.push('hasNextPage');
      if (chance(this.rng, 0.1)) inner.push('__typename');
      const text = `${key === rule.pageInfo ? '' : `${key}: `}${rule.pageInfo} { ${inner.join(' ')} }`;
      add({ text, cost: 1 + inner.filter((n) => n !== '__typename').length, depth: 2, aliases: key === rule.pageInfo ? 0 : 1, keys: [key], pageables: [], tagged: [] });
      if (after) pageable = { variable: after, path: [], pageInfo: key, endCursor: 'endCursor' };
    }
    const lists = sample(this.rng, [rule.nodes, rule.edges], chance(this.rng, 0.2) ? 2 : chance(this.rng, 0.75) ? 1 : 0);
    for (const name of lists) {
      if (left < 1 || ctx.depth >= BOUNDS.depth) break;
      if (name === rule.edges) {
        const edgeField = fields[rule.edges];
        const edgeType = getNamedType(edgeField.type) as GraphQLObjectType;
        const key = scope.has(name) ? this.alias(name, scope) : name;
        if (key !== name) this.aliases++;
        scope.set(key, `${type.name}.${name}`);
        const edgeScope = new Map<string, string>();
        const parts: Built[] = [];
        const node = edgeType.getFields()[rule.nodes === 'nodes' ? 'node' : rule.nodes];
        if (chance(this.rng, 0.7)) {
          edgeScope.set(rule.cursor, `${edgeType.name}.${rule.cursor}`);
          parts.push({ text: rule.cursor, cost: 1, depth: 1, aliases: 0, keys: [rule.cursor], pageables: [], tagged: [] });
        }
        if (node && (chance(this.rng, 0.8) || !parts.length) && ctx.depth + 1 < BOUNDS.depth) {
          const b = this.field(edgeType, node, Math.max(2, left - 1), { ...ctx, depth: ctx.depth + 1 }, edgeScope);
          if (b) parts.push(b);
        }
        if (!parts.length) parts.push({ text: rule.cursor, cost: 1, depth: 1, aliases: 0, keys: [rule.cursor], pageables: [], tagged: [] });
        const sub = this.join(parts);
        const prefix = <T extends { path: string[] }>(xs: T[]) => xs.map((x) => ({ ...x, path: [key, ...x.path] }));
        add({ text: `${key === name ? '' : `${key}: `}${name} ${sub.text}`, cost: sub.cost, depth: 1 + sub.depth, aliases: (key === name ? 0 : 1) + sub.aliases, keys: [key], pageables: prefix(sub.pageables), tagged: prefix(sub.tagged) });
      } else {
        add(this.field(type, fields[name], Math.max(1, left), ctx, scope));
      }
    }
    if (!items.length) add(this.field(type, Object.values(fields).find((f) => isLeafType(getNamedType(f.type)))!, 1, ctx, scope));
    // Sometimes part of the connection's selection goes into a fragment on the connection type.
    let built: Built;
    if (items.length > 1 && chance(this.rng, 0.15)) {
      const cut = int(this.rng, 1, items.length - 1);
      const inner = this.join(items.slice(cut));
      built = this.join([...items.slice(0, cut), this.wrapFragment(type, inner, ctx)]);
    } else {
      built = this.join(items);
    }
    return pageable ? { ...built, pageables: [...built.pageables, pageable] } : built;
  }

  /**
   * Puts a built selection into a fragment: inline (with or without type condition) or named. As
   * GraphQL Armor counts depth, an inline fragment adds a level and a spread two.
   */
  private wrapFragment(type: GraphQLObjectType, inner: Built, ctx: Ctx, named = chance(this.rng, 0.5)): Built {
    if (!named) {
      this.features.add('inline fragment');
      const condition = chance(this.rng, 0.7) ? ` on ${type.name}` : '';
      return { ...inner, text: `...${condition} ${inner.text}`, depth: inner.depth + 1 };
    }
    this.features.add('named fragment');
    const name = `F${this.fragments.length + 1}_${type.name}`;
    this.fragments.push({ ...inner, name, type: type.name, signature: signature(ctx) });
    return { ...inner, text: `...${name}`, depth: inner.depth + 2 };
  }

  /** A fragment of fields on `type` in this scope: a named one made before, or a new one. */
  private fragment(type: GraphQLObjectType, budget: number, ctx: Ctx, scope: Map<string, string>): Built | undefined {
    const reusable = this.fragments.filter(
      (f) => f.type === type.name && f.signature === signature(ctx) && f.cost <= budget && !f.keys.some((k) => scope.has(k)) && ctx.depth + 1 + f.depth <= BOUNDS.depth && this.aliases + f.aliases <= BOUNDS.aliases,
    );
    if (reusable.length && chance(this.rng, 0.6)) {
      const f = pick(this.rng, reusable);
      for (const k of f.keys) scope.set(k, `${f.name}`);
      this.aliases += f.aliases;
      this.features.add('named fragment, reused');
      return { ...f, text: `...${f.name}`, depth: f.depth + 2 };
    }
    const named = chance(this.rng, 0.5);
    if (ctx.depth + (named ? 2 : 1) > BOUNDS.depth) return undefined;
    const inner = this.selection(type, budget, { ...ctx, depth: ctx.depth + (named ? 2 : 1) }, scope, int(this.rng, 1, 3));
    return this.wrapFragment(type, inner, ctx, named);
  }

  private directive(): string {
    this.features.add('@include/@skip');
    const name = pick(this.rng, ['include', 'skip']);
    let condition: string;
    if (chance(this.rng, 0.5)) {
      condition = `$${this.variable('Boolean!', chance(this.rng, 0.5))}`;
    } else {
      condition = String(chance(this.rng, 0.5));
    }
    return ` @${name}(if: ${condition})`;
  }

  /** Declares a variable of `type` with `value` (left out of the variables when undefined). */
  private variable(type: string, value: unknown): string {
    const name = `v${this.varDefs.length + 1}`;
    this.varDefs.push(`$${name}: ${type}`);
    if (value !== undefined) this.variables[name] = value;
    this.features.add('variables');
    return name;
  }

  // --- arguments ---------------------------------------------------------------------------

  private args(type: GraphQLObjectType, f: GraphQLField<unknown, unknown>, budget: number): { text: string; first?: number; after?: string; order?: string } {
    if (!f.args.length) return { text: '' };
    const parts: string[] = [];
    const out: { first?: number; after?: string; order?: string } = {};
    const coordinate = `${type.name}.${f.name}`;
    const pageable = f.args.some((a) => a.name === 'after');
    let order: { field: string; direction?: string } | undefined;
    for (const arg of f.args) {
      if (arg.name === 'after') continue;
      const required = isNonNullType(arg.type);
      if (!required && !chance(this.rng, arg.name === 'first' ? 0.85 : arg.name === 'orderBy' ? 0.7 : 0.55)) continue;
      let value: unknown;
      if (arg.name === 'first') value = this.first(budget);
      else if (arg.name === 'orderBy') value = order = this.order();
      else value = this.value(coordinate, arg);
      if (value === undefined) continue;
      if (arg.name === 'first') out.first = value as number;
      parts.push(this.argument(arg, value));
    }
    if (pageable) {
      const effective = { field: order?.field ?? 'START_DATE', direction: order ? order.direction ?? 'ASC' : 'DESC' };
      out.order = `${effective.field} ${effective.direction}`;
      if (chance(this.rng, 0.12)) {
        // A cursor of a real position, written into the operation.
        const cursor = pick(this.rng, this.o.pool.cursors[out.order]);
        parts.push(`after: ${JSON.stringify(cursor)}`);
        this.features.add('cursor literal');
      } else {
        // Unset now; set to an endCursor of the sharded gateway's answer when paging on.
        const name = this.variable('String', undefined);
        parts.push(`after: $${name}`);
        out.after = name;
      }
    }
    return { text: parts.length ? `(${parts.join(', ')})` : '', ...out };
  }

  /** An argument, written inline or passed as a variable. */
  private argument(arg: GraphQLArgument, value: unknown): string {
    if (chance(this.rng, 0.3)) return `${arg.name}: $${this.variable(String(arg.type), value)}`;
    const ast = astFromValue(value, arg.type as GraphQLInputType);
    return `${arg.name}: ${ast ? print(ast) : 'null'}`;
  }

  private first(budget: number): number | undefined {
    const r = this.rng();
    const wanted = r < 0.06 ? 0 : r < 0.4 ? int(this.rng, 1, 5) : r < 0.7 ? int(this.rng, 6, 20) : r < 0.93 ? int(this.rng, 21, 100) : GATEWAY_LIMITS.pageSize;
    // Leave each item a budget of a few fields at least.
    const most = Math.floor((budget - 1) / 3);
    if (most < 1) return wanted === 0 || budget >= 2 ? Math.min(wanted, Math.max(0, budget - 1)) : undefined;
    return Math.min(wanted, most, GATEWAY_LIMITS.pageSize);
  }

  private order(): { field: string; direction?: string } {
    const field = pick(this.rng, ORDER_FIELDS);
    return chance(this.rng, 0.15) ? { field } : { field, direction: pick(this.rng, ['ASC', 'DESC']) };
  }

  /** A value for an argument other than first, after and orderBy. */
  private value(coordinate: string, arg: GraphQLArgument): unknown {
    const pool = this.o.pool;
    const named = getNamedType(arg.type);
    const r = this.rng();
    if (named.name === 'ProjectFilter') return this.filter();
    if (arg.name === 'groupBy') return r < 0.1 ? [] : sample(this.rng, DIMENSIONS, int(this.rng, 1, 3));
    switch (coordinate) {
      case 'Query.project':
        if (r < 0.85) return pick(this.rng, pool.projects).id;
        if (r < 0.93) return `${pick(this.rng, pool.members)}:project:${int(this.rng, 1, 50)}`;
        return r < 0.97 ? '9999:project:1' : 'nonsense';
      case 'Query.municipality':
        return r < 0.88 ? pick(this.rng, pool.members) : r < 0.97 ? '0583' : 'x';
      case 'Query.developmentArea':
        return r < 0.9 ? pick(this.rng, pool.developmentAreas) : 'NO-SUCH-AREA';
      case 'Query.jointInitiative':
        return r < 0.9 ? pick(this.rng, pool.initiatives) : 'no-such-initiative';
      case 'Query.network':
        return r < 0.9 ? pick(this.rng, pool.networks) : 'no-such-network';
      case 'Query.fundingProgramme':
        return r < 0.9 ? pick(this.rng, pool.programmes) : 'NO-SUCH-PROGRAMME';
    }
    return this.any(arg.type as GraphQLInputType);
  }

  /** Any value of an input type (for arguments the generator has no rule for). */
  private any(type: GraphQLInputType): unknown {
    const t = getNullableType(type) as GraphQLInputType;
    if (isListType(t)) return Array.from({ length: int(this.rng, 0, 2) }, () => this.any(t.ofType));
    if (isEnumType(t)) return pick(this.rng, t.getValues()).value;
    if (isInputObjectType(t)) {
      const out: Record<string, unknown> = {};
      for (const f of Object.values(t.getFields())) if (isNonNullType(f.type) || chance(this.rng, 0.3)) out[f.name] = this.any(f.type);
      return out;
    }
    switch (t.name) {
      case 'Int':
        return int(this.rng, 0, 10);
      case 'Float':
        return this.rng() * 1000;
      case 'Boolean':
        return chance(this.rng, 0.5);
      case 'LocalDate':
        return `20${int(this.rng, 15, 27)}-0${int(this.rng, 1, 9)}-1${int(this.rng, 0, 9)}`;
      default:
        return pick(this.rng, [...this.o.pool.members, ...this.o.pool.developmentAreas, ...this.o.pool.programmes]);
    }
  }

  /**
   * A date range for `startDate` or `activeDuring`: its ends mostly on the anchor project's first
   * or last day or the day beside one (where inclusive and exclusive ends part), an end often
   * omitted, now and then a single day or no end at all; from is never after to.
   */
  private dateRange(anchor: PoolProject, free: boolean): Record<string, string> {
    const day = () => (free ? `20${int(this.rng, 14, 28)}-0${int(this.rng, 1, 9)}-${int(this.rng, 10, 28)}` : shiftDay(pick(this.rng, [anchor.startDate, anchor.endDate ?? anchor.startDate]), pick(this.rng, [-1, 0, 0, 0, 1])));
    const r = this.rng();
    if (r < 0.05) return {};
    if (r < 0.25) return { from: day() };
    if (r < 0.45) return { to: day() };
    if (r < 0.55) {
      const d = day();
      return { from: d, to: d };
    }
    const [a, b] = [day(), day()].sort();
    return { from: a, to: b };
  }

  /**
   * A filter of one to three criteria, mostly drawn from one real project (so that it matches
   * at least that one), sometimes from the catalogue alone.
   */
  private filter(): Record<string, unknown> {
    const pool = this.o.pool;
    const anchor: PoolProject = pick(this.rng, pool.projects);
    const free = chance(this.rng, 0.15);
    const n = pick(this.rng, [1, 1, 1, 2, 2, 3]);
    const out: Record<string, unknown> = {};
    for (const key of sample(this.rng, ['municipalities', 'status', 'developmentAreas', 'programmes', 'funds', 'initiative', 'activeOn', 'startDate', 'activeDuring', 'text', 'synthetic'], n)) {
      const r = this.rng();
      switch (key) {
        case 'municipalities':
          out.municipalities =
            r < 0.05 ? [] : r < 0.12 ? [anchor.municipality, '0583'] : [...new Set([free ? pick(this.rng, pool.members) : anchor.municipality, ...sample(this.rng, pool.members, int(this.rng, 0, 3))])];
          break;
        case 'status':
          out.status = [...new Set([free ? pick(this.rng, STATUSES) : anchor.status, ...sample(this.rng, STATUSES, int(this.rng, 0, 1))])];
          break;
        case 'developmentAreas':
          out.developmentAreas = [...new Set([...(free || !anchor.developmentAreas.length ? [pick(this.rng, pool.developmentAreas)] : sample(this.rng, anchor.developmentAreas, 1)), ...sample(this.rng, pool.developmentAreas, int(this.rng, 0, 1))])];
          break;
        case 'programmes':
          out.programmes = [...new Set([...(free || !anchor.programmes.length ? [pick(this.rng, pool.programmes)] : sample(this.rng, anchor.programmes, 1)), ...sample(this.rng, pool.programmes, int(this.rng, 0, 1))])];
          break;
        case 'funds':
          out.funds = [...new Set([...(free || !anchor.funds.length ? [pick(this.rng, pool.funds)] : sample(this.rng, anchor.funds, 1)), ...sample(this.rng, pool.funds, int(this.rng, 0, 2))])];
          break;
        case 'initiative':
          out.initiative = !free && anchor.initiative ? anchor.initiative : pick(this.rng, pool.initiatives);
          break;
        case 'activeOn':
          out.activeOn = free ? `20${int(this.rng, 14, 28)}-0${int(this.rng, 1, 9)}-${int(this.rng, 10, 28)}` : dateWithin(this.rng, anchor.startDate, anchor.endDate);
          break;
        case 'startDate':
        case 'activeDuring':
          out[key] = this.dateRange(anchor, free);
          break;
        case 'text': {
          const words = free ? pool.projects.flatMap((p) => p.words.slice(0, 1)) : anchor.words;
          const w = words.length ? pick(this.rng, words) : 'EU';
          out.text = r < 0.6 ? w : r < 0.75 ? w.toLowerCase() : r < 0.85 ? `"${w} ${pick(this.rng, anchor.words.length ? anchor.words : [w])}"` : r < 0.93 ? `${w} OR ${pick(this.rng, pool.projects).words[0] ?? w}` : `-${w}`;
          break;
        }
        case 'synthetic':
          out.synthetic = free ? chance(this.rng, 0.5) : anchor.synthetic;
          break;
      }
    }
    return out;
  }
}

function signature(ctx: Ctx): string {
  return `${ctx.fromKommun}/${ctx.foreign}`;
}

/** The day `days` after (before, when negative) a YYYY-MM-DD date. */
function shiftDay(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

function dateWithin(rng: Rng, start: string, end: string | null): string {
  const a = Date.parse(`${start}T00:00:00Z`);
  const b = end ? Date.parse(`${end}T00:00:00Z`) : a + 2 * 365 * 86_400_000;
  return new Date(a + Math.floor(rng() * (b - a + 1) / 86_400_000) * 86_400_000).toISOString().slice(0, 10);
}

// ---------------------------------------------------------------------------------------------
// Measuring an operation as the gateway does
// ---------------------------------------------------------------------------------------------

export interface Measure {
  depth: number;
  aliases: number;
  tokens: number;
  cost: number;
}

/**
 * Depth and aliases as GraphQL Armor counts them (an inline fragment adds a level, a fragment
 * spread two; a fragment's aliases count at every spread), tokens as the parser counts them, and the cost as the gateway's
 * estimator (gateway/src/limits.ts) does: a field with `first` costs 1 + first × its selection,
 * a connection's edges and nodes what their selection costs, other lists 1 + 20 × their selection.
 */
export function measure(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown>, facts: RoutingFacts): Measure {
  const fragments = new Map(document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])));
  const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION)!;
  const depthOf = (set: SelectionSetNode | undefined): number =>
    !set ? 0 : Math.max(0, ...set.selections.map((s) => (s.kind === Kind.FRAGMENT_SPREAD ? 2 + depthOf(fragments.get(s.name.value)?.selectionSet) : 1 + depthOf(s.selectionSet))));
  const aliasesOf = (set: SelectionSetNode | undefined): number =>
    !set ? 0 : set.selections.reduce((n, s) => n + (s.kind === Kind.FIELD ? (s.alias ? 1 : 0) + aliasesOf(s.selectionSet) : aliasesOf(s.kind === Kind.FRAGMENT_SPREAD ? fragments.get(s.name.value)?.selectionSet : s.selectionSet)), 0);
  let tokens = 0;
  const lexer = new Lexer(new Source(print(document)));
  while (lexer.advance().kind !== TokenKind.EOF) tokens++;
  const costOf = (set: SelectionSetNode | undefined, type: GraphQLObjectType): number => {
    if (!set) return 0;
    let sum = 0;
    for (const s of set.selections) {
      if (s.kind !== Kind.FIELD) {
        const inner = s.kind === Kind.FRAGMENT_SPREAD ? fragments.get(s.name.value)! : s;
        const t = inner.typeCondition ? (schema.getType(inner.typeCondition.name.value) as GraphQLObjectType) : type;
        sum += costOf(inner.selectionSet, t);
        continue;
      }
      const def = type.getFields()[s.name.value];
      if (!def) continue;
      const named = getNamedType(def.type);
      const child = isObjectType(named) ? costOf(s.selectionSet, named) : 0;
      const firstArg = s.arguments?.find((a) => a.name.value === 'first');
      const first = firstArg ? (firstArg.value.kind === Kind.VARIABLE ? variables[firstArg.value.name.value] : firstArg.value.kind === Kind.INT ? Number(firstArg.value.value) : undefined) : undefined;
      const rule = facts.connections.get(type.name);
      if (rule && (s.name.value === rule.edges || s.name.value === rule.nodes)) sum += child;
      else if (typeof first === 'number') sum += 1 + Math.max(0, first) * Math.max(1, child);
      else if (isListType(getNullableType(def.type))) sum += 1 + GATEWAY_LIMITS.listSize * Math.max(1, child);
      else sum += 1 + child;
    }
    return sum;
  };
  return { depth: depthOf(operation.selectionSet), aliases: aliasesOf(operation.selectionSet), tokens, cost: costOf(operation.selectionSet, schema.getQueryType()!) };
}

/**
 * Where the query planner may reuse a named fragment of the operation inside another selection
 * of the same type that asks for more: it then sends `...F pageInfo { endCursor }` for
 * `pageInfo { hasNextPage endCursor }` when F is `{ pageInfo { hasNextPage } }`, so the same
 * response key comes twice in one selection of the shard query. Answers the response paths of
 * such keys (lists walked through): every selection on F's type that does not spread F but has
 * every top-level key of F, for F's keys with a selection of their own.
 */
export function fragmentReusePaths(schema: GraphQLSchema, document: DocumentNode): string[][] {
  const fragments = new Map(document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])));
  const keyOf = (f: { alias?: { value: string }; name: { value: string } }) => f.alias?.value ?? f.name.value;
  const topKeys = (set: SelectionSetNode, own: boolean, out = new Map<string, boolean>()): Map<string, boolean> => {
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD) out.set(keyOf(s), out.get(keyOf(s)) || !!s.selectionSet);
      else if (s.kind === Kind.INLINE_FRAGMENT) topKeys(s.selectionSet, own, out);
      else if (!own && fragments.get(s.name.value)) topKeys(fragments.get(s.name.value)!.selectionSet, own, out);
    }
    return out;
  };
  const out: string[][] = [];
  const seen = new Set<string>();
  const walk = (set: SelectionSetNode, type: GraphQLObjectType, path: string[]): void => {
    const own = topKeys(set, true);
    const spread = new Set<string>();
    visit(set, { FragmentSpread: (s) => void spread.add(s.name.value), Field: () => false });
    for (const [name, f] of fragments) {
      if (f.typeCondition.name.value !== type.name || spread.has(name)) continue;
      const keys = topKeys(f.selectionSet, false);
      if (![...keys.keys()].every((k) => own.has(k))) continue;
      for (const [k, sub] of keys) {
        const id = [...path, k].join('.');
        if (sub && !seen.has(id)) {
          seen.add(id);
          out.push([...path, k]);
        }
      }
    }
    const fields = (s: SelectionSetNode): FieldNode[] =>
      s.selections.flatMap((x) => (x.kind === Kind.FIELD ? [x] : x.kind === Kind.INLINE_FRAGMENT ? fields(x.selectionSet) : fragments.get(x.name.value) ? fields(fragments.get(x.name.value)!.selectionSet) : []));
    for (const f of fields(set)) {
      const def = type.getFields()[f.name.value];
      const named = def && getNamedType(def.type);
      if (f.selectionSet && named && isObjectType(named)) walk(f.selectionSet, named, [...path, keyOf(f)]);
    }
  };
  const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  if (operation) walk(operation.selectionSet, schema.getQueryType()!, []);
  return out;
}

/** What a set of operations asks, to check the generator reaches everything it should. */
export interface Coverage {
  /** `Type.field` asked. */
  fields: Set<string>;
  /** `Type.field(argument)` given, inline or by a variable with a value. */
  arguments: Set<string>;
  /** ProjectFilter fields used. */
  filters: Set<string>;
  /** `<field> <direction>` of every explicit orderBy. */
  orders: Set<string>;
  /** ProjectDimension values grouped by. */
  dimensions: Set<string>;
  /** Switchable shapes and other features, with how many operations have each. */
  features: Map<string, number>;
  /** Every chain of fields from the root, `Query.project > Project.developmentAreas > …`, fragments expanded. */
  chains: Set<string>;
}

export function coverageOf(schema: GraphQLSchema, ops: GeneratedOperation[]): Coverage {
  const c: Coverage = { fields: new Set(), arguments: new Set(), filters: new Set(), orders: new Set(), dimensions: new Set(), features: new Map(), chains: new Set() };
  const count = (k: string) => c.features.set(k, (c.features.get(k) ?? 0) + 1);
  for (const op of ops) {
    [...op.shapes, ...op.features].forEach(count);
    if (op.fragmentReuse.length) count('named fragment the planner may reuse');
    const document = parse(op.query);
    const fragments = new Map(document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])));
    const walk = (set: SelectionSetNode, type: GraphQLObjectType, chain: string[]): void => {
      for (const s of set.selections) {
        if (s.kind === Kind.INLINE_FRAGMENT) walk(s.selectionSet, type, chain);
        else if (s.kind === Kind.FRAGMENT_SPREAD) walk(fragments.get(s.name.value)!.selectionSet, type, chain);
        else {
          const def = type.getFields()[s.name.value];
          if (!def) continue;
          const next = [...chain, `${type.name}.${def.name}`];
          c.chains.add(next.join(' > '));
          const named = getNamedType(def.type);
          if (s.selectionSet && isObjectType(named)) walk(s.selectionSet, named, next);
        }
      }
    };
    const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
    if (operation) walk(operation.selectionSet, schema.getQueryType()!, []);
    const typeInfo = new TypeInfo(schema);
    visit(
      document,
      visitWithTypeInfo(typeInfo, {
        Field() {
          const parent = typeInfo.getParentType();
          const def = typeInfo.getFieldDef();
          if (parent && def) c.fields.add(`${parent.name}.${def.name}`);
        },
        Argument(node) {
          const parent = typeInfo.getParentType();
          const field = typeInfo.getFieldDef();
          const arg = typeInfo.getArgument();
          if (!parent || !field || !arg) return;
          const value = valueFromAST(node.value, arg.type, op.variables);
          if (value === undefined || value === null) return;
          c.arguments.add(`${parent.name}.${field.name}(${arg.name})`);
          if (arg.name === 'filter') Object.keys(value as object).forEach((k) => c.filters.add(k));
          if (arg.name === 'orderBy') {
            const o = value as { field: string; direction?: string };
            c.orders.add(`${o.field} ${o.direction ?? 'ASC'}`);
          }
          if (arg.name === 'groupBy') (value as string[]).forEach((d) => c.dimensions.add(d));
        },
      }),
    );
  }
  return c;
}

import {
  Kind,
  getArgumentValues,
  getNamedType,
  getOperationAST,
  parse,
  print,
  visit,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLFormattedError,
  type GraphQLObjectType,
  type GraphQLSchema,
  isObjectType,
  type OperationDefinitionNode,
} from 'graphql';
import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import type { Logger } from '@samverkan/common';
import { comparePositions, decodeCursor, KOMMUNKOD } from '@samverkan/common';
import type { Deadline } from './deadline';
import { callerError, holeError, isForTheCaller, unknownError, type Path } from './holes';
import type { ConnectionRule, RoutingDeclaration } from './routing/declaration';
import { HIDDEN, injectMergeFields } from './routing/inject';
import { CUT, entityKeys, planCuts, type Cut, type CutPlan } from './routing/nested';
import { LRUCache } from 'lru-cache';
import { ResponseMerger } from './routing/merge';
import { ownerOfValue, valueAtPath } from './routing/owner';
import type { ShardAnswer, ShardClient } from './shards/client';
import type { MemberRegistry } from './shards/registry';

type Obj = Record<string, unknown>;

/** What every fetch of one client request shares: the caller's token and the request's deadline. */
interface RequestScope {
  /** Sent with writes only, to the kommun that owns them (see FetchContext.send). */
  authorization?: string;
  deadline?: Deadline;
}

export interface ShardedDataSourceOptions {
  contract: GraphQLSchema;
  declaration: RoutingDeclaration;
  registry: MemberRegistry;
  client: ShardClient;
  logger: Logger;
}

/** An operation whose broadcast root connections take their page from the gateway's variables. */
interface Tuned {
  key: string;
  document: DocumentNode;
  operation: OperationDefinitionNode;
  fields: FieldNode[];
  /** Root field index → the variables now holding its `first` and `after`. */
  vars: Map<number, { first: string; after: string }>;
}

/** An `_entities` fetch whose broadcast entities' connections take `first` from the gateway. */
interface TunedEntities {
  document: DocumentNode;
  query: string;
  fields: Array<{ typeName: string; node: FieldNode; def: GraphQLField<unknown, unknown>; rule: ConnectionRule; variable: string }>;
}

/** How one shard answered: its data and errors, or why it gave none. */
type Outcome = { answer: ShardAnswer } | { failure: string };

/**
 * One request to one shard. A shard is a subgraph URL: usually one kommun's, but a combined
 * instance may serve several kommuner, and is then asked once for all of them.
 */
interface ShardRequest {
  url: string;
  codes: string[];
  query: string;
  variables: Obj;
  /** For _entities: the original index of each representation sent. */
  indexes?: number[];
  /** The places in the fetch's answer that its kommuner fill: where a hole goes when it fails. */
  paths: Path[];
}

/**
 * The data source of the kommun contract: one logical subgraph whose fetches go to the member
 * shards. Entity fetches are split by owner and put back in order; broadcast fields are asked of
 * every shard and merged; mutations go to the owning kommun only. Everything is derived from the
 * routing declaration, so a field added to the contract needs no code here.
 */
export class ShardedDataSource implements GraphQLDataSource {
  private readonly cutPlans = new LRUCache<string, { plan: CutPlan | null }>({ max: 5000 });
  private readonly keys: Map<string, string>;
  private readonly injected = new Map<string, { document: DocumentNode; query: string }>();
  private readonly tuned = new Map<string, Tuned>();
  private readonly tunedEntities = new Map<string, TunedEntities>();

  constructor(private readonly options: ShardedDataSourceOptions) {
    this.keys = entityKeys(options.contract);
  }

  async process(options: GraphQLDataSourceProcessOptions): Promise<GatewayGraphQLResponse> {
    const { request } = options;
    if (options.kind !== 'incoming operation') return { data: {} };
    const document = options.document ?? parse(request.query!);
    const variables = (request.variables ?? {}) as Obj;
    const operation = getOperationAST(document, request.operationName);
    if (!operation) return { errors: [{ message: 'The gateway built a fetch without an operation.' }] };
    const authorization = options.incomingRequestContext.request.http?.headers.get('authorization') ?? undefined;
    // The request's one deadline (set when it started, see GatewayContext): every fetch draws from it.
    const deadline = (options.context as { deadline?: Deadline } | undefined)?.deadline;
    return this.fetch(request.query!, document, operation, variables, { authorization, deadline });
  }

  /**
   * One fetch: what its shards can answer, then what had to be cut from it (entities nested below
   * its root fields that other shards hold, see planCuts), each as an `_entities` fetch of its
   * own, at any depth, grafted back in place.
   */
  private async fetch(query: string, document: DocumentNode, operation: OperationDefinitionNode, variables: Obj, request: RequestScope): Promise<GatewayGraphQLResponse> {
    const plan = this.cutsFor(query, document, operation);
    const fetchOperation = plan ? getOperationAST(plan.document)! : operation;
    const ctx = new FetchContext(this, plan?.query ?? query, plan?.document ?? document, fetchOperation, variables, request);
    const fields = rootFields(fetchOperation);
    const response =
      fetchOperation.operation === 'mutation' ? await ctx.mutation() : fields.length === 1 && fields[0].name.value === '_entities' ? await ctx.entities(fields[0]) : await ctx.query(fields);
    if (!plan || !response.data) return response;
    const errors = [...(response.errors ?? [])];
    await Promise.all(plan.cuts.map((cut) => this.resolveCut(cut, response.data as Obj, variables, request, errors)));
    return errors.length ? { data: response.data, errors: dedupe(errors) } : { data: response.data };
  }

  /** The cut plan of a fetch, cached per query text; none when one shard holds every kommun. */
  private cutsFor(query: string, document: DocumentNode, operation: OperationDefinitionNode): CutPlan | null {
    const members = this.options.registry.all();
    if (new Set(members.map((m) => this.options.registry.target(m.code).url)).size <= 1) return null;
    const key = `${operation.name?.value ?? ''}\n${query}`;
    let entry = this.cutPlans.get(key);
    if (!entry) this.cutPlans.set(key, (entry = { plan: planCuts(document, operation, this.options.contract, this.keys, this.options.declaration) }));
    return entry.plan;
  }

  /** Asks the shards that hold the entities of one cut for their fields, and puts the answers in place. */
  private async resolveCut(cut: Cut, data: Obj, variables: Obj, request: RequestScope, errors: GraphQLFormattedError[]): Promise<void> {
    const targets: Array<{ object: Obj; path: Array<string | number>; rep: number }> = [];
    const reps: Obj[] = [];
    const repIndex = new Map<string, number>();
    const visit = (value: unknown, depth: number, path: Array<string | number>): void => {
      if (value == null) return;
      if (Array.isArray(value)) return value.forEach((v, i) => visit(v, depth, [...path, i]));
      if (depth === cut.path.length) {
        const object = value as Obj;
        const rep = { __typename: String(object[CUT.typename] ?? cut.typeName), [cut.key]: object[CUT.key] };
        const id = JSON.stringify(rep);
        let index = repIndex.get(id);
        if (index === undefined) repIndex.set(id, (index = reps.push(rep) - 1));
        targets.push({ object, path, rep: index });
        return;
      }
      const key = cut.path[depth];
      visit((value as Obj)[key], depth + 1, [...path, key]);
    };
    visit(data, 0, []);
    if (!reps.length) return;
    const operation = getOperationAST(cut.entities.document)!;
    const answer = await this.fetch(cut.entities.query, cut.entities.document, operation, { ...variables, representations: reps }, request);
    const entities = ((answer.data as Obj | null)?._entities ?? []) as Array<Obj | null>;
    for (const t of targets) {
      const entity = entities[t.rep];
      // Each place gets its own copy: the gateway fills other subgraphs' fields into it later.
      if (entity) Object.assign(t.object, structuredClone(entity));
    }
    // Errors (holes among them) at `['_entities', i]` go to every place that entity was cut from.
    for (const e of answer.errors ?? []) {
      const [root, index, ...rest] = e.path ?? [];
      if (root !== '_entities' || typeof index !== 'number') {
        errors.push(e);
        continue;
      }
      for (const t of targets) if (t.rep === index) errors.push({ ...e, path: [...t.path, ...rest] });
    }
  }

  /** @internal */
  get deps(): ShardedDataSourceOptions {
    return this.options;
  }

  /** The operation cut down to some of its root fields, with the fields merging needs; cached. */
  subsetFor(query: string, document: DocumentNode, operation: OperationDefinitionNode, fields: FieldNode[]): { document: DocumentNode; query: string } {
    const all = rootFields(operation);
    if (fields.length === all.length) return this.injectedFor(query, document);
    const key = `${query}\n#${fields.map((f) => all.indexOf(f)).join(',')}`;
    return this.injectedFor(key, subsetOperation(operation, fields, document));
  }

  /**
   * The operation with each broadcast root connection's `first` and `after` turned into variables
   * of the gateway's own, so that each shard can be asked for fewer rows than the page (see
   * FetchContext.refine). Cached per query text.
   */
  tunedFor(query: string, document: DocumentNode, operation: OperationDefinitionNode): Tuned {
    let entry = this.tuned.get(query);
    if (entry) return entry;
    const queryType = this.options.contract.getQueryType()!;
    const fields = rootFields(operation);
    const vars = new Map<number, { first: string; after: string }>();
    const variable = (name: string) => ({ kind: Kind.VARIABLE as const, name: { kind: Kind.NAME as const, value: name } });
    const tunedFields = fields.map((f, i) => {
      const def = queryType.getFields()[f.name.value];
      const rule = def ? this.options.declaration.merge[getNamedType(def.type).name] : undefined;
      if (!def || rule?.kind !== 'connection' || this.options.declaration.route[`Query.${f.name.value}`]) return f;
      if (!def.args.some((a) => a.name === 'first') || !def.args.some((a) => a.name === 'after')) return f;
      const names = { first: `__sv_first_${i}`, after: `__sv_after_${i}` };
      vars.set(i, names);
      const args = (f.arguments ?? []).filter((a) => a.name.value !== 'first' && a.name.value !== 'after');
      args.push(
        { kind: Kind.ARGUMENT, name: { kind: Kind.NAME, value: 'first' }, value: variable(names.first) },
        { kind: Kind.ARGUMENT, name: { kind: Kind.NAME, value: 'after' }, value: variable(names.after) },
      );
      return { ...f, arguments: args };
    });
    if (!vars.size) {
      entry = { key: query, document, operation, fields, vars };
    } else {
      const definition = (name: string, type: string) => ({
        kind: Kind.VARIABLE_DEFINITION as const,
        variable: variable(name),
        type: { kind: Kind.NAMED_TYPE as const, name: { kind: Kind.NAME as const, value: type } },
      });
      const selectionSet = { ...operation.selectionSet, selections: operation.selectionSet.selections.map((sel) => (sel.kind === Kind.FIELD ? tunedFields[fields.indexOf(sel)] : sel)) };
      // The client's own variables for first and after may now be unused, which GraphQL refuses.
      const used = new Set<string>();
      visit(selectionSet, { Variable: (v) => void used.add(v.name.value) });
      for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) visit(d, { Variable: (v) => void used.add(v.name.value) });
      const tunedOperation: OperationDefinitionNode = {
        ...operation,
        variableDefinitions: [
          ...(operation.variableDefinitions ?? []).filter((d) => used.has(d.variable.name.value)),
          ...[...vars.values()].flatMap((v) => [definition(v.first, 'Int'), definition(v.after, 'String')]),
        ],
        selectionSet,
      };
      entry = {
        key: `${query}\n#tuned`,
        document: { ...document, definitions: document.definitions.map((d) => (d === operation ? tunedOperation : d)) },
        operation: tunedOperation,
        fields: rootFields(tunedOperation),
        vars,
      };
    }
    if (this.tuned.size > 5000) this.tuned.clear();
    this.tuned.set(query, entry);
    return entry;
  }

  /**
   * The `_entities` fetch with the `first` of each connection that broadcast entities carry (a
   * development area's projects) turned into a variable of the gateway's own, so each shard can be
   * asked for a share of the page (see FetchContext.refineEntities). Cached per query text.
   */
  tunedEntitiesFor(query: string, document: DocumentNode, operation: OperationDefinitionNode, field: FieldNode): TunedEntities {
    let entry = this.tunedEntities.get(query);
    if (entry) return entry;
    const fields: TunedEntities['fields'] = [];
    const selections = (field.selectionSet?.selections ?? []).map((sel) => {
      if (sel.kind !== Kind.INLINE_FRAGMENT || !sel.typeCondition) return sel;
      const typeName = sel.typeCondition.name.value;
      const type = this.options.contract.getType(typeName);
      if (!type || !isObjectType(type) || this.options.declaration.entities[typeName]) return sel;
      const inner = sel.selectionSet.selections.map((f) => {
        if (f.kind !== Kind.FIELD) return f;
        const def = type.getFields()[f.name.value];
        const rule = def ? this.options.declaration.merge[getNamedType(def.type).name] : undefined;
        if (!def || rule?.kind !== 'connection' || !def.args.some((a) => a.name === 'first')) return f;
        const variable = `__sv_efirst_${fields.length}`;
        fields.push({ typeName, node: f, def, rule, variable });
        const args = (f.arguments ?? []).filter((a) => a.name.value !== 'first');
        args.push({ kind: Kind.ARGUMENT, name: { kind: Kind.NAME, value: 'first' }, value: { kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: variable } } });
        return { ...f, arguments: args };
      });
      return { ...sel, selectionSet: { ...sel.selectionSet, selections: inner } };
    });
    if (!fields.length) {
      entry = { ...this.injectedFor(query, document), fields };
    } else {
      const tunedField: FieldNode = { ...field, selectionSet: { kind: Kind.SELECTION_SET, selections } };
      const used = new Set<string>();
      visit(tunedField, { Variable: (v) => void used.add(v.name.value) });
      const operationNode: OperationDefinitionNode = {
        ...operation,
        variableDefinitions: [
          ...(operation.variableDefinitions ?? []).filter((d) => used.has(d.variable.name.value)),
          ...fields.map((f) => ({
            kind: Kind.VARIABLE_DEFINITION as const,
            variable: { kind: Kind.VARIABLE as const, name: { kind: Kind.NAME as const, value: f.variable } },
            type: { kind: Kind.NAMED_TYPE as const, name: { kind: Kind.NAME as const, value: 'Int' } },
          })),
        ],
        selectionSet: { ...operation.selectionSet, selections: operation.selectionSet.selections.map((sel) => (sel === field ? tunedField : sel)) },
      };
      const tunedDocument: DocumentNode = { ...document, definitions: document.definitions.map((d) => (d === operation ? operationNode : d)) };
      entry = { ...this.injectedFor(`${query}\n#tuned-entities`, tunedDocument), fields };
    }
    if (this.tunedEntities.size > 5000) this.tunedEntities.clear();
    this.tunedEntities.set(query, entry);
    return entry;
  }

  /** The fetch with the fields merging needs; cached per query text. */
  injectedFor(query: string, document: DocumentNode): { document: DocumentNode; query: string } {
    let entry = this.injected.get(query);
    if (!entry) {
      const doc = injectMergeFields(document, this.options.contract, this.options.declaration);
      entry = { document: doc, query: print(doc) };
      if (this.injected.size > 5000) this.injected.clear();
      this.injected.set(query, entry);
    }
    return entry;
  }
}

/** The errors of a fetch and its cuts, each once (a kommun missing from several parts is named once). */
function dedupe(errors: GraphQLFormattedError[]): GraphQLFormattedError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const id = JSON.stringify([e.message, e.path, e.extensions?.code, e.extensions?.municipality]);
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

function rootFields(operation: OperationDefinitionNode): FieldNode[] {
  return operation.selectionSet.selections.filter((s): s is FieldNode => s.kind === Kind.FIELD);
}

function fragmentsOf(document: DocumentNode): Record<string, FragmentDefinitionNode> {
  const out: Record<string, FragmentDefinitionNode> = {};
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) out[d.name.value] = d;
  return out;
}

const responseKey = (f: FieldNode) => f.alias?.value ?? f.name.value;

/** One fetch from the gateway's query plan, on its way to the shards. */
class FetchContext {
  private readonly errors: GraphQLFormattedError[] = [];
  private readonly reported = new Set<string>();
  private readonly deps: ShardedDataSourceOptions;

  constructor(
    private readonly source: ShardedDataSource,
    private readonly query_: string,
    private readonly document: DocumentNode,
    private readonly operation: OperationDefinitionNode,
    private readonly variables: Obj,
    private readonly request: RequestScope,
  ) {
    this.deps = source.deps;
  }

  /** A merger for a fetch document; `variables` hold the page sizes the client asked for. */
  private merger(document: DocumentNode, variables: Obj = this.variables): ResponseMerger {
    return new ResponseMerger(this.deps.contract, this.deps.declaration, fragmentsOf(document), variables);
  }

  /**
   * Names a kommun whose data is missing from this fetch's answer at each of `paths` (once per
   * kommun and place): a hole, or, for a kommunkod that is no member, MUNICIPALITY_UNKNOWN.
   */
  private missing(code: string, reason: string, paths: Path[], kind: 'MUNICIPALITY_UNAVAILABLE' | 'MUNICIPALITY_UNKNOWN' = 'MUNICIPALITY_UNAVAILABLE'): void {
    for (const path of paths.length ? paths : [undefined]) {
      const id = `${code}\n${JSON.stringify(path ?? null)}`;
      if (this.reported.has(id)) continue;
      this.reported.add(id);
      this.errors.push(kind === 'MUNICIPALITY_UNKNOWN' ? unknownError(code, path) : holeError(code, this.deps.registry.get(code)?.name, reason, path));
    }
  }

  /**
   * The shards behind some kommuner, in kommunkod order: URL → the kommuner it serves here.
   * A kommun that cannot be asked is named as missing at `pathsOf(code)`.
   */
  private shardsOf(codes: Iterable<string>, pathsOf: (code: string) => Path[]): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const code of [...new Set(codes)].sort()) {
      const target = this.deps.registry.target(code);
      if (target.url === null) {
        this.missing(code, target.reason, pathsOf(code), this.deps.registry.get(code) ? 'MUNICIPALITY_UNAVAILABLE' : 'MUNICIPALITY_UNKNOWN');
        continue;
      }
      const list = out.get(target.url);
      if (list) list.push(code);
      else out.set(target.url, [code]);
    }
    return out;
  }

  /**
   * Sends each request to its shard in parallel, each waiting no longer than the request's
   * deadline allows; a shard that fails leaves a named hole at each place it was asked to fill.
   */
  private async send(requests: ShardRequest[]): Promise<Map<string, Outcome & { request: ShardRequest }>> {
    const outcomes = await Promise.all(
      requests.map(async (request): Promise<Outcome & { request: ShardRequest }> => {
        try {
          // The caller's token travels with a write to the kommun that owns it, and nowhere else:
          // reads (entity fetches after a write among them) carry none, so no kommun ever sees a
          // credential it could replay against another.
          const write = this.operation.operation === 'mutation' && this.request.authorization;
          const headers: Record<string, string> = write ? { authorization: this.request.authorization! } : {};
          const answer = await this.deps.client.post(request.url, { query: request.query, variables: request.variables }, headers, this.request.deadline);
          this.keepErrors(request, answer);
          return { answer, request };
        } catch (err) {
          const reason = `its subgraph ${(err as Error).message}`;
          for (const code of request.codes) this.missing(code, reason, request.paths);
          return { failure: reason, request };
        }
      }),
    );
    // In request order (by kommunkod), so that concatenated lists come out the same every time.
    return new Map(outcomes.map((o) => [o.request.url, o]));
  }

  /**
   * A shard's own errors. Those meant for the caller (BAD_USER_INPUT and the like) pass on as they
   * came, naming the kommun. Any other (an internal error, with the code INTERNAL_SERVER_ERROR or
   * none) means the kommun's data is missing there: a hole at the place it affects (the root
   * field's key, or the entity), its details kept for the log. An answer without data loses
   * every place the request was to fill.
   */
  private keepErrors(request: ShardRequest, answer: ShardAnswer): void {
    const holes: Path[] = [];
    let everywhere = answer.data == null;
    let internal = 0;
    for (const e of answer.errors ?? []) {
      let path: Path | undefined = e.path;
      if (request.indexes && path?.[0] === '_entities' && typeof path[1] === 'number') path = ['_entities', request.indexes[path[1]], ...path.slice(2)];
      if (isForTheCaller(e.extensions?.code)) {
        this.errors.push(callerError(e, path, request.codes));
        continue;
      }
      internal++;
      const place = !path ? undefined : path[0] === '_entities' ? (typeof path[1] === 'number' ? path.slice(0, 2) : undefined) : path.slice(0, 1);
      if (place && request.paths.some((p) => p.length === place.length && p.every((x, i) => x === place[i]))) holes.push(place);
      else everywhere = true;
    }
    // Data lost with nothing said for the caller: every place the request was to fill is a hole.
    if (answer.data == null && internal === 0 && answer.errors?.length) everywhere = false;
    if (!internal && !everywhere) return;
    if (internal) this.deps.logger.warn({ municipalities: request.codes, errors: answer.errors?.filter((e) => !isForTheCaller(e.extensions?.code)) }, 'a kommun answered an internal error');
    const reason = internal ? 'its subgraph answered an internal error' : 'its subgraph answered no data';
    for (const code of request.codes) this.missing(code, reason, everywhere ? request.paths : holes);
  }

  private result(data: Obj | null): GatewayGraphQLResponse {
    return this.errors.length ? { data, errors: this.errors } : { data };
  }

  private members(): string[] {
    return this.deps.registry.all().map((m) => m.code);
  }

  /** `_entities`: routed representations to their owners, the others to every shard. */
  async entities(field: FieldNode): Promise<GatewayGraphQLResponse> {
    const reps = (this.variables.representations ?? []) as Obj[];
    const routed = new Map<string, number[]>();
    const broadcast: number[] = [];
    reps.forEach((rep, i) => {
      const entity = this.deps.declaration.entities[String(rep.__typename)];
      if (!entity) return void broadcast.push(i);
      const code = ownerOfValue(rep[entity.key]);
      if (!code) return; // a key no kommun owns: that item stays null
      const list = routed.get(code);
      if (list) list.push(i);
      else routed.set(code, [i]);
    });
    const at = (indexes: number[]): Path[] => indexes.map((i) => ['_entities', i]);
    const shards = this.shardsOf([...(broadcast.length ? this.members() : []), ...routed.keys()], (code) => at([...(routed.get(code) ?? []), ...broadcast]));
    if (shards.size === 1) {
      // One shard holds every kommun asked for (one kommun, or a combined instance): nothing to merge.
      const [[url, codes]] = shards;
      if (codes.reduce((n, c) => n + (routed.get(c)?.length ?? 0), broadcast.length) === reps.length) {
        const identity = reps.map((_, i) => i);
        const [outcome] = (await this.send([{ url, codes, query: this.query_, variables: this.variables, indexes: identity, paths: at(identity) }])).values();
        return this.result('answer' in outcome ? ((outcome.answer.data as Obj | null) ?? null) : null);
      }
    }
    const tuned = broadcast.length ? this.source.tunedEntitiesFor(this.query_, this.document, this.operation, field) : null;
    const fetch = tuned ?? { query: this.query_, document: this.document, fields: [] };
    // Each shard is asked for a share of each broadcast connection's page; refineEntities completes it.
    const pages = fetch.fields.map((f) => {
      const args = getArgumentValues(f.def, f.node, this.variables);
      const first = typeof args.first === 'number' ? args.first : f.rule.defaultFirst;
      return { ...f, first, share: shards.size > 1 ? Math.min(first, Math.ceil((2 * first) / shards.size) + 1) : first };
    });
    const shardVariables = { ...this.variables, ...Object.fromEntries(pages.map((p) => [p.variable, p.share])) };
    const requests: ShardRequest[] = [...shards].map(([url, codes]) => {
      const indexes = [...codes.flatMap((c) => routed.get(c) ?? []), ...broadcast];
      return { url, codes, query: fetch.query, indexes, paths: at(indexes), variables: { ...shardVariables, representations: indexes.map((i) => reps[i]) } };
    });
    const outcomes = await this.send(requests);
    if (pages.some((p) => p.share < p.first)) await this.refineEntities(reps, broadcast, pages, fetch.query, shardVariables, outcomes);
    const results: unknown[] = new Array(reps.length).fill(null);
    const shared: Obj[][] = reps.map(() => []);
    const merger = this.merger(fetch.document, { ...this.variables, ...Object.fromEntries(pages.map((p) => [p.variable, p.first])) });
    const isBroadcast = new Set(broadcast);
    for (const outcome of outcomes.values()) {
      if ('failure' in outcome) continue;
      const indexes = outcome.request.indexes!;
      const list = (outcome.answer.data?._entities ?? []) as Array<Obj | null>;
      indexes.forEach((original, j) => {
        const value = list[j] ?? null;
        if (isBroadcast.has(original)) {
          if (value) shared[original].push(value);
        } else {
          results[original] = value;
        }
      });
    }
    if (broadcast.length) {
      reps.forEach((rep, i) => {
        const type = this.deps.contract.getType(String(rep.__typename)) as GraphQLObjectType | undefined;
        if (!type) return;
        if (isBroadcast.has(i)) results[i] = shared[i].length ? merger.mergeObject(field.selectionSet, type, shared[i]) : null;
        else if (results[i]) results[i] = merger.mergeObject(field.selectionSet, type, [results[i] as Obj]);
      });
    }
    return this.result({ [responseKey(field)]: results });
  }

  /** Root query fields: routed ones to their owner, the rest to every (named) shard, merged. */
  async query(fields: FieldNode[]): Promise<GatewayGraphQLResponse> {
    const queryType = this.deps.contract.getQueryType()!;
    const plans = fields.map((node) => {
      const def = queryType.getFields()[node.name.value];
      if (!def) return { node, def, codes: [] as string[], routed: true };
      const coordinate = `Query.${node.name.value}`;
      const args = getArgumentValues(def, node, this.variables);
      const routeArg = this.deps.declaration.route[coordinate];
      if (routeArg) {
        const value = valueAtPath(args, routeArg);
        const code = ownerOfValue(value);
        if (!code && value != null) {
          this.errors.push({
            message: `Invalid input: ${routeArg} ${JSON.stringify(String(value).slice(0, 80))} does not name a kommun (a 4-digit kommunkod, or an id that begins with one, such as 1480:project:1).`,
            path: [responseKey(node)],
            extensions: { code: 'BAD_USER_INPUT' },
          });
        }
        return { node, def, codes: code ? [code] : [], routed: true };
      }
      const pruneArg = this.deps.declaration.prune[coordinate];
      const named = pruneArg ? valueAtPath(args, pruneArg) : undefined;
      if (Array.isArray(named)) {
        const members = new Set(this.members());
        const codes = [...new Set(named.map(String))];
        const malformed = codes.filter((c) => !KOMMUNKOD.test(c));
        if (malformed.length) {
          // Not a kommunkod at all: the caller's mistake, not a missing member.
          this.errors.push({
            message: `Invalid input: ${pruneArg}: each entry must be a 4-digit kommunkod (got ${malformed.map((c) => JSON.stringify(c.slice(0, 40))).join(', ')}).`,
            path: [responseKey(node)],
            extensions: { code: 'BAD_USER_INPUT' },
          });
        }
        for (const c of codes) if (!members.has(c) && KOMMUNKOD.test(c)) this.missing(c, 'not a member of this region', [[responseKey(node)]], 'MUNICIPALITY_UNKNOWN');
        return { node, def, codes: codes.filter((c) => members.has(c)), routed: false };
      }
      return { node, def, codes: this.members(), routed: false };
    });
    // Each shard is asked only the fields it takes part in: shards with the same fields share a query.
    const shards = this.shardsOf(
      plans.flatMap((p) => p.codes),
      (code) => plans.filter((p) => p.def && p.codes.includes(code)).map((p) => [responseKey(p.node)]),
    );
    const pathsOf = (indexes: number[]): Path[] => indexes.map((i) => [responseKey(plans[i].node)]);
    const urlOf = new Map([...shards].flatMap(([url, codes]) => codes.map((c) => [c, url] as const)));
    const fieldsOf = new Map<string, number[]>();
    plans.forEach((p, i) => {
      for (const url of new Set(p.codes.map((c) => urlOf.get(c)).filter((u): u is string => !!u))) fieldsOf.set(url, [...(fieldsOf.get(url) ?? []), i]);
    });
    // One shard answers every field (one kommun, or a combined instance holding them all): pass its answer on.
    const single = fieldsOf.size === 1 && [...fieldsOf.values()][0].length === plans.filter((p) => p.def).length;
    if (single) {
      const [[url]] = fieldsOf;
      const [only] = (await this.send([{ url, codes: shards.get(url)!, query: this.query_, variables: this.variables, paths: pathsOf(fieldsOf.get(url)!) }])).values();
      return this.result('answer' in only ? ((only.answer.data as Obj | null) ?? null) : null);
    }
    const tuned = this.source.tunedFor(this.query_, this.document, this.operation);
    const fetchFor = (indexes: number[]) => this.source.subsetFor(tuned.key, tuned.document, tuned.operation, indexes.map((i) => tuned.fields[i]));
    // Each broadcast connection asks each shard for a share of the page, not the whole page:
    // `refine` asks again only the shards whose every row made the global page.
    const pages = new Map<number, { first: number; after: unknown; share: number }>();
    for (const i of tuned.vars.keys()) {
      const plan = plans[i];
      if (plan.routed || !plan.def) continue;
      const rule = this.deps.declaration.merge[getNamedType(plan.def.type).name] as ConnectionRule;
      const args = getArgumentValues(plan.def, plan.node, this.variables);
      const first = typeof args.first === 'number' ? args.first : rule.defaultFirst;
      const urls = new Set(plan.codes.map((c) => urlOf.get(c)).filter(Boolean));
      pages.set(i, { first, after: args.after ?? null, share: urls.size > 1 ? Math.min(first, Math.ceil((2 * first) / urls.size) + 1) : first });
    }
    const shardVariables = { ...this.variables };
    const mergeVariables = { ...this.variables };
    for (const [i, names] of tuned.vars) {
      const page = pages.get(i) ?? { first: 0, after: null, share: 0 };
      Object.assign(shardVariables, { [names.first]: page.share, [names.after]: page.after });
      Object.assign(mergeVariables, { [names.first]: page.first, [names.after]: page.after });
    }
    const outcomes = await this.send([...fieldsOf].map(([url, indexes]) => ({ url, codes: shards.get(url)!, query: fetchFor(indexes).query, variables: shardVariables, paths: pathsOf(indexes) })));
    for (const [i, page] of pages) {
      if (page.share < page.first) await this.refine(plans[i], i, tuned, page, shardVariables, outcomes, shards, urlOf);
    }
    const fetch = fetchFor(fields.map((_, i) => i));
    const merger = this.merger(fetch.document, mergeVariables);
    const data: Obj = {};
    for (const plan of plans) {
      const key = responseKey(plan.node);
      if (!plan.def) {
        if (plan.node.name.value === '__typename') data[key] = 'Query';
        continue;
      }
      const values = [...new Set(plan.codes.map((c) => urlOf.get(c)))]
        .map((url) => (url ? outcomes.get(url) : undefined))
        .map((o) => (o && 'answer' in o ? (o.answer.data as Obj | null | undefined)?.[key] : undefined))
        .filter((v) => v !== undefined);
      data[key] = values.length ? merger.mergeField(plan.node, plan.def, values) : plan.routed ? null : merger.empty(plan.node, plan.def);
    }
    return this.result(data);
  }

  /**
   * Completes a broadcast connection whose shards were asked for a share of the page each: a
   * shard whose rows all made the global page, and which has more, may hold more rows of the page,
   * so it is asked for the rest after its last row. Repeats until no shard can add to the page.
   * Rows stay exact; most shards are asked once.
   */
  private async refine(
    plan: { node: FieldNode; def?: GraphQLField<unknown, unknown>; codes: string[] },
    index: number,
    tuned: Tuned,
    page: { first: number; after: unknown },
    variables: Obj,
    outcomes: Map<string, Outcome & { request: ShardRequest }>,
    shards: Map<string, string[]>,
    urlOf: Map<string, string>,
  ): Promise<void> {
    const rule = this.deps.declaration.merge[getNamedType(plan.def!.type).name] as ConnectionRule;
    const key = responseKey(plan.node);
    const names = tuned.vars.get(index)!;
    const lists = [
      HIDDEN.cursors,
      ...(plan.node.selectionSet?.selections ?? [])
        .filter((s): s is FieldNode => s.kind === Kind.FIELD && (s.name.value === rule.edges || s.name.value === rule.nodes))
        .map(responseKey),
    ];
    const query = this.source.subsetFor(tuned.key, tuned.document, tuned.operation, [tuned.fields[index]]).query;
    for (let round = 0; round < 8; round++) {
      const values: Array<{ url: string; value: Obj }> = [];
      for (const url of new Set(plan.codes.map((c) => urlOf.get(c)).filter((u): u is string => !!u))) {
        const o = outcomes.get(url);
        const value = o && 'answer' in o ? ((o.answer.data as Obj | null)?.[key] as Obj | null | undefined) : undefined;
        if (value) values.push({ url, value });
      }
      const rows = values.flatMap((v) => ((v.value[HIDDEN.cursors] as Obj[] | null) ?? []).map((edge) => ({ v, position: decodeCursor(edge[rule.cursor] as string) })));
      rows.sort((a, b) => comparePositions(a.position, b.position));
      const inPage = new Map<Obj, number>();
      for (const r of rows.slice(0, page.first)) inPage.set(r.v.value, (inPage.get(r.v.value) ?? 0) + 1);
      const wanting = values.filter(({ value }) => {
        const own = ((value[HIDDEN.cursors] as Obj[] | null) ?? []).length;
        return (value[HIDDEN.more] as Obj | null)?.hasNextPage === true && own > 0 && inPage.get(value) === own && own < page.first;
      });
      if (!wanting.length) return;
      const more = await this.send(
        wanting.map(({ url, value }) => {
          const edges = value[HIDDEN.cursors] as Obj[];
          return {
            url,
            codes: shards.get(url)!,
            query,
            paths: [[key]],
            variables: { ...variables, [names.first]: page.first - edges.length, [names.after]: edges[edges.length - 1][rule.cursor] },
          };
        }),
      );
      for (const { url, value } of wanting) {
        const o = more.get(url);
        const extra = o && 'answer' in o ? ((o.answer.data as Obj | null)?.[key] as Obj | null | undefined) : undefined;
        if (!extra) {
          value[HIDDEN.more] = { hasNextPage: false };
          continue;
        }
        for (const list of lists) value[list] = [...((value[list] as unknown[] | null) ?? []), ...((extra[list] as unknown[] | null) ?? [])];
        value[HIDDEN.more] = extra[HIDDEN.more];
      }
    }
  }

  /**
   * Completes the connections of broadcast entities that each shard answered with a share of the
   * page: a shard whose every row made an entity's page, and which has more, is asked again for
   * those entities with the whole page. Rows stay exact.
   */
  private async refineEntities(
    reps: Obj[],
    broadcast: number[],
    pages: Array<{ typeName: string; node: FieldNode; rule: ConnectionRule; variable: string; first: number }>,
    query: string,
    variables: Obj,
    outcomes: Map<string, Outcome & { request: ShardRequest }>,
  ): Promise<void> {
    const answered = [...outcomes.values()].filter((o): o is { answer: ShardAnswer; request: ShardRequest } => 'answer' in o);
    const positions = new Map(answered.map((o) => [o.request.url, new Map(o.request.indexes!.map((original, j) => [original, j]))]));
    const entitiesOf = (o: { answer: ShardAnswer }) => (o.answer.data?._entities ?? []) as Array<Obj | null>;
    const need = new Map<string, Set<number>>();
    for (const i of broadcast) {
      for (const page of pages.filter((p) => p.typeName === reps[i].__typename)) {
        const key = responseKey(page.node);
        const values = answered
          .map((o) => ({ url: o.request.url, value: entitiesOf(o)[positions.get(o.request.url)!.get(i)!]?.[key] as Obj | null | undefined }))
          .filter((v): v is { url: string; value: Obj } => !!v.value);
        const rows = values.flatMap((v) => ((v.value[HIDDEN.cursors] as Obj[] | null) ?? []).map((edge) => ({ v, position: decodeCursor(edge[page.rule.cursor] as string) })));
        rows.sort((a, b) => comparePositions(a.position, b.position));
        const inPage = new Map<Obj, number>();
        for (const r of rows.slice(0, page.first)) inPage.set(r.v.value, (inPage.get(r.v.value) ?? 0) + 1);
        for (const { url, value } of values) {
          const own = ((value[HIDDEN.cursors] as Obj[] | null) ?? []).length;
          if ((value[HIDDEN.more] as Obj | null)?.hasNextPage === true && own > 0 && inPage.get(value) === own && own < page.first) {
            need.set(url, (need.get(url) ?? new Set()).add(i));
          }
        }
      }
    }
    if (!need.size) return;
    const full = { ...variables, ...Object.fromEntries(pages.map((p) => [p.variable, p.first])) };
    const again = await this.send(
      [...need].map(([url, set]) => {
        const indexes = [...set];
        const first = answered.find((o) => o.request.url === url)!;
        return { url, codes: first.request.codes, query, indexes, paths: indexes.map((i) => ['_entities', i]), variables: { ...full, representations: indexes.map((i) => reps[i]) } };
      }),
    );
    for (const o of again.values()) {
      if (!('answer' in o)) continue;
      const target = entitiesOf(outcomes.get(o.request.url) as { answer: ShardAnswer });
      const fresh = entitiesOf(o);
      o.request.indexes!.forEach((original, j) => {
        const at = positions.get(o.request.url)!.get(original)!;
        if (target[at] && fresh[j]) for (const page of pages) target[at]![responseKey(page.node)] = fresh[j]![responseKey(page.node)];
      });
    }
  }

  /** Sends a whole operation to the one shard that serves `code`, to fill `paths`; undefined when it cannot be asked. */
  private async sendTo(code: string, query: string, paths: Path[]): Promise<(Outcome & { request: ShardRequest }) | undefined> {
    const [shard] = this.shardsOf([code], () => paths);
    if (!shard) return undefined;
    return [...(await this.send([{ url: shard[0], codes: shard[1], query, variables: this.variables, paths }])).values()][0];
  }

  /** Mutations: each field to the kommun its declared argument names, in order. */
  async mutation(): Promise<GatewayGraphQLResponse> {
    const mutationType = this.deps.contract.getMutationType();
    const fields = rootFields(this.operation);
    const owners: Array<string | null> = fields.map((node) => {
      const def = mutationType?.getFields()[node.name.value];
      const routeArg = this.deps.declaration.route[`Mutation.${node.name.value}`];
      if (!def || !routeArg) {
        this.errors.push({ message: `Mutation ${node.name.value} has no routing declaration; the gateway cannot tell which kommun owns it.`, extensions: { code: 'BAD_REQUEST' } });
        return null;
      }
      const code = ownerOfValue(valueAtPath(getArgumentValues(def, node, this.variables), routeArg));
      if (!code) {
        this.errors.push({
          message: `Invalid input: ${routeArg} of ${node.name.value} must name a kommun (a 4-digit kommunkod or an id that begins with one).`,
          path: [responseKey(node)],
          extensions: { code: 'BAD_USER_INPUT' },
        });
      }
      return code;
    });
    const data: Obj = {};
    const distinct = new Set(owners);
    if (distinct.size === 1 && owners[0]) {
      const outcome = await this.sendTo(owners[0], this.query_, fields.map((f) => [responseKey(f)]));
      return this.result(outcome && 'answer' in outcome ? ((outcome.answer.data as Obj | null) ?? null) : null);
    }
    // Fields for different kommuner: one request each, in order, as mutations run.
    for (let i = 0; i < fields.length; i++) {
      const code = owners[i];
      const key = responseKey(fields[i]);
      data[key] = null;
      if (!code) continue;
      const query = print(subsetOperation(this.operation, [fields[i]], this.document));
      const outcome = await this.sendTo(code, query, [[key]]);
      if (outcome && 'answer' in outcome) data[key] = (outcome.answer.data as Obj | null)?.[key] ?? null;
    }
    return this.result(data);
  }
}

/** The operation cut down to some root fields, with only the variables and fragments they use. */
function subsetOperation(operation: OperationDefinitionNode, fields: FieldNode[], document: DocumentNode): DocumentNode {
  const used = new Set<string>();
  const spreads = new Set<string>();
  const fragments = fragmentsOf(document);
  const walk = (node: FieldNode | FragmentDefinitionNode) =>
    visit(node, {
      Variable: (v) => void used.add(v.name.value),
      FragmentSpread: (s) => {
        if (!spreads.has(s.name.value) && fragments[s.name.value]) {
          spreads.add(s.name.value);
          walk(fragments[s.name.value]);
        }
      },
    });
  fields.forEach(walk);
  return {
    kind: Kind.DOCUMENT,
    definitions: [
      {
        ...operation,
        variableDefinitions: operation.variableDefinitions?.filter((d) => used.has(d.variable.name.value)),
        selectionSet: { kind: Kind.SELECTION_SET, selections: fields },
      },
      ...[...spreads].map((n) => fragments[n]),
    ],
  };
}

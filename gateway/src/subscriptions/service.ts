import {
  GraphQLError,
  Kind,
  execute,
  OperationTypeNode,
  getArgumentValues,
  getNamedType,
  getOperationAST,
  print,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLFormattedError,
  type FieldNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionNode,
  type VariableDefinitionNode,
} from 'graphql';
import { Repeater } from '@graphql-yoga/subscription';
import { LRUCache } from 'lru-cache';
import type { ApolloServer } from '@apollo/server';
import { KOMMUNKOD } from '@samverkan/contract';
import { type Logger } from '@samverkan/server-kit';
import { requestDeadline } from '../deadline';
import { fragmentsOf, parseVariableDefinition, usageOf, usedDefinitions } from '../documents';
import type { RoutingDeclaration, SubscriptionRule } from '../routing/declaration';
import { valueAtPath } from '../routing/owner';
import type { MemberRegistry } from '../shards/registry';
import type { GatewayContext } from '../server';
import { UpstreamHub, type HubListener, type LiveState, type UpstreamEvent } from './upstream';

export interface SubscriptionServiceOptions {
  apollo: ApolloServer<GatewayContext>;
  registry: MemberRegistry;
  declaration: RoutingDeclaration;
  logger: Logger;
  /** Results a subscriber may have waiting before it counts as unable to keep up. Default 500. */
  queueLimit?: number;
  /** The gateway's alias limit: a batch of events stays within it. Default 30. */
  maxAliases?: number;
  /** REQUEST_TIMEOUT_MS: each batch's query has a deadline of its own, as a client's request has. Default 10000. */
  requestTimeoutMs?: number;
}

/** A field of the client's selection resolved per event by a root query (`project(id:)`). */
interface ResolvedField {
  /** The client's field, renamed to the root query and aliased to the client's response key. */
  node: FieldNode;
  key: string;
  argument: string;
  /** The batch variable that carries the event's value. */
  variable: string;
}

/** How one client selection turns upstream events into its answers. */
interface EventPlan {
  responseKey: string;
  /** The event type's name, for `__typename`. */
  typename: string;
  /** Fields in the client's order: response key → field name (copied from the event, or resolved). */
  copied: Array<[string, string]>;
  /** Fields resolved by a query; none when the client selected only what the event carries. */
  resolved: ResolvedField[];
  /** The client's variable definitions and fragments those fields use. */
  variableDefinitions: VariableDefinitionNode[];
  fragments: FragmentDefinitionNode[];
  /** Batch variable → path in the event. */
  eventVariables: Array<[string, string]>;
}

/** Events of one selection (a plan and the client's variables), resolved in batches for all its subscribers. */
interface Feed {
  key: string;
  plan: EventPlan;
  variables: Record<string, unknown>;
  queue: Array<{ event: UpstreamEvent; targets: Subscriber[] }>;
  running: boolean;
  subscribers: number;
}

interface Subscriber {
  hub: UpstreamHub;
  listener: HubListener;
  /** The kommuner it listens to; null for every member, now and later. */
  codes: Set<string> | null;
  attached: Set<string>;
  feed: Feed;
  /** Queues a result for the client, or ends the subscription when too many wait. */
  deliver(result: ExecutionResult): void;
  /** Ends the subscription with an error counting what it lost: what waited, and `dropped` more. */
  overflow(dropped: number, why: string): void;
}

/**
 * Told of every member's changes as they are announced, and of whether its stream is up: what the
 * response cache invalidates by. A kommun whose stream is down may change unseen.
 */
export interface ChangeWatcher {
  changed(code: string): void;
  /** Its stream is up: the first time, or again after a loss (changes may have been missed meanwhile). */
  connected(code: string): void;
  paused(code: string): void;
}

const VAR_PREFIX = '__samverkan_';
/** Limit errors a batch can meet that a smaller batch would not. */
const SPLIT_ON = new Set(['TOO_MANY_ALIASES', 'QUERY_TOO_COMPLEX', 'QUERY_TOO_LARGE', 'TOO_MANY_DIRECTIVES']);

function bad(message: string, code = 'BAD_USER_INPUT'): ExecutionResult {
  return { errors: [new GraphQLError(message, { extensions: { code } })] };
}

/**
 * Subscriptions through the gateway, which @apollo/gateway does not run. A client's
 * subscription listens to the kommuner it names (every member when it names none) through
 * upstream subscriptions shared between clients. Each event is answered with the client's
 * selection: what the event carries is copied, the rest resolved by a query through the gateway,
 * so fields from any subgraph work as in a query. Clients with the same selection share a feed,
 * whose events are resolved many to a query, in the order they came.
 *
 * Each client has a bounded queue: one that falls `queueLimit` results behind gets an error that
 * says how many events it lost, and its subscription ends (subscribe again and re-read), instead
 * of the gateway holding an ever longer backlog. While a kommun's upstream is down its
 * subscribers are told so (`extensions.liveUpdates`, state PAUSED, with a MUNICIPALITY_UNAVAILABLE
 * error) and told again when it is back (state RESUMED).
 */
export class SubscriptionService {
  private readonly hubs = new Map<string, UpstreamHub>();
  private readonly everyMember = new Set<Subscriber>();
  private readonly feeds = new Map<string, Feed>();
  private readonly plans = new LRUCache<string, EventPlan>({ max: 1000 });
  /** Each watcher's listener per hub and kommun (`coordinate\ncode`). */
  private readonly watchers = new Map<ChangeWatcher, Map<string, HubListener>>();
  private readonly queueLimit: number;
  private readonly maxAliases: number;

  constructor(private readonly options: SubscriptionServiceOptions) {
    this.queueLimit = options.queueLimit ?? 500;
    this.maxAliases = options.maxAliases ?? 30;
    for (const [coordinate, rule] of Object.entries(options.declaration.subscriptions)) {
      const field = coordinate.split('.')[1];
      this.hubs.set(coordinate, new UpstreamHub(options.registry, options.logger, { query: `subscription SamverkanGateway { ${field} { ${rule.select} } }`, field, owner: rule.owner }));
    }
    options.registry.onChange(() => this.followMembership());
  }

  /** graphql-ws `subscribe`. */
  subscribe(args: ExecutionArgs): AsyncIterable<ExecutionResult> | ExecutionResult {
    const operation = getOperationAST(args.document, args.operationName);
    const field = operation?.selectionSet.selections.find((s): s is FieldNode => s.kind === Kind.FIELD);
    if (!operation || !field) return bad('A subscription needs one root field.');
    const coordinate = `Subscription.${field.name.value}`;
    const rule = this.options.declaration.subscriptions[coordinate];
    const hub = this.hubs.get(coordinate);
    const routeArg = this.options.declaration.route[coordinate];
    const def = args.schema.getSubscriptionType()?.getFields()[field.name.value];
    if (!rule || !hub || !def) return bad(`The gateway does not run the subscription ${field.name.value}.`, 'BAD_REQUEST');
    let codes: Set<string> | null = null;
    try {
      const named = routeArg ? valueAtPath(getArgumentValues(def, field, args.variableValues ?? {}), routeArg) : undefined;
      if (Array.isArray(named)) {
        named.forEach((c, i) => {
          if (typeof c !== 'string' || !KOMMUNKOD.test(c)) throw new Error(`${routeArg}[${i}] must be a 4-digit SCB kommunkod (got ${JSON.stringify(c)})`);
          if (!this.options.registry.get(c)) throw new Error(`${routeArg}[${i}]: kommun ${c} is not a member of this region`);
        });
        codes = new Set(named as string[]);
      }
    } catch (err) {
      return bad(`Invalid input: ${(err as Error).message}.`);
    }
    const plan = this.planFor(args.document, operation, field, rule, getNamedType(def.type).name);
    const variables = (args.variableValues ?? {}) as Record<string, unknown>;
    const feed = this.feedFor(plan, variables);

    return new Repeater<ExecutionResult>(async (push, stop) => {
      const waiting: ExecutionResult[] = [];
      let wake: (() => void) | null = null;
      let ending = false;
      const subscriber: Subscriber = {
        hub,
        codes,
        attached: new Set(),
        feed,
        deliver: (result) => {
          if (ending) return;
          if (waiting.length >= this.queueLimit) return subscriber.overflow(1, `it fell ${this.queueLimit} results behind`);
          waiting.push(result);
          wake?.();
        },
        overflow: (dropped, why) => {
          if (ending) return;
          ending = true;
          const lost = waiting.length + dropped;
          waiting.length = 0;
          this.options.logger.warn({ dropped: lost }, 'ended a subscriber that could not keep up');
          waiting.push({
            errors: [
              new GraphQLError(`This subscription was ended: ${why}, so ${lost} event(s) were not delivered. Subscribe again and re-read what you show.`, {
                extensions: { code: 'SUBSCRIBER_TOO_SLOW', dropped: lost, queueLimit: this.queueLimit },
              }),
            ],
          });
          wake?.();
        },
        listener: {
          event: (event) => this.enqueue(feed, event, subscriber),
          state: (code, state, reason) => subscriber.deliver(this.liveNotice(code, state, reason)),
          lost: (lostCodes, message) => subscriber.deliver(this.lostNotice(lostCodes, message)),
        },
      };
      this.attach(hub, subscriber, codes ?? this.options.registry.all().map((m) => m.code));
      if (!codes) this.everyMember.add(subscriber);
      feed.subscribers++;
      let stopped = false;
      void stop.then(() => {
        stopped = true;
        wake?.();
      });
      // One result at a time: the next is pushed when the client's socket has taken the last.
      while (!stopped) {
        const next = waiting.shift();
        if (next) {
          await push(next);
          if (ending && !waiting.length) break;
          continue;
        }
        await new Promise<void>((resolve) => (wake = resolve));
        wake = null;
      }
      stop();
      this.everyMember.delete(subscriber);
      for (const code of subscriber.attached) hub.detach(code, subscriber.listener);
      if (--feed.subscribers === 0) this.feeds.delete(feed.key);
    });
  }

  /**
   * Keeps an upstream subscription to every member, now and later, for as long as the gateway
   * runs, and tells `watcher` of each kommun's changes and stream state.
   */
  watchChanges(watcher: ChangeWatcher): void {
    this.watchers.set(watcher, new Map());
    this.followWatchers();
  }

  /**
   * graphql-ws `subscribe` of the member face (see member.ts): the events of this gateway's
   * kommuner (those its routing argument names that are members here, else all), as they sent
   * them, shaped to the subscription's selection over the contract (`args.schema`). A hub above
   * asks for what its upstream selects and resolves the rest itself, as it does with a kommun. An
   * event that came without data is passed on as an error naming the kommuner; a kommun whose
   * live updates pause or resume here is said in a result without data,
   * `extensions.liveUpdates: [{ municipality, state, reason }]`, which the hub above passes on to
   * that kommun's subscribers.
   */
  relay(args: ExecutionArgs): AsyncIterable<ExecutionResult> | ExecutionResult {
    const operation = getOperationAST(args.document, args.operationName);
    const field = operation?.selectionSet.selections.find((s): s is FieldNode => s.kind === Kind.FIELD);
    if (!operation || operation.operation !== 'subscription' || !field) return bad('A subscription needs one root field.', 'BAD_REQUEST');
    const coordinate = `Subscription.${field.name.value}`;
    const hub = this.hubs.get(coordinate);
    const def = args.schema.getSubscriptionType()?.getFields()[field.name.value];
    if (!hub || !def) return bad(`The gateway does not run the subscription ${field.name.value}.`, 'BAD_REQUEST');
    const routeArg = this.options.declaration.route[coordinate];
    const named = routeArg ? valueAtPath(getArgumentValues(def, field, args.variableValues ?? {}), routeArg) : undefined;
    const members = this.options.registry.all().map((m) => m.code);
    const codes = Array.isArray(named) ? members.filter((c) => named.includes(c)) : members;
    return new Repeater<ExecutionResult>(async (push, stop) => {
      let waiting = 0;
      const deliver = (result: ExecutionResult) => {
        if (waiting >= this.queueLimit) {
          void push({ errors: [new GraphQLError(`This subscription was ended: it fell ${this.queueLimit} results behind. Subscribe again.`, { extensions: { code: 'SUBSCRIBER_TOO_SLOW' } })] });
          stop();
          return;
        }
        waiting++;
        void push(result).then(() => waiting--, () => undefined);
      };
      const listener: HubListener = {
        event: (event) => deliver(execute({ schema: args.schema, document: args.document, operationName: args.operationName, variableValues: args.variableValues, rootValue: { [field.name.value]: event } }) as ExecutionResult),
        // A kommun's live updates paused or resumed inside: said as the hub above reads it (see UpstreamHub).
        state: (code, state, reason) => deliver({ extensions: { liveUpdates: [{ municipality: code, state, ...(reason ? { reason } : {}) }] } }),
        lost: (lostCodes, message) => deliver({ errors: [new GraphQLError(message, { extensions: { code: 'MUNICIPALITY_UNAVAILABLE', municipalities: lostCodes } })] }),
      };
      for (const code of codes) hub.attach(code, listener);
      await stop;
      for (const code of codes) hub.detach(code, listener);
    });
  }

  /** Open upstream subscriptions, for /health and the tests. */
  stats() {
    return Object.fromEntries([...this.hubs].map(([coordinate, hub]) => [coordinate, hub.stats()]));
  }

  async close(): Promise<void> {
    await Promise.all([...this.hubs.values()].map((h) => h.closeAll()));
  }

  private attach(hub: UpstreamHub, subscriber: Subscriber, codes: Iterable<string>): void {
    for (const code of codes) {
      if (subscriber.attached.has(code)) continue;
      subscriber.attached.add(code);
      hub.attach(code, subscriber.listener);
    }
  }

  /** Watchers follow the members: attached first, so that a change reaches them before any subscriber. */
  private followWatchers(): void {
    const members = new Set(this.options.registry.all().map((m) => m.code));
    for (const [watcher, attached] of this.watchers) {
      for (const [coordinate, hub] of this.hubs) {
        for (const code of members) {
          const key = `${coordinate}\n${code}`;
          if (attached.has(key)) continue;
          const listener: HubListener = {
            event: () => watcher.changed(code),
            lost: () => watcher.changed(code),
            state: (_code, state) => (state === 'PAUSED' ? watcher.paused(code) : undefined),
            connected: () => watcher.connected(code),
          };
          attached.set(key, listener);
          hub.attach(code, listener);
        }
      }
      for (const [key, listener] of [...attached]) {
        const [coordinate, code] = key.split('\n');
        if (members.has(code)) continue;
        attached.delete(key);
        this.hubs.get(coordinate)?.detach(code, listener);
        watcher.paused(code);
      }
    }
  }

  /** A kommun joined, left or moved: subscribers to every member follow, upstreams are re-pointed. */
  private followMembership(): void {
    this.followWatchers();
    const members = new Set(this.options.registry.all().map((m) => m.code));
    for (const s of this.everyMember) {
      this.attach(s.hub, s, members);
      for (const code of [...s.attached]) {
        if (!members.has(code)) {
          s.attached.delete(code);
          s.hub.detach(code, s.listener);
        }
      }
    }
    for (const hub of this.hubs.values()) hub.reconcile();
  }

  private nameOf(code: string): string {
    const m = this.options.registry.get(code);
    return m ? `${m.name} (${code})` : code;
  }

  private liveNotice(code: string, state: LiveState, reason?: string): ExecutionResult {
    const extensions = { liveUpdates: [{ municipality: code, state }] };
    if (state === 'RESUMED') return { extensions };
    return {
      errors: [
        new GraphQLError(`Live updates from ${this.nameOf(code)} are paused: ${reason ?? 'its subgraph cannot be reached'}. They resume by themselves; re-read its data when they do.`, {
          extensions: { code: 'MUNICIPALITY_UNAVAILABLE', municipality: code, liveUpdates: 'PAUSED' },
        }),
      ],
      extensions,
    };
  }

  private lostNotice(codes: string[], message: string): ExecutionResult {
    return {
      errors: [
        new GraphQLError(`An event from ${codes.map((c) => this.nameOf(c)).join(', ')} arrived without its data and could not be delivered: ${message}`, {
          extensions: { code: 'MUNICIPALITY_UNAVAILABLE', municipality: codes.length === 1 ? codes[0] : undefined, municipalities: codes },
        }),
      ],
    };
  }

  private feedFor(plan: EventPlan, variables: Record<string, unknown>): Feed {
    const key = JSON.stringify([plan.responseKey, plan.copied, plan.resolved.map((r) => print(r.node)), variables]);
    let feed = this.feeds.get(key);
    if (!feed) this.feeds.set(key, (feed = { key, plan, variables, queue: [], running: false, subscribers: 0 }));
    return feed;
  }

  /** An event for one subscriber; the hub hands the same event to each in turn, so they share an entry. */
  private enqueue(feed: Feed, event: UpstreamEvent, subscriber: Subscriber): void {
    const last = feed.queue.at(-1);
    if (last?.event === event) last.targets.push(subscriber);
    else if (feed.queue.length >= this.queueLimit) {
      // The feed cannot resolve as fast as events come: its subscribers are told, not left behind.
      const targets = new Set(feed.queue.flatMap((e) => e.targets).concat(subscriber));
      const dropped = feed.queue.length + 1;
      feed.queue.length = 0;
      for (const t of targets) t.overflow(dropped, `events came faster than they could be read (${this.queueLimit} waiting)`);
      return;
    } else feed.queue.push({ event, targets: [subscriber] });
    void this.drain(feed);
  }

  /** Resolves a feed's waiting events, a batch at a time, and hands each answer to its subscribers in order. */
  private async drain(feed: Feed): Promise<void> {
    if (feed.running) return;
    feed.running = true;
    try {
      const perEvent = Math.max(1, feed.plan.resolved.length);
      const batchMax = this.maxAliases > 0 ? Math.max(1, Math.min(50, Math.floor(this.maxAliases / perEvent))) : 50;
      while (feed.queue.length) {
        const batch = feed.queue.splice(0, batchMax);
        const results = await this.resolveBatch(feed, batch.map((b) => b.event));
        batch.forEach((b, i) => {
          for (const s of b.targets) s.deliver(results[i]);
        });
      }
    } finally {
      feed.running = false;
    }
  }

  /**
   * The answers to a batch of events, from one query through the gateway: each distinct value the
   * resolved fields need (a project id, a kommunkod) is asked once, under its own aliases. A batch
   * the gateway's limits refuse is split in two. Reads are public: the query runs as an anonymous
   * query would.
   */
  private async resolveBatch(feed: Feed, events: UpstreamEvent[]): Promise<ExecutionResult[]> {
    const { plan } = feed;
    if (!plan.resolved.length) return events.map((e) => this.compose(plan, e, {}, []));
    const groups = new Map<string, number>();
    const groupOf = events.map((event) => {
      const key = JSON.stringify(plan.eventVariables.map(([, path]) => valueAtPath(event, path)));
      if (!groups.has(key)) groups.set(key, groups.size);
      return groups.get(key)!;
    });
    const variables: Record<string, unknown> = { ...feed.variables };
    const definitions = [...plan.variableDefinitions];
    const selections: FieldNode[] = [];
    for (const [, g] of groups) {
      const sample = events[groupOf.indexOf(g)];
      for (const [name, path] of plan.eventVariables) {
        variables[`${name}_${g}`] = valueAtPath(sample, path);
        definitions.push(parseVariableDefinition(`$${name}_${g}: ID!`));
      }
      for (const r of plan.resolved) {
        selections.push({
          ...r.node,
          alias: { kind: Kind.NAME, value: `e${g}_${r.key}` },
          arguments: [{ kind: Kind.ARGUMENT, name: { kind: Kind.NAME, value: r.argument }, value: { kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: `${r.variable}_${g}` } } }],
        });
      }
    }
    const document: DocumentNode = {
      kind: Kind.DOCUMENT,
      definitions: [
        { kind: Kind.OPERATION_DEFINITION, operation: OperationTypeNode.QUERY, name: { kind: Kind.NAME, value: 'SamverkanSubscriptionEvents' }, variableDefinitions: definitions, selectionSet: { kind: Kind.SELECTION_SET, selections } },
        ...plan.fragments,
      ],
    };
    let data: Record<string, unknown> = {};
    let errors: readonly GraphQLFormattedError[] = [];
    try {
      const deadline = requestDeadline(this.options.requestTimeoutMs ?? 10_000);
      const response = await this.options.apollo.executeOperation({ query: print(document), variables }, { contextValue: { identity: null, deadline } });
      if (response.body.kind === 'single') {
        data = (response.body.singleResult.data ?? {}) as Record<string, unknown>;
        errors = response.body.singleResult.errors ?? [];
      }
    } catch (err) {
      this.options.logger.warn({ err }, 'could not resolve subscription events');
      errors = [{ message: 'The event could not be resolved.', extensions: { code: 'INTERNAL_SERVER_ERROR' } }];
    }
    if (groups.size > 1 && errors.some((e) => SPLIT_ON.has(String(e.extensions?.code)))) {
      const half = Math.ceil(events.length / 2);
      return [...(await this.resolveBatch(feed, events.slice(0, half))), ...(await this.resolveBatch(feed, events.slice(half)))];
    }
    return events.map((event, i) => {
      const g = groupOf[i];
      const prefix = `e${g}_`;
      const values: Record<string, unknown> = {};
      for (const r of plan.resolved) values[r.key] = data[`${prefix}${r.key}`] ?? null;
      // An error on this event's fields moves to its place in the event; one without a path concerns every event.
      const own = errors
        .filter((e) => !e.path || (typeof e.path[0] === 'string' && e.path[0].startsWith(prefix)))
        .map((e) => new GraphQLError(e.message, { path: e.path ? [plan.responseKey, String(e.path[0]).slice(prefix.length), ...e.path.slice(1)] : undefined, extensions: e.extensions }));
      return this.compose(plan, event, values, own);
    });
  }

  /** One client's answer to one event: its fields in its order, copied or resolved. */
  private compose(plan: EventPlan, event: UpstreamEvent, resolved: Record<string, unknown>, errors: GraphQLError[]): ExecutionResult {
    const value: Record<string, unknown> = {};
    for (const [key, name] of plan.copied) value[key] = name === '__typename' ? plan.typename : key in resolved ? resolved[key] : event[name];
    return errors.length ? { data: { [plan.responseKey]: value }, errors } : { data: { [plan.responseKey]: value } };
  }

  private planFor(document: DocumentNode, operation: OperationDefinitionNode, field: FieldNode, rule: SubscriptionRule, typename: string): EventPlan {
    const cacheKey = `${print(document)}\n${operation.name?.value ?? ''}`;
    const cached = this.plans.get(cacheKey);
    if (cached) return cached;
    const fragments = fragmentsOf(document);
    const copied: Array<[string, string]> = [];
    const resolved: ResolvedField[] = [];
    const eventVariables: Array<[string, string]> = [];
    const walk = (selections: readonly SelectionNode[]) => {
      for (const s of selections) {
        if (s.kind === Kind.FIELD) {
          const key = s.alias?.value ?? s.name.value;
          copied.push([key, s.name.value]);
          const resolve = rule.resolve[s.name.value];
          if (!resolve) continue;
          const variable = `${VAR_PREFIX}${resolve.argument}_${resolve.from.replace(/\W/g, '_')}`;
          if (!eventVariables.some(([v]) => v === variable)) eventVariables.push([variable, resolve.from]);
          resolved.push({ node: { ...s, name: { kind: Kind.NAME, value: resolve.query } }, key, argument: resolve.argument, variable });
        } else if (s.kind === Kind.INLINE_FRAGMENT) {
          walk(s.selectionSet.selections);
        } else if (fragments[s.name.value]) {
          walk(fragments[s.name.value].selectionSet.selections);
        }
      }
    };
    walk(field.selectionSet?.selections ?? []);
    // The client's variables and fragments that the resolved fields use, and no others.
    const usage = usageOf(
      resolved.map((r) => ({ ...r.node, arguments: [] })),
      fragments,
    );
    const plan: EventPlan = {
      responseKey: field.alias?.value ?? field.name.value,
      typename,
      copied,
      resolved,
      variableDefinitions: usedDefinitions(operation, usage),
      fragments: usage.fragments,
      eventVariables,
    };
    this.plans.set(cacheKey, plan);
    return plan;
  }
}

import {
  GraphQLError,
  Kind,
  getArgumentValues,
  getNamedType,
  getOperationAST,
  print,
  visit,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type FieldNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionNode,
  type VariableDefinitionNode,
} from 'graphql';
import { Repeater, SlidingBuffer } from '@graphql-yoga/subscription';
import type { ApolloServer } from '@apollo/server';
import { KOMMUNKOD, type Logger } from '@samverkan/common';
import type { RoutingDeclaration, SubscriptionRule } from '../routing/declaration';
import { valueAtPath } from '../routing/owner';
import type { MemberRegistry } from '../shards/registry';
import type { GatewayContext } from '../server';
import { UpstreamHub, type EventListener, type UpstreamEvent } from './upstream';

export interface SubscriptionServiceOptions {
  apollo: ApolloServer<GatewayContext>;
  registry: MemberRegistry;
  declaration: RoutingDeclaration;
  logger: Logger;
}

/** How one client selection turns an upstream event into its answer. */
interface EventPlan {
  responseKey: string;
  /** The event type's name, for `__typename`. */
  typename: string;
  /** Fields copied from the event: response key → field name. */
  copied: Array<[string, string]>;
  /** The query resolving the rest, or null when the client selected only copied fields. */
  query: string | null;
  /** Query variable → path in the event. */
  eventVariables: Array<[string, string]>;
}

interface Subscriber {
  hub: UpstreamHub;
  listener: EventListener;
  /** The kommuner it listens to; null for every member, now and later. */
  codes: Set<string> | null;
  attached: Set<string>;
}

const VAR_PREFIX = '__samverkan_';

function bad(message: string, code = 'BAD_USER_INPUT'): ExecutionResult {
  return { errors: [new GraphQLError(message, { extensions: { code } })] };
}

/**
 * Subscriptions through the gateway, which @apollo/gateway does not run. A client's
 * subscription listens to the kommuner it names (every member when it names none) through
 * upstream subscriptions shared between clients; each event is answered with the client's
 * selection, resolved by a query through the gateway, so fields from any subgraph work as in a
 * query. Clients with the same selection share that query.
 */
export class SubscriptionService {
  private readonly hubs = new Map<string, UpstreamHub>();
  private readonly everyMember = new Set<Subscriber>();
  private readonly pending = new Map<string, Promise<ExecutionResult>>();
  private readonly plans = new Map<string, EventPlan>();

  constructor(private readonly options: SubscriptionServiceOptions) {
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

    return new Repeater<ExecutionResult>(async (push, stop) => {
      let chain: Promise<unknown> = Promise.resolve();
      const subscriber: Subscriber = {
        hub,
        codes,
        attached: new Set(),
        listener: (event) => {
          // One event at a time per subscriber, so each sees them in the order they came.
          chain = chain
            .then(() => this.answer(event, plan, variables))
            .then((result) => push(result))
            .catch((err) => this.options.logger.warn({ err }, 'could not deliver a subscription event'));
        },
      };
      this.attach(hub, subscriber, codes ?? this.options.registry.all().map((m) => m.code));
      if (!codes) this.everyMember.add(subscriber);
      await stop;
      this.everyMember.delete(subscriber);
      for (const code of subscriber.attached) hub.detach(code, subscriber.listener);
    }, new SlidingBuffer(100));
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

  /** A kommun joined, left or moved: subscribers to every member follow, upstreams are re-pointed. */
  private followMembership(): void {
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

  /** The client's selection for one event; subscribers with the same selection share the work. */
  private answer(event: UpstreamEvent, plan: EventPlan, variables: Record<string, unknown>): Promise<ExecutionResult> {
    const key = JSON.stringify([plan.query, variables, event]);
    let result = this.pending.get(key);
    if (!result) {
      result = this.resolve(event, plan, variables);
      this.pending.set(key, result);
      setTimeout(() => this.pending.delete(key), 2000).unref();
    }
    return result;
  }

  /** Reads are public: the event's query runs as an anonymous query would. */
  private async resolve(event: UpstreamEvent, plan: EventPlan, variables: Record<string, unknown>): Promise<ExecutionResult> {
    const value: Record<string, unknown> = {};
    for (const [key, name] of plan.copied) value[key] = name === '__typename' ? undefined : event[name];
    let errors: readonly GraphQLError[] | undefined;
    if (plan.query) {
      const vars = { ...variables };
      for (const [name, path] of plan.eventVariables) vars[name] = valueAtPath(event, path);
      const response = await this.options.apollo.executeOperation({ query: plan.query, variables: vars }, { contextValue: { identity: null } });
      if (response.body.kind === 'single') {
        Object.assign(value, response.body.singleResult.data ?? {});
        errors = response.body.singleResult.errors?.map((e) => new GraphQLError(e.message, { path: e.path, extensions: e.extensions }));
      }
    }
    const ordered: Record<string, unknown> = {};
    for (const [key, name] of plan.copied) ordered[key] = name === '__typename' ? plan.typename : value[key];
    for (const k of Object.keys(value)) if (!(k in ordered)) ordered[k] = value[k];
    return errors?.length ? { data: { [plan.responseKey]: ordered }, errors } : { data: { [plan.responseKey]: ordered } };
  }

  private planFor(document: DocumentNode, operation: OperationDefinitionNode, field: FieldNode, rule: SubscriptionRule, typename: string): EventPlan {
    const cacheKey = `${print(document)}\n${operation.name?.value ?? ''}`;
    const cached = this.plans.get(cacheKey);
    if (cached) return cached;
    const fragments: Record<string, FragmentDefinitionNode> = {};
    for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
    const copied: Array<[string, string]> = [];
    const queryFields: FieldNode[] = [];
    const eventVariables: Array<[string, string]> = [];
    const walk = (selections: readonly SelectionNode[]) => {
      for (const s of selections) {
        if (s.kind === Kind.FIELD) {
          const key = s.alias?.value ?? s.name.value;
          const resolve = rule.resolve[s.name.value];
          if (!resolve) {
            copied.push([key, s.name.value]);
            continue;
          }
          const variable = `${VAR_PREFIX}${resolve.argument}_${resolve.from.replace(/\W/g, '_')}`;
          if (!eventVariables.some(([v]) => v === variable)) eventVariables.push([variable, resolve.from]);
          copied.push([key, s.name.value]);
          queryFields.push({
            ...s,
            alias: { kind: Kind.NAME, value: key },
            name: { kind: Kind.NAME, value: resolve.query },
            arguments: [{ kind: Kind.ARGUMENT, name: { kind: Kind.NAME, value: resolve.argument }, value: { kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: variable } } }],
          });
        } else if (s.kind === Kind.INLINE_FRAGMENT) {
          walk(s.selectionSet.selections);
        } else if (fragments[s.name.value]) {
          walk(fragments[s.name.value].selectionSet.selections);
        }
      }
    };
    walk(field.selectionSet?.selections ?? []);
    let query: string | null = null;
    if (queryFields.length) {
      const usedVariables = new Set<string>();
      const usedFragments = new Set<string>();
      const scan = (node: FieldNode | FragmentDefinitionNode) =>
        visit(node, {
          Variable: (v) => void usedVariables.add(v.name.value),
          FragmentSpread: (f) => {
            if (!usedFragments.has(f.name.value) && fragments[f.name.value]) {
              usedFragments.add(f.name.value);
              scan(fragments[f.name.value]);
            }
          },
        });
      queryFields.forEach(scan);
      const definitions: VariableDefinitionNode[] = [
        ...(operation.variableDefinitions ?? []).filter((d) => usedVariables.has(d.variable.name.value)),
        ...eventVariables.map(([name]) => ({
          kind: Kind.VARIABLE_DEFINITION as const,
          variable: { kind: Kind.VARIABLE as const, name: { kind: Kind.NAME as const, value: name } },
          type: { kind: Kind.NON_NULL_TYPE as const, type: { kind: Kind.NAMED_TYPE as const, name: { kind: Kind.NAME as const, value: 'ID' } } },
        })),
      ];
      query = print({
        kind: Kind.DOCUMENT,
        definitions: [
          { kind: Kind.OPERATION_DEFINITION, operation: 'query' as never, name: { kind: Kind.NAME, value: 'SamverkanSubscriptionEvent' }, variableDefinitions: definitions, selectionSet: { kind: Kind.SELECTION_SET, selections: queryFields } },
          ...[...usedFragments].map((n) => fragments[n]),
        ],
      } as DocumentNode);
    }
    const plan: EventPlan = { responseKey: field.alias?.value ?? field.name.value, typename, copied, query, eventVariables };
    if (this.plans.size > 1000) this.plans.clear();
    this.plans.set(cacheKey, plan);
    return plan;
  }
}

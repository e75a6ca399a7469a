import {
  Kind,
  getArgumentValues,
  getNamedType,
  isObjectType,
  print,
  type DocumentNode,
  type FieldNode,
  type GraphQLField,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { LRUCache } from 'lru-cache';
import { KOMMUNKOD } from '@samverkan/contract';
import { fragmentsOf, replaceDefinition, responseKey, rootFields, subsetOperation, usageOf, usedDefinitions, variableDefinition, withVariableArguments } from '../documents';
import { unknownError } from '../holes';
import type { ConnectionRule, RoutingDeclaration } from '../routing/declaration';
import { injectMergeFields } from '../routing/inject';
import { entityKeys, planCuts, type CutPlan } from '../routing/nested';
import { ownerOfValue, valueAtPath } from '../routing/owner';

type Obj = Record<string, unknown>;

/** Rewritten operations kept per cache, at most. */
const CACHED = 5000;

/** A fetch document as shards are asked it, with the fields merging needs. */
export interface ShardQuery {
  document: DocumentNode;
  query: string;
}

/** An operation whose broadcast root connections take their page from the gateway's variables. */
export interface TunedQuery {
  key: string;
  document: DocumentNode;
  operation: OperationDefinitionNode;
  fields: FieldNode[];
  /** Root field index → the variables now holding its `first` and `after`. */
  vars: Map<number, { first: string; after: string }>;
}

/** A connection that broadcast entities carry, whose `first` now comes from a gateway variable. */
export interface TunedEntityConnection {
  typeName: string;
  node: FieldNode;
  def: GraphQLField<unknown, unknown>;
  rule: ConnectionRule;
  variable: string;
}

/** An `_entities` fetch whose broadcast entities' connections take `first` from the gateway. */
export interface TunedEntities extends ShardQuery {
  fields: TunedEntityConnection[];
}

/** Where one root field of a query goes. */
export interface FieldPlan {
  node: FieldNode;
  /** Absent for a field the contract does not have (`__typename`). */
  def?: GraphQLField<unknown, unknown>;
  /** The kommuner asked. */
  codes: string[];
  /** Routed to the one kommun its declared argument names (else broadcast to `codes`). */
  routed: boolean;
}

/** The contract and its routing declaration: what every plan is derived from. */
export interface Contract {
  contract: GraphQLSchema;
  declaration: RoutingDeclaration;
}

/**
 * Where each root field of a query goes: a routed field to the kommun its declared argument names,
 * a pruned field to the members it lists, any other to every member. Malformed kommunkoder are the
 * caller's mistake (BAD_USER_INPUT); well-formed ones that are no member are named
 * MUNICIPALITY_UNKNOWN, except with `quietUnknown` (a member of a hub above, whose filter names
 * the other members' kommuner too), where they are left out as a kommun leaves out others'.
 * Errors come in field order.
 */
export function planRootFields(fields: FieldNode[], variables: Obj, { contract, declaration }: Contract, members: string[], options: { quietUnknown?: boolean } = {}): { plans: FieldPlan[]; errors: GraphQLFormattedError[] } {
  const queryType = contract.getQueryType()!;
  const errors: GraphQLFormattedError[] = [];
  const plans = fields.map((node): FieldPlan => {
    const def = queryType.getFields()[node.name.value];
    if (!def) return { node, def, codes: [], routed: true };
    const coordinate = `Query.${node.name.value}`;
    const args = getArgumentValues(def, node, variables);
    const path = [responseKey(node)];
    const routeArg = declaration.route[coordinate];
    if (routeArg) {
      const value = valueAtPath(args, routeArg);
      const code = ownerOfValue(value);
      if (!code && value != null) {
        errors.push({
          message: `Invalid input: ${routeArg} ${JSON.stringify(String(value).slice(0, 80))} does not name a kommun (a 4-digit kommunkod, or an id that begins with one, such as 1480:project:1).`,
          path,
          extensions: { code: 'BAD_USER_INPUT' },
        });
      }
      return { node, def, codes: code ? [code] : [], routed: true };
    }
    const pruneArg = declaration.prune[coordinate];
    const named = pruneArg ? valueAtPath(args, pruneArg) : undefined;
    if (!Array.isArray(named)) return { node, def, codes: members, routed: false };
    const memberSet = new Set(members);
    const codes = [...new Set(named.map(String))];
    const malformed = codes.filter((c) => !KOMMUNKOD.test(c));
    if (malformed.length) {
      // Not a kommunkod at all: the caller's mistake, not a missing member.
      errors.push({
        message: `Invalid input: ${pruneArg}: each entry must be a 4-digit kommunkod (got ${malformed.map((c) => JSON.stringify(c.slice(0, 40))).join(', ')}).`,
        path,
        extensions: { code: 'BAD_USER_INPUT' },
      });
    }
    if (!options.quietUnknown) for (const c of codes) if (!memberSet.has(c) && KOMMUNKOD.test(c)) errors.push(unknownError(c, path));
    return { node, def, codes: codes.filter((c) => memberSet.has(c)), routed: false };
  });
  return { plans, errors };
}

/**
 * Where each representation of an `_entities` fetch goes: a routed entity to the kommun its key
 * names (one whose key names none stays null), any other to every shard.
 */
export function planEntities(reps: Obj[], declaration: RoutingDeclaration): { routed: Map<string, number[]>; broadcast: number[] } {
  const routed = new Map<string, number[]>();
  const broadcast: number[] = [];
  reps.forEach((rep, i) => {
    const entity = declaration.entities[String(rep.__typename)];
    if (!entity) return void broadcast.push(i);
    const code = ownerOfValue(rep[entity.key]);
    if (!code) return;
    const list = routed.get(code);
    if (list) list.push(i);
    else routed.set(code, [i]);
  });
  return { routed, broadcast };
}

/** The kommun that owns each mutation field (null where none can be told, with an error saying why). */
export function planMutation(fields: FieldNode[], variables: Obj, { contract, declaration }: Contract): { owners: Array<string | null>; errors: GraphQLFormattedError[] } {
  const mutationType = contract.getMutationType();
  const errors: GraphQLFormattedError[] = [];
  const owners = fields.map((node) => {
    const def = mutationType?.getFields()[node.name.value];
    const routeArg = declaration.route[`Mutation.${node.name.value}`];
    if (!def || !routeArg) {
      errors.push({ message: `Mutation ${node.name.value} has no routing declaration; the gateway cannot tell which kommun owns it.`, extensions: { code: 'BAD_REQUEST' } });
      return null;
    }
    const code = ownerOfValue(valueAtPath(getArgumentValues(def, node, variables), routeArg));
    if (!code) {
      errors.push({
        message: `Invalid input: ${routeArg} of ${node.name.value} must name a kommun (a 4-digit kommunkod or an id that begins with one).`,
        path: [responseKey(node)],
        extensions: { code: 'BAD_USER_INPUT' },
      });
    }
    return code;
  });
  return { owners, errors };
}

/**
 * The rewrites of a fetch's operation that do not depend on its variables, each cached by query
 * text: the cut plan (nested entities other shards hold), the operation with the fields merging
 * needs, and the operation with gateway-owned page variables.
 */
export class Planner {
  private readonly keys: Map<string, string>;
  private readonly cutPlans = new LRUCache<string, { plan: CutPlan | null }>({ max: CACHED });
  private readonly injected = new LRUCache<string, ShardQuery>({ max: CACHED });
  private readonly tuned = new LRUCache<string, TunedQuery>({ max: CACHED });
  private readonly tunedEntities = new LRUCache<string, TunedEntities>({ max: CACHED });

  constructor(private readonly contract: Contract) {
    this.keys = entityKeys(contract.contract);
  }

  /** The cut plan of a fetch (see planCuts): null when nothing is cut. */
  cuts(query: string, document: DocumentNode, operation: OperationDefinitionNode): CutPlan | null {
    const key = `${operation.name?.value ?? ''}\n${query}`;
    let entry = this.cutPlans.get(key);
    if (!entry) this.cutPlans.set(key, (entry = { plan: planCuts(document, operation, this.contract.contract, this.keys, this.contract.declaration) }));
    return entry.plan;
  }

  /** The fetch with the fields merging needs; `document` is built only when the cache has no entry for `key`. */
  injectedFor(key: string, document: DocumentNode | (() => DocumentNode)): ShardQuery {
    let entry = this.injected.get(key);
    if (!entry) {
      const doc = injectMergeFields(typeof document === 'function' ? document() : document, this.contract.contract, this.contract.declaration);
      this.injected.set(key, (entry = { document: doc, query: print(doc) }));
    }
    return entry;
  }

  /** The tuned operation cut down to some of its root fields (by index), with the fields merging needs. */
  subset(tuned: TunedQuery, indexes: number[]): ShardQuery {
    if (indexes.length === tuned.fields.length) return this.injectedFor(tuned.key, tuned.document);
    return this.injectedFor(`${tuned.key}\n#${indexes.join(',')}`, () => subsetOperation(tuned.operation, indexes.map((i) => tuned.fields[i]), tuned.document));
  }

  /**
   * The query that asks a shard for more rows of one broadcast root connection (root field
   * `index`): that field alone, without the sums its connection's rule names (`totalCount`),
   * which the shard's first answer gave already and which only its rows are added to (see
   * appendRows), so that asking again does not count again.
   */
  moreRows(tuned: TunedQuery, index: number, rule: ConnectionRule): ShardQuery {
    return this.injectedFor(`${tuned.key}\n#more-${index}`, () => {
      const field = tuned.fields[index];
      const selections = (field.selectionSet?.selections ?? []).filter((s) => !(s.kind === Kind.FIELD && rule.sum.includes(s.name.value)));
      const lean: FieldNode = field.selectionSet ? { ...field, selectionSet: { ...field.selectionSet, selections } } : field;
      return subsetOperation(tuned.operation, [lean], tuned.document);
    });
  }

  /**
   * The operation with each broadcast root connection's `first` and `after` turned into variables
   * of the gateway's own, so that each shard can be asked for fewer rows than the page.
   */
  tunedQuery(query: string, document: DocumentNode, operation: OperationDefinitionNode): TunedQuery {
    let entry = this.tuned.get(query);
    if (!entry) this.tuned.set(query, (entry = this.tune(query, document, operation)));
    return entry;
  }

  private tune(query: string, document: DocumentNode, operation: OperationDefinitionNode): TunedQuery {
    const { contract, declaration } = this.contract;
    const queryType = contract.getQueryType()!;
    const fields = rootFields(operation);
    const vars = new Map<number, { first: string; after: string }>();
    const unused = unusedName(operation);
    const tunedFields = fields.map((f, i) => {
      const def = queryType.getFields()[f.name.value];
      const rule = def ? declaration.merge[getNamedType(def.type).name] : undefined;
      if (!def || rule?.kind !== 'connection' || declaration.route[`Query.${f.name.value}`]) return f;
      if (!def.args.some((a) => a.name === 'first') || !def.args.some((a) => a.name === 'after')) return f;
      const names = { first: unused(`__sv_first_${i}`), after: unused(`__sv_after_${i}`) };
      vars.set(i, names);
      return withVariableArguments(f, names);
    });
    if (!vars.size) return { key: query, document, operation, fields, vars };
    const selectionSet = { ...operation.selectionSet, selections: operation.selectionSet.selections.map((sel) => (sel.kind === Kind.FIELD ? tunedFields[fields.indexOf(sel)] : sel)) };
    // The client's own variables for first and after may now be unused, which GraphQL refuses.
    const usage = usageOf([selectionSet], fragmentsOf(document));
    const tuned: OperationDefinitionNode = {
      ...operation,
      variableDefinitions: [
        ...usedDefinitions(operation, usage),
        ...[...vars.values()].flatMap((v) => [variableDefinition(v.first, 'Int'), variableDefinition(v.after, 'String')]),
      ],
      selectionSet,
    };
    return { key: `${query}\n#tuned`, document: replaceDefinition(document, operation, tuned), operation: tuned, fields: rootFields(tuned), vars };
  }

  /**
   * The `_entities` fetch with the `first` of each connection that broadcast entities carry (a
   * development area's projects) turned into a variable of the gateway's own, so each shard can be
   * asked for a share of the page.
   */
  tunedEntitiesQuery(query: string, document: DocumentNode, operation: OperationDefinitionNode, field: FieldNode): TunedEntities {
    let entry = this.tunedEntities.get(query);
    if (!entry) this.tunedEntities.set(query, (entry = this.tuneEntities(query, document, operation, field)));
    return entry;
  }

  private tuneEntities(query: string, document: DocumentNode, operation: OperationDefinitionNode, field: FieldNode): TunedEntities {
    const { contract, declaration } = this.contract;
    const fields: TunedEntityConnection[] = [];
    const unused = unusedName(operation);
    const selections = (field.selectionSet?.selections ?? []).map((sel) => {
      if (sel.kind !== Kind.INLINE_FRAGMENT || !sel.typeCondition) return sel;
      const typeName = sel.typeCondition.name.value;
      const type = contract.getType(typeName);
      if (!type || !isObjectType(type) || declaration.entities[typeName]) return sel;
      const inner = sel.selectionSet.selections.map((f) => {
        if (f.kind !== Kind.FIELD) return f;
        const def = type.getFields()[f.name.value];
        const rule = def ? declaration.merge[getNamedType(def.type).name] : undefined;
        if (!def || rule?.kind !== 'connection' || !def.args.some((a) => a.name === 'first')) return f;
        const variable = unused(`__sv_efirst_${fields.length}`);
        fields.push({ typeName, node: f, def, rule, variable });
        return withVariableArguments(f, { first: variable });
      });
      return { ...sel, selectionSet: { ...sel.selectionSet, selections: inner } };
    });
    if (!fields.length) return { ...this.injectedFor(query, document), fields };
    const tunedField: FieldNode = { ...field, selectionSet: { kind: Kind.SELECTION_SET, selections } };
    const usage = usageOf([tunedField], fragmentsOf(document));
    const tuned: OperationDefinitionNode = {
      ...operation,
      variableDefinitions: [...usedDefinitions(operation, usage), ...fields.map((f) => variableDefinition(f.variable, 'Int'))],
      selectionSet: { ...operation.selectionSet, selections: operation.selectionSet.selections.map((sel) => (sel === field ? tunedField : sel)) },
    };
    return { ...this.injectedFor(`${query}\n#tuned-entities`, replaceDefinition(document, operation, tuned)), fields };
  }
}

/**
 * A variable name the operation does not define yet, from `name`: a gateway that is a member of a
 * hub above receives operations that already carry that hub's own page variables.
 */
function unusedName(operation: OperationDefinitionNode): (name: string) => string {
  const taken = new Set((operation.variableDefinitions ?? []).map((v) => v.variable.name.value));
  return (name) => {
    let candidate = name;
    while (taken.has(candidate)) candidate = `${candidate}_`;
    taken.add(candidate);
    return candidate;
  };
}

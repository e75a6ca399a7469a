import {
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  Kind,
  getArgumentValues,
  getDirectiveValues,
  getNamedType,
  getNullableType,
  isAbstractType,
  isCompositeType,
  isListType,
  isNonNullType,
  isObjectType,
  isInterfaceType,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';
import { compareCodePoints } from '@samverkan/contract';
import type { ConnectionRule, GroupRule, RoutingDeclaration } from './declaration';
import { HIDDEN } from './inject';
import { ownerOfValue } from './owner';
import { firstInOrder } from './positions';

type Obj = Record<string, unknown>;

/** Sums of amounts in whole öre/cents: adding binary floats must not invent fractions. */
function roundCents(n: number): number {
  return Number.isInteger(n) ? n : Math.round(n * 100) / 100;
}

interface CollectedField {
  node: FieldNode;
  responseKey: string;
  def: GraphQLField<unknown, unknown> | null;
}

/**
 * Merges the answers several shards gave to the same selection, following the document and the
 * routing declaration: connections in their global order cut at `first`, groups summed by key,
 * other lists concatenated, objects field by field, scalars from the first shard that has one.
 * The output holds exactly what the client selected: the gateway's hidden fields are left out.
 */
export class ResponseMerger {
  /** What `collect` found, per selection set and runtime type: a page merges the same selection for each of its rows. */
  private readonly collected = new Map<SelectionSetNode, Map<string, CollectedField[]>>();
  /** Whether merging one object of a selection set and type only picks its fields (see `plain`). */
  private readonly plainSets = new Map<SelectionSetNode, Map<string, boolean>>();

  constructor(
    private readonly contract: GraphQLSchema,
    private readonly decl: RoutingDeclaration,
    private readonly fragments: Record<string, FragmentDefinitionNode>,
    private readonly variables: Record<string, unknown>,
  ) {}

  /** Merges objects of one runtime type (taken from `__typename` when the type is abstract). */
  mergeObject(selectionSet: SelectionSetNode | undefined, type: GraphQLCompositeType, objects: Obj[]): Obj {
    const out: Obj = {};
    if (!selectionSet) return out;
    const runtime = this.runtimeType(type, objects);
    const fields = this.collect(selectionSet, runtime);
    // One shard's object with nothing below it to merge (each row of a page, mostly): its selected fields as they came.
    if (objects.length === 1 && this.plain(selectionSet, runtime)) {
      const [object] = objects;
      for (const f of fields) {
        const value = object[f.responseKey];
        if (value !== undefined && !(f.responseKey in out)) out[f.responseKey] = value;
      }
      return out;
    }
    for (const f of fields) {
      if (f.responseKey in out) continue;
      const values = objects.map((o) => o[f.responseKey]).filter((v) => v !== undefined);
      if (!values.length) continue;
      out[f.responseKey] = f.def ? this.mergeField(f.node, f.def, values) : values.find((v) => v != null) ?? null;
    }
    return out;
  }

  /**
   * Whether merging one object of `type` only picks the selected fields from it, each value as
   * it came: so it does unless some field below has a merge rule (a connection cut at its page,
   * groups by key), is a list of kommun-owned entities (whose items carry the owner the gateway
   * added, HIDDEN.owner) or a list of lists, or has a type told at run time.
   */
  private plain(selectionSet: SelectionSetNode, type: GraphQLCompositeType): boolean {
    if (isAbstractType(type)) return false;
    let byType = this.plainSets.get(selectionSet);
    if (!byType) this.plainSets.set(selectionSet, (byType = new Map()));
    let plain = byType.get(type.name);
    if (plain === undefined) {
      plain = this.collect(selectionSet, type).every((f) => {
        const named = f.def ? getNamedType(f.def.type) : null;
        if (!named || !isCompositeType(named)) return true;
        const type = getNullableType(f.def!.type);
        const list = isListType(type);
        if (list && isListType(getNullableType(type.ofType))) return false;
        if (this.decl.merge[named.name] || (list && this.decl.entities[named.name])) return false;
        return !!f.node.selectionSet && this.plain(f.node.selectionSet, named);
      });
      byType.set(type.name, plain);
    }
    return plain;
  }

  private runtimeType(type: GraphQLCompositeType, objects: Obj[]): GraphQLCompositeType {
    if (!isAbstractType(type)) return type;
    const name = objects.find((o) => typeof o.__typename === 'string')?.__typename as string | undefined;
    const t = name ? this.contract.getType(name) : undefined;
    return t && isCompositeType(t) ? t : type;
  }

  /**
   * The fields a selection asks of a runtime type, through inline fragments and spreads, as
   * GraphQL collects them: without those `@skip`/`@include` leave out, and with the fields that
   * share a response key merged into one (a client's fragment and the planner's own selection of
   * the same field both count).
   */
  private collect(selectionSet: SelectionSetNode, type: GraphQLCompositeType): CollectedField[] {
    // The variables (for @skip and @include) and fragments are the merger's own: the answer is the same every time.
    let byType = this.collected.get(selectionSet);
    if (!byType) this.collected.set(selectionSet, (byType = new Map()));
    let fields = byType.get(type.name);
    if (!fields) byType.set(type.name, (fields = this.collectOnce(selectionSet, type)));
    return fields;
  }

  private collectOnce(selectionSet: SelectionSetNode, type: GraphQLCompositeType): CollectedField[] {
    const byKey = new Map<string, CollectedField>();
    const walk = (set: SelectionSetNode, runtime: GraphQLCompositeType) => {
      for (const s of set.selections) {
        if (!this.included(s)) continue;
        if (s.kind === Kind.FIELD) {
          const fields = isObjectType(runtime) || isInterfaceType(runtime) ? runtime.getFields() : {};
          const responseKey = s.alias?.value ?? s.name.value;
          const seen = byKey.get(responseKey);
          if (!seen) byKey.set(responseKey, { node: s, responseKey, def: fields[s.name.value] ?? null });
          else if (seen.node.selectionSet && s.selectionSet) {
            seen.node = { ...seen.node, selectionSet: { ...seen.node.selectionSet, selections: [...seen.node.selectionSet.selections, ...s.selectionSet.selections] } };
          }
        } else {
          const fragment = s.kind === Kind.INLINE_FRAGMENT ? s : this.fragments[s.name.value];
          if (!fragment) continue;
          const condition = fragment.typeCondition ? this.contract.getType(fragment.typeCondition.name.value) : runtime;
          if (!condition || !isCompositeType(condition) || !this.applies(condition, runtime)) continue;
          walk(fragment.selectionSet, isAbstractType(condition) ? runtime : condition);
        }
      }
    };
    walk(selectionSet, type);
    return [...byKey.values()];
  }

  /** Whether `@skip` and `@include` keep a selection, for the request's variables. */
  private included(node: SelectionNode): boolean {
    if (!node.directives?.length) return true;
    if (getDirectiveValues(GraphQLSkipDirective, node, this.variables)?.if === true) return false;
    return getDirectiveValues(GraphQLIncludeDirective, node, this.variables)?.if !== false;
  }

  private applies(condition: GraphQLNamedType, runtime: GraphQLCompositeType): boolean {
    if (condition.name === runtime.name) return true;
    if (isAbstractType(condition) && isObjectType(runtime)) return this.contract.isSubType(condition, runtime);
    return isAbstractType(runtime);
  }

  mergeField(node: FieldNode, def: GraphQLField<unknown, unknown>, values: unknown[]): unknown {
    const type = getNullableType(def.type);
    const named = getNamedType(def.type);
    const rule = this.decl.merge[named.name];
    if (isListType(type)) {
      const lists = values.filter(Array.isArray) as unknown[][];
      if (!lists.length) return null;
      const items = lists.length > 1 ? inKommunOrder(lists.flat()) : lists.flat();
      if (rule?.kind === 'group' && isCompositeType(named)) return this.mergeGroups(node, named, items as Obj[], rule);
      if (!isCompositeType(named)) return items;
      return items.map((item) => (item == null ? null : this.mergeObject(node.selectionSet, named, [item as Obj])));
    }
    if (isCompositeType(named)) {
      const objects = values.filter((v) => v != null) as Obj[];
      if (!objects.length) return null;
      if (rule?.kind === 'connection') return this.mergeConnection(node, def, named, objects, rule);
      return this.mergeObject(node.selectionSet, named, objects);
    }
    return values.find((v) => v != null) ?? null;
  }

  /**
   * What an entity's owner would have answered with nothing to say: each field of the selection
   * empty (lists, connections with a total of 0) or null, the representation's own fields kept. For
   * an entity whose owner is a hole, so that its place holds the rest of the answer, named as
   * missing, instead of nulling every parent up to the root. Null when the selection holds a field
   * that can be neither empty nor null.
   */
  placeholder(selectionSet: SelectionSetNode | undefined, type: GraphQLCompositeType, representation: Obj): Obj | null {
    const out: Obj = {};
    if (!selectionSet) return out;
    for (const f of this.collect(selectionSet, type)) {
      if (f.responseKey in out) continue;
      if (f.node.name.value === '__typename') {
        out[f.responseKey] = type.name;
        continue;
      }
      if (f.node.name.value in representation) {
        out[f.responseKey] = representation[f.node.name.value];
        continue;
      }
      const value = f.def ? this.empty(f.node, f.def) : null;
      if (value === null && (!f.def || isNonNullType(f.def.type))) return null;
      out[f.responseKey] = value;
    }
    return out;
  }

  /** An empty answer of a field's type, for a broadcast field no shard was asked. */
  empty(node: FieldNode, def: GraphQLField<unknown, unknown>): unknown {
    const named = getNamedType(def.type);
    const rule = this.decl.merge[named.name];
    if (isListType(getNullableType(def.type))) return [];
    if (rule?.kind === 'connection' && isCompositeType(named)) return this.mergeConnection(node, def, named, [], rule);
    return null;
  }

  private mergeConnection(node: FieldNode, def: GraphQLField<unknown, unknown>, type: GraphQLCompositeType, conns: Obj[], rule: ConnectionRule): Obj {
    const args = getArgumentValues(def, node, this.variables);
    const first = typeof args.first === 'number' ? args.first : rule.defaultFirst;
    const lists = conns.map((conn) => (conn[HIDDEN.cursors] as Obj[] | null) ?? []);
    const chosen = firstInOrder(lists, first, (edge) => edge[rule.cursor] as string).map(([l, index]) => ({ conn: conns[l], index, cursor: lists[l][index][rule.cursor] as string }));
    const hasNextPage = lists.reduce((n, list) => n + list.length, 0) > first || conns.some((c) => (c[HIDDEN.more] as Obj | null)?.hasNextPage === true);
    const out: Obj = {};
    if (!node.selectionSet) return out;
    for (const f of this.collect(node.selectionSet, type)) {
      if (f.responseKey in out || !f.def) {
        if (!f.def && f.node.name.value === '__typename') out[f.responseKey] = type.name;
        continue;
      }
      const name = f.node.name.value;
      const element = getNamedType(f.def.type) as GraphQLCompositeType;
      if (name === rule.edges || name === rule.nodes) {
        out[f.responseKey] = chosen.map(({ conn, index }) => {
          const item = (conn[f.responseKey] as Obj[])[index];
          return isCompositeType(element) ? this.mergeObject(f.node.selectionSet, element, [item]) : item;
        });
      } else if (name === rule.pageInfo) {
        const pageInfo: Obj = {};
        for (const p of this.collect(f.node.selectionSet!, element)) {
          const n = p.node.name.value;
          pageInfo[p.responseKey] =
            n === 'hasNextPage' ? hasNextPage
            : n === 'endCursor' ? chosen.at(-1)?.cursor ?? null
            : n === '__typename' ? element.name
            : conns.map((c) => (c[f.responseKey] as Obj | null)?.[p.responseKey]).find((v) => v != null) ?? null;
        }
        out[f.responseKey] = pageInfo;
      } else if (rule.sum.includes(name)) {
        out[f.responseKey] = roundCents(conns.reduce((s, c) => s + Number(c[f.responseKey] ?? 0), 0));
      } else {
        const values = conns.map((c) => c[f.responseKey]).filter((v) => v !== undefined);
        out[f.responseKey] = values.length ? this.mergeField(f.node, f.def, values) : null;
      }
    }
    return out;
  }

  private mergeGroups(node: FieldNode, type: GraphQLCompositeType, items: Obj[], rule: GroupRule): Obj[] {
    const groups = new Map<string, Obj[]>();
    for (const item of items) {
      if (!item) continue;
      const key = String(item[HIDDEN.key]);
      const list = groups.get(key);
      if (list) list.push(item);
      else groups.set(key, [item]);
    }
    const sums = node.selectionSet ? this.collect(node.selectionSet, type).filter((f) => rule.sum.includes(f.node.name.value)) : [];
    return [...groups.keys()].sort(compareGroupKeys).map((key) => {
      const members = groups.get(key)!;
      const merged = this.mergeObject(node.selectionSet, type, [members[0]]);
      for (const f of sums) merged[f.responseKey] = roundCents(members.reduce((s, m) => s + Number(m[f.responseKey] ?? 0), 0));
      return merged;
    });
  }
}

/**
 * The order of stats groups, which every kommun sorts the same way (see the contract): by the
 * values of the dimensions in the order asked, each ascending, numbers as numbers, text by code
 * point, a missing value (no initiative, no area) last. Keys are `DIM=value|DIM=value`.
 */
export function compareGroupKeys(a: string, b: string): number {
  const values = (key: string) => key.split('|').map((part) => part.slice(part.indexOf('=') + 1));
  const va = values(a);
  const vb = values(b);
  for (let i = 0; i < Math.max(va.length, vb.length); i++) {
    const x = va[i] ?? '';
    const y = vb[i] ?? '';
    if (x === y) continue;
    if (x === '') return 1;
    if (y === '') return -1;
    if (/^-?\d+$/.test(x) && /^-?\d+$/.test(y)) return Number(x) - Number(y);
    return compareCodePoints(x, y);
  }
  return 0;
}

/**
 * Kommun-owned entities concatenated from several shards, in the order of the kommuner that own
 * them (stable: each kommun's own order kept). One kommun per shard already comes in that order;
 * a shard serving several kommuner (a regional hub) whose kommunkoder interleave with another
 * shard's would not. A list with an item that carries no owner (HIDDEN.owner) stays as it came.
 */
function inKommunOrder(items: unknown[]): unknown[] {
  const ownerOf = (item: unknown) => (item && typeof item === 'object' ? ownerOfValue((item as Obj)[HIDDEN.owner]) : null);
  if (!items.every((item) => ownerOf(item) !== null)) return items;
  return items
    .map((item, index) => ({ item, index, owner: ownerOf(item) ?? '' }))
    .sort((a, b) => (a.owner < b.owner ? -1 : a.owner > b.owner ? 1 : a.index - b.index))
    .map((x) => x.item);
}

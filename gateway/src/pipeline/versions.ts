import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  parse,
  typeFromAST,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type GraphQLInputType,
  type GraphQLSchema,
} from 'graphql';
import { LRUCache } from 'lru-cache';
import type { Member, MemberRegistry } from '../shards/registry';

/** What an operation uses of the contract: its coordinates, and its variables' types for their values. */
export interface OperationUse {
  coordinates: Set<string>;
  variables: Map<string, GraphQLInputType>;
}

/**
 * The contract's coordinates an operation uses, in @graphql-inspector's spelling: `Type` for a
 * type condition, `Type.field`, `Type.field.argument`, `Input.field` for an input object's field
 * written in the operation, `Enum.VALUE` for an enum literal.
 */
export function coordinatesOf(contract: GraphQLSchema, query: string): Set<string> {
  return operationUse(contract, query).coordinates;
}

/** coordinatesOf, with the types of the operation's variables (see `valueCoordinates`). */
export function operationUse(contract: GraphQLSchema, query: string): OperationUse {
  const used = new Set<string>();
  const variables = new Map<string, GraphQLInputType>();
  const info = new TypeInfo(contract);
  visit(
    parse(query),
    visitWithTypeInfo(info, {
      Field(node) {
        const parent = info.getParentType();
        if (parent && !node.name.value.startsWith('__')) used.add(`${parent.name}.${node.name.value}`);
      },
      Argument(node) {
        const parent = info.getParentType();
        const field = info.getFieldDef();
        if (parent && field) used.add(`${parent.name}.${field.name}.${node.name.value}`);
      },
      InlineFragment(node) {
        if (node.typeCondition) used.add(node.typeCondition.name.value);
      },
      FragmentDefinition(node) {
        used.add(node.typeCondition.name.value);
      },
      ObjectField(node) {
        const parent = info.getParentInputType();
        const named = parent ? getNamedType(parent) : null;
        if (named && isInputObjectType(named)) used.add(`${named.name}.${node.name.value}`);
      },
      EnumValue(node) {
        const type = info.getInputType();
        const named = type ? getNamedType(type) : null;
        if (named && isEnumType(named)) used.add(`${named.name}.${node.value}`);
      },
      VariableDefinition(node) {
        const type = typeFromAST(contract, node.type as Parameters<typeof typeFromAST>[1]) as GraphQLInputType | undefined;
        if (type) variables.set(node.variable.name.value, type);
      },
    }),
  );
  return { coordinates: used, variables };
}

/**
 * The coordinates a variable's value uses: each input object field it holds (`Input.field`, also
 * when null: a schema without the field refuses it all the same) and each enum value.
 */
export function valueCoordinates(type: GraphQLInputType, value: unknown, into = new Set<string>()): Set<string> {
  if (value == null) return into;
  const inner = isNonNullType(type) ? type.ofType : type;
  if (isListType(inner)) {
    for (const item of Array.isArray(value) ? value : [value]) valueCoordinates(inner.ofType as GraphQLInputType, item, into);
  } else if (isInputObjectType(inner) && typeof value === 'object') {
    const fields = inner.getFields();
    for (const [name, v] of Object.entries(value as Record<string, unknown>)) {
      into.add(`${inner.name}.${name}`);
      if (fields[name]) valueCoordinates(fields[name].type, v, into);
    }
  } else if (isEnumType(inner) && typeof value === 'string') into.add(`${inner.name}.${value}`);
  return into;
}

/** A member that cannot answer a fetch because its contract version lacks what the fetch uses. */
export interface VersionGap {
  code: string;
  reason: string;
}

/**
 * Members on an older version of the contract join, lacking what was added since (see
 * `contractFit`). A fetch that uses any of that is not sent to them: each is a hole, named with
 * what its version lacks, and the rest of the answer stays exact.
 */
export class VersionGate {
  private readonly used = new LRUCache<string, OperationUse>({ max: 2000 });

  constructor(
    private readonly contract: GraphQLSchema,
    private readonly registry: MemberRegistry,
  ) {}

  gaps(codes: string[], query: string, variables: Record<string, unknown> = {}): VersionGap[] {
    // Asked for every shard request of a fan-out: nothing is built unless a member lacks something.
    let members: Member[] | undefined;
    for (const code of codes) {
      const m = this.registry.get(code);
      if (m?.lacks?.length) (members ??= []).push(m);
    }
    if (!members) return [];
    let use = this.used.get(query);
    if (!use) this.used.set(query, (use = operationUse(this.contract, query)));
    // What the variables' values use (an input field a newer version added, say) counts too.
    const used = new Set(use.coordinates);
    for (const [name, type] of use.variables) valueCoordinates(type, variables[name], used);
    const gaps: VersionGap[] = [];
    for (const m of members) {
      const missing = m.lacks!.filter((c) => used.has(c));
      if (missing.length) gaps.push({ code: m.code, reason: `its subgraph implements contract version ${m.contractVersion}, which has no ${missing.join(', ')}` });
    }
    return gaps;
  }
}

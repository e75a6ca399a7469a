import { getNamedType, isEnumType, parse, TypeInfo, visit, visitWithTypeInfo, type GraphQLSchema } from 'graphql';
import { LRUCache } from 'lru-cache';
import type { MemberRegistry } from '../shards/registry';

/**
 * The contract's coordinates an operation uses, in @graphql-inspector's spelling: `Type` for a
 * type condition, `Type.field`, `Type.field.argument`, `Enum.VALUE` for an enum literal.
 */
export function coordinatesOf(contract: GraphQLSchema, query: string): Set<string> {
  const used = new Set<string>();
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
      EnumValue(node) {
        const type = info.getInputType();
        const named = type ? getNamedType(type) : null;
        if (named && isEnumType(named)) used.add(`${named.name}.${node.value}`);
      },
    }),
  );
  return used;
}

/** A member that cannot answer a fetch because its contract version lacks what the fetch uses. */
export interface VersionGap {
  code: string;
  reason: string;
}

/**
 * Members on an older minor version of the contract join, lacking what was added since (see
 * `contractFit`). A fetch that uses any of that is not sent to them: each is a hole, named with
 * what its version lacks, and the rest of the answer stays exact.
 */
export class VersionGate {
  private readonly used = new LRUCache<string, Set<string>>({ max: 2000 });

  constructor(
    private readonly contract: GraphQLSchema,
    private readonly registry: MemberRegistry,
  ) {}

  gaps(codes: string[], query: string): VersionGap[] {
    const members = codes.map((c) => this.registry.get(c)).filter((m) => m?.lacks?.length);
    if (!members.length) return [];
    let used = this.used.get(query);
    if (!used) this.used.set(query, (used = coordinatesOf(this.contract, query)));
    const gaps: VersionGap[] = [];
    for (const m of members) {
      const missing = m!.lacks!.filter((c) => used.has(c));
      if (missing.length) gaps.push({ code: m!.code, reason: `its subgraph implements contract version ${m!.contractVersion}, which has no ${missing.join(', ')}` });
    }
    return gaps;
  }
}

import {
  Kind,
  TypeInfo,
  getNamedType,
  isListType,
  getNullableType,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type FieldNode,
  type GraphQLSchema,
  type SelectionNode,
} from 'graphql';
import type { RoutingDeclaration } from './declaration';

/** Aliases the gateway adds for merging; never part of an answer it gives. */
export const HIDDEN = {
  cursors: '__sv_cursors',
  more: '__sv_more',
  key: '__sv_key',
} as const;

function field(alias: string, name: string, selections?: SelectionNode[]): FieldNode {
  return {
    kind: Kind.FIELD,
    alias: { kind: Kind.NAME, value: alias },
    name: { kind: Kind.NAME, value: name },
    selectionSet: selections ? { kind: Kind.SELECTION_SET, selections } : undefined,
  };
}

/**
 * Adds to a shard query what merging needs whatever the client selected: each merged
 * connection's cursors and hasNextPage, each merged group's key.
 */
export function injectMergeFields(document: DocumentNode, contract: GraphQLSchema, decl: RoutingDeclaration): DocumentNode {
  const typeInfo = new TypeInfo(contract);
  return visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field: {
        enter(node) {
          const type = typeInfo.getType();
          if (!type || !node.selectionSet) return undefined;
          const rule = decl.merge[getNamedType(type).name];
          if (!rule) return undefined;
          const extra: FieldNode[] = [];
          if (rule.kind === 'connection') {
            extra.push(field(HIDDEN.cursors, rule.edges, [field(rule.cursor, rule.cursor)]));
            extra.push(field(HIDDEN.more, rule.pageInfo, [field('hasNextPage', 'hasNextPage')]));
          } else if (isListType(getNullableType(type))) {
            extra.push(field(HIDDEN.key, rule.key));
          }
          if (!extra.length) return undefined;
          return { ...node, selectionSet: { ...node.selectionSet, selections: [...node.selectionSet.selections, ...extra] } };
        },
      },
    }),
  );
}

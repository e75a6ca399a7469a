import {
  TypeInfo,
  getNamedType,
  isListType,
  getNullableType,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type FieldNode,
  type GraphQLSchema,
} from 'graphql';
import { aliasedField } from '../documents';
import type { RoutingDeclaration } from './declaration';

/** Aliases the gateway adds for merging; never part of an answer it gives. */
export const HIDDEN = {
  cursors: '__sv_cursors',
  more: '__sv_more',
  key: '__sv_key',
  owner: '__sv_owner',
} as const;

/**
 * Adds to a shard query what merging needs whatever the client selected: each merged
 * connection's cursors and hasNextPage, each merged group's key, and the key of each kommun-owned
 * entity in a list that shards' answers are concatenated into (the kommun that owns it, so that a
 * member serving several kommuner, a regional hub, has its items put in kommunkod order).
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
          const entity = decl.entities[getNamedType(type).name];
          if (!rule && entity && isListType(getNullableType(type))) {
            return { ...node, selectionSet: { ...node.selectionSet, selections: [...node.selectionSet.selections, aliasedField(HIDDEN.owner, entity.key)] } };
          }
          if (!rule) return undefined;
          const extra: FieldNode[] = [];
          if (rule.kind === 'connection') {
            extra.push(aliasedField(HIDDEN.cursors, rule.edges, [aliasedField(rule.cursor, rule.cursor)]));
            extra.push(aliasedField(HIDDEN.more, rule.pageInfo, [aliasedField('hasNextPage', 'hasNextPage')]));
          } else if (isListType(getNullableType(type))) {
            extra.push(aliasedField(HIDDEN.key, rule.key));
          }
          if (!extra.length) return undefined;
          return { ...node, selectionSet: { ...node.selectionSet, selections: [...node.selectionSet.selections, ...extra] } };
        },
      },
    }),
  );
}

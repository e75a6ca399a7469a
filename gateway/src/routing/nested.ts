import {
  Kind,
  OperationTypeNode,
  getNamedType,
  isObjectType,
  parse,
  print,
  visit,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
  type VariableDefinitionNode,
} from 'graphql';
import { aliasedField, usageOf, usedDefinitions } from '../documents';
import type { RoutingDeclaration } from './declaration';

/** Aliases the gateway adds to a cut entity, to know it again; never part of an answer. */
export const CUT = { typename: '__sv_cut_t', key: '__sv_cut_k' } as const;

/**
 * Part of a fetch that its shards cannot answer: the entities found at `path` (response keys, lists
 * walked) must be asked of the shards that hold them (their owner, or every shard for an entity
 * that every kommun extends), with `entities`, an `_entities` operation carrying the selection
 * the client made under them.
 */
export interface Cut {
  path: string[];
  typeName: string;
  key: string;
  /** `query($representations: [_Any!]!, …) { _entities(representations: $representations) { … on T { … } } }` */
  entities: { query: string; document: DocumentNode };
}

export interface CutPlan {
  /** The fetch without what was cut (each cut entity keeps `__typename` and its key, under CUT aliases). */
  query: string;
  document: DocumentNode;
  cuts: Cut[];
}

/** Each entity type of the contract and its key field (`@key(fields: "code")`). */
export function entityKeys(contract: GraphQLSchema): Map<string, string> {
  const keys = new Map<string, string>();
  for (const type of Object.values(contract.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('_')) continue;
    for (const node of [type.astNode, ...(type.extensionASTNodes ?? [])]) {
      const key = node?.directives?.find((d) => d.name.value === 'key');
      const fields = key?.arguments?.find((a) => a.name.value === 'fields')?.value;
      if (fields?.kind === Kind.STRING && /^\w+$/.test(fields.value)) keys.set(type.name, fields.value);
    }
  }
  return keys;
}

/**
 * Finds, in one fetch, the entities nested below its root fields whose fields a shard must not
 * answer on its own: an entity reached from a kommun's data may belong to another kommun (a
 * partner's Municipality: declared `referencedAcrossKommuner`), or be one that every kommun
 * extends (a project's DevelopmentArea and its projects); the shard that holds the parent holds
 * only its own part. Each such entity keeps
 * its key in the fetch and its other fields go to a follow-up `_entities` fetch, which is routed
 * and merged like any other, at whatever depth it was. An entity selected for its key alone stays.
 *
 * Fragments are inlined first, so paths are response keys only. Answers null when nothing is cut.
 */
export function planCuts(
  document: DocumentNode,
  operation: OperationDefinitionNode,
  contract: GraphQLSchema,
  keys: Map<string, string>,
  declaration: RoutingDeclaration,
): CutPlan | null {
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
  const cuts: Array<{ path: string[]; typeName: string; key: string; selectionSet: SelectionSetNode }> = [];

  const inline = (selections: readonly SelectionNode[]): SelectionNode[] =>
    selections.map((s) => {
      if (s.kind === Kind.FRAGMENT_SPREAD) {
        const f = fragments[s.name.value];
        return { kind: Kind.INLINE_FRAGMENT, typeCondition: f.typeCondition, directives: s.directives, selectionSet: { kind: Kind.SELECTION_SET, selections: inline(f.selectionSet.selections) } };
      }
      if (s.selectionSet) return { ...s, selectionSet: { ...s.selectionSet, selections: inline(s.selectionSet.selections) } } as SelectionNode;
      return s;
    });

  /** Walks the selections under an object of `type` at `path`; `depth` 0 is the root fields' own level. */
  const walk = (selections: readonly SelectionNode[], type: GraphQLCompositeType, path: string[], depth: number): SelectionNode[] =>
    selections.map((s) => {
      if (s.kind === Kind.INLINE_FRAGMENT) {
        const condition = s.typeCondition ? (contract.getType(s.typeCondition.name.value) as GraphQLCompositeType | undefined) : type;
        return { ...s, selectionSet: { ...s.selectionSet, selections: walk(s.selectionSet.selections, condition ?? type, path, depth) } };
      }
      if (s.kind !== Kind.FIELD || !s.selectionSet || !isObjectType(type)) return s;
      const def = type.getFields()[s.name.value];
      if (!def) return s;
      const named = getNamedType(def.type) as GraphQLCompositeType;
      const at = [...path, s.alias?.value ?? s.name.value];
      const key = keys.get(named.name);
      // A routed entity a shard only ever returns its own of is answered where it is.
      const routed = declaration.entities[named.name];
      const elsewhere = key && (!routed || routed.referencedAcrossKommuner);
      if (depth > 0 && elsewhere && asksMoreThan(s.selectionSet, key)) {
        cuts.push({ path: at, typeName: named.name, key, selectionSet: s.selectionSet });
        const kept = s.selectionSet.selections.filter((x) => x.kind === Kind.FIELD && !x.arguments?.length && (x.name.value === '__typename' || x.name.value === key));
        return {
          ...s,
          selectionSet: { kind: Kind.SELECTION_SET, selections: [...kept, aliasedField(CUT.typename, '__typename'), aliasedField(CUT.key, key)] },
        };
      }
      return { ...s, selectionSet: { ...s.selectionSet, selections: walk(s.selectionSet.selections, named, at, depth + 1) } };
    });

  const rootType = operation.operation === 'mutation' ? contract.getMutationType() : contract.getQueryType();
  if (!rootType) return null;
  const rootSelections = inline(operation.selectionSet.selections).map((s) => {
    if (s.kind !== Kind.FIELD || !s.selectionSet) return s;
    const def = rootType.getFields()[s.name.value];
    if (!def) return s;
    const named = getNamedType(def.type) as GraphQLCompositeType;
    const at = [s.alias?.value ?? s.name.value];
    // `_entities`: the entities themselves are routed by the fetch; what is below them may be cut.
    const depth = s.name.value === '_entities' ? 0 : 1;
    const inner = s.selectionSet.selections.map((x) => {
      if (s.name.value === '_entities' && x.kind === Kind.INLINE_FRAGMENT && x.typeCondition) {
        const t = contract.getType(x.typeCondition.name.value) as GraphQLCompositeType | undefined;
        return t ? { ...x, selectionSet: { ...x.selectionSet, selections: walk(x.selectionSet.selections, t, at, depth + 1) } } : x;
      }
      return walk([x], named, at, depth)[0];
    });
    return { ...s, selectionSet: { ...s.selectionSet, selections: inner } };
  });
  if (!cuts.length) return null;

  const fetchOperation: OperationDefinitionNode = { ...operation, selectionSet: { ...operation.selectionSet, selections: rootSelections } };
  const fetchDocument: DocumentNode = { kind: Kind.DOCUMENT, definitions: [withUsedVariables(fetchOperation, operation)] };
  return {
    document: fetchDocument,
    query: print(fetchDocument),
    cuts: cuts.map((c) => {
      const doc = entitiesDocument(c.typeName, c.selectionSet, operation);
      return { path: c.path, typeName: c.typeName, key: c.key, entities: { document: doc, query: print(doc) } };
    }),
  };
}

/** Whether a selection asks an entity for anything but its key and type name. */
function asksMoreThan(selectionSet: SelectionSetNode, key: string): boolean {
  return selectionSet.selections.some((s) => {
    if (s.kind === Kind.FIELD) return !(s.name.value === '__typename' || (s.name.value === key && !s.arguments?.length));
    if (s.kind === Kind.INLINE_FRAGMENT) return asksMoreThan(s.selectionSet, key);
    return true;
  });
}

/** The operation with only the variable definitions its selections still use, after the gateway's own (`extra`). */
function withUsedVariables(operation: OperationDefinitionNode, source: OperationDefinitionNode, extra: readonly VariableDefinitionNode[] = []): OperationDefinitionNode {
  // Fragments are inlined by now: the selections are all there is.
  const usage = usageOf([operation.selectionSet], {});
  const own = new Set(extra.map((d) => d.variable.name.value));
  const kept = usedDefinitions(source, usage).filter((d) => !own.has(d.variable.name.value));
  return { ...operation, variableDefinitions: [...extra, ...kept] };
}

/** `_entities` of one type with a client's selection under it, declaring the client variables it uses. */
function entitiesDocument(typeName: string, selectionSet: SelectionSetNode, source: OperationDefinitionNode): DocumentNode {
  const template = parse(`query($representations: [_Any!]!) { _entities(representations: $representations) { ... on ${typeName} { __typename } } }`, { noLocation: true });
  // On leave, so that the client's own inline fragments under it are not visited again.
  const filled = visit(template, { InlineFragment: { leave: (node) => ({ ...node, selectionSet }) } });
  const operation = filled.definitions[0] as OperationDefinitionNode;
  // A mutation's nested entities are read after the write: by a query.
  const read: OperationDefinitionNode = { ...operation, operation: source.operation === 'mutation' ? OperationTypeNode.QUERY : source.operation };
  return { kind: Kind.DOCUMENT, definitions: [withUsedVariables(read, source, operation.variableDefinitions)] };
}

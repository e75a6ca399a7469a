import {
  GraphQLError,
  Kind,
  SchemaMetaFieldDef,
  TypeMetaFieldDef,
  TypeNameMetaFieldDef,
  getArgumentValues,
  getDirectiveValues,
  getNamedType,
  getVariableValues,
  isAbstractType,
  isCompositeType,
  isInterfaceType,
  isObjectType,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLDirective,
  type GraphQLField,
  type GraphQLFieldMap,
  type GraphQLObjectType,
  type GraphQLSchema,
  type NameNode,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';
import type { ComplexityEstimator } from 'graphql-query-complexity';

/**
 * graphql-query-complexity's `getComplexity`, split in two: what depends only on the document and
 * the schema (the walk over it, each field's definition, each selection's possible types, the
 * fragments) is compiled once per document and operation name; what depends on the variables
 * (their coercion, `@include`/`@skip`, each field's arguments and the estimator's answer) runs per
 * request. The result is the library's, number for number and error for error: the same estimator
 * calls in the same order, the same node limit, the same error thrown (the last one reported) —
 * complexity.test.ts compares both over generated operations and variables.
 */

/** graphql-query-complexity's default limit on selections walked (`maxQueryNodes`). */
const MAX_QUERY_NODES = 10_000;

/** One selection of a selection set, as the walk meets it. */
type Step = FieldStep | FragmentStep | SkippedStep;

interface Directed {
  node: SelectionNode;
  /** Whether the node carries `@include` or `@skip` (read from the variables per request). */
  include: boolean;
  skip: boolean;
}

interface FieldStep extends Directed {
  kind: 'field';
  node: FieldNode;
  field: GraphQLField<unknown, unknown>;
  /** The selection set's own type (the estimator's `type`). */
  parent: GraphQLCompositeType;
  /** The possible types the field's score is added to. */
  typeNames: string[];
  /** The field's selections, when its type is composite (else its child complexity is 0). */
  children: () => SelectionSet | null;
}

interface FragmentStep extends Directed {
  kind: 'fragment';
  typeNames: string[];
  children: () => SelectionSet | null;
}

/** A selection that adds nothing (an unknown field or type, or a fragment spread inside itself), once its directives pass. */
interface SkippedStep extends Directed {
  kind: 'skip';
}

/** The selections of a node with a selection set, for one type (null where the walk gives 0 outright). */
interface SelectionSet {
  steps: Step[];
}

interface CompiledOperation {
  operation: OperationDefinitionNode;
  root: SelectionSet | null;
}

/** A value computed when first asked for, then kept. */
function lazy<T>(make: () => T): () => T {
  let made = false;
  let value: T;
  return () => {
    if (!made) {
      value = make();
      made = true;
    }
    return value;
  };
}

/** An operation compiled: its complexity for some variables, by an estimator. */
export type CompiledComplexity = (variables: Record<string, unknown> | undefined, estimator: ComplexityEstimator) => number;

const compiled = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, Map<string, CompiledComplexity>>>();

/**
 * The complexity of `document`'s operation (all of them, when `operationName` is not a string, as
 * getComplexity counts them) compiled once per schema, document and operation name.
 */
export function compiledComplexity(schema: GraphQLSchema, document: DocumentNode, operationName?: string | null): CompiledComplexity {
  let byDocument = compiled.get(schema);
  if (!byDocument) compiled.set(schema, (byDocument = new WeakMap()));
  let byName = byDocument.get(document);
  if (!byName) byDocument.set(document, (byName = new Map()));
  const key = typeof operationName === 'string' ? `=${operationName}` : '*';
  let made = byName.get(key);
  if (!made) byName.set(key, (made = compile(schema, document, operationName)));
  return made;
}

function compile(schema: GraphQLSchema, document: DocumentNode, operationName?: string | null): CompiledComplexity {
  // ValidationContext.getFragment: the last definition of a name wins.
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const possibleNames = (type: GraphQLCompositeType) => (isAbstractType(type) ? schema.getPossibleTypes(type).map((t) => t.name) : [type.name]);
  /**
   * Selection sets compiled, by node, type and the fragments being walked (where the walk cuts a
   * fragment spread inside itself). Each is compiled when the walk first reaches it, so that
   * compiling costs no more than walking, which the node limit bounds.
   */
  const sets = new Map<SelectionSetNode, Map<GraphQLCompositeType, Map<string, SelectionSet>>>();

  const selectionSet = (node: { selectionSet?: SelectionSetNode }, type: GraphQLCompositeType | null | undefined, active: string[]): SelectionSet | null => {
    if (!node.selectionSet || !type) return null;
    const activeKey = [...active].sort().join('\n');
    let byType = sets.get(node.selectionSet);
    if (!byType) sets.set(node.selectionSet, (byType = new Map()));
    let byActive = byType.get(type);
    if (!byActive) byType.set(type, (byActive = new Map()));
    const known = byActive.get(activeKey);
    if (known) return known;
    const fields: GraphQLFieldMap<unknown, unknown> = isObjectType(type) || isInterfaceType(type) ? (type as GraphQLObjectType).getFields() : {};
    const typeNames = possibleNames(type);
    const set: SelectionSet = { steps: [] };
    byActive.set(activeKey, set);
    for (const child of node.selectionSet.selections) {
      const directed: Directed = { node: child, include: false, skip: false };
      for (const d of child.directives ?? []) {
        if (d.name.value === 'include') directed.include = true;
        else if (d.name.value === 'skip') directed.skip = true;
      }
      set.steps.push(step(child, directed, type, fields, typeNames, active));
    }
    return set;
  };

  const step = (child: SelectionNode, directed: Directed, type: GraphQLCompositeType, fields: GraphQLFieldMap<unknown, unknown>, typeNames: string[], active: string[]): Step => {
    switch (child.kind) {
      case Kind.FIELD: {
        const name = child.name.value;
        const field =
          name === SchemaMetaFieldDef.name ? SchemaMetaFieldDef : name === TypeMetaFieldDef.name ? TypeMetaFieldDef : name === TypeNameMetaFieldDef.name ? TypeNameMetaFieldDef : fields[name];
        if (!field) return { ...directed, kind: 'skip' };
        const named = getNamedType(field.type);
        const children = lazy(() => (isCompositeType(named) ? selectionSet(child, named, active) : null));
        return { ...directed, kind: 'field', node: child, field: field as GraphQLField<unknown, unknown>, parent: type, typeNames, children };
      }
      case Kind.FRAGMENT_SPREAD: {
        const name = child.name.value;
        const fragment = fragments.get(name);
        if (!fragment || active.includes(name)) return { ...directed, kind: 'skip' };
        const fragmentType = schema.getType(fragment.typeCondition.name.value);
        if (!isCompositeType(fragmentType)) return { ...directed, kind: 'skip' };
        return { ...directed, kind: 'fragment', typeNames: possibleNames(fragmentType), children: lazy(() => selectionSet(fragment, fragmentType, [...active, name])) };
      }
      case Kind.INLINE_FRAGMENT: {
        const inlineType = child.typeCondition ? schema.getType(child.typeCondition.name.value) : type;
        if (!isCompositeType(inlineType)) return { ...directed, kind: 'skip' };
        return { ...directed, kind: 'fragment', typeNames: possibleNames(inlineType), children: lazy(() => selectionSet(child, inlineType, active)) };
      }
    }
  };

  const operations: CompiledOperation[] = [];
  for (const d of document.definitions) {
    if (d.kind !== Kind.OPERATION_DEFINITION) continue;
    // As getComplexity reads it: an anonymous operation beside a named one asked for throws here too.
    if (typeof operationName === 'string' && operationName !== (d.name as NameNode).value) continue;
    const rootType = d.operation === 'query' ? schema.getQueryType() : d.operation === 'mutation' ? schema.getMutationType() : d.operation === 'subscription' ? schema.getSubscriptionType() : undefined;
    operations.push({ operation: d, root: selectionSet(d, rootType, []) });
  }
  const include = schema.getDirective('include')!;
  const skip = schema.getDirective('skip')!;

  return (variables, estimator) => {
    const errors: GraphQLError[] = [];
    let evaluated = 0;
    let complexity = 0;
    let values: Record<string, unknown> = {};

    const passes = (s: Directed): boolean => {
      let included = true;
      let skipped = false;
      if (s.include) {
        const v = getDirectiveValues(include as GraphQLDirective, s.node, values);
        if (typeof v?.if === 'boolean') included = v.if;
      }
      if (s.skip) {
        const v = getDirectiveValues(skip as GraphQLDirective, s.node, values);
        if (typeof v?.if === 'boolean') skipped = v.if;
      }
      return included && !skipped;
    };

    const walk = (set: SelectionSet | null): number => {
      if (!set) return 0;
      const sums: Record<string, number> = {};
      const add = (score: number, typeNames: string[]) => {
        for (const t of typeNames) sums[t] = Object.prototype.hasOwnProperty.call(sums, t) ? sums[t] + score : score;
      };
      for (const s of set.steps) {
        evaluated++;
        if (evaluated >= MAX_QUERY_NODES) throw new GraphQLError('Query exceeds the maximum allowed number of nodes.');
        if (!passes(s)) continue;
        if (s.kind === 'skip') continue;
        if (s.kind === 'fragment') {
          add(walk(s.children()), s.typeNames);
          continue;
        }
        let args: Record<string, unknown>;
        try {
          args = getArgumentValues(s.field, s.node, values);
        } catch (err) {
          errors.push(err as GraphQLError);
          continue;
        }
        const childComplexity = walk(s.children());
        const score = estimator({ childComplexity, args, field: s.field as never, node: s.node, type: s.parent as never, context: undefined });
        if (typeof score === 'number' && !isNaN(score)) add(score, s.typeNames);
        else errors.push(new GraphQLError(`No complexity could be calculated for field ${s.parent.name}.${s.field.name}. At least one complexity estimator has to return a complexity score.`));
      }
      return Math.max(...Object.values(sums), 0);
    };

    for (const { operation, root } of operations) {
      const coerced = getVariableValues(schema, operation.variableDefinitions ? [...operation.variableDefinitions] : [], variables ?? {});
      if (coerced.errors?.length) {
        errors.push(...coerced.errors);
        continue;
      }
      values = coerced.coerced ?? {};
      if (operation.operation !== 'query' && operation.operation !== 'mutation' && operation.operation !== 'subscription') {
        throw new Error(`Query complexity could not be calculated for operation of type ${String(operation.operation)}`);
      }
      complexity += walk(root);
    }
    if (errors.length) throw errors.pop();
    return complexity;
  };
}

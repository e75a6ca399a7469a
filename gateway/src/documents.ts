import { LRUCache } from 'lru-cache';
import {
  Kind,
  parse,
  parseType,
  visit,
  type ASTNode,
  type ArgumentNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionNode,
  type VariableDefinitionNode,
  type VariableNode,
} from 'graphql';

/**
 * Small pieces of GraphQL documents, shared by every part of the gateway that rewrites an
 * operation: what a selection uses, and the few nodes the gateway adds to one.
 */

/** The root fields of an operation, in order (fragments at the root are not split). */
export function rootFields(operation: OperationDefinitionNode): FieldNode[] {
  return operation.selectionSet.selections.filter((s): s is FieldNode => s.kind === Kind.FIELD);
}

/** The fragments a document defines, by name. */
export function fragmentsOf(document: DocumentNode): Record<string, FragmentDefinitionNode> {
  const out: Record<string, FragmentDefinitionNode> = {};
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) out[d.name.value] = d;
  return out;
}

/** The key a field's value has in an answer: its alias, or its name. */
export function responseKey(field: FieldNode): string {
  return field.alias?.value ?? field.name.value;
}

/** What some selections use: the variables, and the fragments they spread (through other fragments too), in the order met. */
export interface Usage {
  variables: Set<string>;
  fragments: FragmentDefinitionNode[];
}

/** The variables and fragments that `nodes` use, following each spread into its fragment once. */
export function usageOf(nodes: readonly ASTNode[], fragments: Record<string, FragmentDefinitionNode>): Usage {
  const variables = new Set<string>();
  const spread = new Map<string, FragmentDefinitionNode>();
  const walk = (node: ASTNode) =>
    visit(node, {
      Variable: (v) => void variables.add(v.name.value),
      FragmentSpread: (s) => {
        const fragment = fragments[s.name.value];
        if (!fragment || spread.has(s.name.value)) return;
        spread.set(s.name.value, fragment);
        walk(fragment);
      },
    });
  nodes.forEach(walk);
  return { variables, fragments: [...spread.values()] };
}

/** The operation's own variable definitions that `usage` needs, in their order. */
export function usedDefinitions(operation: OperationDefinitionNode, usage: Usage): VariableDefinitionNode[] {
  return (operation.variableDefinitions ?? []).filter((d) => usage.variables.has(d.variable.name.value));
}

/**
 * The operation cut down to some root fields, with only the variables and fragments they use,
 * as a document of its own.
 */
export function subsetOperation(operation: OperationDefinitionNode, fields: FieldNode[], document: DocumentNode): DocumentNode {
  const usage = usageOf(fields, fragmentsOf(document));
  return {
    kind: Kind.DOCUMENT,
    definitions: [
      { ...operation, variableDefinitions: usedDefinitions(operation, usage), selectionSet: { kind: Kind.SELECTION_SET, selections: fields } },
      ...usage.fragments,
    ],
  };
}

/** `alias: name`, or `alias: name { …selections }`: a field the gateway adds under an alias of its own. */
export function aliasedField(alias: string, name: string, selections?: SelectionNode[]): FieldNode {
  return {
    kind: Kind.FIELD,
    alias: { kind: Kind.NAME, value: alias },
    name: { kind: Kind.NAME, value: name },
    selectionSet: selections ? { kind: Kind.SELECTION_SET, selections } : undefined,
  };
}

/** `$name` */
export function variable(name: string): VariableNode {
  return { kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: name } };
}

/** `$name: Type`, the type written as in a query (`Int`, `[_Any!]!`). */
export function variableDefinition(name: string, type: string): VariableDefinitionNode {
  return { kind: Kind.VARIABLE_DEFINITION, variable: variable(name), type: parseType(type) };
}

/** `$name: Type` written as one string, as a variable definition. */
export function parseVariableDefinition(source: string): VariableDefinitionNode {
  const [name, type] = source.replace(/^\$/, '').split(':').map((s) => s.trim());
  return variableDefinition(name, type);
}

/** The field with some of its arguments taken from variables instead (`first: $v`), the others kept. */
export function withVariableArguments(field: FieldNode, variables: Record<string, string>): FieldNode {
  const replaced = Object.keys(variables);
  const args: ArgumentNode[] = (field.arguments ?? []).filter((a) => !replaced.includes(a.name.value));
  for (const [name, value] of Object.entries(variables)) args.push({ kind: Kind.ARGUMENT, name: { kind: Kind.NAME, value: name }, value: variable(value) });
  return { ...field, arguments: args };
}

/** The document with one of its definitions put in place of another. */
export function replaceDefinition<T extends DocumentNode['definitions'][number]>(document: DocumentNode, before: T, after: T): DocumentNode {
  return { ...document, definitions: document.definitions.map((d) => (d === before ? after : d)) };
}

/** Fetch documents parsed, by their text: the query planner sends the same few texts again and again. */
const parsedFetches = new LRUCache<string, DocumentNode>({ max: 2000 });

/**
 * A fetch's text, parsed once (the planner's fetches are few per operation; varied requests differ
 * only in their variables). The document is shared: nothing may change it.
 */
export function parseFetch(query: string): DocumentNode {
  let document = parsedFetches.get(query);
  if (!document) parsedFetches.set(query, (document = parse(query)));
  return document;
}

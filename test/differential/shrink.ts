import { Kind, parse, print, visit, type ASTNode, type DocumentNode, type SelectionSetNode } from 'graphql';
import { compareAnswers } from './compare';
import { causeOf, type Cause, type Outcome } from './run';
import type { TwinRegions } from './twin-regions';

/**
 * Makes a failing operation smaller while it still fails for the same cause: removes one
 * selection or one optional argument at a time, inlines nothing, drops what is left unused.
 * Each try asks both sides once, with the failing round's variables.
 */
export async function shrink(twins: Pick<TwinRegions, 'ask'>, outcome: Outcome, maxTries = 400): Promise<{ query: string; variables: Record<string, unknown>; tries: number }> {
  const failure = outcome.failure!;
  const cause = outcome.cause!;
  let variables = outcome.rounds[failure.round].variables;
  let document = parse(outcome.op.query);
  let tries = 0;
  const stillFails = async (candidate: DocumentNode, vars: Record<string, unknown>): Promise<boolean> => {
    tries++;
    const query = print(candidate);
    const { sharded, combined } = await twins.ask(query, vars);
    const difference = compareAnswers(sharded, combined);
    if (!difference) return false;
    const again: Cause = causeOf({ ...outcome.op, query }, difference, sharded, combined);
    // An unexplained difference must stay the same one: same place, same kind of value.
    if (cause.name === 'unexplained') return again.name === cause.name && difference.path === failure.difference.path && kind(difference.sharded) === kind(failure.difference.sharded);
    return again.name === cause.name;
  };
  for (let progress = true; progress && tries < maxTries; ) {
    progress = false;
    for (const candidate of candidates(document)) {
      if (tries >= maxTries) break;
      const cleaned = tidy(candidate);
      const vars = Object.fromEntries(Object.entries(variables).filter(([k]) => usedVariables(cleaned).has(k)));
      if (await stillFails(cleaned, vars)) {
        document = cleaned;
        variables = vars;
        progress = true;
        break;
      }
    }
  }
  return { query: print(document), variables, tries };
}

const kind = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'list' : typeof v);

/** Every document with one selection (keeping selection sets non-empty) or one argument fewer, biggest cuts first. */
function* candidates(document: DocumentNode): Generator<DocumentNode> {
  const sets: SelectionSetNode[] = [];
  visit(document, { SelectionSet: (s) => void sets.push(s) });
  const cuts: Array<{ size: number; make: () => DocumentNode }> = [];
  for (const set of sets) {
    if (set.selections.length < 2) continue;
    set.selections.forEach((sel, i) => {
      cuts.push({
        size: print(sel).length,
        make: () => replaceNode(document, set, { ...set, selections: set.selections.filter((_, j) => j !== i) }),
      });
    });
  }
  visit(document, {
    Field(field) {
      (field.arguments ?? []).forEach((arg, i) => {
        cuts.push({ size: print(arg).length / 4, make: () => replaceNode(document, field, { ...field, arguments: field.arguments!.filter((_, j) => j !== i) }) });
      });
      for (const d of field.directives ?? []) {
        cuts.push({ size: 1, make: () => replaceNode(document, field, { ...field, directives: field.directives!.filter((x) => x !== d) }) });
      }
    },
  });
  cuts.sort((a, b) => b.size - a.size);
  for (const c of cuts) yield c.make();
}

function replaceNode<T extends ASTNode>(document: DocumentNode, target: T, replacement: T): DocumentNode {
  return visit(document, {
    enter(node) {
      return node === target ? replacement : undefined;
    },
  });
}

function usedVariables(document: DocumentNode): Set<string> {
  const used = new Set<string>();
  visit(document, {
    VariableDefinition: () => false,
    Variable: (v) => void used.add(v.name.value),
  });
  return used;
}

/** Drops unused variable definitions and fragments (GraphQL refuses both). */
function tidy(document: DocumentNode): DocumentNode {
  let doc = document;
  for (;;) {
    const spreads = new Set<string>();
    visit(doc, { FragmentSpread: (s) => void spreads.add(s.name.value) });
    const used = usedVariables(doc);
    const next: DocumentNode = {
      ...doc,
      definitions: doc.definitions
        .filter((d) => d.kind !== Kind.FRAGMENT_DEFINITION || spreads.has(d.name.value))
        .map((d) => (d.kind === Kind.OPERATION_DEFINITION ? { ...d, variableDefinitions: d.variableDefinitions?.filter((v) => used.has(v.variable.name.value)) } : d)),
    };
    if (print(next) === print(doc)) return next;
    doc = next;
  }
}

import type { GraphQLFormattedError } from 'graphql';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { CUT, type Cut } from '../routing/nested';

type Obj = Record<string, unknown>;

/** The places one cut's entities sit in a fetch's answer, and the representations to ask for them. */
export interface CutTargets {
  /** Each distinct entity once, as `{ __typename, key }`. */
  reps: Obj[];
  /** Each place, with the index of its entity in `reps`. */
  targets: Array<{ object: Obj; path: Array<string | number>; rep: number }>;
}

/** Finds in a fetch's answer the entities a cut left there (under CUT aliases), lists walked. */
export function findCutEntities(cut: Cut, data: Obj): CutTargets {
  const found: CutTargets = { reps: [], targets: [] };
  const repIndex = new Map<string, number>();
  const walk = (value: unknown, depth: number, path: Array<string | number>): void => {
    if (value == null) return;
    if (Array.isArray(value)) return value.forEach((v, i) => walk(v, depth, [...path, i]));
    if (depth === cut.path.length) {
      const object = value as Obj;
      const rep = { __typename: String(object[CUT.typename] ?? cut.typeName), [cut.key]: object[CUT.key] };
      const id = JSON.stringify(rep);
      let index = repIndex.get(id);
      if (index === undefined) repIndex.set(id, (index = found.reps.push(rep) - 1));
      found.targets.push({ object, path, rep: index });
      return;
    }
    const key = cut.path[depth];
    walk((value as Obj)[key], depth + 1, [...path, key]);
  };
  walk(data, 0, []);
  return found;
}

/**
 * Puts the answer of a cut's `_entities` fetch in place: each entity into every place it was cut
 * from, and each error at `['_entities', i]` (holes among them) at each of those places.
 */
export function graftCut({ targets }: CutTargets, answer: GatewayGraphQLResponse, errors: GraphQLFormattedError[]): void {
  const entities = ((answer.data as Obj | null)?._entities ?? []) as Array<Obj | null>;
  for (const t of targets) {
    const entity = entities[t.rep];
    // Each place gets its own copy: the gateway fills other subgraphs' fields into it later.
    if (entity) Object.assign(t.object, structuredClone(entity));
  }
  for (const e of answer.errors ?? []) {
    const [root, index, ...rest] = e.path ?? [];
    if (root !== '_entities' || typeof index !== 'number') {
      errors.push(e);
      continue;
    }
    for (const t of targets) if (t.rep === index) errors.push({ ...e, path: [...t.path, ...rest] });
  }
}

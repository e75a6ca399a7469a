import { compareAnswers, errorSignature, type Difference } from './compare';
import { rngFor, type GeneratedOperation, type Pageable } from './generator';
import type { Answer, TwinRegions } from './twin-regions';

/** How many more pages an operation is asked for, each after an endCursor of the sharded answer. */
const FOLLOW_UPS = 2;

export interface Round {
  variables: Record<string, unknown>;
  /** How the round's cursor was found: `<variable> = endCursor at <path>`. */
  cursorFrom?: string;
}

export interface Outcome {
  op: GeneratedOperation;
  rounds: Round[];
  /** The first round whose answers differ, with both answers. */
  failure?: { round: number; difference: Difference; sharded: Answer; combined: Answer };
  cause?: Cause;
  /** The error codes of every answer of the sharded gateway. */
  errorCodes: string[];
  ms: number;
}

/**
 * Runs one operation on both sides and compares the answers; then, for up to two more rounds,
 * sets the `after` of one of its connections to an endCursor the sharded gateway answered (both
 * sides must accept it: it names a position, not a shard) and compares again.
 */
export async function runOperation(twins: Pick<TwinRegions, 'ask'>, op: GeneratedOperation): Promise<Outcome> {
  const started = Date.now();
  const rng = rngFor('follow-up', op.seed, op.index);
  const rounds: Round[] = [{ variables: op.variables }];
  const errorCodes: string[] = [];
  for (let round = 0; ; round++) {
    const { variables } = rounds[round];
    const { sharded, combined } = await twins.ask(op.query, variables);
    for (const e of sharded.body.errors ?? []) errorCodes.push(e.extensions?.code ?? '(no code)');
    const difference = compareAnswers(sharded, combined);
    if (difference) {
      const failure = { round, difference, sharded, combined };
      return { op, rounds, failure, cause: causeOf(op, difference, sharded, combined), errorCodes, ms: Date.now() - started };
    }
    if (round >= FOLLOW_UPS) break;
    const found = op.pageables.flatMap((p) => endCursors(sharded.body.data, p).map((c) => ({ p, ...c })));
    if (!found.length) break;
    const next = found[Math.floor(rng() * found.length)];
    rounds.push({ variables: { ...variables, [next.p.variable]: next.cursor }, cursorFrom: `$${next.p.variable} = endCursor at ${next.at}` });
  }
  return { op, rounds, errorCodes, ms: Date.now() - started };
}

/**
 * Operation `i`'s outcome, with operations i + 1 … i + ahead − 1 already started: a suite's test
 * for each operation awaits its own outcome while the next ones are on their way, so the servers
 * on both sides work on several at once instead of waiting on one round trip at a time. Generated
 * operations only read, and each compares the two sides' answers to the same request; no answer
 * depends on what else is in flight. Tests asking in order keep at most `ahead` in flight.
 *
 * Before starting more, it lets the event loop handle what arrived meanwhile: after a long
 * synchronous stretch (generating hundreds of operations) a keep-alive connection the server has
 * since closed must be seen as closed before a request is sent on it.
 */
export function outcomesAhead(count: number, ahead: number, run: (i: number) => Promise<Outcome>): (i: number) => Promise<Outcome> {
  const started = new Map<number, Promise<Outcome>>();
  return async (i) => {
    await new Promise<void>((resolve) => setImmediate(resolve));
    for (let j = i; j < Math.min(count, i + ahead); j++) {
      if (started.has(j)) continue;
      const p = run(j);
      p.catch(() => undefined); // one a filtered run (jest -t) never awaits must not be an unhandled rejection
      started.set(j, p);
    }
    return started.get(i) ?? run(i);
  };
}

/** Every non-null endCursor of a pageable connection in an answer, with where it was found. */
export function endCursors(data: unknown, p: Pageable): Array<{ cursor: string; at: string }> {
  const out: Array<{ cursor: string; at: string }> = [];
  const walk = (value: unknown, path: string[], at: string): void => {
    if (Array.isArray(value)) return value.forEach((v, i) => walk(v, path, `${at}[${i}]`));
    if (value === null || typeof value !== 'object') return;
    const obj = value as Record<string, unknown>;
    if (!path.length) {
      const cursor = (obj[p.pageInfo] as Record<string, unknown> | null | undefined)?.[p.endCursor];
      if (typeof cursor === 'string') out.push({ cursor, at: `${at}.${p.pageInfo}.${p.endCursor}` });
      return;
    }
    walk(obj[path[0]], path.slice(1), `${at}.${path[0]}`);
  };
  walk(data, p.path, '$.data');
  return out;
}

// ---------------------------------------------------------------------------------------------
// Causes
// ---------------------------------------------------------------------------------------------

export interface Cause {
  /**
   * nestedBroadcast, foreignOwner (the known planner gaps, see Shapes); statsGroupOrder (the same
   * groups in another order); titleOrder (a TITLE-ordered list: code points vs UTF-16 units);
   * skipInclude (the sharded gateway fails on a merged field under @skip/@include);
   * repeatedResponseKey (under a key the planner may split between a reused named fragment and
   * the rest of a selection, the merge keeps the first part only); mergedFieldMissing (a field
   * asked for is missing from the merged answer, so a non-null violation nulls its parent, for
   * no reason found); unexplained.
   */
  name: string;
  /** Where: the field the difference is found under that explains it. */
  detail: string;
}

/** The keys of a JSON path such as `$.data.a[2].b`, list indexes left out. */
export function keysOf(path: string): string[] {
  return [...path.matchAll(/\.([A-Za-z_]\w*)|\["((?:[^"\\]|\\.)*)"\]/g)].map((m) => m[1] ?? JSON.parse(`"${m[2]}"`));
}

const startsWith = (keys: string[], prefix: string[]) => prefix.length <= keys.length && prefix.every((k, i) => keys[i] === k);

/** The scalar fields of each item, so that two lists of groups can be compared without what hangs below them. */
function leaves(list: unknown): string[] | null {
  if (!Array.isArray(list)) return null;
  return list.map((item) => JSON.stringify(Object.entries((item ?? {}) as Record<string, unknown>).filter(([, v]) => v === null || typeof v !== 'object')));
}

/**
 * Why the two sides part, judged from the operation's shape at the place they do and from the
 * answers: under a nested broadcast field; under a partner's kommun's own fields; the same stats
 * groups in another order; a TITLE-ordered connection; a failure or a dropped field of the
 * sharded gateway's merge; or unexplained. A heuristic for grouping a run's failures: the
 * shrunk reproduction of each group is what shows the cause.
 */
export function causeOf(op: GeneratedOperation, difference: Difference, sharded?: Answer, combined?: Answer): Cause {
  const shardedErrors = (sharded?.body.errors ?? []) as Array<{ extensions?: { code?: string } }>;
  if (shardedErrors.some((e) => e.extensions?.code === 'INTERNAL_SERVER_ERROR') && /@(skip|include)\(/.test(op.query)) {
    return { name: 'skipInclude', detail: 'INTERNAL_SERVER_ERROR from the sharded gateway; the operation has @skip/@include' };
  }
  const dropped = ((sharded?.body.extensions?.valueCompletion ?? []) as Array<{ message: string; path?: unknown[] }>).find((v) => /Cannot return null for non-nullable/.test(v.message));
  if (dropped) {
    const at = (dropped.path ?? []).filter((k): k is string => typeof k === 'string');
    const reused = op.fragmentReuse.find((p) => startsWith(at, p));
    const detail = `${dropped.message} at ${(dropped.path ?? []).join('.')}`;
    return reused ? { name: 'repeatedResponseKey', detail } : { name: 'mergedFieldMissing', detail };
  }
  if (!difference.path.startsWith('$.data')) return { name: 'unexplained', detail: `${difference.path} differs` };
  const keys = keysOf(difference.path).slice(1);
  const on = op.tagged.filter((t) => startsWith(keys, t.path)).sort((a, b) => a.path.length - b.path.length);
  for (const tag of ['nestedBroadcast', 'foreignOwner']) {
    const t = on.find((x) => x.tag === tag);
    if (t) return { name: tag, detail: `${t.coordinate} at ${t.path.join('.')}` };
  }
  // At the key itself, or above it when the sharded side's value is null (a non-null field
  // missing below nulls its parents; with errors in the answer no valueCompletion says so).
  const reused = op.fragmentReuse.find((p) => startsWith(keys, p) || (difference.sharded === null && startsWith(p, keys)));
  if (reused) return { name: 'repeatedResponseKey', detail: `${reused.join('.')}: a named fragment the planner may reuse there, beside more of the same key` };
  const stats = on.find((x) => x.tag === 'stats');
  if (stats) {
    const a = leaves(stats.path.reduce<any>((v, k) => v?.[k], sharded?.body.data));
    const b = leaves(stats.path.reduce<any>((v, k) => v?.[k], combined?.body.data));
    if (a && b && a.join('\n') !== b.join('\n') && [...a].sort().join('\n') === [...b].sort().join('\n')) {
      return { name: 'statsGroupOrder', detail: `${stats.coordinate} at ${stats.path.join('.')}: the same groups in another order` };
    }
  }
  const order = on.filter((x) => x.tag.startsWith('order:')).at(-1);
  if (order?.tag.startsWith('order:TITLE')) return { name: 'titleOrder', detail: `${order.coordinate} (${order.tag.slice(6)}) at ${order.path.join('.')}` };
  return { name: 'unexplained', detail: difference.note ?? `${difference.path} differs` };
}

// ---------------------------------------------------------------------------------------------
// Reports
// ---------------------------------------------------------------------------------------------

const show = (v: unknown, max = 600) => {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > max ? `${s.slice(0, max)}… (${s.length} characters)` : s;
};

/** A failing operation, so that anyone can run it again: query, variables, seed, and where the answers part. */
export function describeFailure(outcome: Outcome): string {
  const { op, failure } = outcome;
  if (!failure) return `operation ${op.index} of seed ${op.seed}: no difference`;
  const round = outcome.rounds[failure.round];
  const { difference: d } = failure;
  return [
    `Operation ${op.index} of seed ${op.seed} (again: FUZZ_SEED=${op.seed} FUZZ_ONLY=${op.index} npm run fuzz)`,
    `cause: ${outcome.cause?.name} (${outcome.cause?.detail}); shapes: ${op.shapes.join(', ') || 'none switchable'}; features: ${op.features.join(', ') || 'plain'}`,
    `round ${failure.round + 1} of ${outcome.rounds.length}${round.cursorFrom ? ` (${round.cursorFrom} of the previous round's sharded answer)` : ''}`,
    'query:',
    op.query.replace(/^/gm, '  '),
    `variables: ${JSON.stringify(round.variables)}`,
    `first difference at ${d.path}${d.note ? ` (${d.note})` : ''}:`,
    `  13 shards: ${show(d.sharded)}`,
    `  combined:  ${show(d.combined)}`,
    ...(['sharded', 'combined'] as const).flatMap((side) =>
      (failure[side].body.errors ?? []).slice(0, 5).map((e: any) => `${side === 'sharded' ? '13 shards' : 'combined'} error: ${errorSignature(e)}: ${show(e.message, 300)}`),
    ),
  ].join('\n');
}

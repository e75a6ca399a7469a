import type { Answer } from './twin-regions';

/** Where two answers first part, as a JSON path, with both values there. */
export interface Difference {
  path: string;
  sharded: unknown;
  combined: unknown;
  /** Set when the enclosing list holds the same items on both sides, in another order. */
  note?: string;
}

const MISSING = '(missing)';

/** The first place `a` and `b` differ: lists item by item (order counts), objects key by key, scalars by value. */
export function firstDifference(a: unknown, b: unknown, path = '$'): Difference | null {
  if (Object.is(a, b)) return null;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const d = firstDifference(a[i], b[i], `${path}[${i}]`);
      if (d) return { ...d, note: d.note ?? (sameItems(a, b) ? `${path} holds the same ${a.length} items on both sides, in another order` : undefined) };
    }
    return a.length === b.length ? null : { path: `${path}.length`, sharded: a.length, combined: b.length };
  }
  if (isObject(a) && isObject(b)) {
    const keys = [...Object.keys(a), ...Object.keys(b).filter((k) => !(k in a))];
    for (const k of keys) {
      const d = firstDifference(k in a ? a[k] : MISSING, k in b ? b[k] : MISSING, `${path}${/^[A-Za-z_]\w*$/.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`}`);
      if (d) return d;
    }
    return null;
  }
  return { path, sharded: a, combined: b };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function sameItems(a: unknown[], b: unknown[]): boolean {
  if (a.length !== b.length) return false;
  const key = (x: unknown) => JSON.stringify(x);
  const left = a.map(key).sort();
  const right = b.map(key).sort();
  return left.every((x, i) => x === right[i]);
}

/**
 * An error as the comparison sees it: its code and path. Message wording may differ (a shard's
 * error names its kommun, the combined instance all 13); the code and where it applies may not.
 */
export function errorSignature(e: { path?: Array<string | number>; extensions?: { code?: string } }): string {
  return `${e.extensions?.code ?? '(no code)'} at ${e.path ? e.path.join('.') : '(no path)'}`;
}

/**
 * The first difference between the two gateways' answers: the data (deep, in order), then the
 * errors (as a multiset of code and path: the order errors are listed in carries no meaning),
 * then the HTTP status. Nothing is removed from either answer first.
 */
export function compareAnswers(sharded: Answer, combined: Answer): Difference | null {
  const data = firstDifference(sharded.body.data, combined.body.data, '$.data');
  if (data) return data;
  const errors = (a: Answer) => ((a.body.errors ?? []) as any[]).map(errorSignature).sort();
  const e = firstDifference(errors(sharded), errors(combined), '$.errors');
  if (e) return { path: '$.errors', sharded: errors(sharded), combined: errors(combined) };
  if (sharded.status !== combined.status) return { path: '(HTTP status)', sharded: sharded.status, combined: combined.status };
  return null;
}

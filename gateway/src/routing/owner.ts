/**
 * The kommun a routing value names: a 4-digit kommunkod, or a kommun-owned ID that begins with
 * one (`1480:project:7`). null when the value names none.
 */
export function ownerOfValue(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const m = /^(\d{4})(?::|$)/.exec(value);
  return m ? m[1] : null;
}

/** Reads a dotted path (`input.municipality`) out of resolved argument values. */
export function valueAtPath(args: Record<string, unknown> | undefined, path: string): unknown {
  let v: unknown = args;
  for (const part of path.split('.')) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

/** One GraphQL POST with a deadline, as the soak's writers and readers send it. */
export type Answer =
  | { kind: 'answer'; status: number; body: any; ms: number }
  /** No HTTP answer: a timeout or a network error (refused, reset). */
  | { kind: 'failure'; reason: string; ms: number };

export async function post(url: string, query: string, variables: Record<string, unknown>, headers: Record<string, string>, timeoutMs: number): Promise<Answer> {
  const started = Date.now();
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    let body: any;
    try {
      body = JSON.parse(text);
    } catch {
      body = { errors: [{ message: `not JSON: ${text.slice(0, 200)}`, extensions: { code: 'NOT_JSON' } }] };
    }
    return { kind: 'answer', status: res.status, body, ms: Date.now() - started };
  } catch (err) {
    return { kind: 'failure', reason: describeFailure(err, timeoutMs), ms: Date.now() - started };
  }
}

function describeFailure(err: unknown, timeoutMs: number): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return `no answer within ${timeoutMs} ms`;
  const code = e?.cause?.code;
  return `network error (${code ?? e?.cause?.message ?? e?.message ?? 'unknown'})`;
}

/** The `extensions.code` of each error in a GraphQL body ('NO_CODE' for one without). */
export function errorCodes(body: any): string[] {
  return Array.isArray(body?.errors) ? body.errors.map((e: any) => String(e?.extensions?.code ?? 'NO_CODE')) : [];
}

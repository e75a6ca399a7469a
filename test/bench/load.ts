import autocannon from 'autocannon';

export interface LoadResult {
  p50: number;
  p99: number;
  /** Mean latency, ms (finer than the percentiles, which autocannon gives in whole ms). */
  mean: number;
  rps: number;
  requests: number;
  non2xx: number;
  errors: number;
}

/**
 * Drives POST GraphQL at a fixed concurrency with autocannon, for a fixed time (`seconds`) or a
 * fixed number of requests (`amount`). `body` may vary per request (a mutation rotating over ids).
 * A timed run stops at its end with requests still in flight, which the server goes on serving;
 * a counted run ends with the last answer, so that what the server spent over it (CPU time, SQL)
 * belongs to exactly the requests counted.
 */
export async function drive(
  url: string,
  body: string | (() => string),
  options: { connections: number; headers?: Record<string, string> } & ({ seconds: number } | { amount: number }),
): Promise<LoadResult> {
  const headers = { 'content-type': 'application/json', ...options.headers };
  const result = await autocannon({
    url,
    method: 'POST',
    connections: options.connections,
    ...('amount' in options ? { amount: Math.max(options.amount, options.connections) } : { duration: options.seconds }),
    headers,
    ...(typeof body === 'string' ? { body } : { requests: [{ method: 'POST', setupRequest: (req: any) => ({ ...req, body: body() }) }] }),
  });
  return {
    p50: result.latency.p50,
    p99: result.latency.p99,
    mean: result.latency.mean,
    rps: result.requests.total / Math.max(result.duration, 1e-3),
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

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
 * Drives POST GraphQL at a fixed concurrency for a fixed time with autocannon. `body` may vary
 * per request (a mutation rotating over ids).
 */
export async function drive(
  url: string,
  body: string | (() => string),
  options: { connections: number; seconds: number; headers?: Record<string, string> },
): Promise<LoadResult> {
  const headers = { 'content-type': 'application/json', ...options.headers };
  const result = await autocannon({
    url,
    method: 'POST',
    connections: options.connections,
    duration: options.seconds,
    headers,
    ...(typeof body === 'string' ? { body } : { requests: [{ method: 'POST', setupRequest: (req: any) => ({ ...req, body: body() }) }] }),
  });
  return {
    p50: result.latency.p50,
    p99: result.latency.p99,
    mean: result.latency.mean,
    rps: result.requests.average,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

import autocannon from 'autocannon';
import { Agent, Pool } from 'undici';
import { rngFor } from '../differential/generator';
import { quantile } from './stats';

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

/**
 * Runs `send` open-loop: `amount` times, arriving at `rate` a second on average, each gap drawn
 * from an exponential distribution (seeded, so that every target gets the same arrivals), as
 * independent analysts and dashboards arrive; none waits for another's answer. Latency runs from
 * the moment a request was due, not from when it went out, so that a client that fell behind is
 * not hidden (coordinated omission). What a closed loop of a few connections measures at
 * saturation is the server's throughput; this measures its latency at a given load. `send`
 * resolves to whether the answer was a success (non2xx counts the others), or throws (errors).
 */
export async function atRate(send: () => Promise<boolean>, options: { rate: number; amount: number; seed: string }): Promise<LoadResult> {
  const rng = rngFor(options.seed, 'arrivals');
  const latencies: number[] = [];
  let non2xx = 0;
  let errors = 0;
  const started = performance.now();
  let due = started;
  const sent: Array<Promise<void>> = [];
  for (let i = 0; i < options.amount; i++) {
    due += (-Math.log(1 - rng()) * 1000) / options.rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const at = due;
    sent.push(
      send().then(
        (ok) => {
          latencies.push(performance.now() - at);
          if (!ok) non2xx++;
        },
        () => void errors++,
      ),
    );
  }
  await Promise.all(sent);
  latencies.sort((a, b) => a - b);
  return {
    // To a tenth of a millisecond: a ratio of two p50s near 10 ms would move by a tenth with whole ones.
    p50: Math.round(quantile(latencies, 0.5) * 10) / 10,
    p99: Math.round(quantile(latencies, 0.99) * 10) / 10,
    mean: latencies.reduce((a, b) => a + b, 0) / Math.max(latencies.length, 1),
    rps: latencies.length / Math.max((performance.now() - started) / 1000, 1e-3),
    requests: latencies.length,
    non2xx,
    errors,
  };
}

/** POST GraphQL to `url` open-loop at a rate (see atRate). */
export async function driveAtRate(
  url: string,
  body: string | (() => string),
  options: { rate: number; amount: number; seed: string; headers?: Record<string, string> },
): Promise<LoadResult> {
  const target = new URL(url);
  // Room for every request that may be in flight at once at this load, and more.
  const pool = new Pool(target.origin, { connections: 256, pipelining: 1, keepAliveTimeout: 30_000 });
  const headers = { 'content-type': 'application/json', ...options.headers };
  const path = `${target.pathname}${target.search}`;
  try {
    return await atRate(async () => {
      const res = await pool.request({ path, method: 'POST', headers, body: typeof body === 'string' ? body : body() });
      await res.body.text();
      return res.statusCode >= 200 && res.statusCode < 300;
    }, options);
  } finally {
    await pool.close();
  }
}

/**
 * A fan-out with nothing around it: the same POST to every one of `origins` at once, through an
 * undici Agent set as the gateway's shard client sets its own (keep-alive, 32 connections per
 * origin, no pipelining), each answer read whole and parsed. What one Node process on this machine
 * spends to ask that many shards, whatever else a gateway does: `send` resolves when every answer
 * is in, to whether all were HTTP 200.
 */
export function bareFanOut(origins: string[], path: string, body: string): { send: () => Promise<boolean>; close: () => Promise<void> } {
  const agent = new Agent({ connections: 32, keepAliveTimeout: 30_000, pipelining: 1 });
  const headers = { 'content-type': 'application/json', accept: 'application/json' };
  const one = (origin: string) =>
    new Promise<boolean>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let status = 0;
      agent.dispatch(
        { origin, path, method: 'POST', headers, body },
        {
          // The controller API (undici wraps a handler without onRequestStart as one of the old kind).
          onRequestStart: () => undefined,
          onResponseStart: (_c, statusCode) => void (status = statusCode),
          onResponseData: (_c, chunk) => void chunks.push(chunk),
          onResponseEnd: () => {
            // Parsed as the gateway parses each answer; one that is not JSON fails the fan-out (not undici's callback).
            try {
              JSON.parse(Buffer.concat(chunks).toString('utf8'));
              resolve(status === 200);
            } catch (err) {
              reject(err);
            }
          },
          onResponseError: (_c, error) => reject(error),
        },
      );
    });
  return {
    send: async () => (await Promise.all(origins.map(one))).every(Boolean),
    close: () => agent.close(),
  };
}

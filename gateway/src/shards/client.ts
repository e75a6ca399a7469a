import { Agent, request } from 'undici';

export interface GraphQLPayload {
  query: string;
  variables?: Record<string, unknown>;
  operationName?: string | null;
}

export interface ShardAnswer {
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }>;
}

/** Why a shard gave no usable answer; becomes the `reason` of a MUNICIPALITY_UNAVAILABLE error. */
export class ShardFailure extends Error {}

export interface ShardClientOptions {
  /** Per-request timeout in milliseconds. */
  timeoutMs: number;
  /** Requests in flight to all shards together, at most. */
  concurrency: number;
  /** Kept-alive connections per shard. */
  connectionsPerShard?: number;
}

/**
 * POSTs GraphQL to shards over pooled keep-alive connections (undici), with a per-request timeout
 * and a cap on requests in flight, so a region of 290 kommuner fans out without opening 290 × N
 * sockets at once.
 */
export class ShardClient {
  private readonly agent: Agent;
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  /** Identical reads in flight to the same shard share one request. */
  private readonly inflight = new Map<string, Promise<{ status: number; text: string }>>();

  constructor(private readonly options: ShardClientOptions) {
    this.agent = new Agent({ connections: options.connectionsPerShard ?? 32, keepAliveTimeout: 30_000, pipelining: 1 });
  }

  /**
   * POSTs an operation. A read that is already in flight to the same shard with the same body and
   * credentials is not sent again: its answer is shared (dashboards refresh the same queries).
   */
  async post(url: string, payload: GraphQLPayload, headers: Record<string, string> = {}, timeoutMs = this.options.timeoutMs): Promise<ShardAnswer> {
    const body = JSON.stringify(payload);
    let pending: Promise<{ status: number; text: string }>;
    if (/^\s*mutation\b/.test(payload.query)) {
      pending = this.send(url, body, headers, timeoutMs);
    } else {
      const key = `${url}\n${headers.authorization ?? ''}\n${body}`;
      const shared = this.inflight.get(key);
      if (shared) pending = shared;
      else {
        pending = this.send(url, body, headers, timeoutMs).finally(() => this.inflight.delete(key));
        this.inflight.set(key, pending);
      }
    }
    const { status, text } = await pending;
    // Each caller parses its own copy: the gateway merges into the objects it gets.
    let answer: ShardAnswer;
    try {
      answer = JSON.parse(text) as ShardAnswer;
    } catch {
      throw new ShardFailure(`answered HTTP ${status} with a body that is not JSON`);
    }
    if (status >= 500 && !answer.data) throw new ShardFailure(`answered HTTP ${status}`);
    return answer;
  }

  private async send(url: string, body: string, headers: Record<string, string>, timeoutMs: number): Promise<{ status: number; text: string }> {
    await this.acquire();
    try {
      const res = await request(url, {
        dispatcher: this.agent,
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      return { status: res.statusCode, text: await res.body.text() };
    } catch (err) {
      throw err instanceof ShardFailure ? err : new ShardFailure(describe(err, timeoutMs));
    } finally {
      this.release();
    }
  }

  close(): Promise<void> {
    return this.agent.close();
  }

  private acquire(): Promise<void> {
    if (this.active < this.options.concurrency) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active--;
  }
}

function describe(err: unknown, timeoutMs: number): string {
  const e = err as { name?: string; code?: string; cause?: { code?: string }; message?: string };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return `did not answer within ${timeoutMs} ms`;
  const code = e?.code ?? e?.cause?.code;
  if (code === 'ECONNREFUSED') return 'refused the connection (is its subgraph running?)';
  if (code === 'ENOTFOUND') return 'has a host name that does not resolve';
  if (code === 'UND_ERR_SOCKET' || code === 'ECONNRESET') return 'closed the connection';
  return `could not be reached (${code ?? e?.message ?? 'unknown error'})`;
}

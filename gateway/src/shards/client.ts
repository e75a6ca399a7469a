import { Agent, type Dispatcher } from 'undici';
import { BUDGET_HEADER, fetchBudget, writeBudget, type Deadline } from '../deadline';

export interface GraphQLPayload {
  query: string;
  variables?: Record<string, unknown>;
  operationName?: string | null;
}

export interface ShardAnswer {
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }>;
}

/** How a fetch to a shard ended, as the metrics count it. */
export type FetchOutcome = 'ok' | 'timeout' | 'http_error' | 'unreachable' | 'cancelled';

/** Why a shard gave no usable answer; becomes the `reason` of a MUNICIPALITY_UNAVAILABLE error. */
export class ShardFailure extends Error {
  constructor(
    message: string,
    readonly outcome: Exclude<FetchOutcome, 'ok'> = 'unreachable',
  ) {
    super(message);
  }
}

/** Told of every fetch: how long its caller waited and how it ended, and of reads answered by one already in flight. */
export interface FetchObserver {
  fetched(url: string, seconds: number, outcome: FetchOutcome): void;
  shared(url: string): void;
}

export interface ShardClientOptions {
  /** Per-request timeout in milliseconds (SHARD_TIMEOUT_MS). */
  timeoutMs: number;
  /** Requests in flight to all shards together, at most. */
  concurrency: number;
  /** Kept-alive connections per shard. */
  connectionsPerShard?: number;
  observer?: FetchObserver;
  /** How a request reaches a shard: HTTP over pooled connections unless given (tests pass in-process shards). */
  transport?: Transport;
  /** The largest answer a shard may give, in bytes (SHARD_MAX_RESPONSE_MB): one larger is cut off and fails. Default 32 MiB. */
  maxResponseBytes?: number;
}

/** The largest answer a shard may give, unless told otherwise. */
const MAX_RESPONSE_BYTES = 32 * 2 ** 20;

/** Sends one POST body to a shard and gives its status and body text; rejects when `signal` aborts. */
export type Transport = (url: string, body: string, headers: Record<string, string>, signal: AbortSignal) => Promise<{ status: number; text: string }>;

/**
 * How a request on the wire is called off once nobody waits for it. Lighter than an
 * AbortController (a 290-shard fan-out makes 290 of these): the HTTP path hands its abort straight
 * to undici; a transport given in (tests) gets an AbortSignal made for it.
 */
class Cancel {
  aborted = false;
  reason: Error | undefined;
  private handler?: (reason: Error) => void;

  abort(reason: Error): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.handler?.(reason);
  }

  /** `handler` (the one for this request) is called once, at once if already aborted. */
  onAbort(handler: (reason: Error) => void): void {
    if (this.aborted) handler(this.reason!);
    else this.handler = handler;
  }

  get signal(): AbortSignal {
    const controller = new AbortController();
    this.onAbort((reason) => controller.abort(reason));
    return controller.signal;
  }
}

/** A request on the wire, shared by every caller that asked the same read while it runs. */
interface InFlight {
  pending: Promise<{ status: number; text: string }>;
  cancel: Cancel;
  /** Callers still waiting for it; when the last gives up, the request is cancelled. */
  waiting: number;
  /** When it was made (performance.now()). */
  startedAt: number;
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
  /**
   * Identical reads in flight to the same shard share one request: kept by shard and credentials,
   * then by body. A broadcast gives every shard the same body string, whose hash is then
   * computed once, not once per shard over a key that joins it to the URL.
   */
  private readonly inflight = new Map<string, Map<string, InFlight>>();

  constructor(private readonly options: ShardClientOptions) {
    this.agent = new Agent({ connections: options.connectionsPerShard ?? 32, keepAliveTimeout: 30_000, pipelining: 1 });
  }

  /**
   * POSTs an operation, waiting at most SHARD_TIMEOUT_MS, or less when the request it serves has
   * a `deadline` (see fetchBudget); once that has passed, nothing is sent. A read that is already
   * in flight to the same shard with the same body and credentials is not sent again: its answer
   * is shared (dashboards refresh the same queries), each caller waiting by its own deadline;
   * with `notBefore` (performance.now()), only one made since then (an answer the response cache
   * keeps must not predate the generations it is kept with).
   */
  async post(url: string, payload: GraphQLPayload, headers: Record<string, string> = {}, deadline?: Deadline, options: { write?: boolean; notBefore?: number } = {}): Promise<ShardAnswer> {
    // A write waits until the request's deadline (see writeBudget); a read by SHARD_TIMEOUT_MS.
    const budget = options.write ? writeBudget(this.options.timeoutMs, deadline) : fetchBudget(this.options.timeoutMs, deadline);
    // Past the deadline nothing is sent, and there is no latency to count.
    if (budget.ms <= 0) throw new ShardFailure(budget.reason, 'timeout');
    const observer = this.options.observer;
    if (!observer) return this.exchange(url, payload, headers, budget, options.notBefore);
    const started = performance.now();
    try {
      const answer = await this.exchange(url, payload, headers, budget, options.notBefore);
      observer.fetched(url, (performance.now() - started) / 1000, 'ok');
      return answer;
    } catch (err) {
      observer.fetched(url, (performance.now() - started) / 1000, err instanceof ShardFailure ? err.outcome : 'unreachable');
      throw err;
    }
  }

  private async exchange(url: string, payload: GraphQLPayload, headers: Record<string, string>, budget: { ms: number; reason: string }, notBefore = 0): Promise<ShardAnswer> {
    const body = this.bodyOf(payload);
    const shard = /^\s*mutation\b/.test(payload.query) ? null : `${url}\n${headers.authorization ?? ''}`;
    let flight = shard === null ? undefined : this.inflight.get(shard)?.get(body);
    if (flight && flight.startedAt < notBefore) flight = undefined;
    if (flight) this.options.observer?.shared(url);
    else {
      const own: InFlight = { cancel: new Cancel(), waiting: 0, startedAt: performance.now(), pending: undefined as unknown as InFlight['pending'] };
      if (shard !== null) {
        let flights = this.inflight.get(shard);
        if (!flights) this.inflight.set(shard, (flights = new Map()));
        flights.set(body, own);
      }
      // How long the caller waits goes along: a member that is itself a hub (see member.ts) answers
      // by then, with the kommuner late inside it named, rather than being a hole as a whole.
      const sent = { 'content-type': 'application/json', accept: 'application/json', ...headers, [BUDGET_HEADER]: String(budget.ms) };
      own.pending = this.send(url, body, sent, own.cancel, () => this.landed(shard, body, own));
      flight = own;
    }
    const current = flight;
    current.waiting++;
    let timer: NodeJS.Timeout | undefined;
    let done = false;
    let result: { status: number; text: string };
    try {
      result = await new Promise<{ status: number; text: string }>((resolve, reject) => {
        timer = setTimeout(() => reject(new ShardFailure(budget.reason, 'timeout')), budget.ms);
        current.pending.then(resolve, reject);
      });
      done = true;
    } finally {
      clearTimeout(timer);
      // The last caller to give up cancels the request, so that it holds no slot nobody waits for.
      if (--current.waiting === 0 && !done) {
        this.landed(shard, body, current);
        current.cancel.abort(Object.assign(new Error('nobody waits for its answer'), { name: 'AbortError' }));
      }
    }
    const { status, text } = result;
    // Each caller parses its own copy: the gateway merges into the objects it gets.
    let answer: ShardAnswer;
    try {
      answer = JSON.parse(text) as ShardAnswer;
    } catch {
      throw new ShardFailure(`answered HTTP ${status} with a body that is not JSON`, 'http_error');
    }
    if (status >= 500 && !answer.data) throw new ShardFailure(`answered HTTP ${status}`, 'http_error');
    return answer;
  }

  /** A request in flight has ended or been given up: later callers get one of their own. */
  private landed(shard: string | null, body: string, flight: InFlight): void {
    const flights = shard === null ? undefined : this.inflight.get(shard);
    if (flights?.get(body) !== flight) return;
    flights.delete(body);
    if (!flights.size) this.inflight.delete(shard!);
  }

  /**
   * The request body of `payload`. A broadcast sends the same query and variables (one object)
   * to every shard, one after another: the last body is kept and given again.
   */
  private lastBody: { query: string; variables: unknown; body: string } | null = null;

  private bodyOf(payload: GraphQLPayload): string {
    const last = this.lastBody;
    if (last && last.query === payload.query && last.variables === payload.variables && payload.variables !== undefined && payload.operationName === undefined) return last.body;
    const body = JSON.stringify(payload);
    this.lastBody = payload.operationName === undefined ? { query: payload.query, variables: payload.variables, body } : null;
    return body;
  }

  /** Sends one request, in its turn among those in flight; `finished` is called when it has ended, however it ended. */
  private async send(url: string, body: string, headers: Record<string, string>, cancel: Cancel, finished: () => void): Promise<{ status: number; text: string }> {
    await this.acquire();
    try {
      if (cancel.aborted) throw cancel.reason;
      return await (this.options.transport ? this.options.transport(url, body, headers, cancel.signal) : this.http(url, body, headers, cancel));
    } catch (err) {
      throw err instanceof ShardFailure ? err : new ShardFailure(describe(err), (err as { name?: string })?.name === 'AbortError' ? 'cancelled' : 'unreachable');
    } finally {
      this.release();
      finished();
    }
  }

  /** Each shard URL split once into what the agent is given (undici's request() parses the URL every time). */
  private readonly targets = new Map<string, { origin: string; path: string }>();

  private http(url: string, body: string, headers: Record<string, string>, cancel: Cancel): Promise<{ status: number; text: string }> {
    let target = this.targets.get(url);
    if (!target) {
      const parsed = new URL(url);
      // Members' URLs change now and then: what is kept stays small.
      if (this.targets.size >= 1000) this.targets.clear();
      this.targets.set(url, (target = { origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` }));
    }
    // undici's dispatch, not its request(): no response stream per request, the body's chunks
    // gathered as they come (a 290-shard fan-out pays this 290 times).
    const max = this.options.maxResponseBytes ?? MAX_RESPONSE_BYTES;
    const tooLarge = () => new ShardFailure(`answered more than ${formatBytes(max)}, the most a kommun's answer may hold (SHARD_MAX_RESPONSE_MB)`, 'http_error');
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let received = 0;
      let status = 0;
      let controller: Dispatcher.DispatchController | undefined;
      cancel.onAbort((reason) => (controller ? controller.abort(reason) : reject(reason)));
      this.agent.dispatch(
        { origin: target.origin, path: target.path, method: 'POST', headers, body },
        {
          onRequestStart: (c) => {
            controller = c;
            if (cancel.aborted) c.abort(cancel.reason!);
          },
          onResponseStart: (c, statusCode, responseHeaders) => {
            status = statusCode;
            if (Number(responseHeaders['content-length']) > max) c.abort(tooLarge());
          },
          onResponseData: (c, chunk) => {
            // A member that answers without end (a fault, or worse) must not take the gateway's memory with it.
            if ((received += chunk.length) > max) return c.abort(tooLarge());
            chunks.push(chunk);
          },
          onResponseEnd: () => {
            resolve({ status, text: (chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)).toString('utf8') });
          },
          onResponseError: (_c, error) => {
            reject(error);
          },
        },
      );
    });
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

function formatBytes(bytes: number): string {
  return bytes >= 2 ** 20 ? `${+(bytes / 2 ** 20).toFixed(1)} MiB` : `${bytes} bytes`;
}

function describe(err: unknown): string {
  const e = err as { name?: string; code?: string; cause?: { code?: string }; message?: string };
  // Cancelled because every caller gave up on it: nobody reads this.
  if (e?.name === 'AbortError') return 'was cancelled: nobody waits for its answer any more';
  const code = e?.code ?? e?.cause?.code;
  if (code === 'ECONNREFUSED') return 'refused the connection (is its subgraph running?)';
  if (code === 'ENOTFOUND') return 'has a host name that does not resolve';
  if (code === 'UND_ERR_SOCKET' || code === 'ECONNRESET') return 'closed the connection';
  return `could not be reached (${code ?? e?.message ?? 'unknown error'})`;
}

import { createHash, randomUUID } from 'node:crypto';
import { HeaderMap, type ApolloServerPlugin, type GraphQLRequestContext } from '@apollo/server';
import { print, type DocumentNode, type FormattedExecutionResult } from 'graphql';
import stringify from 'safe-stable-stringify';
import type { Logger } from '@samverkan/server-kit';
import type { MemberRegistry } from '../shards/registry';
import type { ChangeWatcher } from '../subscriptions/service';
import type { CacheStore } from './store';

/** The scope of the region subgraph's data: every answer depends on it (kommuner read its catalogues too). */
export const REGION_SCOPE = 'region';

/** The header that says how the response cache took part in an answer: `hit`, `miss` or `bypass`. */
export const CACHE_HEADER = 'x-samverkan-cache';

/** Answers larger than this are not kept. */
const MAX_ENTRY_BYTES = 1024 * 1024;

/** How long, after Redis failed, before the cache tries it again. */
const RETRY_MS = 1000;

/**
 * What one request read and wrote, as its fetches go out: filled by the data sources, read by the
 * response cache. `since` (performance.now()) is when the request's generations were read: a read
 * already in flight from before then is not shared with it (its answer may predate a write).
 */
export interface ReadTracker {
  since: number;
  /** The kommuner (and `region`) its reads were sent to. */
  read: Set<string>;
  /** The kommuner (and `region`) its writes were sent to. */
  written: Set<string>;
}

export function newTracker(since = 0): ReadTracker {
  return { since, read: new Set(), written: new Set() };
}

/** Why scopes were invalidated, as /metrics counts it. */
export type InvalidationCause = 'write' | 'event' | 'stream' | 'members' | 'resync';

export interface ResponseCacheOptions {
  store: CacheStore;
  /** How long an answer is kept at most (RESPONSE_CACHE_TTL_S): bounds staleness that no event covers. */
  ttlMs: number;
  registry: MemberRegistry;
  logger: Logger;
  observer?: {
    /** Each cacheable request: hit, miss (then stored or not) or bypass (the cache could not be used). */
    outcome(outcome: 'hit' | 'miss' | 'bypass' | 'stored'): void;
    invalidated(cause: InvalidationCause, scopes: number): void;
  };
}

/** The generations a request read before its fetches, by scope. */
type Snapshot = Map<string, string>;

interface Entry {
  /** The generation of each scope the answer depended on, when its reads began. */
  g: Record<string, string>;
  /** The answer, as JSON. */
  b: string;
}

/**
 * A response cache for anonymous reads, shared by the replicas through Redis (or one replica's
 * own, in memory). Each kommun and the region has a generation, a random token that changes on
 * every change there (a write through any replica, a projectChanged event, a stream that comes
 * back, a change of membership). An answer is kept with the generations of everything it read,
 * as they were *before* its fetches went out, and is served only while each is still current. So
 * a write that lands while a read runs makes that read's answer dead on arrival, whoever keeps
 * it, and an answer is never served while the stream of a kommun it depends on is down (changes
 * there would go unseen). A TTL bounds what no event covers (the region's data written directly
 * at its subgraph). Answers with errors (holes, refused fields) are never kept.
 */
export class ResponseCache implements ChangeWatcher {
  /** Kommuner whose change stream is up at this replica. */
  private readonly live = new Set<string>();
  /** Each kommun's stream epoch: a connection that a later pause overtook must not count. */
  private readonly streams = new Map<string, number>();
  private healthy = true;
  private failures = 0;
  private lastTry = 0;
  private readonly keys = new WeakMap<DocumentNode, string>();

  constructor(private readonly options: ResponseCacheOptions) {}

  // ChangeWatcher: the kommuner's announced changes and stream states.
  changed(code: string): void {
    void this.invalidate([code], 'event');
  }

  connected(code: string): void {
    // Changes made while it was down (or before this replica started) went unseen: new generation first.
    const epoch = this.streams.get(code) ?? 0;
    void this.invalidate([code], 'stream').then(() => {
      if ((this.streams.get(code) ?? 0) === epoch) this.live.add(code);
    });
  }

  paused(code: string): void {
    this.streams.set(code, (this.streams.get(code) ?? 0) + 1);
    this.live.delete(code);
  }

  /** Membership or a member's state changed: every answer may differ (the region's generation). */
  membersChanged(): void {
    void this.invalidate([REGION_SCOPE], 'members');
  }

  /** New generations for `scopes`; every answer that depended on one of them is dead. */
  async invalidate(scopes: Iterable<string>, cause: InvalidationCause): Promise<void> {
    const list = [...new Set(scopes)];
    if (!list.length) return;
    // Counted once sent: a read this replica sends after it is behind it on the same connection.
    const sent = this.options.store.set(list.map((s) => [generationKey(s), randomUUID()]));
    this.options.observer?.invalidated(cause, list.length);
    try {
      await sent;
    } catch {
      // A generation that could not be changed may leave a dead answer looking current: nothing is
      // served from the store until every generation has been renewed (see usable).
      this.failed();
    }
  }

  /** The cache key of an operation: its normalised document, operation name and variables. */
  keyOf(document: DocumentNode, operationName: string | null | undefined, variables: unknown): string {
    let printed = this.keys.get(document);
    if (printed === undefined) this.keys.set(document, (printed = createHash('sha256').update(print(document)).digest('hex')));
    return createHash('sha256').update(`${printed}\n${operationName ?? ''}\n${stringify(variables ?? {})}`).digest('hex');
  }

  /**
   * The kept answer for `key` if it is current, else the generations to keep a new one with;
   * null when the cache cannot be used now (Redis down).
   */
  async lookup(key: string): Promise<{ hit: FormattedExecutionResult } | { miss: Snapshot } | null> {
    if (!(await this.usable())) return null;
    const scopes = [REGION_SCOPE, ...this.options.registry.all().map((m) => m.code)];
    try {
      const [entry, ...tokens] = await this.options.store.get([entryKey(key), ...scopes.map(generationKey)]);
      const snapshot: Snapshot = new Map();
      for (let i = 0; i < scopes.length; i++) {
        // A scope never changed (or forgotten by Redis) gets its first generation now.
        snapshot.set(scopes[i], tokens[i] ?? (await this.options.store.setIfAbsent(generationKey(scopes[i]), randomUUID())));
      }
      if (entry) {
        const kept = JSON.parse(entry) as Entry;
        if (Object.entries(kept.g).every(([scope, token]) => snapshot.get(scope) === token && this.watched(scope))) return { hit: JSON.parse(kept.b) as FormattedExecutionResult };
      }
      return { miss: snapshot };
    } catch {
      this.failed();
      return null;
    }
  }

  /** Keeps an answer that read `dependencies`, with their generations from before its reads. */
  async keep(key: string, snapshot: Snapshot, dependencies: Iterable<string>, result: FormattedExecutionResult): Promise<boolean> {
    const g: Record<string, string> = {};
    for (const scope of [REGION_SCOPE, ...dependencies]) {
      const token = snapshot.get(scope);
      // A kommun that joined meanwhile, or whose stream is down: its changes could go unseen.
      if (!token || !this.watched(scope)) return false;
      g[scope] = token;
    }
    const b = JSON.stringify(result);
    if (b.length > MAX_ENTRY_BYTES) return false;
    try {
      await this.options.store.set([[entryKey(key), JSON.stringify({ g, b } satisfies Entry)]], this.options.ttlMs);
      return true;
    } catch {
      this.failed();
      return false;
    }
  }

  /**
   * The Apollo Server plugin: answers a cacheable request (an anonymous query, marked `cacheable`
   * by the route it came in on) from the cache, keeps its answer when it has no errors, and after
   * every mutation, on any route, renews the generations of what it wrote to.
   */
  plugin<C extends { cacheable?: boolean; identity?: unknown; reads?: ReadTracker }>(): ApolloServerPlugin<C> {
    return {
      requestDidStart: async () => {
        let pending: { key: string; snapshot: Snapshot; tracker: ReadTracker } | null = null;
        let outcome: 'hit' | 'miss' | 'bypass' | null = null;
        return {
          didResolveOperation: async ({ operation, contextValue }) => {
            if (operation?.operation === 'mutation') contextValue.reads = newTracker();
          },
          responseForOperation: async ({ operation, contextValue, document, request }: GraphQLRequestContext<C>) => {
            if (operation?.operation !== 'query' || !contextValue.cacheable || contextValue.identity || !document) return null;
            const key = this.keyOf(document, request.operationName, request.variables);
            const found = await this.lookup(key);
            if (!found) {
              outcome = 'bypass';
              return null;
            }
            if ('hit' in found) {
              outcome = 'hit';
              return { http: { status: undefined, headers: new HeaderMap() }, body: { kind: 'single', singleResult: found.hit } };
            }
            outcome = 'miss';
            const tracker = newTracker(performance.now());
            contextValue.reads = tracker;
            pending = { key, snapshot: found.miss, tracker };
            return null;
          },
          willSendResponse: async ({ response, contextValue, operation }) => {
            if (outcome) {
              response.http.headers.set(CACHE_HEADER, outcome);
              this.options.observer?.outcome(outcome);
            }
            if (operation?.operation === 'mutation' && contextValue.reads) await this.invalidate(contextValue.reads.written, 'write');
            if (!pending || response.body.kind !== 'single') return;
            const result = response.body.singleResult;
            if (result.errors?.length || !result.data) return;
            if (await this.keep(pending.key, pending.snapshot, pending.tracker.read, result)) this.options.observer?.outcome('stored');
          },
        };
      },
    };
  }

  private watched(scope: string): boolean {
    return scope === REGION_SCOPE || this.live.has(scope);
  }

  /**
   * Whether the store may be used. After a failure, at most once a second, every generation is
   * renewed first: a write's invalidation that failed must not let its dead answers come back.
   */
  private async usable(): Promise<boolean> {
    if (this.healthy) return true;
    const now = Date.now();
    if (now - this.lastTry < RETRY_MS) return false;
    this.lastTry = now;
    const failures = this.failures;
    const scopes = [REGION_SCOPE, ...this.options.registry.all().map((m) => m.code)];
    try {
      await this.options.store.set(scopes.map((s) => [generationKey(s), randomUUID()]));
      this.options.observer?.invalidated('resync', scopes.length);
    } catch {
      return false;
    }
    // A failure while renewing (an invalidation lost meanwhile) needs another renewal.
    if (this.failures !== failures) return false;
    this.healthy = true;
    this.options.logger.info('the response cache is in use again: every generation renewed');
    return true;
  }

  private failed(): void {
    this.failures++;
    this.healthy = false;
  }
}

const generationKey = (scope: string) => `gen:${scope}`;
const entryKey = (key: string) => `response:${key}`;

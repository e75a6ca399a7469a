import { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import type { Logger } from '@samverkan/server-kit';

/**
 * Where the gateway keeps what replicas may share: cached answers, the generation of each kommun
 * (and of the region) they were read at, and registered persisted documents. Two stores, one
 * interface: Redis (REDIS_URL), shared by every replica, or this process's memory. Every call may
 * fail (Redis down): the caller then goes on without the cache, never with a wrong answer.
 */
export interface CacheStore {
  readonly shared: boolean;
  /** The values of `keys`, in order (null where absent). */
  get(keys: string[]): Promise<Array<string | null>>;
  /** Sets each key; `ttlMs` bounds how long they live (absent: until evicted or overwritten). */
  set(entries: Array<[string, string]>, ttlMs?: number): Promise<void>;
  /** Sets `key` only if it has no value; answers the value it holds afterwards. */
  setIfAbsent(key: string, value: string): Promise<string>;
  close(): Promise<void>;
}

/** This process's own store: one replica's cache, bounded in entries and bytes. */
export class MemoryStore implements CacheStore {
  readonly shared = false;
  private readonly values: LRUCache<string, string>;

  constructor(maxBytes = 64 * 2 ** 20) {
    this.values = new LRUCache<string, string>({ maxSize: maxBytes, sizeCalculation: (v, k) => v.length + k.length + 64 });
  }

  async get(keys: string[]): Promise<Array<string | null>> {
    return keys.map((k) => this.values.get(k) ?? null);
  }

  async set(entries: Array<[string, string]>, ttlMs?: number): Promise<void> {
    for (const [k, v] of entries) this.values.set(k, v, ttlMs ? { ttl: ttlMs } : undefined);
  }

  async setIfAbsent(key: string, value: string): Promise<string> {
    const held = this.values.get(key);
    if (held !== undefined) return held;
    this.values.set(key, value);
    return value;
  }

  async close(): Promise<void> {
    this.values.clear();
  }
}

export interface RedisStoreOptions {
  url: string;
  /** Every key starts with this (REDIS_KEY_PREFIX), so that several regions or tests share one Redis. */
  prefix: string;
  /** A command not answered by then fails (REDIS_TIMEOUT_MS): a hung Redis must not hold requests. */
  timeoutMs: number;
  logger: Logger;
  /** Told of each failed command (counted in /metrics). */
  failed?: (operation: string) => void;
}

/**
 * Redis through ioredis. Commands are never queued while the connection is down, and each has a
 * timeout: a request never waits for Redis longer than REDIS_TIMEOUT_MS, and then goes on without
 * the cache. ioredis reconnects by itself.
 */
export class RedisStore implements CacheStore {
  readonly shared = true;
  private readonly redis: Redis;
  private lastLogged = 0;

  constructor(private readonly options: RedisStoreOptions) {
    this.redis = new Redis(options.url, {
      keyPrefix: options.prefix,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: options.timeoutMs,
      connectTimeout: Math.max(options.timeoutMs, 1000),
      // Keep trying, at most two seconds apart: Redis is optional, its return is picked up.
      retryStrategy: (times) => Math.min(2000, 50 * 2 ** Math.min(times, 6)),
    });
    this.redis.on('error', (err) => this.complain('connection', err));
    this.redis.on('ready', () => options.logger.info('Redis connected: the response cache and persisted documents are shared'));
  }

  get(keys: string[]): Promise<Array<string | null>> {
    return this.run('get', () => (keys.length ? this.redis.mget(keys) : Promise.resolve([])));
  }

  async set(entries: Array<[string, string]>, ttlMs?: number): Promise<void> {
    if (!entries.length) return;
    await this.run('set', () => {
      const batch = this.redis.multi();
      for (const [k, v] of entries) {
        if (ttlMs) batch.set(k, v, 'PX', ttlMs);
        else batch.set(k, v);
      }
      return batch.exec();
    });
  }

  async setIfAbsent(key: string, value: string): Promise<string> {
    return this.run('set', async () => {
      const results = await this.redis.multi().set(key, value, 'NX').get(key).exec();
      const [err, held] = results?.[1] ?? [new Error('the transaction was discarded'), null];
      if (err) throw err;
      return (held as string | null) ?? value;
    });
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }

  private async run<T>(operation: string, command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (err) {
      this.complain(operation, err);
      throw err;
    }
  }

  /** Counts every failure; logs at most one every 10 s, so a Redis that is down does not flood the log. */
  private complain(operation: string, err: unknown): void {
    this.options.failed?.(operation);
    const now = Date.now();
    if (now - this.lastLogged < 10_000) return;
    this.lastLogged = now;
    this.options.logger.warn({ err: (err as Error)?.message ?? String(err), operation }, 'Redis failed: the cache is skipped until it answers again');
  }
}

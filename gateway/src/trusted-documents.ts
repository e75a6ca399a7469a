import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { PersistedQueryOptions } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import type { CacheStore } from './cache/store';

/** How long a document a client registered stays in a shared store (it registers it again when it is gone). */
const REGISTERED_TTL_MS = 24 * 3600 * 1000;

/**
 * Trusted documents (persisted queries): the operations the dashboard is built with, by the
 * sha256 of their text, as Apollo's persisted-query protocol names them. The dashboard's build
 * writes the manifest; the gateway serves them by hash, and can hold anonymous callers to them.
 */
export class TrustedDocuments {
  constructor(private readonly byHash: ReadonlyMap<string, string>) {}

  /** Reads a manifest `{ "<sha256 hex>": "<document>" }`; a missing file holds none. A wrong entry stops the start. */
  static load(file: string): TrustedDocuments {
    if (!existsSync(file)) return new TrustedDocuments(new Map());
    const parsed = z.record(z.string().regex(/^[0-9a-f]{64}$/, 'must be a sha256 in hex'), z.string().min(1)).safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (!parsed.success) throw new Error(`TRUSTED_DOCUMENTS_FILE ${file} is not a manifest of sha256 → document: ${parsed.error.message}`);
    for (const [hash, document] of Object.entries(parsed.data)) {
      if (sha256(document) !== hash) throw new Error(`TRUSTED_DOCUMENTS_FILE ${file}: the entry ${hash} is not the sha256 of its document; rebuild the dashboard`);
    }
    return new TrustedDocuments(new Map(Object.entries(parsed.data)));
  }

  get size(): number {
    return this.byHash.size;
  }

  get(hash: string): string | undefined {
    return this.byHash.get(hash);
  }

  /** Whether `query` (as sent) is one of them. */
  trusts(query: string): boolean {
    return this.byHash.has(sha256(query));
  }

  /**
   * The cache of Apollo Server's persisted queries: the trusted documents first, then those a
   * client registered with their text (automatic persisted queries), in a bounded LRU, and, with
   * a `shared` store (Redis), there too, so that a document registered at one replica is known at
   * every other. A shared store that fails is passed over: the client is asked for the text again.
   * Apollo prefixes its keys with `apq:`.
   */
  persistedQueryCache(max = 1000, shared?: CacheStore): NonNullable<PersistedQueryOptions['cache']> {
    const registered = new LRUCache<string, string>({ max });
    const fromShared = async (key: string) => {
      const [value] = await shared!.get([key]).catch(() => [null]);
      // What Redis holds is checked as a client's registration is: the hash must be the text's.
      if (!value || sha256(value) !== key.replace(/^apq:/, '')) return undefined;
      registered.set(key, value);
      return value;
    };
    return {
      get: async (key) => this.byHash.get(key.replace(/^apq:/, '')) ?? registered.get(key) ?? (shared ? fromShared(key) : undefined),
      set: async (key, value) => {
        registered.set(key, value);
        await shared?.set([[key, value]], REGISTERED_TTL_MS).catch(() => undefined);
      },
      delete: async (key) => registered.delete(key),
    };
  }

  /**
   * With `onlyForAnonymous`, the refusal for a caller without a token whose request is not a
   * trusted document (by hash, or by text whose hash is trusted); null when it may go on.
   */
  refusal(request: { query?: unknown; extensions?: unknown }): GraphQLError | null {
    const hash = persistedHash(request.extensions);
    if (typeof request.query === 'string' ? this.trusts(request.query) : hash !== undefined && this.byHash.has(hash)) return null;
    return new GraphQLError(
      'Without a token this gateway runs only its trusted documents (the dashboard\'s operations, sent by their sha256 in extensions.persistedQuery). Send a valid token to run other operations.',
      { extensions: { code: 'UNAUTHENTICATED', reason: 'TRUSTED_DOCUMENTS_ONLY', http: { status: 401 } } },
    );
  }
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** `extensions.persistedQuery.sha256Hash`, from a POST body's object or a GET's JSON string. */
function persistedHash(extensions: unknown): string | undefined {
  let value = extensions;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  const hash = (value as { persistedQuery?: { sha256Hash?: unknown } } | undefined)?.persistedQuery?.sha256Hash;
  return typeof hash === 'string' ? hash : undefined;
}

import WebSocket from 'ws';
import { createClient, type Client } from 'graphql-ws';
import type { Logger } from '@samverkan/common';
import type { MemberRegistry } from '../shards/registry';
import { valueAtPath } from '../routing/owner';

/** An event as a kommun's subgraph sends it, with the fields the declaration selects. */
export type UpstreamEvent = Record<string, unknown>;

export type EventListener = (event: UpstreamEvent) => void;

interface Upstream {
  url: string;
  client: Client;
  unsubscribe: () => void;
}

/**
 * One graphql-ws subscription per shard, shared by every gateway subscriber that needs one of its
 * kommuner, opened with the first and closed with the last. (A shard is a subgraph URL; a combined
 * instance serving several kommuner is subscribed to once.) Events go to the subscribers of the
 * kommun that owns them. The graphql-ws client reconnects and re-subscribes by itself when a
 * kommun restarts; `reconcile` follows the registry when a kommun joins, leaves or moves.
 */
export class UpstreamHub {
  /** Who wants which kommun's events, whether or not its upstream is open. */
  private readonly wanted = new Map<string, Set<EventListener>>();
  /** Open upstream subscriptions by shard URL. */
  private readonly live = new Map<string, Upstream>();

  constructor(
    private readonly registry: MemberRegistry,
    private readonly logger: Logger,
    /** The subscription sent to every shard, the root field its events come in, and where an event names its kommun. */
    private readonly upstream: { query: string; field: string; owner: string },
    private readonly retryMaxMs = 1000,
  ) {}

  attach(code: string, listener: EventListener): void {
    let set = this.wanted.get(code);
    if (!set) this.wanted.set(code, (set = new Set()));
    set.add(listener);
    this.reconcile();
  }

  detach(code: string, listener: EventListener): void {
    const set = this.wanted.get(code);
    if (!set) return;
    set.delete(listener);
    if (set.size === 0) {
      this.wanted.delete(code);
      this.reconcile();
    }
  }

  /** Opens the shards that are wanted and reachable, closes the others. */
  reconcile(): void {
    const urls = new Set<string>();
    for (const code of this.wanted.keys()) {
      const target = this.registry.target(code);
      if (target.url !== null) urls.add(target.url);
    }
    for (const url of this.live.keys()) if (!urls.has(url)) void this.closeLive(url);
    for (const url of urls) if (!this.live.has(url)) this.live.set(url, this.open(url));
  }

  /** Open upstream subscriptions, the listeners, and the kommuner they serve, for /health and the tests. */
  stats(): { upstreams: number; listeners: number; codes: string[] } {
    let listeners = 0;
    for (const set of this.wanted.values()) listeners += set.size;
    const codes = [...this.wanted.keys()].filter((c) => {
      const t = this.registry.target(c);
      return t.url !== null && this.live.has(t.url);
    });
    return { upstreams: this.live.size, listeners, codes: codes.sort() };
  }

  async closeAll(): Promise<void> {
    this.wanted.clear();
    await Promise.all([...this.live.keys()].map((url) => this.closeLive(url)));
  }

  private open(httpUrl: string): Upstream {
    const client = createClient({
      url: httpUrl.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      lazy: true,
      lazyCloseTimeout: 0,
      keepAlive: 15_000,
      // A kommun that restarts refuses connections for a while: keep trying, at most a second apart.
      retryAttempts: Number.POSITIVE_INFINITY,
      shouldRetry: () => true,
      retryWait: (retries) => new Promise((r) => setTimeout(r, Math.min(this.retryMaxMs, 100 * 2 ** retries))),
    });
    const unsubscribe = client.subscribe<Record<string, UpstreamEvent>>(
      { query: this.upstream.query },
      {
        next: (result) => {
          const event = result.data?.[this.upstream.field];
          if (!event) return;
          const owner = valueAtPath(event, this.upstream.owner);
          for (const l of [...(this.wanted.get(String(owner)) ?? [])]) l(event);
        },
        error: (err) => this.logger.warn({ shard: httpUrl, err }, 'upstream subscription failed'),
        complete: () => undefined,
      },
    );
    return { url: httpUrl, client, unsubscribe };
  }

  private async closeLive(url: string): Promise<void> {
    const up = this.live.get(url);
    if (!up) return;
    this.live.delete(url);
    up.unsubscribe();
    await up.client.dispose();
  }
}

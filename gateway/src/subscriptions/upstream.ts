import WebSocket from 'ws';
import { createClient, type Client } from 'graphql-ws';
import type { Logger } from '@samverkan/common';
import type { MemberRegistry } from '../shards/registry';

/** An event as a kommun's subgraph sends it, with the fields the declaration selects. */
export type UpstreamEvent = Record<string, unknown>;

export type EventListener = (event: UpstreamEvent) => void;

interface Upstream {
  url: string;
  client: Client;
  unsubscribe: () => void;
}

/**
 * One graphql-ws subscription per kommun shard, shared by every gateway subscriber that needs
 * that kommun, opened with the first and closed with the last. The graphql-ws client reconnects
 * and re-subscribes by itself when a kommun restarts; `reconcile` follows the registry when a
 * kommun joins, leaves or moves its subgraph.
 */
export class UpstreamHub {
  /** Who wants which kommun's events, whether or not its upstream is open. */
  private readonly wanted = new Map<string, Set<EventListener>>();
  private readonly live = new Map<string, Upstream>();

  constructor(
    private readonly registry: MemberRegistry,
    private readonly logger: Logger,
    /** The subscription sent to every kommun, and the root field its events come in. */
    private readonly upstream: { query: string; field: string },
    private readonly retryMaxMs = 1000,
  ) {}

  attach(code: string, listener: EventListener): void {
    let set = this.wanted.get(code);
    if (!set) this.wanted.set(code, (set = new Set()));
    set.add(listener);
    this.ensure(code);
  }

  detach(code: string, listener: EventListener): void {
    const set = this.wanted.get(code);
    if (!set) return;
    set.delete(listener);
    if (set.size === 0) {
      this.wanted.delete(code);
      void this.closeLive(code);
    }
  }

  /** Opens what is wanted and now reachable, re-points what moved, closes what nobody wants. */
  reconcile(): void {
    for (const code of new Set([...this.wanted.keys(), ...this.live.keys()])) {
      if (this.wanted.has(code)) this.ensure(code);
      else void this.closeLive(code);
    }
  }

  /** Open upstream subscriptions and the listeners on them, for /health and the tests. */
  stats(): { upstreams: number; listeners: number; codes: string[] } {
    let listeners = 0;
    for (const set of this.wanted.values()) listeners += set.size;
    return { upstreams: this.live.size, listeners, codes: [...this.live.keys()].sort() };
  }

  async closeAll(): Promise<void> {
    this.wanted.clear();
    await Promise.all([...this.live.keys()].map((code) => this.closeLive(code)));
  }

  private ensure(code: string): void {
    const target = this.registry.target(code);
    const live = this.live.get(code);
    if (live && live.url === target.url) return;
    if (live) void this.closeLive(code);
    if (target.url !== null) this.live.set(code, this.open(code, target.url));
  }

  private open(code: string, httpUrl: string): Upstream {
    const url = httpUrl.replace(/^http/, 'ws');
    const client = createClient({
      url,
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
          if (event) for (const l of [...(this.wanted.get(code) ?? [])]) l(event);
        },
        error: (err) => this.logger.warn({ municipality: code, err }, 'upstream subscription failed'),
        complete: () => undefined,
      },
    );
    return { url: httpUrl, client, unsubscribe };
  }

  private async closeLive(code: string): Promise<void> {
    const up = this.live.get(code);
    if (!up) return;
    this.live.delete(code);
    up.unsubscribe();
    await up.client.dispose();
  }
}

import WebSocket from 'ws';
import { createClient, type Client } from 'graphql-ws';
import type { Logger } from '@samverkan/server-kit';
import type { MemberRegistry } from '../shards/registry';
import { valueAtPath } from '../routing/owner';

/**
 * How often an upstream socket is pinged, and how long each step with the kommun may take: the
 * opening handshake, the connection's acknowledgement, a pong, and the closing handshake.
 */
const KEEPALIVE_MS = 3000;

/**
 * The largest message a kommun's live connection may carry. An event is a few hundred bytes; a
 * larger message is a fault (or worse), and ws would otherwise take up to 100 MiB of the gateway's
 * memory for it. One past the bound closes the connection (1009): the kommun's subscribers are
 * told its live updates paused, and the gateway connects again as after any loss.
 */
const MAX_MESSAGE_BYTES = 2 ** 20;
const TOO_LARGE = `its subgraph sent a live message larger than ${MAX_MESSAGE_BYTES / 2 ** 20} MiB, the most one may hold`;

/**
 * The socket to a kommun, bounded at every step. A kommun whose process is frozen still has its
 * port accepted by the operating system, so without these bounds a socket opened (or closed)
 * while it hangs would wait forever (the handshake) or 30 s (ws's closing handshake) before its
 * subscribers are told that its live updates paused. What it may send is bounded too
 * (MAX_MESSAGE_BYTES).
 */
class BoundedSocket extends WebSocket {
  constructor(url: string, protocols?: string | string[]) {
    // closeTimeout is ws's own option (8.18 and later), not yet in its type declarations.
    super(url, protocols, { handshakeTimeout: KEEPALIVE_MS, closeTimeout: KEEPALIVE_MS, maxPayload: MAX_MESSAGE_BYTES } as WebSocket.ClientOptions);
  }
}

/** An event as a kommun's subgraph sends it, with the fields the declaration selects. */
export type UpstreamEvent = Record<string, unknown>;

/** Whether a kommun's live updates are flowing. */
export type LiveState = 'PAUSED' | 'RESUMED';

/** What the hub tells a subscriber of a kommun. */
export interface HubListener {
  event(event: UpstreamEvent): void;
  /** The kommun's upstream went down (`PAUSED`) or came back (`RESUMED`). */
  state(code: string, state: LiveState, reason?: string): void;
  /** An event of one of these kommuner arrived without its data; `message` says why. */
  lost(codes: string[], message: string): void;
  /**
   * The kommun's upstream is connected: the first time, and again after each loss (events may
   * have been missed meanwhile). Subscribers are told RESUMED through `state`; this is for those
   * that must know of the first connection too (the response cache).
   */
  connected?(code: string): void;
}

interface Upstream {
  url: string;
  client: Client;
  unsubscribe: () => void;
  /** Down since it last lost (or never had) its connection; the reason. */
  down: string | null;
  /** Connected now (and acknowledged by the kommun). */
  connected: boolean;
  /** Kommuner whose live updates a member that is itself a hub says are paused inside it, and why. */
  inside: Map<string, string>;
}

/**
 * One graphql-ws subscription per shard, shared by every gateway subscriber that needs one of its
 * kommuner, opened with the first and closed with the last. (A shard is a subgraph URL; a combined
 * instance serving several kommuner is subscribed to once.) Events go to the subscribers of the
 * kommun that owns them. The graphql-ws client reconnects and re-subscribes by itself when a
 * kommun restarts; meanwhile the kommun's subscribers are told its live updates are paused, and
 * told again when they resume. `reconcile` follows the registry when a kommun joins, leaves or moves.
 */
export class UpstreamHub {
  /** Who wants which kommun's events, whether or not its upstream is open. */
  private readonly wanted = new Map<string, Set<HubListener>>();
  /** Open upstream subscriptions by shard URL. */
  private readonly live = new Map<string, Upstream>();

  constructor(
    private readonly registry: MemberRegistry,
    private readonly logger: Logger,
    /** The subscription sent to every shard, the root field its events come in, and where an event names its kommun. */
    private readonly upstream: { query: string; field: string; owner: string },
    private readonly retryMaxMs = 1000,
  ) {}

  attach(code: string, listener: HubListener): void {
    let set = this.wanted.get(code);
    if (!set) this.wanted.set(code, (set = new Set()));
    set.add(listener);
    this.reconcile();
    // Joining while the kommun's stream is down: say so now, not at the next change.
    const url = this.registry.target(code).url;
    const up = url ? this.live.get(url) : undefined;
    if (up?.down) listener.state(code, 'PAUSED', up.down);
    else if (up?.inside.has(code)) listener.state(code, 'PAUSED', up.inside.get(code));
    // Joining a stream that is already up (a combined instance's other kommun): it is connected.
    else if (up?.connected) listener.connected?.(code);
  }

  detach(code: string, listener: HubListener): void {
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
    for (const url of this.live.keys()) if (!urls.has(url)) this.closeLive(url);
    for (const url of urls) if (!this.live.has(url)) this.live.set(url, this.open(url));
  }

  /** Open upstream subscriptions, those connected and those down, the listeners, the kommuner they serve and those of them connected, for /health and the tests. */
  stats(): { upstreams: number; connected: number; down: number; listeners: number; codes: string[]; connectedCodes: string[] } {
    let listeners = 0;
    for (const set of this.wanted.values()) listeners += set.size;
    const upstreamOf = (c: string) => {
      const t = this.registry.target(c);
      return t.url === null ? undefined : this.live.get(t.url);
    };
    const codes = [...this.wanted.keys()].filter((c) => upstreamOf(c)).sort();
    const down = [...this.live.values()].filter((u) => u.down).length;
    const connected = [...this.live.values()].filter((u) => u.connected).length;
    return { upstreams: this.live.size, connected, down, listeners, codes, connectedCodes: codes.filter((c) => upstreamOf(c)?.connected) };
  }

  async closeAll(): Promise<void> {
    this.wanted.clear();
    await Promise.all([...this.live.keys()].map((url) => this.closeLive(url)));
  }

  /** The kommuner wanted from a shard, each with its listeners. */
  private listenersOf(url: string): Array<[string, HubListener[]]> {
    return [...this.wanted].filter(([code]) => this.registry.target(code).url === url).map(([code, set]) => [code, [...set]]);
  }

  private setState(up: Upstream, down: string | null): void {
    if (Boolean(up.down) === Boolean(down)) {
      up.down = down ?? up.down;
      return;
    }
    up.down = down;
    if (this.live.get(up.url) !== up) return; // closed on purpose: nobody to tell
    if (down) this.logger.warn({ shard: up.url, reason: down }, 'live updates paused: upstream subscription lost');
    else this.logger.info({ shard: up.url }, 'live updates resumed');
    for (const [code, listeners] of this.listenersOf(up.url)) {
      for (const l of listeners) l.state(code, down ? 'PAUSED' : 'RESUMED', down ?? undefined);
    }
  }

  private open(httpUrl: string): Upstream {
    const up: Upstream = { url: httpUrl, client: undefined as unknown as Client, unsubscribe: () => undefined, down: null, connected: false, inside: new Map() };
    let connectedOnce = false;
    let socket: WebSocket | null = null;
    let pongDue: NodeJS.Timeout | null = null;
    up.client = createClient({
      url: httpUrl.replace(/^http/, 'ws'),
      webSocketImpl: BoundedSocket,
      lazy: true,
      lazyCloseTimeout: 0,
      // A kommun that hangs (its host stopped, its process frozen) keeps its socket open but answers
      // no ping: after KEEPALIVE_MS without a pong the socket is dropped, its subscribers are told,
      // and the client keeps trying until the kommun answers again.
      keepAlive: KEEPALIVE_MS,
      connectionAckWaitTimeout: KEEPALIVE_MS,
      // A kommun that restarts refuses connections for a while: keep trying, at most a second apart.
      retryAttempts: Number.POSITIVE_INFINITY,
      shouldRetry: () => true,
      retryWait: (retries) => new Promise((r) => setTimeout(r, Math.min(this.retryMaxMs, 100 * 2 ** retries))),
      on: {
        opened: (opened) => {
          socket = opened as WebSocket;
        },
        ping: (received) => {
          if (received) return;
          if (pongDue) clearTimeout(pongDue);
          pongDue = setTimeout(() => socket?.terminate(), KEEPALIVE_MS);
        },
        pong: (received) => {
          if (received && pongDue) clearTimeout(pongDue);
        },
        connected: () => {
          connectedOnce = true;
          up.connected = true;
          this.setState(up, null);
          if (this.live.get(httpUrl) !== up) return;
          for (const [code, listeners] of this.listenersOf(httpUrl)) for (const l of listeners) l.connected?.(code);
        },
        closed: (event) => {
          if (pongDue) clearTimeout(pongDue);
          socket = null;
          up.connected = false;
          const code = (event as { code?: number } | undefined)?.code;
          const why =
            code === 1006 ? 'its subgraph stopped answering'
            : code === 1009 ? TOO_LARGE
            : `its subgraph closed the live connection${code ? ` (${code})` : ''}`;
          // Every kommun behind it is paused now; a member that is a hub says again, once back, which are still paused inside.
          up.inside.clear();
          this.setState(up, connectedOnce ? why : 'its subgraph cannot be reached');
        },
        error: (event) => {
          // ws says a message past maxPayload is an error of the socket, before it closes it (1009).
          const tooLarge = (event as { error?: { code?: string } } | undefined)?.error?.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH';
          this.setState(up, tooLarge ? TOO_LARGE : 'its subgraph cannot be reached');
        },
      },
    });
    up.unsubscribe = up.client.subscribe<Record<string, UpstreamEvent>>(
      { query: this.upstream.query },
      {
        next: (result) => {
          const event = result.data?.[this.upstream.field];
          if (!event && this.insideStates(up, (result.extensions as { liveUpdates?: unknown } | undefined)?.liveUpdates)) return;
          if (!event) {
            // An event without data must not vanish: its kommun's subscribers are told.
            const message = result.errors?.map((e) => e.message).join('; ') || 'an event arrived without data';
            this.logger.warn({ shard: httpUrl, errors: result.errors }, 'upstream event without data');
            const targets = this.listenersOf(httpUrl);
            const codes = targets.map(([code]) => code);
            for (const l of new Set(targets.flatMap(([, ls]) => ls))) l.lost(codes, message);
            return;
          }
          const owner = valueAtPath(event, this.upstream.owner);
          for (const l of [...(this.wanted.get(String(owner)) ?? [])]) l.event(event);
        },
        error: (err) => this.logger.warn({ shard: httpUrl, err }, 'upstream subscription failed'),
        complete: () => undefined,
      },
    );
    return up;
  }

  /**
   * A member that is itself a hub (see member.ts, SubscriptionService.relay) says in a result
   * without data that a kommun's live updates paused or resumed inside it: that kommun's
   * subscribers here are told, as for a kommun of this gateway's own. Whether the result was such.
   */
  private insideStates(up: Upstream, states: unknown): boolean {
    if (!Array.isArray(states) || !states.length) return false;
    for (const s of states as Array<{ municipality?: unknown; state?: unknown; reason?: unknown }>) {
      const code = typeof s?.municipality === 'string' ? s.municipality : null;
      if (!code || (s.state !== 'PAUSED' && s.state !== 'RESUMED') || this.registry.target(code).url !== up.url) continue;
      const reason = typeof s.reason === 'string' ? s.reason : 'its live updates paused inside its regional gateway';
      if (s.state === 'PAUSED') up.inside.set(code, reason);
      else up.inside.delete(code);
      for (const l of [...(this.wanted.get(code) ?? [])]) l.state(code, s.state, s.state === 'PAUSED' ? reason : undefined);
    }
    return true;
  }

  private async closeLive(url: string): Promise<void> {
    const up = this.live.get(url);
    if (!up) return;
    this.live.delete(url);
    try {
      up.unsubscribe();
      // Disposing a client that is still retrying a dead kommun rejects: that is no error here.
      await up.client.dispose();
    } catch (err) {
      this.logger.debug({ shard: url, err }, 'upstream closed while it was reconnecting');
    }
  }
}

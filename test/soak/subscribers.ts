import WebSocket from 'ws';
import { createClient, type Client } from 'graphql-ws';
import { sleep, type Random } from './random';

/**
 * Subscribers: graphql-ws clients at the gateway, each on its own socket and with one
 * subscription, recording every message with its arrival time. Half listen to every kommun,
 * half to one to three named ones; half select only the event's own fields (`light`: the gateway
 * copies them), half fields the gateway must query for each event (`heavy`).
 */

export const LIGHT = 'kind projectId at';
export const HEAVY = 'kind projectId at municipality { code name } project { title budget { total } }';

export interface Message {
  /** Arrival, ms since the epoch. */
  t: number;
  data?: any;
  errors?: any[];
  extensions?: Record<string, any>;
}

export interface Subscriber {
  index: number;
  /** The kommuner named, or null for every member. */
  codes: string[] | null;
  heavy: boolean;
  messages: Message[];
  /** Errors the subscription itself ended with (a closed socket, a refused subscribe). */
  failures: Array<{ t: number; what: string }>;
  /** The socket closed, and when. */
  closed?: { t: number; code?: number; reason?: string };
  completed: boolean;
  client: Client;
  /** When the soak itself began closing it: what ends after that did not end early. */
  disposedAt?: number;
}

/** Whether a subscription ended (socket closed, error, complete) before the soak closed it. */
export function endedEarly(s: Subscriber): string | undefined {
  const before = (t: number) => s.disposedAt === undefined || t < s.disposedAt;
  const failure = s.failures.find((f) => before(f.t));
  if (failure) return failure.what;
  if (s.closed && before(s.closed.t)) return `socket closed ${s.closed.code ?? ''} ${s.closed.reason ?? ''}`.trim();
  if (s.completed && s.disposedAt === undefined) return 'completed by the gateway';
  return undefined;
}

/** Closes subscribers, noting when, so that what their sockets say afterwards is not held against the gateway. */
export async function closeAll(subscribers: Subscriber[], timeoutMs: number): Promise<void> {
  const now = Date.now();
  for (const s of subscribers) s.disposedAt ??= now;
  await Promise.race([Promise.allSettled(subscribers.map((s) => s.client.dispose())), sleep(timeoutMs)]);
}

/** Whether a subscriber hears kommun `code`. */
export const hears = (s: { codes: string[] | null }, code: string) => !s.codes || s.codes.includes(code);

export function subscriptionQuery(heavy: boolean): string {
  return `subscription SoakProjectChanged($m: [ID!]) { projectChanged(municipalities: $m) { ${heavy ? HEAVY : LIGHT} } }`;
}

function describe(err: unknown): string {
  if (Array.isArray(err)) return err.map((e) => e?.message ?? String(e)).join('; ');
  const e = err as { code?: number; reason?: string; message?: string; type?: string };
  if (typeof e?.code === 'number') return `socket closed: ${e.code} ${e.reason ?? ''}`.trim();
  return e?.message ?? e?.type ?? String(err);
}

/** Opens one client with one subscription; its messages collect in the answer. */
export function subscribe(wsUrl: string, index: number, codes: string[] | null, heavy: boolean): Subscriber {
  const s: Subscriber = { index, codes, heavy, messages: [], failures: [], completed: false, client: undefined as unknown as Client };
  s.client = createClient({
    url: wsUrl,
    webSocketImpl: WebSocket,
    lazy: true,
    retryAttempts: 0,
    on: {
      closed: (event) => {
        const e = event as { code?: number; reason?: string };
        s.closed ??= { t: Date.now(), code: e?.code, reason: e?.reason };
      },
    },
  });
  s.client.subscribe(
    { query: subscriptionQuery(heavy), variables: codes ? { m: codes } : {} },
    {
      next: (v: any) => s.disposedAt === undefined && s.messages.push({ t: Date.now(), data: v.data, errors: v.errors, extensions: v.extensions }),
      error: (err) => s.failures.push({ t: Date.now(), what: describe(err) }),
      complete: () => {
        s.completed = true;
      },
    },
  );
  return s;
}

/** The SOAK_SUBSCRIBERS subscribers; the first two that name kommuner name the faulted ones, so each is heard by a few. */
export function startSubscribers(wsUrl: string, count: number, members: string[], faulted: string[], random: Random): Subscriber[] {
  const subscribers: Subscriber[] = [];
  let named = 0;
  for (let i = 0; i < count; i++) {
    const every = i % 2 === 0;
    const heavy = Math.floor(i / 2) % 2 === 1;
    let codes: string[] | null = null;
    if (!every) {
      codes = random.sample(members, random.between(1, 3));
      const must = faulted[named++];
      if (must && !codes.includes(must)) codes[0] = must;
    }
    subscribers.push(subscribe(wsUrl, i, codes, heavy));
  }
  return subscribers;
}

/**
 * Short-lived subscribers coming and going during the load (not part of the delivery checks):
 * sockets that close while kommuner are paused or gone exercise the gateway's clean-up paths.
 */
export async function churn(wsUrl: string, members: string[], until: number, random: Random, tally: { opened: number; failures: Map<string, number> }): Promise<void> {
  const live: Array<Promise<void>> = [];
  while (Date.now() < until) {
    const codes = random.chance(0.3) ? null : random.sample(members, random.between(1, 3));
    const s = subscribe(wsUrl, -1, codes, random.chance(0.5));
    tally.opened++;
    const life = random.between(2000, 6000);
    live.push(
      (async () => {
        await sleep(life);
        for (const f of s.failures) tally.failures.set(f.what, (tally.failures.get(f.what) ?? 0) + 1);
        await Promise.resolve(s.client.dispose()).catch(() => undefined);
      })(),
    );
    await sleep(random.between(1000, 3000));
  }
  await Promise.all(live);
}

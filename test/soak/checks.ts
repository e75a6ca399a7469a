import { quantile } from '../bench/stats';
import { normalise } from './readers';
import { endedEarly, hears, type Subscriber } from './subscribers';
import type { WriteRecord } from './writers';

/**
 * The checks the soak ends with. Each answers whether it held and the figures behind it; none
 * prints anything (report.ts does).
 */

export interface Check {
  name: string;
  passed: boolean;
  figures: string[];
}

/** A project row the soak wrote, as the kommun database holds it after the run. */
export interface Row {
  projectId: string;
  code: string;
  title: string;
}

const KIND = { create: 'CREATED', update: 'UPDATED', delete: 'DELETED' } as const;
const MAX_LISTED = 8;

function listed(lines: string[]): string[] {
  return lines.length > MAX_LISTED ? [...lines.slice(0, MAX_LISTED), `… and ${lines.length - MAX_LISTED} more`] : lines;
}

/** What the databases are expected to hold, from the write log alone. */
interface Expected {
  /** Per project: whether it must exist, must be gone, or either (after an indeterminate delete). */
  presence: 'present' | 'absent' | 'either';
  /** Titles it may hold: the last acknowledged, plus those of indeterminate updates. */
  titles: Set<string>;
  /** The title of its last acknowledged write, for the report. */
  lastAcknowledged?: string;
  code: string;
}

export interface DatabaseFindings {
  checks: Check[];
  /** Indeterminate creates that did commit: title → project id. */
  committedIndeterminate: Map<string, string>;
}

export function checkDatabases(writes: WriteRecord[], rows: Row[]): DatabaseFindings {
  const byId = new Map(rows.map((r) => [r.projectId, r]));
  const byTitle = new Map(rows.map((r) => [r.title, r]));
  const ordered = [...writes].sort((a, b) => a.n - b.n);

  const expected = new Map<string, Expected>();
  const explained = new Set<string>();
  const committedIndeterminate = new Map<string, string>();
  for (const w of ordered) {
    if (w.op === 'create' && w.outcome === 'acknowledged') {
      expected.set(w.projectId!, { presence: 'present', titles: new Set([w.title!]), lastAcknowledged: w.title, code: w.code });
      explained.add(w.title!);
    } else if (w.op === 'create' && w.outcome === 'indeterminate') {
      explained.add(w.title!);
      const row = byTitle.get(w.title!);
      if (row) committedIndeterminate.set(w.title!, row.projectId);
    } else if (w.op !== 'create' && w.projectId && expected.has(w.projectId)) {
      const e = expected.get(w.projectId)!;
      if (w.op === 'update' && w.outcome === 'acknowledged') {
        // An earlier indeterminate update may still land after this one only in theory (writers
        // leave a project alone after one), so the union is kept.
        e.titles = e.presence === 'present' && e.titles.size === 1 ? new Set([w.title!]) : new Set([...e.titles, w.title!]);
        e.lastAcknowledged = w.title;
        explained.add(w.title!);
      } else if (w.op === 'update' && w.outcome === 'indeterminate') {
        e.titles.add(w.title!);
        explained.add(w.title!);
      } else if (w.op === 'delete' && w.outcome === 'acknowledged') {
        e.presence = 'absent';
      } else if (w.op === 'delete' && w.outcome === 'indeterminate') {
        if (e.presence === 'present') e.presence = 'either';
      }
    }
  }

  // Acknowledged writes hold.
  const wrong: string[] = [];
  let present = 0;
  let absent = 0;
  for (const [id, e] of expected) {
    const row = byId.get(id);
    if (e.presence === 'present') {
      present++;
      if (!row) wrong.push(`${id}: missing (its last acknowledged write set the title ${e.lastAcknowledged})`);
      else if (!e.titles.has(row.title)) wrong.push(`${id}: title ${row.title}, expected ${[...e.titles].join(' or ')}`);
    } else if (e.presence === 'absent') {
      absent++;
      if (row) wrong.push(`${id}: still there (title ${row.title}) after an acknowledged delete`);
    } else if (row && !e.titles.has(row.title)) {
      wrong.push(`${id}: title ${row.title}, expected ${[...e.titles].join(' or ')} (or gone)`);
    }
  }
  const acks = writes.filter((w) => w.outcome === 'acknowledged');
  const held: Check = {
    name: 'every acknowledged write holds in the kommun databases',
    passed: wrong.length === 0,
    figures: [
      `${acks.length} acknowledged writes over ${expected.size} projects: ${present} must exist with their last acknowledged title, ${absent} must be gone; ${wrong.length} wrong`,
      ...listed(wrong),
    ],
  };

  // Refused writes leave nothing.
  const traces: string[] = [];
  const refused = writes.filter((w) => w.outcome === 'refused');
  for (const w of refused) {
    if (w.op === 'create' && w.title && byTitle.has(w.title)) traces.push(`refused create #${w.n} (${w.detail}) left row ${byTitle.get(w.title)!.projectId}`);
    if (w.op === 'update' && w.title) {
      const row = byTitle.get(w.title);
      if (row) traces.push(`refused update #${w.n} of ${w.projectId} (${w.detail}): ${row.projectId} has its title`);
    }
    if (w.op === 'delete' && w.projectId && expected.get(w.projectId)?.presence === 'present' && !byId.has(w.projectId)) {
      traces.push(`refused delete #${w.n} of ${w.projectId} (${w.detail}), yet the project is gone`);
    }
  }
  for (const row of rows) {
    if (!explained.has(row.title) && !traces.some((t) => t.includes(row.projectId))) traces.push(`row ${row.projectId} "${row.title.slice(0, 60)}" matches no acknowledged or indeterminate write`);
  }
  const refusedCheck: Check = {
    name: 'no refused write left a trace in the databases',
    passed: traces.length === 0,
    figures: [`${refused.length} refused writes (${count(refused, (w) => w.op)}); ${traces.length} traces`, ...listed(traces)],
  };

  // Deliberately invalid writes are refused.
  const invalid = writes.filter((w) => w.invalid);
  const accepted = invalid.filter((w) => w.outcome === 'acknowledged');
  const invalidCheck: Check = {
    name: 'every deliberately invalid write was refused',
    passed: accepted.length === 0 && invalid.length > 0,
    figures: [
      `${invalid.length} invalid writes: ${count(invalid, (w) => w.outcome)}; refused with ${count(invalid.filter((w) => w.outcome === 'refused'), (w) => w.detail)}`,
      ...(invalid.length === 0 ? ['no invalid write was sent: the run was too short'] : []),
      ...listed(accepted.map((w) => `#${w.n} ${w.invalid} (${w.code}, via ${w.via}) was acknowledged`)),
    ],
  };
  return { checks: [held, refusedCheck, invalidCheck], committedIndeterminate };
}

interface KeyExpectation {
  code: string;
  acknowledged: number;
  indeterminate: number;
  refused: number;
}

/** What each subscriber should have received, per (projectId, kind), from the write log. */
function expectations(writes: WriteRecord[], committedIndeterminate: Map<string, string>): Map<string, KeyExpectation> {
  const keys = new Map<string, KeyExpectation>();
  const at = (projectId: string, kind: string, code: string) => {
    const key = `${projectId}|${kind}`;
    let e = keys.get(key);
    if (!e) keys.set(key, (e = { code, acknowledged: 0, indeterminate: 0, refused: 0 }));
    return e;
  };
  for (const w of writes) {
    const projectId = w.projectId ?? (w.op === 'create' && w.outcome === 'indeterminate' ? committedIndeterminate.get(w.title!) : undefined);
    if (!projectId) continue;
    at(projectId, KIND[w.op], w.code)[w.outcome]++;
  }
  return keys;
}

export interface EventSeen {
  kind: string;
  projectId: string;
  at: string;
  code: string;
}

export function eventOf(m: { data?: any }): EventSeen | undefined {
  const e = m.data?.projectChanged;
  if (!e || typeof e.projectId !== 'string') return undefined;
  return { kind: e.kind, projectId: e.projectId, at: e.at, code: e.projectId.split(':')[0] };
}

export function checkDeliveries(subscribers: Subscriber[], writes: WriteRecord[], committedIndeterminate: Map<string, string>): Check[] {
  const keys = expectations(writes, committedIndeterminate);
  let expected = 0;
  let delivered = 0;
  let missing = 0;
  let duplicates = 0;
  let indeterminateDelivered = 0;
  let indeterminateExpected = 0;
  let forRefused = 0;
  let unexplained = 0;
  let outOfScope = 0;
  const missingBy = new Map<string, number>();
  const examples: string[] = [];
  const strays: string[] = [];
  const subscribersMissing = new Set<number>();
  for (const s of subscribers) {
    const received = new Map<string, number>();
    for (const m of s.messages) {
      const e = eventOf(m);
      if (!e) continue;
      const key = `${e.projectId}|${e.kind}`;
      received.set(key, (received.get(key) ?? 0) + 1);
      if (!hears(s, e.code)) {
        outOfScope++;
        if (examples.length < MAX_LISTED) examples.push(`subscriber ${s.index} (${scope(s)}) got ${e.kind} ${e.projectId}, not of its kommuner`);
      }
    }
    for (const [key, x] of keys) {
      if (!hears(s, x.code)) continue;
      const r = received.get(key) ?? 0;
      expected += x.acknowledged;
      indeterminateExpected += x.indeterminate;
      delivered += Math.min(r, x.acknowledged);
      indeterminateDelivered += Math.max(0, Math.min(r - x.acknowledged, x.indeterminate));
      if (r < x.acknowledged) {
        missing += x.acknowledged - r;
        subscribersMissing.add(s.index);
        const by = `${x.code} ${s.heavy ? 'heavy' : 'light'}`;
        missingBy.set(by, (missingBy.get(by) ?? 0) + x.acknowledged - r);
        if (examples.length < MAX_LISTED) examples.push(`subscriber ${s.index} (${scope(s)}, ${s.heavy ? 'heavy' : 'light'}) missed ${key.replace('|', ' ')}`);
      }
      const allowed = x.acknowledged + x.indeterminate;
      if (r > allowed) {
        if (allowed === 0) {
          forRefused += r;
          if (strays.length < MAX_LISTED) strays.push(`subscriber ${s.index} got ${key.replace('|', ' ')}, a refused write`);
        } else {
          duplicates += r - allowed;
          if (examples.length < MAX_LISTED) examples.push(`subscriber ${s.index} got ${key.replace('|', ' ')} ${r} times (${x.acknowledged} acknowledged, ${x.indeterminate} indeterminate)`);
        }
      }
    }
    for (const [key, r] of received) {
      if (keys.has(key)) continue;
      unexplained += r;
      if (strays.length < MAX_LISTED) strays.push(`subscriber ${s.index} got ${key.replace('|', ' ')}, which no write of the soak explains`);
    }
  }
  const closed = subscribers.filter((s) => endedEarly(s));
  return [
    {
      name: 'every subscriber got each acknowledged write of its kommuner exactly once',
      passed: missing === 0 && duplicates === 0 && outOfScope === 0 && expected > 0,
      figures: [
        `${delivered}/${expected} expected deliveries arrived (${subscribers.length} subscribers), ${missing} missing at ${subscribersMissing.size} subscribers, ${duplicates} duplicates, ${outOfScope} for kommuner not subscribed to`,
        `indeterminate writes: ${indeterminateDelivered} of at most ${indeterminateExpected} deliveries arrived (either is fine, twice is not)`,
        ...(missingBy.size ? [`missing by kommun and selection: ${[...missingBy].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k}: ${n}`).join(', ')}`] : []),
        ...(closed.length ? [`${closed.length} subscriptions ended before the run did (${count(closed, (s) => endedEarly(s)!)})`] : []),
        ...listed(examples),
      ],
    },
    {
      name: 'no event for a refused write, nor one that no write explains',
      passed: forRefused === 0 && unexplained === 0,
      figures: [`${forRefused} events of refused writes, ${unexplained} events no soak write explains`, ...listed(strays)],
    },
  ];
}

export function checkLag(subscribers: Subscriber[], maxLagMs: number, exclude: { code?: string; from?: number; to?: number }): Check {
  const lags = { light: [] as number[], heavy: [] as number[] };
  const worst: Array<{ lag: number; what: string }> = [];
  let excluded = 0;
  for (const s of subscribers) {
    for (const m of s.messages) {
      const e = eventOf(m);
      if (!e) continue;
      const at = Date.parse(e.at);
      if (!Number.isFinite(at)) continue;
      if (exclude.code && e.code === exclude.code && exclude.from && m.t >= exclude.from && at <= (exclude.to ?? Infinity)) {
        excluded++;
        continue;
      }
      lags[s.heavy ? 'heavy' : 'light'].push(m.t - at);
      if (worst.length < 5 || m.t - at > worst[worst.length - 1].lag) {
        const d = exclude.from ? Math.round((at - exclude.from) / 100) / 10 : undefined;
        const since = d === undefined ? '' : ` written ${Math.abs(d).toFixed(1)} s ${d >= 0 ? 'after' : 'before'} ${exclude.code} was paused`;
        worst.push({ lag: m.t - at, what: `${m.t - at} ms: ${e.kind} ${e.projectId} at subscriber ${s.index} (${s.heavy ? 'heavy' : 'light'})${since}` });
        worst.sort((a, b) => b.lag - a.lag).splice(5);
      }
    }
  }
  const line = (what: 'light' | 'heavy') => {
    const l = lags[what].sort((a, b) => a - b);
    return { p50: quantile(l, 0.5), p99: quantile(l, 0.99), max: l.at(-1) ?? NaN, n: l.length };
  };
  const light = line('light');
  const heavy = line('heavy');
  const ok = (x: { p99: number; n: number }) => x.n > 0 && x.p99 <= maxLagMs;
  return {
    name: `delivery lag p99 within ${maxLagMs} ms (arrival − event at)`,
    passed: ok(light) && ok(heavy),
    figures: [
      `light (${LIGHT_FIELDS}): p50 ${light.p50} ms, p99 ${light.p99} ms, max ${light.max} ms over ${light.n} events`,
      `heavy (with municipality and project): p50 ${heavy.p50} ms, p99 ${heavy.p99} ms, max ${heavy.max} ms over ${heavy.n} events`,
      `${excluded} events of ${exclude.code ?? '-'} written or delivered while it was paused left out`,
      `slowest: ${worst.map((w) => w.what).join('; ')}`,
    ],
  };
}
const LIGHT_FIELDS = 'kind projectId at';

/** `extensions.liveUpdates` of a message, as a list. */
function liveUpdates(m: { extensions?: Record<string, any> }): Array<{ municipality?: string; state?: string }> {
  const l = m.extensions?.liveUpdates;
  return Array.isArray(l) ? l : l && typeof l === 'object' ? [l] : [];
}

export function checkLiveUpdates(subscribers: Subscriber[], code: string, what: 'killed' | 'paused', faultAt: number | undefined): Check {
  const concerned = subscribers.filter((s) => hears(s, code));
  const told: number[] = [];
  const resumed: number[] = [];
  const seen = new Map<string, number>();
  for (const s of concerned) {
    let pausedIndex = -1;
    s.messages.forEach((m, i) => {
      for (const u of liveUpdates(m)) {
        const k = JSON.stringify(u);
        seen.set(k, (seen.get(k) ?? 0) + 1);
        if (u.municipality === code && u.state === 'PAUSED' && pausedIndex < 0) pausedIndex = i;
        if (u.municipality === code && u.state === 'RESUMED' && pausedIndex >= 0 && i > pausedIndex && !resumed.includes(s.index)) resumed.push(s.index);
      }
    });
    if (pausedIndex >= 0) told.push(s.index);
  }
  const passed = faultAt !== undefined && concerned.length > 0 && told.length === concerned.length && (what === 'killed' || resumed.length === concerned.length);
  const anyLive = subscribers.reduce((n, s) => n + s.messages.filter((m) => liveUpdates(m).length).length, 0);
  return {
    name: what === 'killed' ? `subscribers to the killed kommun ${code} were told its live updates paused` : `subscribers to the paused kommun ${code} were told PAUSED, then RESUMED`,
    passed,
    figures: [
      ...(faultAt === undefined ? ['the fault was never injected'] : []),
      `${told.length}/${concerned.length} subscribers got extensions.liveUpdates { municipality: '${code}', state: 'PAUSED' }${what === 'paused' ? `, ${resumed.length}/${concerned.length} a RESUMED after it` : ''}`,
      `messages carrying extensions.liveUpdates, all subscribers: ${anyLive}${seen.size ? `; seen: ${[...seen.keys()].slice(0, 5).join(', ')}` : ''}`,
    ],
  };
}

/**
 * What the gateway holds after the load: its heap after a full collection, within max(32 MiB,
 * 50 %) of the same figure after warm-up. RSS is printed beside it but not judged: V8 and the
 * allocator keep pages they no longer use, so RSS shows the high-water mark, not a leak.
 */
export function checkMemory(held: { warm: number; after: number }, rss: { warm: number; peak: number; after: number }): Check {
  const allowed = held.warm + Math.max(32, held.warm * 0.5);
  return {
    name: 'gateway heap after the load, collected, within max(32 MiB, 50 %) of warm-up',
    passed: Number.isFinite(held.after) && held.after <= allowed,
    figures: [
      `heap after a collection: after warm-up ${mib(held.warm)}, 30 s after the load ${mib(held.after)} (allowed ${mib(allowed)})`,
      `RSS (not judged): after warm-up ${mib(rss.warm)}, peak during the load ${mib(rss.peak)}, 30 s after the load ${mib(rss.after)}`,
    ],
  };
}

/** Errors subscribers received in messages, grouped by message. */
export function subscriberErrors(subscribers: Subscriber[]): Array<[string, { messages: number; subscribers: Set<number> }]> {
  const groups = new Map<string, { messages: number; subscribers: Set<number> }>();
  for (const s of subscribers) {
    for (const m of s.messages) {
      for (const e of m.errors ?? []) {
        const key = `${e?.extensions?.code ?? 'NO_CODE'}: ${normalise(String(e?.message))}`;
        let g = groups.get(key);
        if (!g) groups.set(key, (g = { messages: 0, subscribers: new Set() }));
        g.messages++;
        g.subscribers.add(s.index);
      }
    }
  }
  return [...groups].sort((a, b) => b[1].messages - a[1].messages);
}

export function scope(s: { codes: string[] | null }): string {
  return s.codes ? s.codes.join('+') : 'every kommun';
}

export function count<T>(items: T[], by: (t: T) => string): string {
  const m = new Map<string, number>();
  for (const i of items) m.set(by(i), (m.get(by(i)) ?? 0) + 1);
  return [...m].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ') || 'none';
}

const mib = (x: number) => (Number.isFinite(x) ? `${x.toFixed(1)} MiB` : 'n/a');

import { quantile, table } from '../bench/stats';
import { count, scope, subscriberErrors, type Check } from './checks';
import type { ReadTally } from './readers';
import { endedEarly, type Subscriber } from './subscribers';
import type { WriteRecord } from './writers';

/** The soak's printed report: what ran, what came back, and each check as passed or FAILED. */

export function writesReport(writes: WriteRecord[]): string {
  const rows: Array<Array<string | number>> = [];
  for (const via of ['gateway', 'direct'] as const) {
    for (const op of ['create', 'update', 'delete'] as const) {
      for (const invalid of [false, true]) {
        const ws = writes.filter((w) => w.via === via && w.op === op && !!w.invalid === invalid);
        if (!ws.length) continue;
        const by = (o: string) => ws.filter((w) => w.outcome === o).length;
        const ms = ws.map((w) => w.endedAt - w.startedAt).sort((a, b) => a - b);
        rows.push([via, `${op}${invalid ? ' (invalid)' : ''}`, ws.length, by('acknowledged'), by('refused'), by('indeterminate'), quantile(ms, 0.5), quantile(ms, 0.99)]);
      }
    }
  }
  const indeterminate = writes.filter((w) => w.outcome === 'indeterminate');
  const refusedValid = writes.filter((w) => w.outcome === 'refused' && !w.invalid);
  return [
    table(['via', 'write', 'sent', 'acknowledged', 'refused', 'indeterminate', 'p50 ms', 'p99 ms'], rows),
    `indeterminate, why: ${count(indeterminate, (w) => `${w.code} ${w.detail}`)}`,
    `valid writes refused: ${count(refusedValid, (w) => `${w.code} ${w.detail}`)}`,
  ].join('\n');
}

export function readsReport(tallies: { gateway: ReadTally; direct: ReadTally }): string {
  const rows = (['gateway', 'direct'] as const).map((k) => {
    const t = tallies[k];
    const l = [...t.latencies].sort((a, b) => a - b);
    return [k, t.requests, t.clean, t.withErrors, t.http5xx, t.failures, quantile(l, 0.5), quantile(l, 0.99)];
  });
  const problems = (['gateway', 'direct'] as const).flatMap((k) =>
    [...tallies[k].problems].sort((a, b) => b[1] - a[1]).slice(0, 6).map(([what, n]) => `  ${k} ×${n}: ${what}`),
  );
  return [table(['reads', 'requests', 'clean', 'with errors', '5xx', 'no answer', 'p50 ms', 'p99 ms'], rows), ...(problems.length ? ['most frequent problems:', ...problems] : [])].join('\n');
}

export function subscribersReport(subscribers: Subscriber[], churn: { opened: number; failures: Map<string, number> }): string {
  const rows: Array<Array<string | number>> = [];
  for (const every of [true, false]) {
    for (const heavy of [false, true]) {
      const ss = subscribers.filter((s) => !s.codes === every && s.heavy === heavy);
      const msgs = ss.reduce((n, s) => n + s.messages.length, 0);
      const withErrors = ss.reduce((n, s) => n + s.messages.filter((m) => m.errors?.length).length, 0);
      const ended = ss.filter((s) => endedEarly(s)).length;
      rows.push([every ? 'every kommun' : 'named kommuner', heavy ? 'heavy' : 'light', ss.length, msgs, withErrors, ended]);
    }
  }
  const named = subscribers.filter((s) => s.codes).map((s) => `${s.index}:${scope(s)}`);
  const errors = subscriberErrors(subscribers);
  const failures = new Map<string, number>();
  for (const s of subscribers) {
    const why = endedEarly(s);
    if (why) failures.set(why, (failures.get(why) ?? 0) + 1);
  }
  return [
    table(['subscribed to', 'selection', 'subscribers', 'messages', 'with errors', 'ended early'], rows),
    `named: ${named.join(' ')}`,
    `churn: ${churn.opened} short-lived subscribers came and went${churn.failures.size ? `; their failures: ${[...churn.failures].map(([w, n]) => `${w} ×${n}`).join('; ')}` : ''}`,
    ...(errors.length
      ? ['errors in subscription messages, by message:', ...errors.slice(0, 12).map(([what, g]) => `  ×${g.messages} at ${g.subscribers.size} subscribers: ${what}`)]
      : ['errors in subscription messages: none']),
    ...(failures.size ? ['subscriptions that ended before the soak closed them:', ...[...failures].map(([what, n]) => `  ×${n}: ${what}`)] : []),
  ].join('\n');
}

export function checksReport(checks: Check[]): string {
  const lines: string[] = [];
  for (const c of checks) {
    lines.push(`${c.passed ? 'passed' : 'FAILED'}  ${c.name}`);
    for (const f of c.figures) lines.push(`        ${f}`);
  }
  const failed = checks.filter((c) => !c.passed).length;
  lines.push('', `soak: ${checks.length - failed} passed, ${failed} failed`);
  return lines.join('\n');
}

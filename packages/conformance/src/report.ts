import type { CheckReport } from './index';
import type { Failure } from './run';

const EXCERPT = 1200;

function excerpt(value: unknown): string {
  const text = JSON.stringify(value);
  return text.length > EXCERPT ? `${text.slice(0, EXCERPT)}… (${text.length} characters)` : text;
}

function oneLine(query: string): string {
  return query.replace(/\s+/g, ' ').trim();
}

function describeFailure(f: Failure, indent: string): string[] {
  const lines = [`${indent}${f.message}`];
  if (f.exchange) {
    lines.push(`${indent}  asked:     ${oneLine(f.exchange.query)}`);
    lines.push(`${indent}  variables: ${excerpt(f.exchange.variables)}`);
    lines.push(`${indent}  answered:  ${f.exchange.status ? `HTTP ${f.exchange.status} ` : ''}${excerpt(f.exchange.answer)}`);
  }
  return lines;
}

/** One line per rule (PASS, FAIL, SKIP); each failure with what was asked and what came back. */
export function formatHuman(report: CheckReport): string {
  const lines = [`Kommun contract conformance: ${report.url} (${report.mode})`, ''];
  for (const r of report.results) {
    lines.push(`${r.status.toUpperCase().padEnd(4)} ${r.id}${r.note ? `  (${r.note})` : ''}`);
    for (const f of r.failures) lines.push(...describeFailure(f, '       '));
  }
  const count = (s: string) => report.results.filter((r) => r.status === s).length;
  lines.push('', `${count('pass')} passed, ${count('fail')} failed, ${count('skip')} skipped; ${report.requests} requests in ${(report.ms / 1000).toFixed(1)} s.`);
  lines.push(report.passed ? 'The subgraph conforms to the kommun contract.' : 'The subgraph does NOT conform to the kommun contract.');
  return lines.join('\n');
}

function xml(text: string): string {
  // XML 1.0 cannot hold most control characters, even escaped.
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** JUnit XML (hand-written, the common Ant/Surefire shape CI systems read): one testcase per rule. */
export function formatJUnit(report: CheckReport): string {
  const failures = report.results.filter((r) => r.status === 'fail').length;
  const skipped = report.results.filter((r) => r.status === 'skip').length;
  const cases = report.results.map((r) => {
    const head = `    <testcase classname="kommun-contract" name="${xml(r.id)}" time="${(r.ms / 1000).toFixed(3)}"`;
    if (r.status === 'skip') return `${head}>\n      <skipped message="${xml(r.note ?? '')}"/>\n    </testcase>`;
    if (r.status === 'pass') return `${head}/>`;
    const body = r.failures.flatMap((f) => describeFailure(f, '')).join('\n');
    return `${head}>\n      <failure message="${xml(r.failures[0]?.message ?? 'failed')}" type="${xml(r.id)}">${xml(body)}</failure>\n    </testcase>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="samverkan-check" tests="${report.results.length}" failures="${failures}" skipped="${skipped}" time="${(report.ms / 1000).toFixed(3)}">`,
    `  <testsuite name="kommun contract (${report.mode}) ${xml(report.url)}" tests="${report.results.length}" failures="${failures}" skipped="${skipped}" errors="0" time="${(report.ms / 1000).toFixed(3)}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

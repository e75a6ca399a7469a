import { formatHuman, formatJUnit, runConformance, type RuleResult } from '@samverkan/conformance';
import { startE2ERegion, type E2ERegion } from './harness';
import { startIndependentKommun } from '../fixtures/independent-kommun/server';

/**
 * The conformance checker against the real kommun subgraph of a running region, against an
 * independent implementation of the contract, and against broken variants of it: each must fail
 * naming the rule it breaks.
 */

const failed = (results: RuleResult[]) => results.filter((r) => r.status === 'fail').map((r) => r.id);

describe('the conformance checker', () => {
  let region: E2ERegion;
  beforeAll(async () => {
    // Kommun 1480 is the one checked: the region needs no other.
    region = await startE2ERegion({ members: ['1480'] });
  }, 120_000);
  afterAll(async () => {
    await region?.stop();
  });

  test('the real kommun subgraph conforms, read-only and in full mode, and its fixtures are gone afterwards', async () => {
    const url = region.kommuner.get('1480')!;
    const before = await region.direct('1480', '{ projects(first: 0) { totalCount } }');
    const readOnly = await runConformance({ url });
    expect({ failed: failed(readOnly.results), report: readOnly.passed ? '' : formatHuman(readOnly) }).toEqual({ failed: [], report: '' });
    expect(readOnly.results.find((r) => r.id === 'order.TITLE.ASC.tiebreak')?.status).toBe('pass');

    const token = await region.token({ role: 'kommun-editor', subject: 'x', municipality: '1480' });
    const full = await runConformance({ url, token, full: true });
    expect({ failed: failed(full.results), report: full.passed ? '' : formatHuman(full) }).toEqual({ failed: [], report: '' });
    for (const id of ['paging.stable-under-writes', 'writes.event', 'writes.create-read', 'writes.cleanup']) {
      expect(full.results.find((r) => r.id === id)?.status).toBe('pass');
    }
    const after = await region.direct('1480', '{ projects(first: 0) { totalCount } }');
    expect(after.body.data).toEqual(before.body.data);
  }, 60_000);

  test('an independent implementation of the contract conforms, read-only and in full mode', async () => {
    const kommun = await startIndependentKommun({ code: '1415', token: 'editor-of-1415' });
    try {
      const readOnly = await runConformance({ url: kommun.url });
      expect({ failed: failed(readOnly.results), report: readOnly.passed ? '' : formatHuman(readOnly) }).toEqual({ failed: [], report: '' });
      const full = await runConformance({ url: kommun.url, token: 'editor-of-1415', full: true });
      expect({ failed: failed(full.results), report: full.passed ? '' : formatHuman(full) }).toEqual({ failed: [], report: '' });
      expect(kommun.store.projects).toHaveLength(45);
      const junit = formatJUnit(full);
      expect(junit).toContain('<testcase classname="kommun-contract" name="paging.stable-under-writes"');
      expect(junit).not.toContain('<failure');
    } finally {
      await kommun.stop();
    }
  }, 30_000);

  test.each([
    ['wrong-tiebreak', 'order.TITLE.ASC.tiebreak', false],
    ['offset-cursors', 'paging.stable-under-writes', true],
    ['ids-without-kommunkod', 'ids.kommunkod', false],
    ['count-ignores-filter', 'totalCount.matches-walk', false],
    ['stats-disagree', 'stats.sum-matches-list', false],
    ['ranges-exclude-ends', 'filter.startDate', false],
    ['ranges-exclude-ends', 'filter.activeDuring', false],
  ] as const)('the variant %s fails, naming %s', async (variant, rule, full) => {
    const kommun = await startIndependentKommun({ code: '1415', token: 'editor-of-1415', variant });
    try {
      const report = await runConformance({ url: kommun.url, token: 'editor-of-1415', full });
      expect(report.passed).toBe(false);
      expect(failed(report.results)).toContain(rule);
      const human = formatHuman(report);
      expect(human).toMatch(new RegExp(`^FAIL ${rule.replace(/\./g, '\\.')}`, 'm'));
      expect(human).toContain('asked:');
      expect(human).toContain('answered:');
      expect(formatJUnit(report)).toContain(`<failure message=`);
      // Its fixtures are gone even though checks failed.
      expect(kommun.store.projects).toHaveLength(45);
    } finally {
      await kommun.stop();
    }
  }, 30_000);
});

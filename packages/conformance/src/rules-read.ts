import type { GraphQLSchema } from 'graphql';
import { errorCodes, type Exchange } from './client';
import {
  DIMENSIONS,
  DIRECTIONS,
  ORDER_FIELDS,
  OWNED_ID,
  comparePositions,
  compareValues,
  cursorProblem,
  encodeCursor,
  expectedStats,
  matchesFilter,
  mayMatchText,
  positionOf,
  sameAmount,
  sortProjects,
  surelyMatchesText,
  type DateRange,
  type Dimension,
  type Direction,
  type OrderField,
  type ProjectFilter,
  type ProjectNode,
} from './model';
import { contractProblems } from './sdl';
import { Abort, ROOT, entityScope, municipalityScope, walk, type Run, type Scope, type Walk } from './run';

/** A kommunkod no kommun has (SCB codes start at 0114): ids and codes in it are another's. */
export const FOREIGN_CODE = '0000';

const ids = (list: readonly ProjectNode[]) => list.map((p) => p.id);
const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** The first place two id lists differ, for a failure message. */
export function difference(got: readonly string[], want: readonly string[]): string {
  const extra = got.filter((x) => !want.includes(x));
  const missing = want.filter((x) => !got.includes(x));
  const dup = got.filter((x, i) => got.indexOf(x) !== i);
  const parts = [`got ${got.length} projects, expected ${want.length}`];
  if (missing.length) parts.push(`missing ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ` and ${missing.length - 5} more` : ''}`);
  if (extra.length) parts.push(`unexpected ${extra.slice(0, 5).join(', ')}${extra.length > 5 ? ` and ${extra.length - 5} more` : ''}`);
  if (dup.length) parts.push(`twice: ${[...new Set(dup)].slice(0, 5).join(', ')}`);
  if (!missing.length && !extra.length && !dup.length) {
    const i = got.findIndex((x, j) => x !== want[j]);
    parts.push(`the same projects in another order: position ${i} holds ${got[i]}, expected ${want[i]}`);
  }
  return parts.join('; ');
}

/** What a read-only run learned, for the rules that follow and for full mode. */
export interface Facts {
  /** Every project, START_DATE DESC (the default order); null when the list could not be walked to its end. */
  all: ProjectNode[] | null;
  codes: string[];
}

export interface ReadOptions {
  contract: GraphQLSchema;
  /** The kommunkoder the subgraph serves, when known beforehand. */
  codes?: string[];
  /** Restricts every list to these projects' text (full mode checks its own fixtures this way). */
  baseFilter?: ProjectFilter;
  /** A prefix for rule ids, e.g. for a second pass over fixtures. */
  tag?: string;
}

/** The schema: the check the gateway makes when a member joins. */
export async function checkSchema(run: Run, contract: GraphQLSchema): Promise<void> {
  await run.check('sdl.contract', async () => {
    const exchange = await run.endpoint.post('{ _service { sdl } }');
    const sdl = (run.data('sdl.contract', exchange)._service as { sdl?: unknown } | null)?.sdl;
    if (typeof sdl !== 'string') return run.fail('sdl.contract', '_service { sdl } answered no SDL', exchange);
    for (const p of contractProblems(contract, sdl)) run.fail('sdl.contract', p, { ...exchange, answer: { data: { _service: { sdl: `(${sdl.length} characters)` } } } });
  });
}

/**
 * The invariants every list must keep, over whatever data the kommun holds (or, with a base
 * filter, over the checker's own fixture projects).
 */
export async function checkLists(run: Run, options: ReadOptions): Promise<Facts> {
  const base = options.baseFilter ?? {};
  const facts: Facts = { all: null, codes: options.codes ?? [] };
  const orders = new Map<string, Walk>();

  // Every order and direction, walked whole.
  for (const field of ORDER_FIELDS) {
    for (const direction of DIRECTIONS) {
      const id = `order.${field}.${direction}`;
      await run.check(id, async () => {
        const w = await walk(run, id, ROOT, { filter: base, order: { field, direction }, first: 100 });
        orders.set(`${field}.${direction}`, w);
        checkOrder(run, w, field, direction);
      });
    }
  }
  const reference = orders.get('START_DATE.DESC');
  if (!reference) return facts;
  if (!reference.complete) {
    for (const id of ['totalCount.matches-walk']) run.skip(id, `the list has more than ${reference.nodes.length} projects; only its beginning was read`);
  }
  const all = reference.nodes;
  facts.all = reference.complete ? all : null;
  facts.codes = [...new Set([...facts.codes, ...all.map((p) => p.municipality.code)])].sort();

  await run.check('order.default', async () => {
    const w = await walk(run, 'order.default', ROOT, { filter: base, first: 100 });
    if (!same(ids(w.nodes), ids(all))) run.fail('order.default', `without orderBy the list is not in START_DATE DESC order: ${difference(ids(w.nodes), ids(all))}`, w.pages[0]);
  });

  // Every order lists the same projects.
  for (const [key, w] of orders) {
    if (!w.complete || !reference.complete) continue;
    const got = [...ids(w.nodes)].sort();
    const want = [...ids(all)].sort();
    if (!same(got, want)) run.fail(`order.${key}`, `ordered by ${key} the list holds other projects than ordered by START_DATE DESC: ${difference(got, want)}`, w.pages[0]);
  }

  await run.check('ids.kommunkod', async () => {
    for (const p of all) {
      const m = OWNED_ID.exec(p.id);
      if (!m || m[2] !== 'project') run.fail('ids.kommunkod', `project id ${JSON.stringify(p.id)} is not of the form <kommunkod>:project:<n>`, reference.pages[0]);
      else if (m[1] !== p.municipality.code) run.fail('ids.kommunkod', `project id ${p.id} names kommun ${m[1]}, but the project's municipality is ${p.municipality.code}`, reference.pages[0]);
    }
    for (const code of facts.codes) {
      const exchange = await run.endpoint.post('query ($code: ID!) { municipality(code: $code) { code memberships { id network { id } } twinTowns { id } } }', { code });
      const m = run.data('ids.kommunkod', exchange).municipality as { memberships: Array<{ id: string }>; twinTowns: Array<{ id: string }> } | null;
      if (!m) {
        run.fail('ids.kommunkod', `municipality(code: "${code}") is null, though the kommun's projects name it`, exchange);
        continue;
      }
      for (const [kind, list] of [['membership', m.memberships], ['twintown', m.twinTowns]] as const) {
        for (const x of list) {
          const parsed = OWNED_ID.exec(x.id);
          if (!parsed || parsed[2] !== kind || parsed[1] !== code) run.fail('ids.kommunkod', `${kind} id ${JSON.stringify(x.id)} of kommun ${code} is not of the form ${code}:${kind}:<n>`, exchange);
        }
      }
    }
  });

  await checkPaging(run, all, base, reference);
  if (facts.all) {
    await checkFilters(run, facts.all, base);
    await checkStats(run, facts.all, base);
  } else {
    for (const id of ['filter.*', 'stats.*']) run.skip(id, 'the list is too long to be read whole');
  }
  await checkForeignCursors(run, all, base, reference.complete);
  return facts;
}

/** Adjacent projects in the contract's order; a wrong pair is named by what decides it. */
function checkOrder(run: Run, w: Walk, field: OrderField, direction: Direction): void {
  const id = `order.${field}.${direction}`;
  for (let i = 1; i < w.edges.length; i++) {
    const a = w.edges[i - 1].node;
    const b = w.edges[i].node;
    const pa = positionOf(a, field);
    const pb = positionOf(b, field);
    if (comparePositions(pa, pb, direction) < 0) continue;
    const what = `${a.id} (${JSON.stringify(pa.value)}) comes before ${b.id} (${JSON.stringify(pb.value)})`;
    if (a.id === b.id) run.fail('paging.union-exact', `${a.id} is listed twice in a row ordered by ${field} ${direction}`, w.edges[i].exchange);
    else if (compareValues(pa.value, pb.value) !== 0) {
      const nulls = (field === 'BUDGET_TOTAL' && (a.budget.total === null || b.budget.total === null)) || (field === 'EU_COFINANCING' && (a.budget.euCofinancing === null || b.budget.euCofinancing === null));
      run.fail(nulls ? `${id}.nulls` : id, `${what}${nulls ? ': an unrecorded amount sorts as 0' : ''}`, w.edges[i].exchange);
    } else run.fail(`${id}.tiebreak`, `${what}: equal values break by kommunkod, then by the id's number, ${direction}`, w.edges[i].exchange);
  }
  run.pass(`${id}.tiebreak`);
  if (field === 'BUDGET_TOTAL' || field === 'EU_COFINANCING') run.pass(`${id}.nulls`);
  for (const e of w.edges) {
    const problem = cursorProblem(e.cursor, e.node, field, direction);
    if (problem) run.fail('cursor.format', problem, e.exchange);
  }
  run.pass('cursor.format');
}

async function checkPaging(run: Run, all: ProjectNode[], base: ProjectFilter, reference: Walk): Promise<void> {
  await run.check('paging.union-exact', async () => {
    const sizes: Array<[number, { field: OrderField; direction: Direction } | undefined]> = [
      [3, undefined],
      [7, undefined],
      [5, { field: 'BUDGET_TOTAL', direction: 'ASC' }],
      [4, { field: 'TITLE', direction: 'DESC' }],
    ];
    if (all.length <= 150) sizes.unshift([1, undefined]);
    for (const [first, order] of sizes) {
      const w = await walk(run, 'paging.union-exact', ROOT, { filter: base, order, first });
      const want = order ? ids(sortProjects(all, order.field, order.direction)) : ids(all);
      const got = ids(w.nodes).slice(0, want.length + 5);
      if (reference.complete && !same(got, want)) {
        run.fail('paging.union-exact', `pages of ${first}${order ? ` ordered by ${order.field} ${order.direction}` : ''} do not add up to the whole list: ${difference(got, want)}`, w.pages[w.pages.length - 1]);
      }
    }
  });
  await run.check('totalCount.matches-walk', async () => {
    if (reference.complete && reference.totalCount !== all.length) {
      run.fail('totalCount.matches-walk', `totalCount is ${reference.totalCount}; walking the pages gives ${all.length} projects`, reference.pages[0]);
    }
  });
  await run.check('paging.default-size', async () => {
    const exchange = await run.endpoint.post(ROOT.query, { filter: base });
    const conn = ROOT.connection(run.data('paging.default-size', exchange))!;
    const want = Math.min(20, reference.totalCount);
    if (conn.edges.length !== want) run.fail('paging.default-size', `without first the page has ${conn.edges.length} edges; the default page size is 20 (expected ${want})`, exchange);
  });
  await run.check('paging.first-zero', async () => {
    const exchange = await run.endpoint.post(ROOT.query, { filter: base, first: 0 });
    const conn = ROOT.connection(run.data('paging.first-zero', exchange))!;
    if (conn.edges.length !== 0) run.fail('paging.first-zero', `first: 0 answered ${conn.edges.length} edges`, exchange);
    if (reference.complete && conn.totalCount !== all.length) run.fail('paging.first-zero', `first: 0 answered totalCount ${conn.totalCount}, expected ${all.length}`, exchange);
  });
}

/** A cursor the gateway merged may sit at another kommun's project: each member continues after it. */
async function checkForeignCursors(run: Run, all: ProjectNode[], base: ProjectFilter, complete: boolean): Promise<void> {
  if (!complete || !all.length) return run.skip('cursor.foreign-position', 'no whole list to continue in');
  await run.check('cursor.foreign-position', async () => {
    const pick = all[Math.floor(all.length / 2)];
    const cases: Array<{ field: OrderField; direction: Direction; value: string | number }> = [
      { field: 'START_DATE', direction: 'ASC', value: pick.startDate },
      { field: 'TITLE', direction: 'DESC', value: pick.title },
      { field: 'BUDGET_TOTAL', direction: 'DESC', value: pick.budget.total ?? 0 },
      { field: 'ID', direction: 'ASC', value: FOREIGN_CODE },
    ];
    for (const c of cases) {
      for (const code of ['0000', '9999']) {
        const pos = { value: c.value, code, local: 1 };
        const after = encodeCursor(c.field, c.direction, pos);
        const w = await walk(run, 'cursor.foreign-position', ROOT, { filter: base, order: { field: c.field, direction: c.direction }, first: 100, after });
        const want = ids(sortProjects(all, c.field, c.direction).filter((p) => comparePositions(positionOf(p, c.field), pos, c.direction) > 0));
        if (!same(ids(w.nodes), want)) {
          run.fail('cursor.foreign-position', `after a cursor at kommun ${code}'s position ${JSON.stringify(c.value)} in ${c.field} ${c.direction}: ${difference(ids(w.nodes), want)}`, w.pages[0]);
        }
      }
    }
  });
}

/** The most frequent values first. */
function frequent<T>(values: T[]): T[] {
  const counts = new Map<T, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1]).map(([v]) => v);
}

/** The day before or after a YYYY-MM-DD date. */
function shiftDay(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/**
 * Date ranges that probe both ends of both range filters: a project's first or last day on an end
 * (inclusive), the day beside it (excluded), single days, open ends, a range before every project,
 * and ranges between dates drawn from the data at fixed strides (the same data, the same cases).
 */
export function dateRanges(starts: readonly string[], ends: readonly string[]): DateRange[] {
  if (!starts.length) return [{ from: '1900-01-01', to: '1900-12-31' }];
  const days = [...new Set([...starts, ...ends])].sort();
  const at = (i: number) => days[((i % days.length) + days.length) % days.length];
  const mid = starts[Math.floor(starts.length / 2)];
  const end = ends[Math.floor(ends.length / 2)] ?? mid;
  const ranges: DateRange[] = [
    {},
    { from: mid },
    { to: mid },
    { from: shiftDay(mid, 1) },
    { to: shiftDay(mid, -1) },
    { from: mid, to: mid },
    { from: end, to: end },
    { from: shiftDay(end, 1), to: shiftDay(end, 1) },
    { from: end },
    { from: shiftDay(end, 1) },
    { to: starts[0] },
    { from: '1900-01-01', to: '1900-12-31' },
  ];
  for (let k = 1; k <= 6; k++) {
    const a = at(k * 7);
    const b = at(k * 7 + k * 3);
    ranges.push(a <= b ? { from: a, to: b } : { from: b, to: a });
  }
  return ranges;
}

/** Words of titles that some projects have and some do not: good probes for the text filter. */
function probeWords(all: ProjectNode[]): string[] {
  const titleWords = all.flatMap((p) => [...new Set(p.title.split(/\s+/).filter((w) => /^\p{L}{4,}$/u.test(w)))]);
  return frequent(titleWords.map((w) => w)).filter((w) => all.some((p) => !mayMatchText(p, w))).slice(0, 3);
}

async function checkFilters(run: Run, all: ProjectNode[], base: ProjectFilter): Promise<void> {
  const codes = [...new Set(all.map((p) => p.municipality.code))];
  const statuses = frequent(all.map((p) => p.status));
  const areas = frequent(all.flatMap((p) => p.developmentAreas.map((a) => a.code)));
  const programmes = frequent(all.flatMap((p) => [...new Set(p.funding.map((l) => l.programme.code))]));
  const funds = frequent(all.flatMap((p) => [...new Set(p.funding.map((l) => l.fund))]));
  const initiatives = frequent(all.flatMap((p) => (p.initiative ? [p.initiative.id] : [])));
  const starts = [...new Set(all.map((p) => p.startDate))].sort();
  const ends = [...new Set(all.flatMap((p) => (p.endDate ? [p.endDate] : [])))].sort();
  const mid = starts[Math.floor(starts.length / 2)];
  const ranges = dateRanges(starts, ends);
  const cases: Array<[string, ProjectFilter[]]> = [
    ['municipalities', [{ municipalities: codes.slice(0, 1) }, { municipalities: [FOREIGN_CODE] }, { municipalities: [FOREIGN_CODE, ...codes] }]],
    ['status', [{ status: statuses.slice(0, 1) }, { status: statuses.slice(1, 3) }, { status: ['CANCELLED'] }]],
    ['developmentAreas', [{ developmentAreas: areas.slice(0, 1) }, { developmentAreas: areas.slice(1, 3) }, { developmentAreas: ['conformance-none'] }]],
    ['programmes', [{ programmes: programmes.slice(0, 1) }, { programmes: programmes.slice(1, 3) }]],
    ['funds', [{ funds: funds.slice(0, 1) }, { funds: funds.slice(1, 3) }, { funds: ['OTHER'] }]],
    ['initiative', [...initiatives.slice(0, 2).map((initiative) => ({ initiative })), { initiative: 'conformance-none' }]],
    ['activeOn', [...[mid, starts[0], ends[0], ends[ends.length - 1]].filter(Boolean).map((activeOn) => ({ activeOn })), { activeOn: '1900-01-01' }]],
    ['startDate', ranges.map((startDate) => ({ startDate }))],
    ['activeDuring', ranges.map((activeDuring) => ({ activeDuring }))],
    ['synthetic', [{ synthetic: true }, { synthetic: false }]],
    [
      'combined',
      [
        { status: statuses.slice(0, 2), activeOn: mid, synthetic: all[0]?.synthetic },
        { funds: funds.slice(0, 2), developmentAreas: areas.slice(0, 2) },
        ...(mid ? [{ startDate: { to: mid }, activeDuring: { from: mid } }, { status: statuses.slice(0, 1), startDate: { from: starts[0], to: mid } }] : []),
      ],
    ],
  ];
  for (const [name, filters] of cases) {
    const id = `filter.${name}`;
    await run.check(id, async () => {
      for (const f of filters) {
        const values = Object.values(f);
        if (values.some((v) => v === undefined || (Array.isArray(v) && !v.length) || (typeof v === 'object' && v && !Array.isArray(v) && Object.values(v).some((x) => x === undefined)))) continue;
        const w = await walk(run, id, ROOT, { filter: { ...base, ...f }, first: 100 });
        const want = ids(all.filter((p) => matchesFilter(p, f)));
        if (!same(ids(w.nodes), want)) run.fail(id, `filter ${JSON.stringify(f)}: ${difference(ids(w.nodes), want)}`, w.pages[0]);
        if (w.complete && w.totalCount !== w.nodes.length) run.fail('totalCount.matches-walk', `filter ${JSON.stringify(f)}: totalCount is ${w.totalCount}; walking the pages gives ${w.nodes.length}`, w.pages[0]);
      }
    });
  }
  // activeOn: d and activeDuring: { from: d, to: d } are one rule: the same list, asked both ways.
  await run.check('filter.activeDuring', async () => {
    for (const d of [mid, starts[0], ends[0], ends[ends.length - 1]].filter(Boolean)) {
      const on = await walk(run, 'filter.activeDuring', ROOT, { filter: { ...base, activeOn: d }, first: 100 });
      const during = await walk(run, 'filter.activeDuring', ROOT, { filter: { ...base, activeDuring: { from: d, to: d } }, first: 100 });
      if (!same(ids(during.nodes), ids(on.nodes))) run.fail('filter.activeDuring', `activeDuring { from: ${d}, to: ${d} } differs from activeOn ${d}: ${difference(ids(during.nodes), ids(on.nodes))}`, during.pages[0]);
    }
  });
  await run.check('filter.text', async () => {
    const probes = probeWords(all);
    if (!probes.length) return run.skip('filter.text', 'no title word to search for');
    const pair = all.map((p) => p.title.split(/\s+/).filter((w) => /^\p{L}{4,}$/u.test(w))).find((w) => w.length >= 2);
    const texts = [...probes, probes[0].toUpperCase(), ...(pair ? [`${pair[0]} ${pair[1]}`] : [])].map((t) => (base.text ? `${base.text} ${t}` : t));
    for (const text of texts) {
      const w = await walk(run, 'filter.text', ROOT, { filter: { ...base, text }, first: 100 });
      const got = new Set(ids(w.nodes));
      const wrong = w.nodes.filter((p) => !mayMatchText(p, text)).map((p) => p.id);
      const missing = all.filter((p) => surelyMatchesText(p, text) && !got.has(p.id)).map((p) => p.id);
      const order = ids(all.filter((p) => got.has(p.id)));
      if (wrong.length) run.fail('filter.text', `text ${JSON.stringify(text)} found ${wrong.slice(0, 5).join(', ')}, whose title, summary and department lack one of its words`, w.pages[0]);
      if (missing.length) run.fail('filter.text', `text ${JSON.stringify(text)} did not find ${missing.slice(0, 5).join(', ')}, which have each of its words (any case) in title, summary or department`, w.pages[0]);
      if (!wrong.length && !same(ids(w.nodes), order)) run.fail('filter.text', `text ${JSON.stringify(text)}: the matches are not in the list's order: ${difference(ids(w.nodes), order)}`, w.pages[0]);
      if (w.complete && w.totalCount !== w.nodes.length) run.fail('totalCount.matches-walk', `filter text ${JSON.stringify(text)}: totalCount is ${w.totalCount}; walking the pages gives ${w.nodes.length}`, w.pages[0]);
    }
  });
}

const STATS = 'query Stats($filter: ProjectFilter, $groupBy: [ProjectDimension!]) { projectStats(filter: $filter, groupBy: $groupBy) { key count budgetTotal euCofinancing fundingAmount } }';

interface StatsAnswer {
  key: string;
  count: number;
  budgetTotal: number;
  euCofinancing: number;
  fundingAmount: number;
}

async function checkStats(run: Run, all: ProjectNode[], base: ProjectFilter): Promise<void> {
  const statuses = frequent(all.map((p) => p.status));
  const starts = [...new Set(all.map((p) => p.startDate))].sort();
  const mid = starts[Math.floor(starts.length / 2)];
  const filters: ProjectFilter[] = [{}, { status: statuses.slice(0, 1) }, { synthetic: false }, ...(mid ? [{ startDate: { to: mid } }, { activeDuring: { from: mid, to: mid } }] : [])];
  await run.check('stats.sum-matches-list', async () => {
    for (const f of filters) {
      const exchange = await run.endpoint.post(STATS, { filter: { ...base, ...f } });
      const groups = run.data('stats.sum-matches-list', exchange).projectStats as StatsAnswer[];
      const [want] = expectedStats(all.filter((p) => matchesFilter(p, f)), []);
      if (groups.length !== 1) {
        run.fail('stats.sum-matches-list', `without groupBy projectStats answered ${groups.length} groups, expected one`, exchange);
        continue;
      }
      compareGroup(run, 'stats.sum-matches-list', `filter ${JSON.stringify(f)}`, groups[0], want, exchange);
    }
  });
  const groupings: Array<[string, Dimension[], ProjectFilter]> = [
    ...DIMENSIONS.map((d): [string, Dimension[], ProjectFilter] => [`stats.groups.${d}`, [d], {}]),
    ['stats.groups.multi', ['STATUS', 'FUND'], {}],
    ['stats.groups.multi', ['START_YEAR', 'DEVELOPMENT_AREA'], { status: statuses.slice(0, 2) }],
    ...(mid ? [['stats.groups.START_YEAR', ['START_YEAR'], { activeDuring: { from: mid } }] as [string, Dimension[], ProjectFilter]] : []),
  ];
  for (const [id, groupBy, f] of groupings) {
    await run.check(id, async () => {
      const exchange = await run.endpoint.post(STATS, { filter: { ...base, ...f }, groupBy });
      const groups = run.data(id, exchange).projectStats as StatsAnswer[];
      const want = expectedStats(all.filter((p) => matchesFilter(p, f)), groupBy);
      const got = groups.map((g) => g.key);
      const wantKeys = want.map((g) => g.key);
      if (!same(got, wantKeys)) {
        run.fail(id, `grouped by ${groupBy.join(', ')} the groups are ${JSON.stringify(got.slice(0, 8))}${got.length > 8 ? '…' : ''}, expected ${JSON.stringify(wantKeys.slice(0, 8))}${wantKeys.length > 8 ? '…' : ''} (in this order)`, exchange);
        return;
      }
      groups.forEach((g, i) => compareGroup(run, id, `group ${g.key}`, g, want[i], exchange));
    });
  }
}

function compareGroup(run: Run, id: string, what: string, got: StatsAnswer, want: StatsAnswer, exchange: Exchange): void {
  const wrong = (['count', 'budgetTotal', 'euCofinancing', 'fundingAmount'] as const).filter((k) => !sameAmount(got[k], want[k]));
  if (wrong.length) run.fail(id, `${what}: ${wrong.map((k) => `${k} is ${got[k]}, the list gives ${want[k]}`).join('; ')}`, exchange);
}

/** `_entities` and the fields the kommun contributes to the region's entities. */
export async function checkEntities(run: Run, facts: Facts, options: { fixturesOnly?: boolean; filter?: ProjectFilter } = {}): Promise<void> {
  const all = facts.all;
  const own = facts.codes[0];
  if (!own || !all) {
    run.skip('entities.own-and-foreign', 'the kommun has no projects and no kommunkod was given');
    return;
  }
  // Over the checker's fixtures, the entities' lists are walked with the fixtures' filter (they
  // share catalogue codes with the kommun's own projects), and the kommun's whole lists are not.
  const whole = !options.fixturesOnly;
  if (whole) await run.check('entities.own-and-foreign', async () => {
    const sample = all.slice(0, 3);
    const reps = [
      ...sample.map((p) => ({ __typename: 'Project', id: p.id })),
      { __typename: 'Project', id: `${FOREIGN_CODE}:project:1` },
      { __typename: 'Municipality', code: own },
      { __typename: 'Municipality', code: FOREIGN_CODE },
    ];
    const exchange = await run.endpoint.post('query ($representations: [_Any!]!) { _entities(representations: $representations) { __typename ... on Project { id title } ... on Municipality { code } } }', { representations: reps });
    const got = run.data('entities.own-and-foreign', exchange)._entities as Array<Record<string, unknown> | null>;
    const want = [...sample.map((p) => ({ __typename: 'Project', id: p.id, title: p.title })), null, { __typename: 'Municipality', code: own }, null];
    if (JSON.stringify(got) !== JSON.stringify(want)) run.fail('entities.own-and-foreign', `_entities answered ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`, exchange);
    for (const [query, variables, key, expect] of [
      ['query ($id: ID!) { project(id: $id) { id } }', { id: sample[0]?.id }, 'project', sample[0] ? { id: sample[0].id } : undefined],
      ['query ($id: ID!) { project(id: $id) { id } }', { id: `${FOREIGN_CODE}:project:1` }, 'project', null],
      ['query ($code: ID!) { municipality(code: $code) { code } }', { code: own }, 'municipality', { code: own }],
      ['query ($code: ID!) { municipality(code: $code) { code } }', { code: FOREIGN_CODE }, 'municipality', null],
    ] as const) {
      if (expect === undefined) continue;
      const x = await run.endpoint.post(query, variables);
      const value = run.data('entities.own-and-foreign', x)[key];
      if (JSON.stringify(value) !== JSON.stringify(expect)) run.fail('entities.own-and-foreign', `${key} answered ${JSON.stringify(value)}, expected ${JSON.stringify(expect)}`, x);
    }
  });

  const scoped = async (id: string, scope: Scope, want: ProjectNode[]) => {
    await run.check(id, async () => {
      const w = await walk(run, id, scope, { first: 100, filter: options.filter });
      if (!same(ids(w.nodes), ids(want))) run.fail(id, `${scope.name}: ${difference(ids(w.nodes), ids(want))}`, w.pages[0]);
      if (w.complete && w.totalCount !== want.length) run.fail(id, `${scope.name}: totalCount is ${w.totalCount}, expected ${want.length}`, w.pages[0]);
    });
  };
  if (whole) {
    await scoped('municipality.projects', municipalityScope(own), all.filter((p) => p.municipality.code === own));
    await scoped('entities.Municipality.projects', entityScope('Municipality', { code: own }), all.filter((p) => p.municipality.code === own));
  }
  const area = frequent(all.flatMap((p) => p.developmentAreas.map((a) => a.code)))[0];
  const programme = frequent(all.flatMap((p) => p.funding.map((l) => l.programme.code)))[0];
  const initiative = frequent(all.flatMap((p) => (p.initiative ? [p.initiative.id] : [])))[0];
  for (const [code, label] of [[area, 'area'], ['conformance-none', 'unknown area']] as const) {
    if (code) await scoped('entities.DevelopmentArea.projects', entityScope('DevelopmentArea', { code }), all.filter((p) => p.developmentAreas.some((a) => a.code === code)));
    else run.skip('entities.DevelopmentArea.projects', `no ${label} in the data`);
  }
  for (const code of [programme, 'conformance-none']) {
    if (code) await scoped('entities.FundingProgramme.projects', entityScope('FundingProgramme', { code }), all.filter((p) => p.funding.some((l) => l.programme.code === code)));
  }
  for (const id of [initiative, 'conformance-none']) {
    if (!id) continue;
    const members = all.filter((p) => p.initiative?.id === id);
    await scoped('entities.JointInitiative.projects', entityScope('JointInitiative', { id }), members);
    await run.check('entities.JointInitiative.participants', async () => {
      const x = await run.endpoint.post('query ($r: [_Any!]!) { _entities(representations: $r) { ... on JointInitiative { participants { code } } } }', { r: [{ __typename: 'JointInitiative', id }] });
      const got = ((run.data('entities.JointInitiative.participants', x)._entities as Array<{ participants: Array<{ code: string }> } | null>)[0]?.participants ?? []).map((m) => m.code).sort();
      const want = [...new Set(members.map((p) => p.municipality.code))].sort();
      if (!same(got, want)) run.fail('entities.JointInitiative.participants', `initiative ${id}: participants ${JSON.stringify(got)}, expected the kommuner with a project in it: ${JSON.stringify(want)}`, x);
    });
  }
  if (whole) await run.check('entities.Network.memberships', async () => {
    const m = await run.endpoint.post('query ($code: ID!) { municipality(code: $code) { memberships { id network { id } } } }', { code: own });
    const memberships = (run.data('entities.Network.memberships', m).municipality as { memberships: Array<{ id: string; network: { id: string } }> } | null)?.memberships ?? [];
    const networks = [...new Set(memberships.map((x) => x.network.id)), 'conformance-none'];
    const x = await run.endpoint.post('query ($r: [_Any!]!) { _entities(representations: $r) { ... on Network { memberships { id } } } }', { r: networks.map((id) => ({ __typename: 'Network', id })) });
    const got = run.data('entities.Network.memberships', x)._entities as Array<{ memberships: Array<{ id: string }> } | null>;
    networks.forEach((n, i) => {
      const have = (got[i]?.memberships ?? []).map((y) => y.id).sort();
      const want = memberships.filter((y) => y.network.id === n).map((y) => y.id).sort();
      if (!same(have, want)) run.fail('entities.Network.memberships', `network ${n}: memberships ${JSON.stringify(have)}, expected ${JSON.stringify(want)}`, x);
    });
  });
}

/** Bad input answers BAD_USER_INPUT, naming what was wrong, and no data for the field. */
export async function checkErrors(run: Run, facts: Facts): Promise<void> {
  const own = facts.codes[0] ?? '1480';
  const listQuery = ROOT.query;
  // A page size out of range may also answer PAGE_SIZE_EXCEEDED, the code of the region's query limits.
  const pageSize = ['BAD_USER_INPUT', 'PAGE_SIZE_EXCEEDED'];
  const cases: Array<[string, string, Record<string, unknown>, string, string[]?]> = [
    ['errors.malformed-cursor', listQuery, { after: 'not a cursor' }, 'projects'],
    ['errors.malformed-cursor', listQuery, { after: Buffer.from(JSON.stringify(['START_DATE', 'DESC', 12, own, 1])).toString('base64url') }, 'projects'],
    ['errors.cursor-of-other-order', listQuery, { after: encodeCursor('TITLE', 'ASC', { value: 'A', code: own, local: 1 }) }, 'projects'],
    ['errors.negative-first', listQuery, { first: -1 }, 'projects', pageSize],
    ['errors.first-over-100', listQuery, { first: 101 }, 'projects', pageSize],
    ['errors.malformed-project-id', 'query ($id: ID!) { project(id: $id) { id } }', { id: 'not-an-id' }, 'project'],
    ['errors.malformed-kommunkod', 'query ($code: ID!) { municipality(code: $code) { code } }', { code: '14800' }, 'municipality'],
    ['errors.reversed-date-range', listQuery, { filter: { startDate: { from: '2024-02-01', to: '2024-01-31' } } }, 'projects'],
    ['errors.reversed-date-range', listQuery, { filter: { activeDuring: { from: '2024-02-01', to: '2024-01-31' } } }, 'projects'],
    ['errors.reversed-date-range', STATS, { filter: { activeDuring: { from: '2024-02-01', to: '2024-01-31' } } }, 'projectStats'],
  ];
  for (const [id, query, variables, field, accepted = ['BAD_USER_INPUT']] of cases) {
    await run.check(id, async () => {
      const x = await run.endpoint.post(query, variables);
      const codes = errorCodes(x.answer);
      if (!codes.some((c) => accepted.includes(c))) run.fail(id, `expected an error with extensions.code ${accepted.join(' or ')}, got ${codes.length ? codes.join(', ') : 'no error'}`, x);
      else if (x.answer.errors!.some((e) => !e.message || e.message.length < 10)) run.fail(id, 'the error does not say what was wrong', x);
      else if (id === 'errors.reversed-date-range' && !x.answer.errors!.some((e) => /startDate|activeDuring/.test(e.message))) run.fail(id, 'the error does not name the range that is reversed (startDate or activeDuring)', x);
      const value = (x.answer.data as Record<string, unknown> | null | undefined)?.[field];
      if (value !== undefined && value !== null) run.fail(id, `bad input still answered ${field}`, x);
    });
  }
}

export { Abort };

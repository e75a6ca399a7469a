import { ProjectDimension } from '@samverkan/contract';
import { missingAt, run, type Answer } from '../api';
import { term, type Words } from '../i18n';
import { barChart, formatter, h, table, type Cell } from '../render';
import { projectFilter, writeState, type ViewState } from '../state';
import type { Catalogue } from './filters';

interface Group {
  key: string;
  count: number;
  budgetTotal: number;
  euCofinancing: number;
  fundingAmount: number;
  developmentArea?: { code: string; name: string; nameEn: string | null } | null;
  municipality?: { code: string; name: string } | null;
  programme?: { code: string; name: string } | null;
  fund?: string | null;
  status?: string | null;
  startYear?: number | null;
}
type Stats = Record<'total' | 'byArea' | 'byMunicipality' | 'byProgramme' | 'byFund' | 'byStatus' | 'byStartYear', Group[]>;

/** One grouping of the stats: its response key, its dimension, how a group is named, and which filter a bar drills down to. */
interface Grouping {
  key: Exclude<keyof Stats, 'total'>;
  dimension: ProjectDimension;
  name: (g: Group, s: ViewState, t: Words) => string;
  drill?: (g: Group, s: ViewState) => ViewState | null;
}

const GROUPINGS: Grouping[] = [
  { key: 'byArea', dimension: ProjectDimension.DEVELOPMENT_AREA, name: (g, s, t) => (g.developmentArea ? (s.lang === 'en' ? (g.developmentArea.nameEn ?? g.developmentArea.name) : g.developmentArea.name) : t.unknown), drill: (g, s) => (g.developmentArea ? { ...s, area: g.developmentArea.code } : null) },
  { key: 'byMunicipality', dimension: ProjectDimension.MUNICIPALITY, name: (g, _s, t) => g.municipality?.name ?? t.unknown, drill: (g, s) => (g.municipality ? { ...s, municipalities: [g.municipality.code] } : null) },
  { key: 'byProgramme', dimension: ProjectDimension.PROGRAMME, name: (g, _s, t) => g.programme?.name ?? t.unknown, drill: (g, s) => (g.programme ? { ...s, programme: g.programme.code } : null) },
  { key: 'byFund', dimension: ProjectDimension.FUND, name: (g, s, t) => (g.fund ? term(s.lang, g.fund) : t.unknown), drill: (g, s) => (g.fund ? { ...s, fund: g.fund } : null) },
  { key: 'byStatus', dimension: ProjectDimension.STATUS, name: (g, s, t) => (g.status ? term(s.lang, g.status) : t.unknown), drill: (g, s) => (g.status ? { ...s, status: g.status } : null) },
  { key: 'byStartYear', dimension: ProjectDimension.START_YEAR, name: (g, _s, t) => (g.startYear ? String(g.startYear) : t.unknown), drill: (g, s) => (g.startYear ? { ...s, startYear: String(g.startYear) } : null) },
];

/** The overview: key figures, the stats by each dimension, initiatives, networks and twin towns. */
export async function overview(state: ViewState, t: Words, go: (s: ViewState) => void, catalogue: Catalogue): Promise<HTMLElement> {
  const filter = projectFilter(state);
  const [stats, initiatives, networks, twins] = await Promise.all([
    run<Stats>('DashboardStats', { filter }),
    run<InitiativesData>('Initiatives', { filter }),
    run<NetworksData>('Networks'),
    run<TwinTownsData>('TwinTowns'),
  ]);
  const f = formatter(state.lang);
  const scope = state.municipalities.length ? state.municipalities : catalogue.region.members.map((m) => m.code);
  const coverage = (missing: string[]) => coverageNote(missing, scope, catalogue, t);
  const total = stats.data?.total[0];
  const toList = (next: ViewState) => go({ ...next, view: 'projects', pages: [] });

  const figures = h(
    'section',
    { className: 'panel totals', id: 'panel-total', 'aria-labelledby': 'h-total' },
    h('h2', { id: 'h-total' }, t.total),
    coverage(missingAt(stats, 'total')),
    h(
      'dl',
      {},
      [
        ['count', t.count, total?.count ?? 0],
        ['budgetTotal', t.budgetTotal, total?.budgetTotal ?? 0],
        ['euCofinancing', t.euCofinancing, total?.euCofinancing ?? 0],
      ].map(([k, label, v]) => h('div', { 'data-figure': k }, h('dt', {}, label), h('dd', { 'data-value': v }, f.n(v as number)))),
    ),
    h('p', {}, h('a', { href: writeState({ ...state, view: 'projects', pages: [] }), onClick: (e: Event) => (e.preventDefault(), toList(state)) }, t.showProjects)),
    exports('stats', filter, t, {}),
  );

  const panels = GROUPINGS.map((g) => {
    const groups = stats.data?.[g.key] ?? [];
    const names = groups.map((x) => g.name(x, state, t));
    const drill = (i: number) => {
      const next = g.drill?.(groups[i], state);
      if (next) toList(next);
    };
    const link = (x: Group, name: string): Cell => {
      const next = g.drill?.(x, state);
      return next ? { text: name, value: x.key, link: { href: writeState({ ...next, view: 'projects', pages: [] }), onClick: (e) => (e.preventDefault(), toList(next)) } } : { text: name, value: x.key };
    };
    const title = t[g.key];
    return h(
      'section',
      { className: 'panel', id: `panel-${g.key}`, 'aria-labelledby': `h-${g.key}`, 'data-dimension': g.dimension },
      h('h2', { id: `h-${g.key}` }, title),
      coverage(missingAt(stats, g.key)),
      groups.length ? barChart(`${t.chartOf}: ${title}, ${t.budgetTotal}`, names, groups.map((x) => x.budgetTotal), state.lang, g.drill ? drill : undefined) : h('p', {}, t.none),
      h(
        'details',
        {},
        h('summary', {}, t.table),
        table(
          title,
          [title, t.count, t.budgetTotal, t.euCofinancing, t.fundingAmount],
          groups.map((x, i) => ({
            key: x.key,
            cells: [link(x, names[i]), { text: f.n(x.count), value: x.count }, { text: f.n(x.budgetTotal), value: x.budgetTotal }, { text: f.n(x.euCofinancing), value: x.euCofinancing }, { text: f.n(x.fundingAmount), value: x.fundingAmount }],
          })),
          [false, true, true, true, true],
        ),
      ),
      exports('stats', filter, t, { groupBy: g.dimension }),
    );
  });

  return h('div', { className: 'overview' }, figures, h('div', { className: 'grid' }, panels), initiativesPanel(initiatives, state, t, go, coverage, filter), networksPanel(networks, state, t, coverage), twinTownsPanel(twins, state, t, coverage));
}

interface InitiativesData {
  jointInitiatives: Array<{ id: string; name: string; started: number | null; lead: string | null; programme: { code: string; name: string } | null; participants: Array<{ code: string; name: string }>; projects: { totalCount: number } }>;
}
interface NetworksData {
  networks: Array<{ id: string; name: string; founded: number | null; memberCount: number | null; memberships: Array<{ id: string; since: string | null; decidedBy: string | null; forums: string[]; municipality: { code: string; name: string } }> }>;
}
interface TwinTownsData {
  municipalities: Array<{ code: string; name: string; twinTowns: Array<{ id: string; city: string; country: string; since: number | null; focus: string[] }> }>;
}

function initiativesPanel(answer: Answer<InitiativesData>, state: ViewState, t: Words, go: (s: ViewState) => void, coverage: (m: string[]) => HTMLElement | string, filter: Record<string, unknown>): HTMLElement {
  const rows = answer.data?.jointInitiatives ?? [];
  return h(
    'section',
    { className: 'panel wide', id: 'panel-initiatives', 'aria-labelledby': 'h-initiatives' },
    h('h2', { id: 'h-initiatives' }, t.initiatives),
    coverage(missingAt(answer)),
    table(
      t.initiatives,
      [t.initiatives, t.started, t.lead, t.programme, t.participants, t.count],
      rows.map((i) => {
        const next: ViewState = { ...state, initiative: i.id, view: 'projects', pages: [] };
        const participants = i.participants.filter((p) => !state.municipalities.length || state.municipalities.includes(p.code));
        return {
          key: i.id,
          cells: [
            { text: i.name, value: i.id },
            { text: i.started ? String(i.started) : '–', value: i.started ?? '' },
            { text: i.lead ?? '–' },
            { text: i.programme?.name ?? '–' },
            { text: participants.map((p) => p.name).join(', ') || t.none, value: participants.map((p) => p.code).join(',') },
            { text: String(i.projects.totalCount), value: i.projects.totalCount, link: { href: writeState(next), onClick: (e) => (e.preventDefault(), go(next)) } },
          ],
        };
      }),
      [false, false, false, false, false, true],
    ),
    exports('initiatives', filter, t, {}),
  );
}

function networksPanel(answer: Answer<NetworksData>, state: ViewState, t: Words, coverage: (m: string[]) => HTMLElement | string): HTMLElement {
  const inScope = (code: string) => !state.municipalities.length || state.municipalities.includes(code);
  const rows = (answer.data?.networks ?? []).map((n) => ({ ...n, memberships: n.memberships.filter((m) => inScope(m.municipality.code)) })).filter((n) => n.memberships.length);
  return h(
    'section',
    { className: 'panel wide', id: 'panel-networks', 'aria-labelledby': 'h-networks' },
    h('h2', { id: 'h-networks' }, t.networks),
    coverage(missingAt(answer)),
    table(
      t.networks,
      [t.network, t.members, t.memberCount],
      rows.map((n) => ({
        key: n.id,
        cells: [
          { text: n.name, value: n.id },
          { text: n.memberships.map((m) => `${m.municipality.name}${m.since ? ` (${t.since.toLowerCase()} ${m.since.slice(0, 4)}${m.decidedBy ? `, ${term(state.lang, m.decidedBy).toLowerCase()}` : ''})` : ''}`).join(', '), value: n.memberships.map((m) => m.municipality.code).join(',') },
          { text: String(n.memberships.length), value: n.memberships.length },
        ],
      })),
      [false, false, true],
    ),
    exports('networks', { municipalities: state.municipalities.length ? state.municipalities : undefined }, t, {}),
  );
}

function twinTownsPanel(answer: Answer<TwinTownsData>, state: ViewState, t: Words, coverage: (m: string[]) => HTMLElement | string): HTMLElement {
  const rows = (answer.data?.municipalities ?? []).filter((m) => !state.municipalities.length || state.municipalities.includes(m.code)).flatMap((m) => m.twinTowns.map((tt) => ({ m, tt })));
  return h(
    'section',
    { className: 'panel wide', id: 'panel-twinTowns', 'aria-labelledby': 'h-twinTowns' },
    h('h2', { id: 'h-twinTowns' }, t.twinTowns),
    coverage(missingAt(answer)),
    table(
      t.twinTowns,
      [t.municipality, t.city, t.country, t.since, t.focus],
      rows.map(({ m, tt }) => ({ key: tt.id, cells: [{ text: m.name, value: m.code }, { text: tt.city }, { text: tt.country }, { text: tt.since ? String(tt.since) : '–', value: tt.since ?? '' }, { text: tt.focus.join(', ') }] })),
    ),
    exports('twin-towns', { municipalities: state.municipalities.length ? state.municipalities : undefined }, t, {}),
  );
}

/** "12 av 13 kommuner (saknas: Ale)" when some kommuner of the scope are missing from a figure. */
export function coverageNote(missing: string[], scope: string[], catalogue: Catalogue, t: Words): HTMLElement | string {
  const gone = missing.filter((c) => scope.includes(c));
  if (!gone.length) return '';
  const name = (c: string) => catalogue.region.members.find((m) => m.code === c)?.name ?? c;
  return h('p', { className: 'coverage', 'data-missing': gone.join(',') }, `${scope.length - gone.length} ${t.of} ${scope.length} ${t.kommuner} (${t.missing}: ${gone.map(name).join(', ')})`);
}

/** Links to the gateway's exports of a panel, as CSV and Excel, across all pages. */
export function exports(table: string, filter: Record<string, unknown>, t: Words, params: Record<string, string>): HTMLElement {
  const q = (format: string) => {
    const p = new URLSearchParams(params);
    const f = Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined));
    if (Object.keys(f).length) p.set('filter', JSON.stringify(f));
    return `/export/${table}.${format}${p.size ? `?${p}` : ''}`;
  };
  return h('p', { className: 'exports' }, h('a', { href: q('csv'), download: '', 'data-export': 'csv' }, t.exportCsv), ' ', h('a', { href: q('xlsx'), download: '', 'data-export': 'xlsx' }, t.exportXlsx));
}

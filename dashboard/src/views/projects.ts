import { missingAt, run } from '../api';
import { term, type Words } from '../i18n';
import { formatter, h, table } from '../render';
import { projectFilter, writeState, type ViewState } from '../state';
import { coverageNote, exports } from './overview';
import type { Catalogue } from './filters';

interface Page {
  projects: {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    nodes: Array<{ id: string; title: string; status: string; startDate: string; endDate: string | null; budget: { total: number | null; euCofinancing: number | null; currency: string }; municipality: { code: string; name: string } }>;
  };
}

const PAGE_SIZE = 25;

const back = (state: ViewState, t: Words, go: (s: ViewState) => void) => {
  // The drill-downs that only the list shows (an initiative, a start year) end there.
  const next: ViewState = { ...state, view: 'overview', initiative: '', startYear: '', pages: [] };
  return h('p', {}, h('a', { href: writeState(next), onClick: (e: Event) => (e.preventDefault(), go(next)) }, t.back));
};

/** The projects the filters select, a page at a time (keyset cursors kept in the URL). */
export async function projectList(state: ViewState, t: Words, go: (s: ViewState) => void, catalogue: Catalogue): Promise<HTMLElement> {
  const filter = projectFilter(state);
  const answer = await run<Page>('Projects', { filter, first: PAGE_SIZE, after: state.pages.at(-1) ?? null });
  const f = formatter(state.lang);
  const page = answer.data?.projects;
  const scope = state.municipalities.length ? state.municipalities : catalogue.region.members.map((m) => m.code);
  const nodes = page?.nodes ?? [];
  const open = (id: string): ViewState => ({ ...state, view: 'project', project: id });
  const nav = h(
    'nav',
    { 'aria-label': t.page, className: 'pager' },
    state.pages.length ? h('button', { type: 'button', id: 'previous-page', onClick: () => go({ ...state, pages: state.pages.slice(0, -1) }) }, t.previous) : '',
    h('span', {}, `${t.page} ${state.pages.length + 1} ${t.of} ${Math.max(1, Math.ceil((page?.totalCount ?? 0) / PAGE_SIZE))}`),
    page?.pageInfo.hasNextPage && page.pageInfo.endCursor ? h('button', { type: 'button', id: 'next-page', onClick: () => go({ ...state, pages: [...state.pages, page.pageInfo.endCursor!] }) }, t.next) : '',
  );
  return h(
    'section',
    { className: 'panel wide', id: 'panel-projects', 'aria-labelledby': 'h-projects' },
    back(state, t, go),
    h('h2', { id: 'h-projects' }, `${t.projects} (${page?.totalCount ?? 0})`),
    state.startYear ? h('p', { id: 'drill-start-year' }, t.startedIn.replace('{year}', state.startYear)) : '',
    coverageNote(missingAt(answer), scope, catalogue, t),
    table(
      t.projects,
      [t.title_, t.municipality, t.status, t.start, t.end, t.budgetTotal, t.euCofinancing],
      nodes.map((p) => ({
        key: p.id,
        cells: [
          { text: p.title, value: p.id, link: { href: writeState(open(p.id)), onClick: (e) => (e.preventDefault(), go(open(p.id))) } },
          { text: p.municipality.name, value: p.municipality.code },
          { text: term(state.lang, p.status), value: p.status },
          { text: p.startDate },
          { text: p.endDate ?? '–' },
          { text: `${f.n(p.budget.total)} ${p.budget.currency}`, value: p.budget.total ?? '' },
          { text: `${f.n(p.budget.euCofinancing)} ${p.budget.currency}`, value: p.budget.euCofinancing ?? '' },
        ],
      })),
      [false, false, false, false, false, true, true],
    ),
    nav,
    exports('projects', filter, t, {}),
  );
}

interface One {
  project: null | {
    id: string; title: string; summary: string | null; status: string; startDate: string; endDate: string | null; department: string | null; synthetic: boolean;
    budget: { total: number | null; euCofinancing: number | null; rate: number | null; currency: string };
    municipality: { code: string; name: string };
    funding: Array<{ fund: string; amount: number; programme: { code: string; name: string } }>;
    partners: Array<{ name: string; country: string; type: string; role: string }>;
    developmentAreas: Array<{ code: string; name: string; nameEn: string | null }>;
    initiative: { id: string; name: string } | null;
  };
}

/** One project: its facts, funding and partners. */
export async function projectCard(state: ViewState, t: Words, go: (s: ViewState) => void): Promise<HTMLElement> {
  const { data } = await run<One>('Project', { id: state.project });
  const p = data?.project;
  const f = formatter(state.lang);
  const toList: ViewState = { ...state, view: 'projects' };
  const backLink = h('p', {}, h('a', { href: writeState(toList), onClick: (e: Event) => (e.preventDefault(), go(toList)) }, t.backToList));
  if (!p) return h('section', { className: 'panel wide', id: 'panel-project' }, backLink, h('p', { role: 'alert' }, t.notFound));
  const fact = (label: string, value: string | Node) => h('div', {}, h('dt', {}, label), h('dd', {}, value));
  return h(
    'article',
    { className: 'panel wide', id: 'panel-project', 'data-id': p.id, 'aria-labelledby': 'h-project' },
    backLink,
    h('h2', { id: 'h-project' }, p.title),
    p.synthetic ? h('p', { className: 'synthetic' }, t.synthetic) : '',
    p.summary ? h('p', {}, p.summary) : '',
    h(
      'dl',
      { className: 'facts' },
      fact(t.municipality, p.municipality.name),
      fact(t.status, term(state.lang, p.status)),
      fact(t.start, p.startDate),
      fact(t.end, p.endDate ?? '–'),
      fact(t.department, p.department ?? '–'),
      fact(t.budgetTotal, `${f.n(p.budget.total)} ${p.budget.currency}`),
      fact(t.euCofinancing, `${f.n(p.budget.euCofinancing)} ${p.budget.currency}`),
      fact(t.rate, f.pct(p.budget.rate)),
      fact(t.area, p.developmentAreas.map((a) => (state.lang === 'en' ? (a.nameEn ?? a.name) : a.name)).join(', ') || '–'),
      fact(t.initiative, p.initiative?.name ?? '–'),
    ),
    table(t.funding, [t.programme, t.fund, t.fundingAmount], p.funding.map((x) => ({ cells: [{ text: x.programme.name, value: x.programme.code }, { text: term(state.lang, x.fund), value: x.fund }, { text: f.n(x.amount), value: x.amount }] })), [false, false, true]),
    table(t.partners, [t.partners, t.country, t.type, t.role], p.partners.map((x) => ({ cells: [{ text: x.name }, { text: x.country }, { text: x.type }, { text: x.role }] }))),
  );
}

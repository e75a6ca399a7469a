import type { Lang } from './i18n';

/** What the page shows, all of it in the URL so that a view can be shared. */
export interface ViewState {
  lang: Lang;
  /** kommunkoder; empty: all. */
  municipalities: string[];
  /** The period's first year (YYYY) or day (YYYY-MM-DD); empty: open. Projects running at some time in the period. */
  from: string;
  /** The period's last year or day; empty: open. */
  to: string;
  area: string;
  programme: string;
  fund: string;
  status: string;
  initiative: string;
  /** A start year (a bar of "by start year" drilled into): projects that started that year. */
  startYear: string;
  text: string;
  /** overview, projects (the paged list), project (one) or import (an editor's import of projects). */
  view: 'overview' | 'projects' | 'project' | 'import';
  project: string;
  /** The project list's cursors, one per page before the current one. */
  pages: string[];
}

/** URL parameter of each filter, in Swedish as the page is. */
const PARAMS = { municipalities: 'kommun', from: 'fran', to: 'till', area: 'omrade', programme: 'program', fund: 'fond', status: 'status', initiative: 'satsning', startYear: 'startar', text: 'text' } as const;
/** The single day of links written before the period existed ("running on"): the period from that day to that day. */
const ACTIVE_ON = 'aktiv';

const YEAR = /^\d{4}$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A day that exists (2025-02-30 does not). */
function realDay(s: string): boolean {
  if (!DAY.test(s)) return false;
  const [y, m, d] = s.split('-').map(Number);
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** Whether a period end is empty, a year or a real day. */
export function validPeriodEnd(s: string): boolean {
  return s === '' || YEAR.test(s) || realDay(s);
}

/** A period end as a day: a year starts on 1 January (`from`) or ends on 31 December (`to`). */
export function periodDay(s: string, end: 'from' | 'to'): string {
  return YEAR.test(s) ? `${s}-${end === 'from' ? '01-01' : '12-31'}` : s;
}

export function readState(search = location.search): ViewState {
  const p = new URLSearchParams(search);
  const view = p.get('vy');
  const end = (key: string) => {
    const v = p.get(key) ?? '';
    return v && validPeriodEnd(v) ? v : '';
  };
  const activeOn = p.get(ACTIVE_ON) ?? '';
  const old = !p.has(PARAMS.from) && !p.has(PARAMS.to) && realDay(activeOn);
  return {
    lang: p.get('lang') === 'en' ? 'en' : 'sv',
    municipalities: (p.get(PARAMS.municipalities) ?? '').split(',').filter((c) => /^\d{4}$/.test(c)),
    from: old ? activeOn : end(PARAMS.from),
    to: old ? activeOn : end(PARAMS.to),
    area: p.get(PARAMS.area) ?? '',
    programme: p.get(PARAMS.programme) ?? '',
    fund: p.get(PARAMS.fund) ?? '',
    status: p.get(PARAMS.status) ?? '',
    initiative: p.get(PARAMS.initiative) ?? '',
    startYear: YEAR.test(p.get(PARAMS.startYear) ?? '') ? p.get(PARAMS.startYear)! : '',
    text: p.get(PARAMS.text) ?? '',
    view: view === 'projekt' ? 'projects' : view === 'projektkort' ? 'project' : view === 'import' ? 'import' : 'overview',
    project: p.get('id') ?? '',
    pages: (p.get('sidor') ?? '').split(' ').filter(Boolean),
  };
}

export function writeState(s: ViewState): string {
  const p = new URLSearchParams();
  if (s.lang === 'en') p.set('lang', 'en');
  if (s.municipalities.length) p.set(PARAMS.municipalities, s.municipalities.join(','));
  for (const key of ['from', 'to', 'area', 'programme', 'fund', 'status', 'initiative', 'startYear', 'text'] as const) if (s[key]) p.set(PARAMS[key], s[key]);
  if (s.view === 'projects') p.set('vy', 'projekt');
  if (s.view === 'project') p.set('vy', 'projektkort');
  if (s.view === 'import') p.set('vy', 'import');
  if (s.view === 'project' && s.project) p.set('id', s.project);
  if (s.view !== 'overview' && s.pages.length) p.set('sidor', s.pages.join(' '));
  const q = p.toString();
  return q ? `?${q}` : location.pathname;
}

/** The gateway's ProjectFilter for the state's filters. */
export function projectFilter(s: ViewState): Record<string, unknown> {
  const f: Record<string, unknown> = {};
  if (s.municipalities.length) f.municipalities = s.municipalities;
  if (s.from || s.to) f.activeDuring = { ...(s.from ? { from: periodDay(s.from, 'from') } : {}), ...(s.to ? { to: periodDay(s.to, 'to') } : {}) };
  if (s.area) f.developmentAreas = [s.area];
  if (s.programme) f.programmes = [s.programme];
  if (s.fund) f.funds = [s.fund];
  if (s.status) f.status = [s.status];
  if (s.initiative) f.initiative = s.initiative;
  if (s.startYear) f.startDate = { from: `${s.startYear}-01-01`, to: `${s.startYear}-12-31` };
  if (s.text.trim()) f.text = s.text.trim();
  return f;
}

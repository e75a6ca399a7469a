import type { Lang } from './i18n';

/** What the page shows, all of it in the URL so that a view can be shared. */
export interface ViewState {
  lang: Lang;
  /** kommunkoder; empty: all. */
  municipalities: string[];
  activeOn: string;
  area: string;
  programme: string;
  fund: string;
  status: string;
  initiative: string;
  text: string;
  /** overview, projects (the paged list), project (one) or import (an editor's import of projects). */
  view: 'overview' | 'projects' | 'project' | 'import';
  project: string;
  /** The project list's cursors, one per page before the current one. */
  pages: string[];
}

/** URL parameter of each filter, in Swedish as the page is. */
const PARAMS = { municipalities: 'kommun', activeOn: 'aktiv', area: 'omrade', programme: 'program', fund: 'fond', status: 'status', initiative: 'satsning', text: 'text' } as const;

export function readState(search = location.search): ViewState {
  const p = new URLSearchParams(search);
  const view = p.get('vy');
  return {
    lang: p.get('lang') === 'en' ? 'en' : 'sv',
    municipalities: (p.get(PARAMS.municipalities) ?? '').split(',').filter((c) => /^\d{4}$/.test(c)),
    activeOn: /^\d{4}-\d{2}-\d{2}$/.test(p.get(PARAMS.activeOn) ?? '') ? p.get(PARAMS.activeOn)! : '',
    area: p.get(PARAMS.area) ?? '',
    programme: p.get(PARAMS.programme) ?? '',
    fund: p.get(PARAMS.fund) ?? '',
    status: p.get(PARAMS.status) ?? '',
    initiative: p.get(PARAMS.initiative) ?? '',
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
  for (const key of ['activeOn', 'area', 'programme', 'fund', 'status', 'initiative', 'text'] as const) if (s[key]) p.set(PARAMS[key], s[key]);
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
  if (s.activeOn) f.activeOn = s.activeOn;
  if (s.area) f.developmentAreas = [s.area];
  if (s.programme) f.programmes = [s.programme];
  if (s.fund) f.funds = [s.fund];
  if (s.status) f.status = [s.status];
  if (s.initiative) f.initiative = s.initiative;
  if (s.text.trim()) f.text = s.text.trim();
  return f;
}

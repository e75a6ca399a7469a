import './style.css';
import { onProjectChanged, run } from './api';
import { words, type Words } from './i18n';
import { h } from './render';
import { readState, writeState, type ViewState } from './state';
import { filterForm, type Catalogue } from './views/filters';
import { overview } from './views/overview';
import { importPage } from './views/import';
import { projectList, projectCard } from './views/projects';

/**
 * The regional dashboard: filters, then the overview's panels, the paged project list or one
 * project, all of it from the URL. Live: a project write anywhere in the filter's kommuner
 * redraws what is shown.
 */
const app = document.getElementById('app')!;
let state = readState();
let catalogue: Catalogue | undefined;
let unsubscribe: (() => void) | undefined;
let subscribedTo = '';
let live = false;
let refreshes = 0;
let timer: ReturnType<typeof setTimeout> | undefined;

/** Goes to `next` (filters and view), in the URL too, and draws it. */
export function go(next: ViewState, push = true): void {
  state = next;
  const url = writeState(state);
  if (push) history.pushState(null, '', url);
  void draw();
}
window.addEventListener('popstate', () => {
  state = readState();
  void draw();
});

async function draw(): Promise<void> {
  const t: Words = words[state.lang];
  document.documentElement.lang = state.lang;
  document.title = `Samverkan – ${t.title}`;
  catalogue ??= (await run<Catalogue>('Catalogue')).data ?? undefined;
  subscribe();
  const main = h('main', { id: 'main', tabindex: '-1' });
  const toggle = { ...state, lang: state.lang === 'sv' ? 'en' : 'sv' } as ViewState;
  const header = h(
    'header',
    {},
    h('div', { className: 'brand' }, h('h1', {}, `${catalogue?.region.nameShort ?? 'Samverkan'} – ${t.title}`), h('p', {}, t.subtitle)),
    h('div', { className: 'tools' },
      h('p', { id: 'live', role: 'status', 'data-live': String(live), 'data-refreshes': String(refreshes) }, live ? t.live : t.offline),
      h('nav', { className: 'links', 'aria-label': t.title },
        h('a', { href: writeState({ ...state, view: 'import' }), id: 'to-import', onClick: (e: Event) => (e.preventDefault(), go({ ...state, view: 'import' })) }, t.importProjects),
        h('a', { href: '/graphiql/', id: 'to-workbench' }, t.workbench),
        h('a', { href: writeState(toggle), lang: toggle.lang, onClick: (e: Event) => (e.preventDefault(), go(toggle)) }, t.language),
      ),
    ),
  );
  const form = catalogue && state.view !== 'import' ? filterForm(state, catalogue, t, go) : null;
  app.replaceChildren(header, form ?? '', main);
  await fill(main);
}

async function fill(main: HTMLElement): Promise<void> {
  const t = words[state.lang];
  main.setAttribute('aria-busy', 'true');
  try {
    const content =
      state.view === 'import' ? importPage(state, t, go) : state.view === 'project' ? await projectCard(state, t, go) : state.view === 'projects' ? await projectList(state, t, go, catalogue!) : await overview(state, t, go, catalogue!);
    main.replaceChildren(content);
  } catch (err) {
    main.replaceChildren(h('p', { className: 'error', role: 'alert' }, `${t.failed}: ${(err as Error).message}`));
  }
  main.setAttribute('aria-busy', 'false');
  main.dataset.ready = String(++refreshes);
}

/** Live updates for the kommuner of the filter; a burst of writes redraws once. */
function subscribe(): void {
  const key = state.municipalities.join(',');
  if (unsubscribe && key === subscribedTo) return;
  unsubscribe?.();
  subscribedTo = key;
  unsubscribe = onProjectChanged(
    state.municipalities,
    () => {
      // An import in progress is not redrawn under the editor's hands (its own writes come back as events).
      if (state.view === 'import') return;
      clearTimeout(timer);
      timer = setTimeout(() => {
        const main = document.getElementById('main');
        if (main) void fill(main).then(() => stamp());
      }, 300);
    },
    (now) => {
      live = now;
      stamp();
    },
  );
}

function stamp(): void {
  const el = document.getElementById('live');
  if (!el) return;
  const t = words[state.lang];
  el.dataset.live = String(live);
  el.dataset.refreshes = String(refreshes);
  el.textContent = `${live ? t.live : t.offline} · ${t.updated} ${new Date().toLocaleTimeString(state.lang === 'en' ? 'en-GB' : 'sv-SE')}`;
}

void draw();

import { send } from '../api';
import { term, type Words } from '../i18n';
import { formatter, h } from '../render';
import { writeState, type ViewState } from '../state';

/** A row as importProjects takes it (ProjectInput); the preview shows these fields. */
type ProjectRow = Record<string, unknown> & { title?: string; status?: string; startDate?: string; endDate?: string; budget?: { total?: number; euCofinancing?: number } };

interface Parsed {
  municipality: string;
  rows: Array<{ row: number; input: ProjectRow }>;
  problems: Array<{ row: number; column: string; message: string }>;
}

/** The token stays in this page's memory only: never in the URL, never stored. */
let token = '';

/**
 * A kommun editor's import of projects: the template, the upload (parsed and checked by the
 * gateway, each problem named by its row and column), a preview of every row, and the import
 * itself (importProjects through /graphql with the editor's token): every row in one
 * transaction, or none.
 */
export function importPage(state: ViewState, t: Words, go: (s: ViewState) => void): HTMLElement {
  const f = formatter(state.lang);
  const back: ViewState = { ...state, view: 'overview' };
  const result = h('div', { id: 'import-result' });
  const status = h('p', { id: 'import-status', role: 'status' });
  const tokenField = h('input', { id: 'import-token', name: 'import-token', type: 'password', autocomplete: 'off', value: token });
  const fileField = h('input', { id: 'import-file', name: 'import-file', type: 'file', accept: '.csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });

  const problemTable = (problems: Parsed['problems']) =>
    h(
      'div',
      { id: 'import-problems', role: 'alert' },
      h('p', { className: 'error' }, `${problems.length} ${t.problem.toLowerCase()}. ${t.nothingImported}`),
      h(
        'table',
        {},
        h('caption', {}, t.problems),
        h('thead', {}, h('tr', {}, [t.row, t.column, t.problem].map((x) => h('th', { scope: 'col' }, x)))),
        h('tbody', {}, problems.map((p) => h('tr', { 'data-row': p.row, 'data-column': p.column }, h('th', { scope: 'row' }, p.row), h('td', {}, p.column), h('td', {}, p.message)))),
      ),
    );

  const preview = (parsed: Parsed) =>
    h(
      'table',
      { id: 'import-preview' },
      h('caption', {}, `${t.previewOf} (${parsed.rows.length})`),
      h('thead', {}, h('tr', {}, [t.row, t.title_, t.status, t.start, t.end, t.budgetTotal, t.euCofinancing].map((x, i) => h('th', { scope: 'col', className: i >= 5 ? 'num' : undefined }, x)))),
      h(
        'tbody',
        {},
        parsed.rows.map((r) =>
          h(
            'tr',
            { 'data-row': r.row },
            h('th', { scope: 'row' }, r.row),
            h('td', {}, r.input.title ?? ''),
            h('td', {}, r.input.status ? term(state.lang, r.input.status) : ''),
            h('td', {}, r.input.startDate ?? ''),
            h('td', {}, r.input.endDate ?? '–'),
            h('td', { className: 'num' }, f.n(r.input.budget?.total)),
            h('td', { className: 'num' }, f.n(r.input.budget?.euCofinancing)),
          ),
        ),
      ),
    );

  /** Sends the checked rows to importProjects; a refusal's fields (input[i].x) are shown by their row in the file. */
  const commit = async (parsed: Parsed, button: HTMLButtonElement) => {
    button.disabled = true;
    status.textContent = t.loading;
    const body = await send<{ importProjects: { count: number } }>('ImportProjects', { municipality: parsed.municipality, input: parsed.rows.map((r) => r.input) }, token);
    const error = body.errors?.[0];
    if (!error && body.data?.importProjects) {
      status.textContent = '';
      result.replaceChildren(h('p', { id: 'import-done', className: 'done' }, t.imported.replace('{n}', String(body.data.importProjects.count)).replace('{kommun}', parsed.municipality)));
      return;
    }
    status.textContent = '';
    const fields = error?.extensions?.fields ?? [];
    const problems = fields.length
      ? fields.map((x) => {
          const [, index, field] = /^input\[(\d+)\]\.?(.*)$/.exec(x.field) ?? [];
          return { row: index === undefined ? 0 : parsed.rows[Number(index)]?.row ?? 0, column: field ?? x.field, message: x.problems.join(', ') };
        })
      : [{ row: 0, column: '', message: error?.message ?? t.failed }];
    result.replaceChildren(problemTable(problems), preview(parsed));
  };

  const form = h(
    'form',
    { id: 'import-form', className: 'import-form', 'aria-labelledby': 'h-import' },
    h('div', { className: 'field' }, h('label', { for: 'import-token' }, t.token), tokenField),
    h('div', { className: 'field' }, h('label', { for: 'import-file' }, t.file), fileField),
    h('div', { className: 'actions' }, h('button', { type: 'submit' }, t.preview)),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    token = tokenField.value.trim().replace(/^Bearer\s+/i, '');
    const file = fileField.files?.[0];
    if (!token || !file) {
      status.textContent = !token ? t.needToken : t.needFile;
      return;
    }
    status.textContent = t.loading;
    result.replaceChildren();
    const format = /\.xlsx$/i.test(file.name) ? 'xlsx' : 'csv';
    void fetch(`/import/parse?format=${format}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' }, body: file })
      .then(async (res) => {
        const body = (await res.json()) as Parsed & { errors?: Array<{ message: string }> };
        status.textContent = '';
        if (body.errors) {
          result.replaceChildren(h('p', { className: 'error', role: 'alert' }, body.errors.map((x) => x.message).join('; ')));
          return;
        }
        if (body.problems.length) {
          result.replaceChildren(problemTable(body.problems), preview(body));
          return;
        }
        const button = h('button', { type: 'button', id: 'import-commit', className: 'primary' }, t.importN.replace('{n}', String(body.rows.length)));
        button.addEventListener('click', () => void commit(body, button));
        result.replaceChildren(preview(body), h('p', {}, button));
      })
      .catch((err: Error) => (status.textContent = `${t.failed}: ${err.message}`));
  });

  return h(
    'section',
    { className: 'panel wide', id: 'panel-import', 'aria-labelledby': 'h-import' },
    h('p', {}, h('a', { href: writeState(back), onClick: (e: Event) => (e.preventDefault(), go(back)) }, t.back)),
    h('h2', { id: 'h-import' }, t.importProjects),
    h('p', {}, t.importIntro),
    h('p', { className: 'exports' }, `${t.template}: `, h('a', { href: '/import/template.csv', download: '', id: 'template-csv' }, t.templateCsv), h('a', { href: '/import/template.xlsx', download: '', id: 'template-xlsx' }, t.templateXlsx)),
    form,
    status,
    result,
  );
}

import { FUNDS, STATUSES, term, type Words } from '../i18n';
import { h } from '../render';
import { periodDay, validPeriodEnd, type ViewState } from '../state';

export interface Catalogue {
  region: { name: string; nameShort: string; members: Array<{ code: string; name: string }> };
  developmentAreas: Array<{ code: string; name: string; nameEn: string | null; order: number | null }>;
  fundingProgrammes: Array<{ code: string; name: string; fund: string; period: string | null }>;
}

/** The filters every panel applies; submitting puts them in the URL and redraws from the overview. */
export function filterForm(state: ViewState, catalogue: Catalogue, t: Words, go: (s: ViewState) => void): HTMLElement {
  const option = (value: string, label: string, selected: boolean) => h('option', { value, selected }, label);
  const select = (id: string, label: string, value: string, options: Array<[string, string]>) =>
    h('div', { className: 'field' }, h('label', { for: id }, label), h('select', { id, name: id }, option('', t.all, !value), options.map(([v, l]) => option(v, l, v === value))));
  const periodEnd = (id: string, label: string, value: string) =>
    h(
      'div',
      { className: 'field' },
      h('label', { for: id }, label),
      h('input', { id, name: id, type: 'text', inputMode: 'numeric', autocomplete: 'off', size: 10, maxLength: 10, value, 'aria-describedby': 'f-period-hint f-period-error' }),
    );
  const periodError = h('p', { id: 'f-period-error', className: 'error', role: 'alert' });
  const form = h(
    'form',
    { className: 'filters', 'aria-labelledby': 'filters-title', noValidate: true },
    h('h2', { id: 'filters-title', className: 'visually-hidden' }, t.filters),
    h(
      'div',
      { className: 'field kommuner' },
      h('label', { for: 'f-kommun' }, t.municipalities),
      h('select', { id: 'f-kommun', name: 'f-kommun', multiple: true, size: 5 }, catalogue.region.members.map((m) => option(m.code, m.name, state.municipalities.includes(m.code)))),
    ),
    h(
      'fieldset',
      { className: 'period' },
      h('legend', {}, t.period),
      h('div', { className: 'period-ends' }, periodEnd('f-fran', t.periodFrom, state.from), periodEnd('f-till', t.periodTo, state.to)),
      h('p', { id: 'f-period-hint', className: 'hint' }, t.periodHint),
      periodError,
    ),
    select('f-omrade', t.area, state.area, catalogue.developmentAreas.map((a) => [a.code, state.lang === 'en' ? (a.nameEn ?? a.name) : a.name])),
    select('f-program', t.programme, state.programme, catalogue.fundingProgrammes.map((p) => [p.code, p.name])),
    select('f-fond', t.fund, state.fund, FUNDS.map((f) => [f, term(state.lang, f)])),
    select('f-status', t.status, state.status, STATUSES.map((s) => [s, term(state.lang, s)])),
    h('div', { className: 'field' }, h('label', { for: 'f-text' }, t.text), h('input', { id: 'f-text', name: 'f-text', type: 'search', value: state.text })),
    h('div', { className: 'actions' }, h('button', { type: 'submit' }, t.apply), h('button', { type: 'button', id: 'f-clear', onClick: () => go(cleared(state)) }, t.clear)),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const field = (id: string) => form.querySelector(`#${id}`) as HTMLInputElement | HTMLSelectElement;
    const value = (id: string) => field(id).value.trim();
    const [from, to] = [value('f-fran'), value('f-till')];
    // A period end that is not a year or a day, or an end before the start, is named and nothing changes.
    const wrong = [['f-fran', from], ['f-till', to]].filter(([, v]) => !validPeriodEnd(v)).map(([id]) => id);
    const reversed = !wrong.length && from && to && periodDay(to, 'to') < periodDay(from, 'from');
    for (const id of ['f-fran', 'f-till']) field(id).setAttribute('aria-invalid', String(wrong.includes(id) || (!!reversed && id === 'f-till')));
    if (wrong.length || reversed) {
      periodError.textContent = wrong.length ? t.periodInvalid : t.periodOrder;
      field(wrong[0] ?? 'f-till').focus();
      return;
    }
    const kommuner = [...(form.querySelector('#f-kommun') as HTMLSelectElement).selectedOptions].map((o) => o.value);
    go({
      ...state,
      municipalities: kommuner,
      from,
      to,
      area: value('f-omrade'),
      programme: value('f-program'),
      fund: value('f-fond'),
      status: value('f-status'),
      text: value('f-text'),
      // New filters start the list from its first page.
      pages: [],
      view: state.view === 'project' ? 'projects' : state.view,
    });
  });
  return form;
}

function cleared(s: ViewState): ViewState {
  return { ...s, municipalities: [], from: '', to: '', area: '', programme: '', fund: '', status: '', initiative: '', startYear: '', text: '', pages: [] };
}

import { BarController, BarElement, CategoryScale, Chart, LinearScale, Tooltip } from 'chart.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);

type Child = Node | string | number | null | undefined | false;

/** An element with attributes (`on…` functions become listeners) and children. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, unknown> = {}, ...children: Array<Child | Child[]>): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2).toLowerCase(), v as EventListener);
    else if (k === 'className') el.className = String(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}

/** A cell of a table: its text as shown, and the raw number behind it (for tests and copy). */
export interface Cell {
  text: string;
  value?: number | string;
  link?: { href: string; onClick: (e: Event) => void };
}

/** A data table with a caption and header row; every row may carry a key. */
export function table(caption: string, headers: string[], rows: Array<{ key?: string; cells: Cell[] }>, numeric: boolean[] = []): HTMLTableElement {
  return h(
    'table',
    {},
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, headers.map((t, i) => h('th', { scope: 'col', className: numeric[i] ? 'num' : undefined }, t)))),
    h(
      'tbody',
      {},
      rows.map((r) =>
        h(
          'tr',
          { 'data-key': r.key },
          r.cells.map((c, i) => {
            const content = c.link ? h('a', { href: c.link.href, onClick: c.link.onClick }, c.text) : c.text;
            return i === 0 ? h('th', { scope: 'row', 'data-value': c.value }, content) : h('td', { className: numeric[i] ? 'num' : undefined, 'data-value': c.value }, content);
          }),
        ),
      ),
    ),
  );
}

/**
 * A horizontal bar chart of `values` by `labels`, drawn without animation. `onBar(i)` runs when bar
 * i is clicked. The canvas is an image named by `label`; the table beside it holds the figures.
 * Each bar's centre is written to `data-bars` (CSS pixels), so that it can be clicked exactly.
 */
export function barChart(label: string, labels: string[], values: number[], lang: string, onBar?: (i: number) => void): HTMLElement {
  const canvas = h('canvas', { role: 'img', 'aria-label': label });
  const box = h('div', { className: 'chart', style: `height:${Math.max(120, labels.length * 26 + 40)}px` }, canvas);
  queueMicrotask(() => {
    const chart = new Chart(canvas, {
      type: 'bar',
      data: { labels: labels.map((l) => (l.length > 42 ? `${l.slice(0, 40)}…` : l)), datasets: [{ label, data: values, backgroundColor: '#1b5e86', hoverBackgroundColor: '#0d3a55' }] },
      options: {
        indexAxis: 'y',
        locale: lang === 'en' ? 'en-GB' : 'sv-SE',
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        plugins: { legend: { display: false } },
        scales: { x: { ticks: { color: '#222' } }, y: { ticks: { color: '#222', autoSkip: false } } },
        onClick: (_e, elements) => {
          if (onBar && elements[0]) onBar(elements[0].index);
        },
        onHover: (e, elements) => {
          const t = e.native?.target as HTMLElement | undefined;
          if (t) t.style.cursor = onBar && elements.length ? 'pointer' : 'default';
        },
      },
    });
    const place = () => (canvas.dataset.bars = JSON.stringify(chart.getDatasetMeta(0).data.map((b) => [Math.round(b.x / 2 + (b as unknown as { base: number }).base / 2), Math.round(b.y)])));
    place();
    chart.options.onResize = () => queueMicrotask(place);
  });
  return box;
}

export function formatter(lang: string) {
  const n = new Intl.NumberFormat(lang === 'en' ? 'en-GB' : 'sv-SE', { maximumFractionDigits: 0 });
  const pct = new Intl.NumberFormat(lang === 'en' ? 'en-GB' : 'sv-SE', { style: 'percent', maximumFractionDigits: 0 });
  return { n: (v: number | null | undefined) => (v === null || v === undefined ? '–' : n.format(v)), pct: (v: number | null | undefined) => (v === null || v === undefined ? '–' : pct.format(v)) };
}

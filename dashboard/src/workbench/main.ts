import 'graphiql/setup-workers/vite';
import 'graphiql/style.css';
import './workbench.css';
import { createElement as h, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import { useGraphiQL, useMonaco } from '@graphiql/react';
import { createGraphiQLFetcher, type Fetcher } from '@graphiql/toolkit';
import examples from 'virtual:examples';
import { repairTabs } from './a11y';
import { listsOf, toCsv, type ResultList } from './csv';

/**
 * The analysts' workbench: GraphiQL, bundled from npm and served by the gateway at /graphiql/
 * (nothing from a CDN: its styles and Monaco's workers are in the build). The example operations
 * of schema/operations are its first tabs, the schema explorer is GraphiQL's docs plugin, the
 * Authorization header is set in the headers editor, and the footer exports the result's lists
 * as CSV.
 */

/** What the headers editor starts with: the place for an editor's or analyst's token. */
export const TOKEN_PLACEHOLDER = 'Bearer <token>';

const base = createGraphiQLFetcher({ url: '/graphql', subscriptionUrl: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql` });

/** The placeholder, or an empty Authorization header, is no token: it is left out rather than refused by the gateway. */
const fetcher: Fetcher = (params, options) => {
  const headers = Object.fromEntries(
    Object.entries(options?.headers ?? {}).filter(([name, value]) => name.toLowerCase() !== 'authorization' || (typeof value === 'string' && value.trim() && value.trim() !== TOKEN_PLACEHOLDER && value.trim() !== 'Bearer')),
  );
  return base(params, { ...options, headers });
};

/** The current result's lists of objects, each downloadable as CSV. */
function CsvExport() {
  const responseEditor = useGraphiQL((s) => s.responseEditor);
  const operationName = useGraphiQL((s) => s.operationName);
  const [lists, setLists] = useState<ResultList[] | null>(null);
  const [chosen, setChosen] = useState(0);
  const [note, setNote] = useState('');
  const read = () => {
    let result: { data?: unknown } | undefined;
    try {
      result = JSON.parse(responseEditor?.getValue() || 'null');
    } catch {
      result = undefined;
    }
    const found = listsOf(result?.data as never);
    setLists(found);
    setChosen(0);
    setNote(found.length ? '' : 'Resultatet har inga listor att exportera: kör en fråga först.');
    return found;
  };
  const download = (list: ResultList) => {
    const url = URL.createObjectURL(new Blob([toCsv(list)], { type: 'text/csv;charset=utf-8' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `${operationName || 'resultat'}-${list.path || 'data'}.csv`;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };
  return h(
    'div',
    { className: 'samverkan-export', lang: 'sv' },
    h('button', { type: 'button', id: 'csv-read', className: 'graphiql-button', onClick: () => read() }, 'Exportera resultat som CSV …'),
    lists && lists.length > 0
      ? h(
          'span',
          { className: 'samverkan-export-pick' },
          h('label', { htmlFor: 'csv-list' }, 'Lista'),
          h(
            'select',
            { id: 'csv-list', value: chosen, onChange: (e: { target: { value: string } }) => setChosen(Number(e.target.value)) },
            lists.map((l, i) => h('option', { key: l.path, value: i }, `${l.path} (${l.rows.length} rader)`)),
          ),
          h('button', { type: 'button', id: 'csv-download', className: 'graphiql-button', onClick: () => download(read()[chosen] ?? lists[chosen]) }, 'Ladda ner CSV'),
        )
      : null,
    h('span', { role: 'status', className: 'samverkan-export-note' }, note),
  );
}

/** The editors' colours: Monaco's light theme with the hues that fall short of 4.5:1 on GraphiQL's panels darkened. */
const EDITOR_THEME = 'samverkan-light';

function AccessibleEditorTheme() {
  const monaco = useMonaco((s) => s.monaco);
  useEffect(() => {
    if (!monaco) return;
    monaco.editor.defineTheme(EDITOR_THEME, {
      base: 'vs',
      inherit: true,
      colors: { 'editor.background': '#ffffff00', 'scrollbar.shadow': '#ffffff00', focusBorder: '#8a0560' },
      rules: [
        { token: 'number', foreground: '05603f' },
        { token: 'comment', foreground: '005a00' },
        { token: 'argument.identifier.gql', foreground: '4744a8' },
      ],
    });
    monaco.editor.setTheme(EDITOR_THEME);
  }, [monaco]);
  return null;
}

function Workbench() {
  return h(
    GraphiQL,
    {
      fetcher,
      defaultTabs: examples.map((e) => ({ query: e.query, variables: e.variables, headers: JSON.stringify({ Authorization: TOKEN_PLACEHOLDER }, null, 2) })),
      defaultHeaders: JSON.stringify({ Authorization: TOKEN_PLACEHOLDER }, null, 2),
      defaultEditorToolsVisibility: 'headers',
      shouldPersistHeaders: false,
      // The light theme, whose colours workbench.css brings to WCAG 2.1 AA contrast.
      forcedTheme: 'light',
      editorTheme: { light: EDITOR_THEME, dark: EDITOR_THEME },
      // The same options as the trusted introspection document (see vite.config.ts).
      inputValueDeprecation: true,
      schemaDescription: false,
    },
    h(
      GraphiQL.Logo,
      null,
      h('a', { href: '/', lang: 'sv', className: 'samverkan-home' }, 'Samverkan – tillbaka till översikten'),
    ),
    h(GraphiQL.Footer, null, h(AccessibleEditorTheme), h(CsvExport)),
  );
}

const root = document.getElementById('workbench')!;
repairTabs(root);
createRoot(root).render(h(Workbench));

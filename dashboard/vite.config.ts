import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { getIntrospectionQuery } from 'graphql';
import { defineConfig, type Plugin } from 'vite';

/**
 * The schema query of the analysts' workbench (GraphiQL sends exactly this text): a trusted
 * document too, so that the schema explorer works for anyone while a gateway holds anonymous
 * callers to trusted documents. The workbench passes GraphiQL the same options.
 */
export const WORKBENCH_INTROSPECTION = getIntrospectionQuery({ inputValueDeprecation: true, schemaDescription: false });

/**
 * The dashboard's operations as trusted documents: each `src/operations/*.graphql` is hashed
 * (sha256 of its text), the page imports them by name from `virtual:operations` and sends only the
 * hash, and the build writes `trusted-documents.json` (hash → document) for the gateway.
 */
function trustedDocuments(dir: string): Plugin {
  const id = 'virtual:operations';
  const read = () =>
    readdirSync(dir)
      .filter((f) => f.endsWith('.graphql'))
      .sort()
      .map((f) => {
        const query = readFileSync(join(dir, f), 'utf8').trim();
        return { name: basename(f, '.graphql'), query, hash: createHash('sha256').update(query).digest('hex') };
      });
  return {
    name: 'trusted-documents',
    resolveId: (source) => (source === id ? `\0${id}` : undefined),
    load(source) {
      if (source !== `\0${id}`) return undefined;
      for (const f of readdirSync(dir)) this.addWatchFile(join(dir, f));
      return `export default ${JSON.stringify(Object.fromEntries(read().map((d) => [d.name, { query: d.query, hash: d.hash }])))};`;
    },
    generateBundle() {
      const documents = [...read().map((d) => d.query), WORKBENCH_INTROSPECTION];
      const manifest = Object.fromEntries(documents.map((query) => [createHash('sha256').update(query).digest('hex'), query]));
      this.emitFile({ type: 'asset', fileName: 'trusted-documents.json', source: `${JSON.stringify(manifest, null, 2)}\n` });
    },
  };
}

/**
 * The example operations of `schema/operations/*.graphql`, built into the workbench as its tabs
 * (`virtual:examples`): each file's leading comment is its description, and a comment line
 * `# variables: {…}` gives the tab's variables.
 */
function examples(dir: string): Plugin {
  const id = 'virtual:examples';
  return {
    name: 'example-operations',
    resolveId: (source) => (source === id ? `\0${id}` : undefined),
    load(source) {
      if (source !== `\0${id}`) return undefined;
      const tabs = readdirSync(dir)
        .filter((f) => f.endsWith('.graphql'))
        .sort()
        .map((f) => {
          this.addWatchFile(join(dir, f));
          const text = readFileSync(join(dir, f), 'utf8');
          const variables = /^# variables: (.*)$/m.exec(text)?.[1];
          if (variables) JSON.parse(variables); // a broken example fails the build, not the page
          return { name: basename(f, '.graphql'), query: text.replace(/^# variables: .*\n/m, '').trim(), variables: variables ? JSON.stringify(JSON.parse(variables), null, 2) : undefined };
        });
      return `export default ${JSON.stringify(tabs)};`;
    },
  };
}

export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  plugins: [trustedDocuments(join(import.meta.dirname, 'src/operations')), examples(join(import.meta.dirname, '../schema/operations'))],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 5000,
    reportCompressedSize: false,
    // The dashboard at /, the analysts' workbench (GraphiQL) at /graphiql/.
    rollupOptions: {
      input: { main: join(import.meta.dirname, 'index.html'), graphiql: join(import.meta.dirname, 'graphiql/index.html') },
      // React libraries' "use client" directives mean nothing in a client-only bundle.
      onwarn: (warning, warn) => (warning.code === 'MODULE_LEVEL_DIRECTIVE' ? undefined : warn(warning)),
    },
  },
  // `npm run dev -w @samverkan/dashboard` against a gateway on :4000.
  server: { proxy: { '/graphql': { target: 'http://127.0.0.1:4000', ws: true }, '/export': 'http://127.0.0.1:4000', '/import': 'http://127.0.0.1:4000' } },
});

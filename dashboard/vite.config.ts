import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { defineConfig, type Plugin } from 'vite';

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
      const manifest = Object.fromEntries(read().map((d) => [d.hash, d.query]));
      this.emitFile({ type: 'asset', fileName: 'trusted-documents.json', source: `${JSON.stringify(manifest, null, 2)}\n` });
    },
  };
}

export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  plugins: [trustedDocuments(join(import.meta.dirname, 'src/operations'))],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1000, reportCompressedSize: false },
  // `npm run dev -w @samverkan/dashboard` against a gateway on :4000.
  server: { proxy: { '/graphql': { target: 'http://127.0.0.1:4000', ws: true }, '/export': 'http://127.0.0.1:4000' } },
});

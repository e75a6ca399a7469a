import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { transformFileSync, type Options } from '@swc/core';

/** The workspaces that run in production, in the order they are listed; the others (tests, the dashboard's sources) only build. */
export const DEPLOYABLES = ['packages/contract', 'packages/server-kit', 'packages/subgraph-kit', 'packages/conformance', 'packages/region-runner', 'services/kommun', 'services/region', 'gateway'] as const;

/** Production entry points of the image, by the name its `command` uses. */
export const ENTRY_POINTS = {
  gateway: 'gateway/src/index.js',
  kommun: 'services/kommun/src/index.js',
  'kommun:migrate': 'services/kommun/src/cli/migrate.js',
  'kommun:seed': 'services/kommun/src/cli/seed.js',
  region: 'services/region/src/index.js',
  'region:migrate': 'services/region/src/cli/migrate.js',
  'region:seed': 'services/region/src/cli/seed.js',
  start: 'packages/region-runner/src/cli.js',
  token: 'packages/server-kit/src/cli/token.js',
  check: 'packages/conformance/src/cli.js',
} as const;

/** Files that never ship: tests and their helpers, and this build itself (it needs the compiler). */
const notShipped = (path: string) => /(^|\/)__tests__(\/|$)|\.test\.ts$|^packages\/region-runner\/src\/(cli-)?build\.ts$/.test(path);

function* files(dir: string): Generator<string> {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) yield* files(path);
    else yield path;
  }
}

/** `main`, `types`, `bin` and `exports` of a workspace's package.json, pointed at the compiled files. */
function compiledManifest(manifest: Record<string, unknown>): Record<string, unknown> {
  const js = (value: unknown): unknown =>
    typeof value === 'string' ? value.replace(/\.ts$/, '.js') : value && typeof value === 'object' ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, js(v)])) : value;
  // Dependencies stay as they are, devDependencies too: `npm ci` checks every manifest against the lock file.
  const { types: _types, scripts: _scripts, ...rest } = manifest;
  return { ...rest, ...(rest.main ? { main: js(rest.main) } : {}), ...(rest.bin ? { bin: js(rest.bin) } : {}), ...(rest.exports ? { exports: js(rest.exports) } : {}) };
}

/**
 * `npm run build`: the repository as it runs in production, in `out` (default `build/`): every
 * deployable workspace's sources compiled to JavaScript by swc (the same compiler, settings and
 * decorator metadata as the development path), tests left out, package.json files pointed at the
 * compiled entry points, the lock file, the schema and data files, and the dashboard's built
 * files. `npm ci --omit=dev` in that folder installs production dependencies only, and
 * `node <entry>.js` starts each service: no TypeScript at run time.
 */
export function build(root: string, out = join(root, 'build')): { files: number } {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const swc = JSON.parse(readFileSync(join(root, '.swcrc'), 'utf8')) as Options;
  let count = 0;
  const rootManifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { workspaces: string[]; scripts?: Record<string, string>; [k: string]: unknown };

  // Every workspace's package.json, so that the lock file's workspaces all exist and `npm ci` agrees with it.
  const workspaces = rootManifest.workspaces.flatMap((pattern) =>
    pattern.endsWith('/*') ? readdirSync(join(root, pattern.slice(0, -2))).map((d) => `${pattern.slice(0, -2)}/${d}`).filter((d) => existsSync(join(root, d, 'package.json'))) : [pattern],
  );
  for (const ws of workspaces) {
    const manifest = JSON.parse(readFileSync(join(root, ws, 'package.json'), 'utf8')) as Record<string, unknown>;
    const deployable = (DEPLOYABLES as readonly string[]).includes(ws);
    mkdirSync(join(out, ws), { recursive: true });
    // A workspace that does not run in production ships its manifest only, for the lock file's sake.
    const shipped = deployable ? compiledManifest(manifest) : manifest;
    writeFileSync(join(out, ws, 'package.json'), `${JSON.stringify(shipped, null, 2)}\n`);
    if (!deployable) continue;
    for (const file of files(join(root, ws, 'src'))) {
      const rel = relative(root, file);
      if (notShipped(rel)) continue;
      const target = join(out, rel);
      mkdirSync(dirname(target), { recursive: true });
      if (!file.endsWith('.ts')) {
        cpSync(file, target);
        continue;
      }
      const { code, map } = transformFileSync(file, { ...swc, sourceMaps: true, filename: file, swcrc: false });
      const js = target.replace(/\.ts$/, '.js');
      writeFileSync(js, `${code}\n//# sourceMappingURL=${js.split('/').pop()}.map\n`);
      if (map) writeFileSync(`${js}.map`, map);
      count++;
    }
    for (const extra of ['bin', 'docker']) if (existsSync(join(root, ws, extra))) cpSync(join(root, ws, extra), join(out, ws, extra), { recursive: true });
  }

  // The root: its workspaces and engines, production scripts that start compiled code, the lock file.
  const scripts = Object.fromEntries(Object.entries(ENTRY_POINTS).map(([name, entry]) => [name, `node ${entry}`]));
  writeFileSync(join(out, 'package.json'), `${JSON.stringify({ ...rootManifest, scripts }, null, 2)}\n`);
  cpSync(join(root, 'package-lock.json'), join(out, 'package-lock.json'));
  cpSync(join(root, 'schema'), join(out, 'schema'), { recursive: true });
  // The dashboard ships as the static files Vite built (the gateway serves them), not as sources.
  if (existsSync(join(root, 'dashboard/dist'))) cpSync(join(root, 'dashboard/dist'), join(out, 'dashboard/dist'), { recursive: true });
  return { files: count };
}

import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dropDatabase, ensureDatabase, postGraphQL, TEST_SERVER_URL, testDatabaseName, withDatabase } from '@samverkan/testing';
import { freePort, NODE_FLAGS, REPO_ROOT, startDevIdentityProvider, waitForHealth, type DevIdentityProvider } from '@samverkan/region-runner';

/**
 * The image, without a container engine: the Dockerfile's steps replayed as written. The build
 * stage's `RUN npm run build` runs in the repository; the runtime stage's COPY, ENV and RUN steps
 * run in a clean temporary folder; then each service starts there the way docker-compose.yml starts
 * it (its `command`), with plain Node: compiled JavaScript and production dependencies only.
 */
const DOCKERFILE = join(REPO_ROOT, 'packages/region-runner/Dockerfile');

interface Stage {
  name: string;
  copies: Array<{ from?: string; source: string; target: string }>;
  env: Record<string, string>;
  runs: string[];
  cmd?: string[];
}

/** The Dockerfile's stages: what each copies, sets and runs (`RUN --mount=…` flags dropped: they only cache). */
function stages(text: string): Stage[] {
  const out: Stage[] = [];
  const lines = text.replace(/\\\n/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  for (const line of lines) {
    const [instruction, ...rest] = line.split(/\s+/);
    const args = rest.join(' ');
    const stage = out[out.length - 1];
    switch (instruction.toUpperCase()) {
      case 'FROM':
        out.push({ name: /\bAS\s+(\S+)/i.exec(args)?.[1] ?? String(out.length), copies: [], env: {}, runs: [] });
        break;
      case 'COPY': {
        const from = /--from=(\S+)/.exec(args)?.[1];
        const [source, target] = args.replace(/--\S+/g, '').trim().split(/\s+/);
        stage.copies.push({ from, source, target });
        break;
      }
      case 'ENV': {
        const [k, v] = args.split('=');
        stage.env[k] = v;
        break;
      }
      case 'RUN':
        stage.runs.push(args.replace(/--mount=\S+\s*/g, ''));
        break;
      case 'CMD':
        stage.cmd = JSON.parse(args);
        break;
    }
  }
  return out;
}

const [build, runtime] = stages(readFileSync(DOCKERFILE, 'utf8'));
const app = mkdtempSync(join(tmpdir(), 'samverkan-image-'));
const kommunDb = testDatabaseName('samverkan_e2e', 'image_kommun');
const regionDb = testDatabaseName('samverkan_e2e', 'image_region');
const children: ChildProcess[] = [];
let idp: DevIdentityProvider;
let idpDir: string;

const sh = (command: string, cwd: string, env: Record<string, string> = {}) => execFileSync('sh', ['-c', command], { cwd, env: { ...process.env, ...env }, stdio: 'pipe', timeout: 300_000 });

/** Starts `node <args>` in the image's folder with the image's environment, as compose would. */
function start(args: string[], env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, args, { cwd: app, env: { PATH: process.env.PATH!, ...runtime.env, ...env }, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  const lines: string[] = [];
  child.stdout!.on('data', (c: Buffer) => lines.push(c.toString()));
  child.stderr!.on('data', (c: Buffer) => lines.push(c.toString()));
  child.on('exit', (code) => code && process.stderr.write(`${args.join(' ')} exited ${code}:\n${lines.join('').slice(-2000)}\n`));
  children.push(child);
  return child;
}

beforeAll(async () => {
  // The build stage's own steps, after its `npm ci` (this checkout is installed already).
  expect(build.runs.at(-1)).toBe('npm run build');
  sh(build.runs.at(-1)!, REPO_ROOT);
  // The runtime stage: copy what the build stage made, then its RUN steps, in a clean folder.
  const copy = runtime.copies.find((c) => c.from === build.name)!;
  expect(copy.source).toBe('/src/build/');
  cpSync(join(REPO_ROOT, 'build'), app, { recursive: true });
  for (const run of runtime.runs) sh(run, app, runtime.env);
  idpDir = mkdtempSync(join(tmpdir(), 'samverkan-image-idp-'));
  idp = await startDevIdentityProvider({ dir: idpDir });
  await ensureDatabase(TEST_SERVER_URL, kommunDb);
  await ensureDatabase(TEST_SERVER_URL, regionDb);
}, 600_000);

afterAll(async () => {
  await Promise.all(children.map((c) => new Promise<void>((resolve) => (c.exitCode !== null ? resolve() : (c.once('exit', () => resolve()), c.kill('SIGTERM'))))));
  await idp?.close();
  await dropDatabase(TEST_SERVER_URL, kommunDb);
  await dropDatabase(TEST_SERVER_URL, regionDb);
  rmSync(app, { recursive: true, force: true });
  if (idpDir) rmSync(idpDir, { recursive: true, force: true });
});

function* walk(dir: string): Generator<string> {
  for (const entry of readdirSync(dir)) {
    if (entry === 'node_modules') continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) yield* walk(path);
    else yield path;
  }
}

it('holds compiled code and production dependencies only', () => {
  const sources = [...walk(app)].filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
  expect(sources).toEqual([]);
  for (const dev of ['typescript', '@swc/core', '@swc-node/register', 'jest', 'eslint', 'vite']) expect([dev, existsSync(join(app, 'node_modules', dev))]).toEqual([dev, false]);
  expect(runtime.cmd).toEqual(['node', ...NODE_FLAGS.gateway, 'gateway/src/index.js']);
});

it('starts each service from there, and the region answers through its gateway', async () => {
  const [kommunPort, regionPort, gatewayPort] = [await freePort(), await freePort(), await freePort()];
  const tokens = { JWT_JWKS_URL: idp.jwksUrl, GATEWAY_JWKS_URL: `http://127.0.0.1:${gatewayPort}/.well-known/jwks.json`, HOST: '127.0.0.1', LOG_LEVEL: 'warn' };
  const kommun = { ...tokens, KOMMUNKOD: '1480', DATABASE_URL: withDatabase(TEST_SERVER_URL, kommunDb), DB_POOL_SIZE: '1' };
  // The compose file's one-shot seed service, then the kommun as compose starts it.
  sh('node services/kommun/src/cli/seed.js', app, { ...runtime.env, ...kommun, SEED: 'if-empty', SYNTHETIC_PROJECTS: '5' });
  start(['services/kommun/src/index.js'], { ...kommun, PORT: String(kommunPort) });
  const manifest = join(app, 'one-kommun.json');
  const gr = JSON.parse(readFileSync(join(app, 'schema/regions/gr.json'), 'utf8'));
  writeFileSync(manifest, JSON.stringify({ ...gr, members: gr.members.filter((m: { code: string }) => m.code === '1480').map((m: object) => ({ ...m, port: kommunPort })) }));
  start(['services/region/src/index.js'], { ...tokens, DATABASE_URL: withDatabase(TEST_SERVER_URL, regionDb), PORT: String(regionPort), REGION_MANIFEST: manifest, DB_POOL_SIZE: '1' });
  await waitForHealth(`http://127.0.0.1:${kommunPort}/health`, 60_000);
  await waitForHealth(`http://127.0.0.1:${regionPort}/health`, 60_000);
  start(runtime.cmd!.slice(1), { ...tokens, PORT: String(gatewayPort), REGION_URL: `http://127.0.0.1:${regionPort}/graphql`, MEMBERS_REFRESH_MS: '500' });
  await waitForHealth(`http://127.0.0.1:${gatewayPort}/health/ready`, 60_000);
  const gateway = `http://127.0.0.1:${gatewayPort}/graphql`;
  const { body } = await postGraphQL(gateway, '{ municipalities { code name } projects(first: 1) { totalCount nodes { id } } }');
  expect(body.errors).toBeUndefined();
  expect(body.data.municipalities).toEqual([{ code: '1480', name: 'Göteborg' }]);
  expect(body.data.projects.totalCount).toBeGreaterThan(5);
  // A write through the gateway: tokens verified, decorators' metadata and migrations all work compiled.
  const token = await idp.token({ role: 'kommun-editor', subject: 'image', municipality: '1480' });
  const write = await postGraphQL(gateway, 'mutation { setStrategy(municipality: "1480", input: { title: "Ur avbildningen", adoptedBy: KOMMUNFULLMAKTIGE, priorities: ["EU"] }) { title } }', undefined, { authorization: `Bearer ${token}` });
  expect(write.body).toEqual({ data: { setStrategy: { title: 'Ur avbildningen' } } });
}, 180_000);

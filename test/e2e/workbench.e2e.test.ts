import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startE2ERegion, type E2ERegion } from './harness';

/**
 * The analysts' workbench (GraphiQL at /graphiql/) and the kommun editor's import of projects, in
 * a real browser (Debian's Chromium, driven by playwright-core) against a whole region whose
 * gateway holds anonymous callers to the trusted documents. The network is limited to localhost.
 */
const ROOT = join(__dirname, '../..');
const DIST = join(ROOT, 'dashboard/dist');
const OPERATIONS = join(ROOT, 'schema/operations');

let region: E2ERegion;
let context: BrowserContext;
let page: Page;
let profile: string;
let analyst: string;
let origin: string;
const blocked: string[] = [];
const pageErrors: string[] = [];

beforeAll(async () => {
  if (!existsSync(join(DIST, 'graphiql/index.html'))) execFileSync('npm', ['run', 'build:dashboard'], { cwd: ROOT, stdio: 'ignore' });
  region = await startE2ERegion({ syntheticProjects: 5, gatewayEnv: { TRUSTED_DOCUMENTS_ONLY_FOR_ANONYMOUS: 'true' } });
  origin = new URL(region.gatewayUrl).origin;
  analyst = await region.token({ role: 'region-editor', subject: 'e2e-workbench-analyst' });
  profile = mkdtempSync(join(tmpdir(), 'samverkan-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    acceptDownloads: true,
    viewport: { width: 1400, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  await context.route('**/*', (route) => {
    const { hostname } = new URL(route.request().url());
    if (hostname === '127.0.0.1' || hostname === 'localhost') return route.continue();
    blocked.push(route.request().url());
    return route.abort();
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (e) => pageErrors.push(e.message));
}, 120_000);

afterAll(async () => {
  await context?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
  await region?.stop();
});

/** The WCAG 2.1 A and AA violations axe-core finds on the page as it is now, one line each. */
async function axeViolations(): Promise<string[]> {
  if (!(await page.evaluate('typeof axe !== "undefined"'))) await page.evaluate(readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8'));
  const result: any = await page.evaluate("axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })");
  return result.violations.map((v: any) => `${v.id}: ${v.nodes.map((n: any) => n.target.join(' ')).join(', ')}`);
}

/** Replaces the text of the Monaco editor inside `selector` (typing would trip its auto-closing brackets). */
async function setEditor(selector: string, text: string) {
  await page.click(`${selector} .graphiql-editor:not(.hidden) .view-lines`);
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
}

describe('the analysts\' workbench', () => {
  test('GraphiQL loads from the gateway alone, with the schema in its docs explorer and the examples as tabs', async () => {
    await page.goto(`${origin}/graphiql/`);
    await page.waitForSelector('.graphiql-container');
    const names = readdirSync(OPERATIONS).filter((f) => f.endsWith('.graphql'));
    await page.waitForFunction(`document.querySelectorAll('.graphiql-tab').length === ${names.length}`);
    const tabs = await page.$$eval('.graphiql-tab .graphiql-tab-button', (t) => t.map((x) => x.textContent?.trim()));
    expect(tabs).toEqual(expect.arrayContaining(['RegionOverview', 'TopProjects', 'KommunProjects', 'UpdateProject']));
    // The schema, introspected anonymously as a trusted document, in the docs explorer.
    await page.click('button[aria-label="Show Documentation Explorer"]');
    await page.click('.graphiql-doc-explorer-content a.graphiql-doc-explorer-type-name:text-is("Query")');
    await page.waitForSelector('.graphiql-doc-explorer-field-name:has-text("projectStats")');
    const fields = await page.$$eval('.graphiql-doc-explorer-field-name', (f) => f.map((x) => x.textContent));
    expect(fields).toEqual(expect.arrayContaining(['region', 'municipalities', 'projects', 'projectStats', 'developmentAreas']));
    expect(blocked).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  test('an example operation runs with the token set in the headers editor, and its list exports as CSV', async () => {
    await page.click('.graphiql-tab .graphiql-tab-button:text-is("RegionOverview")');
    // Without a token this gateway runs only trusted documents: the example is refused, and says why.
    await page.click('.graphiql-execute-button');
    await page.waitForSelector('.result-window:has-text("TRUSTED_DOCUMENTS_ONLY")');
    await page.click('button:text-is("Headers")');
    await setEditor('.graphiql-editor-tool', JSON.stringify({ Authorization: `Bearer ${analyst}` }));
    await page.click('.graphiql-execute-button');
    await page.waitForSelector('.result-window:has-text("Göteborgsregionen")');
    const { body } = await region.gql(readFileSync(join(OPERATIONS, 'region-overview.graphql'), 'utf8'), {}, analyst);
    expect(body.errors).toBeUndefined();

    await page.click('#csv-read');
    expect(await page.$$eval('#csv-list option', (o) => o.map((x) => x.textContent))).toEqual([
      `region.members (${(body.data as any).region.members.length} rader)`,
      `projectStats (${(body.data as any).projectStats.length} rader)`,
    ]);
    await page.selectOption('#csv-list', { index: 1 });
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#csv-download')]);
    expect(download.suggestedFilename()).toBe('RegionOverview-projectStats.csv');
    const rows = parse(readFileSync((await download.path())!, 'utf8'), { bom: true, columns: true }) as Array<Record<string, string>>;
    expect(rows.map((r) => [r['municipality.code'], r['municipality.name'], Number(r.count), r.budgetTotal === '' ? null : Number(r.budgetTotal)])).toEqual(
      (body.data as any).projectStats.map((g: any) => [g.municipality.code, g.municipality.name, g.count, g.budgetTotal]),
    );
    expect(blocked).toEqual([]);
  });

  test('axe-core finds no WCAG 2.1 AA violation on the workbench: its editors, its docs explorer, a result and the export', async () => {
    // The page as the previous test left it: a result shown, the export's list picker open.
    expect(await page.$('#csv-list')).not.toBeNull();
    expect(await axeViolations()).toEqual([]);
    await page.goto(`${origin}/graphiql/`);
    await page.waitForSelector('.graphiql-tab');
    expect(await axeViolations()).toEqual([]);
    // GraphiQL remembers that its docs explorer was open.
    if (await page.$('button[aria-label="Show Documentation Explorer"]')) await page.click('button[aria-label="Show Documentation Explorer"]');
    await page.waitForSelector('.graphiql-doc-explorer');
    if (!(await page.$('.graphiql-doc-explorer-field-name'))) await page.click('.graphiql-doc-explorer-content a.graphiql-doc-explorer-type-name:text-is("Query")');
    await page.waitForSelector('.graphiql-doc-explorer-field-name');
    expect(await axeViolations()).toEqual([]);
  });

  test('the dashboard links to the workbench, and the workbench back', async () => {
    await page.goto(`${origin}/`);
    await page.click('#to-workbench');
    await page.waitForSelector('.graphiql-container');
    expect(new URL(page.url()).pathname).toBe('/graphiql/');
    await page.click('.samverkan-home');
    await page.waitForSelector('main[aria-busy="false"][data-ready]');
    expect(new URL(page.url()).pathname).toBe('/');
  });
});

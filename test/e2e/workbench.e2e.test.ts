import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { axeViolations, launchLocalBrowser, type LocalBrowser } from './browser';
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
let browser: LocalBrowser;
let page: Page;
let analyst: string;
let origin: string;
let blocked: string[] = [];
const pageErrors: string[] = [];

beforeAll(async () => {
  if (!existsSync(join(DIST, 'graphiql/index.html'))) execFileSync('npm', ['run', 'build:dashboard'], { cwd: ROOT, stdio: 'ignore' });
  region = await startE2ERegion({ syntheticProjects: 5, gatewayEnv: { TRUSTED_DOCUMENTS_ONLY_FOR_ANONYMOUS: 'true' } });
  origin = new URL(region.gatewayUrl).origin;
  analyst = await region.token({ role: 'region-editor', subject: 'e2e-workbench-analyst' });
  browser = await launchLocalBrowser({ width: 1400, height: 900 });
  ({ page, blocked } = browser);
  page.on('pageerror', (e) => pageErrors.push(e.message));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await region?.stop();
});


/** Replaces the text of the Monaco editor inside `selector` (typing would trip its auto-closing brackets). */
async function setEditor(selector: string, text: string) {
  await page.click(`${selector} .graphiql-editor:not(.hidden) .view-lines`);
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
}

describe("the analysts' workbench", () => {
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
    expect(await axeViolations(page)).toEqual([]);
    await page.goto(`${origin}/graphiql/`);
    await page.waitForSelector('.graphiql-tab');
    expect(await axeViolations(page)).toEqual([]);
    // GraphiQL remembers that its docs explorer was open.
    if (await page.$('button[aria-label="Show Documentation Explorer"]')) await page.click('button[aria-label="Show Documentation Explorer"]');
    await page.waitForSelector('.graphiql-doc-explorer');
    if (!(await page.$('.graphiql-doc-explorer-field-name'))) await page.click('.graphiql-doc-explorer-content a.graphiql-doc-explorer-type-name:text-is("Query")');
    await page.waitForSelector('.graphiql-doc-explorer-field-name');
    expect(await axeViolations(page)).toEqual([]);
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

describe("a kommun editor's import of projects", () => {
  const HEADER = ['kommunkod', 'titel', 'status', 'startdatum', 'slutdatum', 'total_budget', 'eu_medfinansiering', 'utvecklingsomraden', 'finansiering'];
  const goodRows = [
    ['1440', 'Importtest Ale ett', 'ONGOING', '2025-01-01', '2026-12-31', 1000000, 400000, 'EU-FUNDS', 'ESFPLUS-2021-2027=400000'],
    ['1440', 'Importtest Ale två', 'PLANNED', '2025-03-01', '', 250000, '', 'EU-COMPETENCE EU-NETWORKS', ''],
    ['1440', 'Importtest Ale tre', 'COMPLETED', '2024-01-15', '2024-12-31', '', '', '', ''],
  ];
  let editor: string;
  const imported = async (prefix: string) => {
    const { body } = await region.gql('query($f: ProjectFilter) { projects(filter: $f, first: 100) { totalCount nodes { title status budget { total } developmentAreas { code } funding { programme { code } amount } } } }', { f: { municipalities: ['1440'], text: prefix } }, analyst);
    return (body.data as any).projects;
  };
  const openImport = async () => {
    await page.goto(`${origin}/?vy=import`);
    await page.waitForSelector('#panel-import');
    await page.fill('#import-token', editor);
  };

  beforeAll(async () => {
    editor = await region.token({ role: 'kommun-editor', subject: 'e2e-import-editor', municipality: '1440' });
  });

  test('the template downloads as CSV and as Excel, with the columns and an example row', async () => {
    const csv = await fetch(`${origin}/import/template.csv`);
    expect(csv.headers.get('content-disposition')).toContain('samverkan-importmall.csv');
    const rows = parse(await csv.text(), { bom: true, delimiter: ';' }) as string[][];
    expect(rows[0]).toEqual(expect.arrayContaining(HEADER));
    expect(rows).toHaveLength(2);
    const xlsx = await fetch(`${origin}/import/template.xlsx`);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await xlsx.arrayBuffer());
    expect(workbook.worksheets[0].getRow(1).values).toEqual([undefined, ...rows[0]]);
    expect(workbook.worksheets[0].getRow(2).getCell(1).value).toBe('1480');
  });

  test('a good Excel file is previewed row by row, then every row is created, as the API shows', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('projekt');
    sheet.addRow(HEADER);
    for (const r of goodRows) sheet.addRow(r.map((c) => (c === '' ? null : c)));
    const file = Buffer.from(await workbook.xlsx.writeBuffer());
    expect((await imported('Importtest')).totalCount).toBe(0);
    await openImport();
    await page.setInputFiles('#import-file', { name: 'projekt.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: file });
    await page.click('#import-form button[type=submit]');
    await page.waitForSelector('#import-commit');
    expect(await page.$$eval('#import-preview tbody tr', (r) => r.map((x) => [x.getAttribute('data-row'), x.children[1].textContent]))).toEqual(goodRows.map((r, i) => [String(i + 2), r[1]]));
    expect(await axeViolations(page)).toEqual([]);
    await page.click('#import-commit');
    await page.waitForSelector('#import-done');
    const projects = await imported('Importtest');
    expect(projects.totalCount).toBe(3);
    expect(projects.nodes.map((p: any) => [p.title, p.status, p.budget.total, p.developmentAreas.map((a: any) => a.code).sort(), p.funding.map((f: any) => [f.programme.code, f.amount])]).sort()).toEqual(
      [
        ['Importtest Ale ett', 'ONGOING', 1000000, ['EU-FUNDS'], [['ESFPLUS-2021-2027', 400000]]],
        ['Importtest Ale tre', 'COMPLETED', null, [], []],
        ['Importtest Ale två', 'PLANNED', 250000, ['EU-COMPETENCE', 'EU-NETWORKS'], []],
      ].sort(),
    );
  });

  test('a CSV file with one bad row creates none, and the page names the row and the column', async () => {
    const rows = goodRows.map((r) => r.map((c) => String(c).replace('Importtest', 'Feltest')));
    rows[1][2] = 'PÅGÅR';
    const csv = `\ufeff${[HEADER, ...rows].map((r) => r.join(';')).join('\r\n')}\r\n`;
    await openImport();
    await page.setInputFiles('#import-file', { name: 'projekt.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.click('#import-form button[type=submit]');
    await page.waitForSelector('#import-problems');
    expect(await page.$$eval('#import-problems tbody tr', (r) => r.map((x) => [x.getAttribute('data-row'), x.getAttribute('data-column')]))).toEqual([['3', 'status']]);
    expect(await page.textContent('#import-problems tbody tr')).toContain('PÅGÅR');
    expect(await page.$('#import-commit')).toBeNull();
    expect(await axeViolations(page)).toEqual([]);
    expect((await imported('Feltest')).totalCount).toBe(0);
  });

  test('a row the kommun refuses when importing is named by its row in the file, and nothing is created', async () => {
    // The file passes the gateway's checks; the kommun's own rules (a summary of at most 5,000 characters) refuse its row 3.
    const rows = goodRows.map((r) => [...r.map((c) => String(c).replace('Importtest', 'Sentest')), 'Kort sammanfattning']);
    rows[1][HEADER.length] = 'x'.repeat(5001);
    const csv = `${[[...HEADER, 'sammanfattning'], ...rows].map((r) => r.join(';')).join('\n')}\n`;
    await openImport();
    await page.setInputFiles('#import-file', { name: 'projekt.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.click('#import-form button[type=submit]');
    await page.waitForSelector('#import-commit');
    await page.click('#import-commit');
    await page.waitForSelector('#import-problems');
    expect(await page.$$eval('#import-problems tbody tr', (r) => r.map((x) => [x.getAttribute('data-row'), x.getAttribute('data-column')]))).toEqual([['3', 'summary']]);
    expect((await imported('Sentest')).totalCount).toBe(0);
  });

  test('axe-core finds no WCAG 2.1 AA violation on the import page', async () => {
    await page.goto(`${origin}/?vy=import`);
    await page.waitForSelector('#panel-import');
    expect(await axeViolations(page)).toEqual([]);
  });
});

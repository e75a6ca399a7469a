import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import type { Page } from 'playwright-core';
import { Fund } from '@samverkan/contract';
import { axeViolations, launchLocalBrowser, type LocalBrowser } from './browser';
import { eventually, startE2ERegion, type E2ERegion } from './harness';

/**
 * The regional dashboard in a real browser (Debian's Chromium, driven by playwright-core) against
 * a whole region whose gateway holds anonymous callers to the trusted documents: the page works
 * on its trusted documents alone. The network is limited to localhost; anything else the page
 * asks for is blocked and fails the test. Every figure on the page is checked against what the
 * API answers for the same filter, asked with a token (ad-hoc queries need one here).
 */
const ROOT = join(__dirname, '../..');
const DIST = join(ROOT, 'dashboard/dist');
const ARTIFACTS = join(ROOT, 'test/artifacts');
const operation = (name: string) => readFileSync(join(ROOT, 'dashboard/src/operations', `${name}.graphql`), 'utf8').trim();
const GROUPINGS = ['byArea', 'byMunicipality', 'byProgramme', 'byFund', 'byStatus', 'byStartYear'] as const;

let region: E2ERegion;
let browser: LocalBrowser;
let page: Page;
let reader: string;
let origin: string;
/** Requests the page made that were not to this machine. */
let blocked: string[] = [];
const consoleErrors: string[] = [];

beforeAll(async () => {
  if (!existsSync(join(DIST, 'index.html'))) execFileSync('npm', ['run', 'build:dashboard'], { cwd: ROOT, stdio: 'ignore' });
  region = await startE2ERegion({ proxied: true, syntheticProjects: 25, gatewayEnv: { TRUSTED_DOCUMENTS_ONLY_FOR_ANONYMOUS: 'true' } });
  origin = new URL(region.gatewayUrl).origin;
  reader = await region.token({ role: 'region-editor', subject: 'e2e-dashboard-reader' });
  browser = await launchLocalBrowser({ width: 1280, height: 900 });
  ({ page, blocked } = browser);
  page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
  mkdirSync(ARTIFACTS, { recursive: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await region?.stop();
});

/** The API's answer to one of the dashboard's documents, asked ad hoc with a token. */
async function api(name: string, variables: Record<string, unknown> = {}) {
  const { body } = await region.gql(operation(name), variables, reader);
  return body;
}

/** Opens the page at `search` and waits until its content is drawn. */
async function open(search = '') {
  await page.goto(`${origin}/${search}`);
  await page.waitForSelector('main[aria-busy="false"][data-ready]');
}

/** A stats panel's table as { key: [count, budgetTotal, euCofinancing, fundingAmount] }. */
async function panelRows(id: string): Promise<Record<string, number[]>> {
  return page.$$eval(`#panel-${id} tbody tr`, (rows) =>
    Object.fromEntries(rows.map((r) => [r.getAttribute('data-key'), [...r.querySelectorAll('td')].map((td) => Number(td.getAttribute('data-value')))])),
  );
}
const apiRows = (groups: any[]) => Object.fromEntries(groups.map((g) => [g.key, [g.count, g.budgetTotal, g.euCofinancing, g.fundingAmount]]));

/** Every panel on the page shows what the API answers for `filter`. */
async function expectPanelsToMatch(filter: Record<string, unknown>) {
  const stats = await api('DashboardStats', { filter });
  expect(stats.errors).toBeUndefined();
  for (const g of GROUPINGS) expect(await panelRows(g)).toEqual(apiRows(stats.data[g]));
  const total = await page.$$eval('#panel-total [data-figure] dd', (dds) => dds.map((d) => Number(d.getAttribute('data-value'))));
  expect(total).toEqual([stats.data.total[0].count, stats.data.total[0].budgetTotal, stats.data.total[0].euCofinancing]);
  const initiatives = await api('Initiatives', { filter });
  const shown = await page.$$eval('#panel-initiatives tbody tr', (rows) => Object.fromEntries(rows.map((r) => [r.getAttribute('data-key'), Number(r.lastElementChild!.getAttribute('data-value'))])));
  expect(shown).toEqual(Object.fromEntries(initiatives.data.jointInitiatives.map((i: any) => [i.id, i.projects.totalCount])));
  const codes = filter.municipalities as string[] | undefined;
  const inScope = (code: string) => !codes || codes.includes(code);
  const networks = (await api('Networks')).data.networks
    .map((n: any) => [n.id, n.memberships.filter((m: any) => inScope(m.municipality.code)).length])
    .filter(([, n]: any) => n > 0);
  expect(await page.$$eval('#panel-networks tbody tr', (rows) => rows.map((r) => [r.getAttribute('data-key'), Number(r.lastElementChild!.getAttribute('data-value'))]))).toEqual(networks);
  const twins = (await api('TwinTowns')).data.municipalities.filter((m: any) => inScope(m.code)).flatMap((m: any) => m.twinTowns.map((t: any) => t.id));
  expect(await page.$$eval('#panel-twinTowns tbody tr', (rows) => rows.map((r) => r.getAttribute('data-key')))).toEqual(twins);
}

test('the dashboard loads from the gateway alone, in Swedish, with live updates on', async () => {
  await open();
  expect(await page.title()).toMatch(/Samverkan/);
  expect(await page.getAttribute('html', 'lang')).toBe('sv');
  await page.waitForSelector('#live[data-live="true"]');
  expect(await page.$$eval('section.panel', (s) => s.map((e) => e.id))).toEqual(
    expect.arrayContaining(['panel-total', ...GROUPINGS.map((g) => `panel-${g}`), 'panel-initiatives', 'panel-networks', 'panel-twinTowns']),
  );
  // Every chart has its table.
  expect(await page.$$eval('canvas', (c) => c.every((x) => x.closest('section')!.querySelector('table')))).toBe(true);
  await page.screenshot({ path: join(ARTIFACTS, 'dashboard.png'), fullPage: true });
  expect(blocked).toEqual([]);
  expect(consoleErrors).toEqual([]);
});

test('each panel shows what the API answers', async () => {
  await open();
  await expectPanelsToMatch({});
});

test('a filter changes every panel and the URL; English keeps it', async () => {
  await open();
  const before = await panelRows('byMunicipality');
  await page.selectOption('#f-kommun', ['1480', '1401']);
  await page.selectOption('#f-status', 'ONGOING');
  await page.click('form.filters button[type=submit]');
  await page.waitForURL(/kommun=1480%2C1401|kommun=1480,1401/);
  await page.waitForSelector('main[aria-busy="false"]');
  const url = new URL(page.url());
  expect(url.searchParams.get('kommun')).toBe('1480,1401');
  expect(url.searchParams.get('status')).toBe('ONGOING');
  const filter = { municipalities: ['1480', '1401'], status: ['ONGOING'] };
  await expectPanelsToMatch(filter);
  expect(Object.keys(await panelRows('byMunicipality')).sort()).toEqual(['MUNICIPALITY=1401', 'MUNICIPALITY=1480']);
  expect(Object.keys(before).length).toBe(13);
  // A shared link opens the same view.
  await open(url.search);
  await expectPanelsToMatch(filter);
  await page.click('header a[lang="en"]');
  await page.waitForSelector('html[lang="en"]');
  expect(new URL(page.url()).searchParams.get('kommun')).toBe('1480,1401');
  expect(await page.textContent('#h-byMunicipality')).toBe('By municipality');
});

/** Every project the API lists for `filter`, walking all pages. */
async function allProjects(filter: Record<string, unknown>): Promise<any[]> {
  const all: any[] = [];
  let after: string | null = null;
  do {
    const { data }: any = await api('Projects', { filter, first: 100, after });
    all.push(...data.projects.nodes);
    after = data.projects.pageInfo.hasNextPage ? data.projects.pageInfo.endCursor : null;
  } while (after);
  return all;
}

/** Sets the period fields and submits the filters. */
async function setPeriod(from: string, to: string) {
  await page.fill('#f-fran', from);
  await page.fill('#f-till', to);
  await page.click('form.filters button[type=submit]');
}

describe('the period filter', () => {
  test('years: every panel shows the API\'s answer for activeDuring, kept in the URL; the exports apply it', async () => {
    await open();
    const unfiltered = await api('DashboardStats', { filter: {} });
    await setPeriod('2019', '2021');
    await page.waitForURL(/fran=2019&till=2021/);
    await page.waitForSelector('main[aria-busy="false"]');
    const filter = { activeDuring: { from: '2019-01-01', to: '2021-12-31' } };
    await expectPanelsToMatch(filter);
    // It changes every stats panel: no grouping answers as it does without the period.
    const filtered = await api('DashboardStats', { filter });
    for (const g of ['total', ...GROUPINGS]) expect([g, apiRows(filtered.data[g])]).not.toEqual([g, apiRows(unfiltered.data[g])]);
    // The list and its export hold the same projects as the API, every page.
    await page.click('#panel-total a:not([data-export])');
    await page.waitForSelector('#panel-projects');
    const all = await allProjects(filter);
    expect(new URL(page.url()).searchParams.get('fran')).toBe('2019');
    const href = (await page.getAttribute('#panel-projects a[data-export="csv"]', 'href'))!;
    const csv = parse(await (await fetch(`${origin}${href}`)).text(), { bom: true, columns: true }) as Array<Record<string, string>>;
    expect(csv.map((r) => r.id)).toEqual(all.map((p) => p.id));
    await open('?fran=2019&till=2021');
    const statsHref = (await page.getAttribute('#panel-byStartYear a[data-export="csv"]', 'href'))!;
    const years = parse(await (await fetch(`${origin}${statsHref}`)).text(), { bom: true, columns: true }) as Array<Record<string, string>>;
    expect(years.map((r) => [Number(r.startar), Number(r.antal_projekt)])).toEqual(filtered.data.byStartYear.map((g: any) => [g.startYear, g.count]));
  });

  test('dates, and an open end: the panels follow; a link of the old running-on date still opens its day', async () => {
    await open();
    await setPeriod('2020-03-15', '');
    await page.waitForURL(/fran=2020-03-15/);
    await page.waitForSelector('main[aria-busy="false"]');
    expect(new URL(page.url()).searchParams.has('till')).toBe(false);
    await expectPanelsToMatch({ activeDuring: { from: '2020-03-15' } });
    // A link written before the period existed: aktiv=<date> is the period of that one day,
    // whose figures are the API's for activeOn.
    await open('?aktiv=2020-03-15&kommun=1480');
    await expectPanelsToMatch({ municipalities: ['1480'], activeOn: '2020-03-15' });
    expect([await page.inputValue('#f-fran'), await page.inputValue('#f-till')]).toEqual(['2020-03-15', '2020-03-15']);
  });

  test('a value that is not a year or a date, or an end before the start, is named and changes nothing', async () => {
    await open('?fran=2020');
    const before = page.url();
    for (const [from, to, message] of [['förra året', '', /Ange ett år/], ['2021', '2019', /slut får inte ligga före/], ['2021-02-30', '', /Ange ett år/]] as const) {
      await setPeriod(from, to);
      await page.waitForSelector('#f-period-error:not(:empty)');
      expect(await page.textContent('#f-period-error')).toMatch(message);
      expect(await page.$$eval('[aria-invalid="true"]', (e) => e.length)).toBe(1);
      expect(page.url()).toBe(before);
    }
  });
});

test('a start-year bar drills to the list of the projects that started that year, with the other filters', async () => {
  await open('?status=ONGOING&fran=2018');
  const base = { status: ['ONGOING'], activeDuring: { from: '2018-01-01' } };
  const groups = (await api('DashboardStats', { filter: base })).data.byStartYear;
  const bars: Array<[number, number]> = JSON.parse((await page.getAttribute('#panel-byStartYear canvas', 'data-bars'))!);
  expect(bars).toHaveLength(groups.length);
  // The year with the most projects, so that the list has more than one row.
  const i = groups.reduce((best: number, g: any, j: number) => (g.count > groups[best].count ? j : best), 0);
  const year = groups[i].startYear;
  // The panel is below the fold: a click lands only where the page shows.
  await page.locator('#panel-byStartYear canvas').scrollIntoViewIfNeeded();
  const box = (await (await page.$('#panel-byStartYear canvas'))!.boundingBox())!;
  await page.mouse.click(box.x + bars[i][0], box.y + bars[i][1]);
  await page.waitForURL(new RegExp(`startar=${year}`));
  await page.waitForSelector('#panel-projects');
  const url = new URL(page.url());
  expect([url.searchParams.get('status'), url.searchParams.get('fran'), url.searchParams.get('vy')]).toEqual(['ONGOING', '2018', 'projekt']);
  const filter = { ...base, startDate: { from: `${year}-01-01`, to: `${year}-12-31` } };
  const list = await api('Projects', { filter, first: 25 });
  expect(list.data.projects.totalCount).toBe(groups[i].count);
  expect(await page.$$eval('#panel-projects tbody tr', (r) => r.map((x) => x.getAttribute('data-key')))).toEqual(list.data.projects.nodes.map((p: any) => p.id));
  expect(await page.$$eval('#panel-projects tbody tr td:nth-of-type(3)', (r) => r.map((x) => x.textContent!.slice(0, 4)))).toEqual(list.data.projects.nodes.map(() => String(year)));
  expect(await page.textContent('#drill-start-year')).toContain(String(year));
  // Back to the overview ends the drill-down and keeps the filters.
  await page.click('#panel-projects p a');
  await page.waitForSelector('#panel-byStartYear');
  expect(new URL(page.url()).searchParams.has('startar')).toBe(false);
  expect(new URL(page.url()).searchParams.get('fran')).toBe('2018');
});

test('the fund filter offers every fund of the contract, named, or by its code', async () => {
  await open();
  const options = await page.$$eval('#f-fond option', (o) => o.map((x) => [x.getAttribute('value'), x.textContent]));
  expect(options.slice(1).map(([v]) => v)).toEqual(Object.values(Fund));
  expect(options.slice(1).every(([, label]) => !!label?.trim())).toBe(true);
});

test('drill-down goes from a bar to the paged project list and on to a project', async () => {
  await open();
  const bars: Array<[number, number]> = JSON.parse((await page.getAttribute('#panel-byMunicipality canvas', 'data-bars'))!);
  const groups = (await api('DashboardStats', { filter: {} })).data.byMunicipality;
  const box = (await (await page.$('#panel-byMunicipality canvas'))!.boundingBox())!;
  await page.mouse.click(box.x + bars[0][0], box.y + bars[0][1]);
  await page.waitForURL(/vy=projekt/);
  await page.waitForSelector('#panel-projects');
  const code = groups[0].municipality.code;
  expect(new URL(page.url()).searchParams.get('kommun')).toBe(code);
  const list = await api('Projects', { filter: { municipalities: [code] }, first: 25 });
  expect(await page.$$eval('#panel-projects tbody tr', (r) => r.map((x) => x.getAttribute('data-key')))).toEqual(list.data.projects.nodes.map((p: any) => p.id));
  expect(list.data.projects.totalCount).toBe(groups[0].count);
  if (list.data.projects.pageInfo.hasNextPage) {
    await page.click('#next-page');
    await page.waitForURL(/sidor=/);
    await page.waitForSelector('main[aria-busy="false"]');
    const second = await api('Projects', { filter: { municipalities: [code] }, first: 25, after: list.data.projects.pageInfo.endCursor });
    expect(await page.$$eval('#panel-projects tbody tr', (r) => r.map((x) => x.getAttribute('data-key')))).toEqual(second.data.projects.nodes.map((p: any) => p.id));
  }
  const first = await page.$eval('#panel-projects tbody tr th a', (a) => [a.closest('tr')!.getAttribute('data-key'), a.textContent]);
  await page.click('#panel-projects tbody tr th a');
  await page.waitForSelector('#panel-project');
  expect(await page.getAttribute('#panel-project', 'data-id')).toBe(first[0]);
  expect(await page.textContent('#h-project')).toBe(first[1]);
  expect(new URL(page.url()).searchParams.get('id')).toBe(first[0]);
});

test('the project list exports every row of every page as CSV and Excel, numbers as numbers', async () => {
  await open('?vy=projekt');
  const all: any[] = [];
  let after: string | null = null;
  do {
    const { data }: any = await api('Projects', { filter: {}, first: 100, after });
    all.push(...data.projects.nodes);
    after = data.projects.pageInfo.hasNextPage ? data.projects.pageInfo.endCursor : null;
  } while (after);
  expect(all.length).toBeGreaterThan(100 * 2);

  const [csvDownload] = await Promise.all([page.waitForEvent('download'), page.click('#panel-projects a[data-export="csv"]')]);
  const csv = parse(readFileSync((await csvDownload.path())!, 'utf8'), { bom: true, columns: true }) as Array<Record<string, string>>;
  expect(csv.map((r) => r.id)).toEqual(all.map((p) => p.id));
  expect(csv.map((r) => [r.titel, r.kommunkod, r.total_budget === '' ? null : Number(r.total_budget)])).toEqual(all.map((p) => [p.title, p.municipality.code, p.budget.total]));

  const [xlsxDownload] = await Promise.all([page.waitForEvent('download'), page.click('#panel-projects a[data-export="xlsx"]')]);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile((await xlsxDownload.path())!);
  const sheet = workbook.worksheets[0];
  expect(sheet.rowCount).toBe(all.length + 1);
  const budgets = all.map((_, i) => sheet.getRow(i + 2).getCell(9).value);
  expect(budgets).toEqual(all.map((p) => p.budget.total));
  expect(budgets.filter((b) => b !== null).every((b) => typeof b === 'number')).toBe(true);
});

test('a stats panel exports its groups as CSV, as the API answers them', async () => {
  const res = await fetch(`${origin}/export/stats.csv?groupBy=MUNICIPALITY&filter=${encodeURIComponent(JSON.stringify({ status: ['ONGOING'] }))}`);
  expect(res.status).toBe(200);
  const rows = parse(await res.text(), { bom: true, columns: true }) as Array<Record<string, string>>;
  const { data } = await api('DashboardStats', { filter: { status: ['ONGOING'] } });
  expect(rows.map((r) => [r.kommunkod, Number(r.antal_projekt), Number(r.total_budget)])).toEqual(data.byMunicipality.map((g: any) => [g.municipality.code, g.count, g.budgetTotal]));
  const bad = await fetch(`${origin}/export/stats.csv?groupBy=NOPE`);
  expect(bad.status).toBe(400);
  expect(((await bad.json()) as any).errors[0].extensions.code).toBe('BAD_USER_INPUT');
});

test('a project created through the API appears without a reload', async () => {
  await open();
  await page.waitForSelector('#live[data-live="true"]');
  const before = Number(await page.getAttribute('#panel-total [data-figure="count"] dd', 'data-value'));
  const editor = await region.token({ role: 'kommun-editor', subject: 'e2e-dashboard-editor', municipality: '1440' });
  const { body } = await region.gql('mutation($i: ProjectInput!) { createProject(input: $i) { id } }', { i: { municipality: '1440', title: 'Live på översikten', status: 'ONGOING', startDate: '2025-01-01', budget: { total: 1000 } } }, editor);
  expect(body.errors).toBeUndefined();
  await eventually('the new project counted on the page', async () => Number(await page.getAttribute('#panel-total [data-figure="count"] dd', 'data-value')) === before + 1);
  await expectPanelsToMatch({});
});

test('a kommun that stops answering shows as missing next to every figure it affects', async () => {
  const proxy = region.proxies.get('1440')!;
  proxy.state.failHttp = true;
  try {
    await open();
    for (const id of ['total', ...GROUPINGS, 'initiatives', 'twinTowns']) {
      expect(await page.$eval(`#panel-${id} .coverage`, (e) => [e.getAttribute('data-missing'), e.textContent])).toEqual(['1440', '12 av 13 kommuner (saknas: Ale)']);
    }
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-missing-kommun.png'), fullPage: true });
  } finally {
    proxy.state.failHttp = false;
  }
  await open();
  expect(await page.$$('.coverage')).toHaveLength(0);
});

test('axe-core finds no WCAG 2.1 AA violation on the overview, the list and a project', async () => {
  for (const search of ['', '?fran=2019&till=2021', '?vy=projekt&startar=2020', '?vy=projektkort&id=1480:project:1']) {
    await open(search);
    // The tables behind the charts are checked open, as a reader opens them.
    await page.evaluate("document.querySelectorAll('details').forEach((d) => (d.open = true))");
    expect([search, await axeViolations(page)]).toEqual([search, []]);
  }
  writeFileSync(join(ARTIFACTS, 'axe.txt'), 'no WCAG 2.1 AA violations\n');
});

describe('trusted documents, with TRUSTED_DOCUMENTS_ONLY_FOR_ANONYMOUS=true', () => {
  const manifest = () => JSON.parse(readFileSync(join(DIST, 'trusted-documents.json'), 'utf8')) as Record<string, string>;
  const post = (body: unknown, token?: string) =>
    fetch(region.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));
  const catalogueHash = () => Object.entries(manifest()).find(([, d]) => d.startsWith('query Catalogue'))![0];

  test('an anonymous caller runs a trusted document by its hash, or by its text', async () => {
    const byHash = await post({ extensions: { persistedQuery: { version: 1, sha256Hash: catalogueHash() } } });
    expect(byHash.status).toBe(200);
    expect(byHash.body.data.region.members).toHaveLength(13);
    const byText = await post({ query: manifest()[catalogueHash()] });
    expect(byText.body.data.region.members).toHaveLength(13);
  });

  test('an anonymous ad-hoc query, or an unknown hash, is refused and runs nothing; with a token it runs', async () => {
    const adHoc = await post({ query: '{ region { name } }' });
    expect(adHoc.status).toBe(401);
    expect(adHoc.body.errors[0].extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'TRUSTED_DOCUMENTS_ONLY' });
    expect(adHoc.body.data).toBeUndefined();
    const unknown = await post({ extensions: { persistedQuery: { version: 1, sha256Hash: '0'.repeat(64) } } });
    expect(unknown.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    const withToken = await post({ query: '{ region { name } }' }, reader);
    expect(withToken.body).toEqual({ data: { region: { name: expect.any(String) } } });
  });

  test('over graphql-ws too: an anonymous ad-hoc subscription is refused, the trusted one runs', async () => {
    const client = createClient({ url: region.gatewayUrl.replace('http', 'ws'), webSocketImpl: WebSocket, retryAttempts: 0 });
    try {
      const first = (query: string) =>
        new Promise<any>((resolve) => {
          const stop = client.subscribe({ query }, { next: (v) => (stop(), resolve(v)), error: (e) => resolve({ errors: e }), complete: () => undefined });
          setTimeout(() => (stop(), resolve('pending')), 1500);
        });
      const refused = await first('subscription { projectChanged { projectId } }');
      expect(JSON.stringify(refused)).toContain('TRUSTED_DOCUMENTS_ONLY');
      // The trusted subscription is accepted: it waits for a change instead of being refused.
      expect(await first(operation('ProjectChanged'))).toBe('pending');
    } finally {
      await client.dispose();
    }
  });
});

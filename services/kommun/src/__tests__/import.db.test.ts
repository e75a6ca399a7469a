import { snapshot, startKommun, type KommunHarness } from './harness';

/**
 * importProjects: an editor's spreadsheet of projects, created in one transaction with an audit row
 * each, or refused whole with every wrong field named by its row.
 */

let h: KommunHarness;
let editor: string;

beforeAll(async () => {
  h = await startKommun(['1480', '1481']);
  editor = await h.editor('1480');
});
afterAll(() => h.stop());

const IMPORT = `mutation($municipality: ID!, $input: [ProjectInput!]!, $dryRun: Boolean) {
  importProjects(municipality: $municipality, input: $input, dryRun: $dryRun) {
    dryRun count
    projects { id title status startDate endDate budget { total euCofinancing currency } funding { programme { code } fund amount } developmentAreas { code } municipality { code } }
  }
}`;

const row = (i: number, extra: Record<string, unknown> = {}) => ({
  municipality: '1480',
  title: `Importerat projekt ${i}`,
  status: 'ONGOING',
  startDate: '2025-01-01',
  endDate: '2026-12-31',
  budget: { total: 1000 * i, euCofinancing: 500 * i, currency: 'SEK' },
  funding: [{ programme: 'ESFPLUS-2021-2027', amount: 500 * i }],
  developmentAreas: ['EU-FUNDS'],
  ...extra,
});

const importedCount = async () => Number((await h.server.db.query(`SELECT count(*) AS n FROM project WHERE title LIKE 'Importerat projekt%'`))[0].n);

test('a good file creates every row, in order, each with its audit row', async () => {
  const rows = [1, 2, 3].map((i) => row(i));
  const { body } = await h.gql(IMPORT, { municipality: '1480', input: rows }, editor);
  expect(body.errors).toBeUndefined();
  const result = body.data.importProjects;
  expect(result).toMatchObject({ dryRun: false, count: 3 });
  expect(result.projects.map((p: any) => [p.title, p.municipality.code, p.budget.total, p.funding[0].fund, p.developmentAreas[0].code])).toEqual([
    ['Importerat projekt 1', '1480', 1000, 'ESF', 'EU-FUNDS'],
    ['Importerat projekt 2', '1480', 2000, 'ESF', 'EU-FUNDS'],
    ['Importerat projekt 3', '1480', 3000, 'ESF', 'EU-FUNDS'],
  ]);
  // Readable through the public queries.
  for (const p of result.projects) expect((await h.gql('query($id: ID!) { project(id: $id) { title } }', { id: p.id })).body.data.project.title).toBe(p.title);
  const audit = await h.server.db.query(`SELECT entity_id, operation, actor_subject, before, after FROM audit_log WHERE operation = 'importProjects' ORDER BY id`);
  expect(audit.map((a: any) => [a.entity_id, a.actor_subject, a.before, a.after.title, a.after.funding[0].programme])).toEqual(
    result.projects.map((p: any) => [p.id, 'editor-1480', null, p.title, 'ESFPLUS-2021-2027']),
  );
  await h.server.db.query(`DELETE FROM project WHERE title LIKE 'Importerat projekt%'`);
});

test('a file with one bad row creates none, and the error names the row and the field', async () => {
  const before = await snapshot(h);
  const rows = [1, 2, 3, 4, 5].map((i) => row(i));
  rows[3] = row(4, { endDate: '2024-12-31' });
  const { body } = await h.gql(IMPORT, { municipality: '1480', input: rows }, editor);
  expect(body.data).toBeNull();
  expect(body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'input[3].endDate' }] });
  expect(body.errors[0].message).toMatch(/^Invalid input: nothing was imported\. input\[3\]\.endDate: must not be before the start date 2025-01-01/);
  // A value no date can be is refused before the import runs, naming the row too.
  rows[3] = row(4, { startDate: '2025-02-30' });
  const date = await h.gql(IMPORT, { municipality: '1480', input: rows }, editor);
  expect(date.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
  expect(date.body.errors[0].message).toMatch(/input\[3\]\.startDate|\$input\[3\]\.startDate|"input\[3\]\.startDate"/);
  expect(await snapshot(h)).toEqual(before);
});

test('every wrong row is named, with each rule of createProject and the kommun of each row', async () => {
  const before = await snapshot(h);
  const rows = [
    row(0),
    row(1, { title: '' }),
    row(2, { endDate: '2024-01-01' }),
    row(3, { budget: { total: 100, euCofinancing: 200 } }),
    row(4, { budget: { total: -1 } }),
    row(5, { municipality: '1481' }),
    row(6, { funding: [{ programme: 'NOT-IN-CATALOGUE', amount: 1 }] }),
    row(7, { developmentAreas: ['EU-FUNDS', 'NO-SUCH-AREA'] }),
    row(8, { initiative: 'no-such-initiative' }),
    row(9, { initiative: 'eu-handslag', developmentAreas: ['EU-NETWORKS'] }),
  ];
  const { body } = await h.gql(IMPORT, { municipality: '1480', input: rows }, editor);
  expect(body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
  expect(body.errors[0].extensions.fields.map((f: any) => f.field)).toEqual([
    'input[1].title',
    'input[2].endDate',
    'input[3].budget.euCofinancing',
    'input[4].budget.total',
    'input[5].municipality',
    'input[6].funding[0].fund',
    'input[7].developmentAreas',
    'input[8].initiative',
  ]);
  // Codes the region's catalogue does not know are named, as the catalogue's own are let through (row 9).
  expect(body.errors[0].message).toContain("input[7].developmentAreas: NO-SUCH-AREA is not a development area of the region's catalogue");
  expect(body.errors[0].message).toContain("input[8].initiative: no-such-initiative is not a joint initiative of the region's catalogue");
  // A row without what ProjectInput's type requires is refused by GraphQL before the import runs, naming the row and the field.
  for (const [extra, message] of [
    [{ title: undefined }, /at "input\[10\]"; Field "title" of required type "String!" was not provided/],
    [{ status: null }, /at "input\[10\]\.status"; Expected non-nullable type "ProjectStatus!" not to be null/],
    [{ startDate: undefined }, /at "input\[10\]"; Field "startDate" of required type "LocalDate!" was not provided/],
  ] as const) {
    const missing = await h.gql(IMPORT, { municipality: '1480', input: [...rows, row(10, extra)] }, editor);
    expect(missing.body.data ?? null).toBeNull();
    expect(missing.body.errors.map((e: any) => [e.extensions.code, e.message])).toEqual([['BAD_USER_INPUT', expect.stringMatching(message)]]);
  }
  expect(await snapshot(h)).toEqual(before);
});

test('a dry run checks and runs everything, then changes nothing', async () => {
  const before = await snapshot(h);
  const { body } = await h.gql(IMPORT, { municipality: '1480', input: [row(1), row(2)], dryRun: true }, editor);
  expect(body.errors).toBeUndefined();
  expect(body.data.importProjects).toEqual({ dryRun: true, count: 2, projects: [] });
  expect(await snapshot(h)).toEqual(before);
  // A dry run of a bad file is refused as the import would be.
  const bad = await h.gql(IMPORT, { municipality: '1480', input: [row(1), row(2, { endDate: '2024-01-01' })], dryRun: true }, editor);
  expect(bad.body.errors[0].extensions.fields.map((f: any) => f.field)).toEqual(['input[1].endDate']);
  expect(await snapshot(h)).toEqual(before);
});

test("another kommun's editor, or no token, is refused and nothing changes", async () => {
  const before = await snapshot(h);
  const other = await h.gql(IMPORT, { municipality: '1480', input: [row(1)] }, await h.editor('1481'));
  expect(other.body.errors[0].extensions.code).toBe('FORBIDDEN');
  // Naming its own kommun does not let it write rows of another.
  const rows = await h.gql(IMPORT, { municipality: '1481', input: [row(1)] }, await h.editor('1481'));
  expect(rows.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'input[0].municipality' }] });
  const anonymous = await h.gql(IMPORT, { municipality: '1480', input: [row(1)] });
  expect(anonymous.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  expect(await snapshot(h)).toEqual(before);
});

test('the row limit: an empty file and one of more than 5,000 rows are refused, saying why', async () => {
  const empty = await h.gql(IMPORT, { municipality: '1480', input: [] }, editor);
  expect(empty.body.errors[0]).toMatchObject({ message: 'Invalid input: input: holds no rows.', extensions: { code: 'BAD_USER_INPUT' } });
  const rows = Array.from({ length: 5001 }, (_, i) => ({ municipality: '1480', title: `Importerat projekt ${i}`, status: 'PLANNED', startDate: '2025-01-01' }));
  const tooMany = await h.gql(IMPORT, { municipality: '1480', input: rows }, editor);
  expect(tooMany.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
  expect(tooMany.body.errors[0].message).toMatch(/holds 5001 rows; one import takes at most 5000/);
  expect(await importedCount()).toBe(0);
  // 5,000 rows are one import.
  const { body } = await h.gql(IMPORT, { municipality: '1480', input: rows.slice(0, 5000) }, editor);
  expect(body.errors).toBeUndefined();
  expect(body.data.importProjects.count).toBe(5000);
  expect(await importedCount()).toBe(5000);
  expect(Number((await h.server.db.query(`SELECT count(*) AS n FROM audit_log WHERE operation = 'importProjects'`))[0].n)).toBe(5000 + 3);
}, 60_000);

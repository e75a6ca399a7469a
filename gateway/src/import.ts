/* eslint-disable @typescript-eslint/no-explicit-any -- answers are read in the shape of the query right above each reader */
import express from 'express';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { ProjectStatus } from '@samverkan/contract';
import type { Credentials } from '@samverkan/server-kit';
import { runFor, type Run } from './export';

/**
 * A kommun editor's import of projects from a spreadsheet, the gateway's part: the template to
 * fill in, and the parsing of a filled-in file (CSV or Excel) into the rows of the kommun contract's
 * `importProjects` (ProjectInput), each checked, with every problem named by its spreadsheet row
 * and column. Nothing is written here: the dashboard shows the rows as a preview, and the editor
 * then sends them to `importProjects` through /graphql with the token, where the owning kommun
 * creates all of them in one transaction or none.
 */

/** The most rows one import may hold (as importProjects in the kommun contract). */
export const IMPORT_MAX_ROWS = 5000;
/** The largest file the parser takes. */
const MAX_FILE_BYTES = 10 * 1024 * 1024;
/** The contract's statuses, in its order: one it adds is taken without a change here. */
const STATUSES: readonly string[] = Object.values(ProjectStatus);
const CURRENCIES = ['SEK', 'EUR'];

/** The template's columns, in order: the name in the file, and what it holds. */
export const COLUMNS = [
  ['kommunkod', 'Kommunkod (4 siffror), din kommuns'],
  ['titel', 'Projektets titel (krävs)'],
  ['sammanfattning', 'Kort beskrivning'],
  ['status', `${STATUSES.slice(0, -1).join(', ')} eller ${STATUSES.at(-1)} (krävs)`],
  ['startdatum', 'ÅÅÅÅ-MM-DD (krävs)'],
  ['slutdatum', 'ÅÅÅÅ-MM-DD'],
  ['forvaltning', 'Förvaltning'],
  ['total_budget', 'Tal ≥ 0'],
  ['eu_medfinansiering', 'Tal ≥ 0, högst total_budget'],
  ['valuta', 'SEK eller EUR (SEK om tom)'],
  ['utvecklingsomraden', 'Koder åtskilda med mellanslag, t.ex. EU-FUNDS EU-NETWORKS'],
  ['finansiering', 'Programkod=belopp, flera åtskilda med mellanslag, t.ex. ESFPLUS-2021-2027=500000'],
  ['satsning', 'Gemensam satsning (id), t.ex. halsogreppet'],
] as const;
type Column = (typeof COLUMNS)[number][0];

const EXAMPLE: Record<Column, string | number> = {
  kommunkod: '1480',
  titel: 'Exempel: Kompetenslyft inom välfärden',
  sammanfattning: 'Ett exempel – ersätt eller ta bort raden.',
  status: 'ONGOING',
  startdatum: '2025-01-01',
  slutdatum: '2026-12-31',
  forvaltning: 'Internationella kontoret',
  total_budget: 1000000,
  eu_medfinansiering: 500000,
  valuta: 'SEK',
  utvecklingsomraden: 'EU-FUNDS EU-COMPETENCE',
  finansiering: 'ESFPLUS-2021-2027=500000',
  satsning: '',
};

/** One problem of a file: its spreadsheet row (the header is row 1) and column. */
export interface RowProblem {
  row: number;
  column: string;
  message: string;
}

/** What the parser answers: the rows as importProjects takes them, with their spreadsheet row numbers, and every problem. */
export interface ParsedImport {
  rows: Array<{ row: number; input: Record<string, unknown> }>;
  problems: RowProblem[];
}

/** The region's catalogue, for checking codes. */
export interface Catalogue {
  areas: Set<string>;
  programmes: Map<string, string>;
  initiatives: Set<string>;
}

const CATALOGUE = `query ImportCatalogue { developmentAreas { code } fundingProgrammes { code fund } jointInitiatives { id } }`;

async function readCatalogue(run: Run): Promise<Catalogue> {
  const result = await run(CATALOGUE, {});
  const data = result.data as any;
  if (!data) throw new Error(`the region's catalogue could not be read: ${(result.errors ?? []).map((e) => e.message).join('; ')}`);
  return {
    areas: new Set(data.developmentAreas.map((a: any) => a.code)),
    programmes: new Map(data.fundingProgrammes.map((p: any) => [p.code, p.fund])),
    initiatives: new Set(data.jointInitiatives.map((i: any) => i.id)),
  };
}

/** A real calendar date in ISO form, YYYY-MM-DD. */
function isIsoDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

/** A number as a spreadsheet may write it: 1000000, 1 000 000, 1000000,50. */
function toNumber(value: string): number | null {
  const cleaned = value.replace(/[\s\u00a0]/g, '').replace(',', '.');
  return /^-?\d+(\.\d+)?$/.test(cleaned) ? Number(cleaned) : null;
}

/**
 * Checks one row (its cells by column name) and turns it into a ProjectInput; the problems are
 * added to `problems`. `code` is the editor's kommun.
 */
export function checkRow(cells: Partial<Record<Column, string>>, row: number, code: string, catalogue: Catalogue, problems: RowProblem[]): Record<string, unknown> {
  const problem = (column: Column, message: string) => problems.push({ row, column, message });
  const text = (column: Column) => (cells[column] ?? '').trim();
  const input: Record<string, unknown> = { municipality: code };
  const kommun = text('kommunkod');
  if (kommun && kommun !== code) problem('kommunkod', `måste vara ${code}, din kommun (var ${kommun})`);
  if (!text('titel')) problem('titel', 'krävs');
  else if (text('titel').length > 300) problem('titel', 'får vara högst 300 tecken');
  else input.title = text('titel');
  if (text('sammanfattning')) input.summary = text('sammanfattning');
  const status = text('status').toUpperCase();
  if (!status) problem('status', `krävs: ${STATUSES.join(', ')}`);
  else if (!STATUSES.includes(status)) problem('status', `måste vara ${STATUSES.join(', ')} (var ${text('status')})`);
  else input.status = status;
  for (const [column, field, required] of [['startdatum', 'startDate', true], ['slutdatum', 'endDate', false]] as const) {
    const value = text(column);
    if (!value) {
      if (required) problem(column, 'krävs (ÅÅÅÅ-MM-DD)');
    } else if (!isIsoDate(value)) problem(column, `måste vara ett datum ÅÅÅÅ-MM-DD (var ${value})`);
    else input[field] = value;
  }
  if (typeof input.startDate === 'string' && typeof input.endDate === 'string' && input.endDate < input.startDate) problem('slutdatum', `får inte vara före startdatum ${input.startDate}`);
  if (text('forvaltning')) input.department = text('forvaltning');
  const budget: Record<string, unknown> = {};
  for (const [column, field] of [['total_budget', 'total'], ['eu_medfinansiering', 'euCofinancing']] as const) {
    const value = text(column);
    if (!value) continue;
    const n = toNumber(value);
    if (n === null || n < 0) problem(column, `måste vara ett tal ≥ 0 (var ${value})`);
    else budget[field] = n;
  }
  if (typeof budget.total === 'number' && typeof budget.euCofinancing === 'number' && budget.euCofinancing > budget.total) problem('eu_medfinansiering', `får inte vara större än total_budget ${budget.total}`);
  const currency = text('valuta').toUpperCase();
  if (currency && !CURRENCIES.includes(currency)) problem('valuta', `måste vara SEK eller EUR (var ${text('valuta')})`);
  else if (currency) budget.currency = currency;
  if (Object.keys(budget).length) input.budget = budget;
  const areas = text('utvecklingsomraden').split(/[\s,;]+/).filter(Boolean);
  const unknownAreas = areas.filter((a) => !catalogue.areas.has(a));
  if (unknownAreas.length) problem('utvecklingsomraden', `okänd kod ${unknownAreas.join(', ')}: använd ${[...catalogue.areas].join(', ')}`);
  else if (new Set(areas).size !== areas.length) problem('utvecklingsomraden', 'nämner ett område två gånger');
  else if (areas.length) input.developmentAreas = areas;
  const funding: Array<Record<string, unknown>> = [];
  for (const line of text('finansiering').split(/[\s;]+/).filter(Boolean)) {
    const [programme, amount, ...rest] = line.split('=');
    const n = amount === undefined ? null : toNumber(amount);
    if (rest.length || n === null || n < 0) problem('finansiering', `"${line}" ska vara programkod=belopp, belopp ≥ 0`);
    else if (!catalogue.programmes.has(programme)) problem('finansiering', `okänt program ${programme}: se regionens programkatalog`);
    else funding.push({ programme, fund: catalogue.programmes.get(programme), amount: n });
  }
  if (funding.length) input.funding = funding;
  const initiative = text('satsning');
  if (initiative && !catalogue.initiatives.has(initiative)) problem('satsning', `okänd satsning ${initiative}: använd ${[...catalogue.initiatives].join(', ')}`);
  else if (initiative) input.initiative = initiative;
  return input;
}

/** A cell as text: numbers as written, dates as ISO dates, formulas by their result. */
function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    if ('result' in value) return cellText(value.result as ExcelJS.CellValue);
    if ('richText' in value) return value.richText.map((t) => t.text).join('');
    if ('text' in value) return String(value.text);
    return '';
  }
  return String(value);
}

/** The file's records (header first) as text cells, with the spreadsheet row number of each. */
async function records(file: Buffer, format: 'csv' | 'xlsx'): Promise<Array<{ row: number; cells: string[] }>> {
  if (format === 'csv') {
    // A Swedish Excel saves CSV with semicolons; either is taken.
    const parsed = parse(file, { bom: true, delimiter: [';', ','], relax_column_count: true, skip_empty_lines: false }) as string[][];
    return parsed.map((cells, i) => ({ row: i + 1, cells }));
  }
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(file as unknown as ArrayBuffer);
  const sheet = workbook.worksheets[0];
  const out: Array<{ row: number; cells: string[] }> = [];
  sheet?.eachRow({ includeEmpty: true }, (r, row) => {
    const cells: string[] = [];
    r.eachCell({ includeEmpty: true }, (c, col) => (cells[col - 1] = cellText(c.value)));
    out.push({ row, cells: Array.from(cells, (c) => c ?? '') });
  });
  return out;
}

/** Parses and checks a filled-in template for the kommun `code`. */
export async function parseImport(file: Buffer, format: 'csv' | 'xlsx', code: string, catalogue: Catalogue): Promise<ParsedImport> {
  const all = await records(file, format);
  const [header, ...body] = all;
  const problems: RowProblem[] = [];
  const names = (header?.cells ?? []).map((c) => c.trim().toLowerCase());
  const missing = ['titel', 'status', 'startdatum'].filter((c) => !names.includes(c));
  const unknown = names.filter((n) => n && !COLUMNS.some(([c]) => c === n));
  if (missing.length || unknown.length) {
    const why = [missing.length ? `saknar kolumnen ${missing.join(', ')}` : '', unknown.length ? `okänd kolumn ${unknown.join(', ')}` : ''].filter(Boolean).join('; ');
    return { rows: [], problems: [{ row: 1, column: '', message: `Rubrikraden ${why}: använd mallen (${COLUMNS.map(([c]) => c).join(', ')}).` }] };
  }
  const filled = body.filter((r) => r.cells.some((c) => c.trim()));
  if (!filled.length) return { rows: [], problems: [{ row: 2, column: '', message: 'Filen har inga rader under rubrikraden.' }] };
  if (filled.length > IMPORT_MAX_ROWS) {
    return { rows: [], problems: [{ row: filled[IMPORT_MAX_ROWS].row, column: '', message: `Filen har ${filled.length} rader; en import tar högst ${IMPORT_MAX_ROWS}: dela upp filen.` }] };
  }
  const rows = filled.map((r) => {
    const cells = Object.fromEntries(names.map((n, i) => [n, r.cells[i] ?? ''])) as Partial<Record<Column, string>>;
    return { row: r.row, input: checkRow(cells, r.row, code, catalogue, problems) };
  });
  return { rows, problems };
}

/** The template as CSV (semicolons, as a Swedish Excel reads it) or .xlsx: the header row and one example row. */
async function template(format: 'csv' | 'xlsx', res: express.Response): Promise<void> {
  res.setHeader('content-disposition', `attachment; filename="samverkan-importmall.${format}"`);
  if (format === 'csv') {
    const quote = (v: string | number) => (typeof v === 'number' ? String(v) : /[";\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
    res.type('text/csv; charset=utf-8').send(`\ufeff${[COLUMNS.map(([c]) => c), COLUMNS.map(([c]) => EXAMPLE[c])].map((r) => r.map(quote).join(';')).join('\r\n')}\r\n`);
    return;
  }
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('projekt');
  sheet.addRow(COLUMNS.map(([c]) => c)).font = { bold: true };
  sheet.addRow(COLUMNS.map(([c]) => EXAMPLE[c]));
  sheet.columns.forEach((c, i) => (c.width = Math.max(14, COLUMNS[i][0].length + 2)));
  const help = workbook.addWorksheet('instruktioner');
  help.addRow(['kolumn', 'innehåll']).font = { bold: true };
  for (const [c, what] of COLUMNS) help.addRow([c, what]);
  res.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  await workbook.xlsx.write(res);
  res.end();
}

/**
 * `GET /import/template.csv|xlsx`: the template. `POST /import/parse?format=csv|xlsx` with the
 * file as the body and a kommun editor's token: `{ rows, problems }` for the preview.
 */
export function importRoutes(run: Run, verify: (authorization: string | undefined) => Promise<Credentials>): express.Router {
  const router = express.Router();
  router.get('/import/template.:format', (req, res, next) => {
    const format = req.params.format;
    if (format !== 'csv' && format !== 'xlsx') {
      res.status(404).json({ errors: [{ message: 'The template is template.csv or template.xlsx.', extensions: { code: 'NOT_FOUND' } }] });
      return;
    }
    template(format, res).catch(next);
  });
  router.post('/import/parse', express.raw({ type: () => true, limit: MAX_FILE_BYTES }), async (req, res, next) => {
    try {
      const { identity, rejected } = await verify(req.headers.authorization);
      if (identity?.role !== 'kommun-editor') {
        const [status, code, why] = identity
          ? [403, 'FORBIDDEN', 'only a kommun editor imports projects, into their own kommun']
          : [401, 'UNAUTHENTICATED', rejected ? `the token was refused: ${rejected}` : "send a kommun editor's token"];
        res.status(status).json({ errors: [{ message: `Import: ${why}.`, extensions: { code } }] });
        return;
      }
      const format = req.query.format;
      if (format !== 'csv' && format !== 'xlsx') {
        res.status(400).json({ errors: [{ message: 'format must be csv or xlsx.', extensions: { code: 'BAD_USER_INPUT', argument: 'format' } }] });
        return;
      }
      const file = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      let parsed: ParsedImport;
      try {
        parsed = await parseImport(file, format, identity.municipality, await readCatalogue(runFor(run, req)));
      } catch (err) {
        res.status(400).json({ errors: [{ message: `The file could not be read as ${format}: ${(err as Error).message}`, extensions: { code: 'BAD_USER_INPUT' } }] });
        return;
      }
      res.json({ municipality: identity.municipality, ...parsed });
    } catch (err) {
      next(err);
    }
  });
  return router;
}

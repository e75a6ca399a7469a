/* eslint-disable @typescript-eslint/no-explicit-any -- answers are read in the shape of the query right above each reader */
import type { Writable } from 'node:stream';
import express from 'express';
import { stringify } from 'csv-stringify';
import ExcelJS from 'exceljs';
import type { FormattedExecutionResult, GraphQLFormattedError } from 'graphql';
import { REQUEST_ID_HEADER } from '@samverkan/server-kit';

/**
 * Runs an operation through the gateway as an anonymous reader (reads are public), as part of the
 * HTTP request `requestId` names: each kommun asked gets that id, as for any query.
 */
export type Run = (query: string, variables: Record<string, unknown>, requestId?: string) => Promise<FormattedExecutionResult>;

/** `run` for the request `req` (its id, see assignRequestId, goes with every fetch). */
export function runFor(run: Run, req: express.Request): Run {
  const id = req.headers[REQUEST_ID_HEADER];
  const requestId = typeof id === 'string' ? id : undefined;
  return (query, variables) => run(query, variables, requestId);
}

type Value = string | number | null;
type Row = Value[];
type Lang = 'sv' | 'en';

/** A table the dashboard shows, as rows: its columns (Swedish, English) and its rows, page by page. */
interface Table {
  columns: Array<[string, string]>;
  /** Yields each page's rows; the first page's answer decides the status and headers. */
  pages(run: Run, params: Params): AsyncGenerator<{ rows: Row[]; result: FormattedExecutionResult }>;
}

interface Params {
  filter: Record<string, unknown>;
  groupBy: string[];
  pageSize: number;
}

const PROJECTS = `query ExportProjects($filter: ProjectFilter, $first: Int, $after: String) {
  projects(filter: $filter, orderBy: { field: START_DATE, direction: DESC }, first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes { id title status startDate endDate department budget { total euCofinancing currency } municipality { code name }
      developmentAreas { code } funding { programme { code } } initiative { id } }
  }
}`;
const STATS = `query ExportStats($filter: ProjectFilter, $groupBy: [ProjectDimension!]) {
  projectStats(filter: $filter, groupBy: $groupBy) {
    municipality { code name } developmentArea { code name } programme { code name } fund status startYear initiative { id name }
    count budgetTotal euCofinancing fundingAmount
  }
}`;
const INITIATIVES = `query ExportInitiatives($filter: ProjectFilter) {
  jointInitiatives { id name started lead programme { code } participants { code name } projects(filter: $filter, first: 0) { totalCount } }
}`;
const NETWORKS = `query ExportNetworks { networks { id name memberships { since decidedBy decisionDate forums municipality { code name } } } }`;
const TWIN_TOWNS = `query ExportTwinTowns { municipalities { code name twinTowns { city country since focus } } }`;

/** Columns of each grouping dimension in a stats export. */
const DIMENSIONS: Record<string, { columns: Array<[string, string]>; cells: (g: any) => Row }> = {
  MUNICIPALITY: { columns: [['kommunkod', 'municipality_code'], ['kommun', 'municipality']], cells: (g) => [g.municipality?.code ?? null, g.municipality?.name ?? null] },
  DEVELOPMENT_AREA: { columns: [['omradeskod', 'area_code'], ['utvecklingsomrade', 'development_area']], cells: (g) => [g.developmentArea?.code ?? null, g.developmentArea?.name ?? null] },
  PROGRAMME: { columns: [['programkod', 'programme_code'], ['program', 'programme']], cells: (g) => [g.programme?.code ?? null, g.programme?.name ?? null] },
  FUND: { columns: [['fond', 'fund']], cells: (g) => [g.fund ?? null] },
  STATUS: { columns: [['status', 'status']], cells: (g) => [g.status ?? null] },
  START_YEAR: { columns: [['startar', 'start_year']], cells: (g) => [g.startYear ?? null] },
  INITIATIVE: { columns: [['satsning_id', 'initiative_id'], ['satsning', 'initiative']], cells: (g) => [g.initiative?.id ?? null, g.initiative?.name ?? null] },
};
const FIGURES: Array<[string, string]> = [['antal_projekt', 'projects'], ['total_budget', 'budget_total'], ['eu_medfinansiering', 'eu_cofinancing'], ['finansiering', 'funding_amount']];

const tables: Record<string, (p: Params) => Table> = {
  projects: () => ({
    columns: [
      ['id', 'id'], ['titel', 'title'], ['kommunkod', 'municipality_code'], ['kommun', 'municipality'], ['status', 'status'], ['startdatum', 'start_date'], ['slutdatum', 'end_date'],
      ['forvaltning', 'department'], ['total_budget', 'budget_total'], ['eu_medfinansiering', 'eu_cofinancing'], ['valuta', 'currency'], ['utvecklingsomraden', 'development_areas'], ['program', 'programmes'], ['satsning', 'initiative'],
    ],
    async *pages(run, { filter, pageSize }) {
      let after: string | null = null;
      do {
        const result = await run(PROJECTS, { filter, first: pageSize, after });
        const page = (result.data as any)?.projects;
        const rows: Row[] = (page?.nodes ?? []).map((p: any) => [
          p.id, p.title, p.municipality.code, p.municipality.name, p.status, p.startDate, p.endDate, p.department, p.budget.total, p.budget.euCofinancing, p.budget.currency,
          p.developmentAreas.map((a: any) => a.code).join(' '), p.funding.map((f: any) => f.programme.code).join(' '), p.initiative?.id ?? null,
        ]);
        yield { rows, result };
        after = page?.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
      } while (after);
    },
  }),
  stats: ({ groupBy }) => ({
    columns: [...groupBy.flatMap((d) => DIMENSIONS[d]?.columns ?? []), ...FIGURES],
    async *pages(run, { filter }) {
      const result = await run(STATS, { filter, groupBy });
      const rows = ((result.data as any)?.projectStats ?? []).map((g: any) => [...groupBy.flatMap((d) => DIMENSIONS[d]?.cells(g) ?? []), g.count, g.budgetTotal, g.euCofinancing, g.fundingAmount]);
      yield { rows, result };
    },
  }),
  initiatives: () => ({
    columns: [['id', 'id'], ['satsning', 'initiative'], ['start', 'started'], ['leds_av', 'lead'], ['program', 'programme'], ['deltagande_kommuner', 'participants'], ['antal_projekt', 'projects']],
    async *pages(run, { filter }) {
      const result = await run(INITIATIVES, { filter });
      const codes = filter.municipalities as string[] | undefined;
      const rows = ((result.data as any)?.jointInitiatives ?? []).map((i: any) => [
        i.id, i.name, i.started, i.lead, i.programme?.code ?? null,
        i.participants.filter((p: any) => !codes || codes.includes(p.code)).map((p: any) => p.name).join(', '), i.projects.totalCount,
      ]);
      yield { rows, result };
    },
  }),
  networks: () => ({
    columns: [['natverk_id', 'network_id'], ['natverk', 'network'], ['kommunkod', 'municipality_code'], ['kommun', 'municipality'], ['sedan', 'since'], ['beslut', 'decided_by'], ['beslutsdatum', 'decision_date'], ['forum', 'forums']],
    async *pages(run, { filter }) {
      const result = await run(NETWORKS, {});
      const codes = filter.municipalities as string[] | undefined;
      const rows = ((result.data as any)?.networks ?? []).flatMap((n: any) =>
        n.memberships.filter((m: any) => !codes || codes.includes(m.municipality.code)).map((m: any) => [n.id, n.name, m.municipality.code, m.municipality.name, m.since, m.decidedBy, m.decisionDate, m.forums.join(', ')]),
      );
      yield { rows, result };
    },
  }),
  'twin-towns': () => ({
    columns: [['kommunkod', 'municipality_code'], ['kommun', 'municipality'], ['ort', 'city'], ['land', 'country'], ['sedan', 'since'], ['inriktning', 'focus']],
    async *pages(run, { filter }) {
      const result = await run(TWIN_TOWNS, {});
      const codes = filter.municipalities as string[] | undefined;
      const rows = ((result.data as any)?.municipalities ?? [])
        .filter((m: any) => !codes || codes.includes(m.code))
        .flatMap((m: any) => m.twinTowns.map((t: any) => [m.code, m.name, t.city, t.country, t.since, t.focus.join(', ')]));
      yield { rows, result };
    },
  }),
};

const holesOf = (errors: readonly GraphQLFormattedError[] | undefined) =>
  [...new Set((errors ?? []).filter((e) => e.extensions?.code === 'MUNICIPALITY_UNAVAILABLE').map((e) => String(e.extensions?.municipality)))].sort();

function refuse(res: express.Response, status: number, errors: ReadonlyArray<GraphQLFormattedError | { message: string; extensions: Record<string, unknown> }>): void {
  res.status(status).json({ errors });
}

/**
 * `GET /export/<table>.csv|xlsx?filter=<ProjectFilter as JSON>&groupBy=<dimensions>&lang=en`: every
 * row of a dashboard panel or list, walked across all pages of the API and streamed as it comes
 * (no row cap), numbers as numbers. Kommuner missing from the first page are named in the header
 * `X-Missing-Municipalities` (and in a sheet of the workbook); a kommun lost on a later page ends
 * the download unfinished rather than deliver a file that looks whole.
 */
export function exportRoutes(run: Run, pageSize: number): express.Router {
  const router = express.Router();
  router.get('/export/:name', async (req, res, next) => {
    const match = /^([a-z-]+)\.(csv|xlsx)$/.exec(req.params.name);
    const make = match ? tables[match[1]] : undefined;
    if (!match || !make) {
      refuse(res, 404, [{ message: `No export ${req.params.name}: ask for one of ${Object.keys(tables).map((t) => `${t}.csv`).join(', ')} (or .xlsx).`, extensions: { code: 'NOT_FOUND' } }]);
      return;
    }
    const format = match[2] as 'csv' | 'xlsx';
    let filter: Record<string, unknown> = {};
    if (typeof req.query.filter === 'string' && req.query.filter) {
      try {
        filter = JSON.parse(req.query.filter);
      } catch {
        filter = null as never;
      }
      if (!filter || typeof filter !== 'object' || Array.isArray(filter)) {
        refuse(res, 400, [{ message: 'filter must be a ProjectFilter as JSON, e.g. {"municipalities":["1480"]}.', extensions: { code: 'BAD_USER_INPUT', argument: 'filter' } }]);
        return;
      }
    }
    const groupBy = typeof req.query.groupBy === 'string' && req.query.groupBy ? req.query.groupBy.split(',') : [];
    const unknown = groupBy.filter((d) => !DIMENSIONS[d]);
    if (unknown.length) {
      refuse(res, 400, [{ message: `groupBy names no dimension ${unknown.join(', ')}: use ${Object.keys(DIMENSIONS).join(', ')}.`, extensions: { code: 'BAD_USER_INPUT', argument: 'groupBy' } }]);
      return;
    }
    const lang: Lang = req.query.lang === 'en' ? 'en' : 'sv';
    const params = { filter, groupBy, pageSize };
    const table = make(params);
    const pages = table.pages(runFor(run, req), params);
    try {
      const first = await pages.next();
      const result = first.done ? undefined : first.value.result;
      const refused = (result?.errors ?? []).filter((e) => e.extensions?.code !== 'MUNICIPALITY_UNAVAILABLE');
      if (!result?.data || refused.length) {
        refuse(res, 400, refused.length ? refused : [{ message: 'The export found nothing to answer.', extensions: { code: 'BAD_USER_INPUT' } }]);
        return;
      }
      const missing = holesOf(result.errors);
      const file = `samverkan-${match[1]}${groupBy.length ? `-${groupBy.join('-').toLowerCase()}` : ''}.${format}`;
      res.setHeader('content-disposition', `attachment; filename="${file}"`);
      res.setHeader('cache-control', 'no-store');
      if (missing.length) res.setHeader('x-missing-municipalities', missing.join(','));
      const header = table.columns.map((c) => (lang === 'en' ? c[1] : c[0]));
      const sink = format === 'csv' ? csvSink(res, header) : xlsxSink(res, header, match[1], missing, lang);
      await sink.write(first.done ? [] : first.value.rows);
      for await (const page of pages) {
        if (holesOf(page.result.errors).length || !page.result.data) throw new Error('a kommun went missing during the export');
        await sink.write(page.rows);
      }
      await sink.end();
    } catch (err) {
      if (!res.headersSent) return next(err);
      // The file is incomplete: end the download as failed, never as whole.
      res.destroy(err as Error);
    }
  });
  return router;
}

interface Sink {
  write(rows: Row[]): Promise<void>;
  end(): Promise<void>;
}

function csvSink(res: express.Response, header: string[]): Sink {
  res.type('text/csv; charset=utf-8');
  // A byte-order mark, so that Excel reads å, ä and ö as they are.
  res.write('\ufeff');
  const csv = stringify({ header: true, columns: header });
  csv.pipe(res);
  return {
    write: (rows) => writeAll(csv, rows),
    end: () => new Promise((resolve, reject) => {
      res.once('finish', resolve).once('error', reject);
      csv.end();
    }),
  };
}

function xlsxSink(res: express.Response, header: string[], name: string, missing: string[], lang: Lang): Sink {
  res.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: res, useStyles: false, useSharedStrings: false });
  const sheet = workbook.addWorksheet(name);
  sheet.addRow(header).commit();
  return {
    async write(rows) {
      for (const row of rows) sheet.addRow(row).commit();
    },
    async end() {
      sheet.commit();
      if (missing.length) {
        const note = workbook.addWorksheet(lang === 'en' ? 'missing' : 'saknas');
        note.addRow([lang === 'en' ? 'Municipalities missing from this export' : 'Kommuner som saknas i exporten']).commit();
        for (const code of missing) note.addRow([code]).commit();
        note.commit();
      }
      await workbook.commit();
    },
  };
}

/** Writes rows to a stream, waiting whenever it asks to (backpressure). */
async function writeAll(stream: Writable, rows: Row[]): Promise<void> {
  for (const row of rows) {
    if (!stream.write(row)) await new Promise((r) => stream.once('drain', r));
  }
}

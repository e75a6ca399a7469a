/**
 * The contract's semantics, computed on the client from what a kommun answers: the order of
 * project lists, the region's cursor format, what each filter keeps, and what stats groups hold.
 * Every rule of the checker compares a kommun's answer with one of these.
 */

export type OrderField = 'START_DATE' | 'BUDGET_TOTAL' | 'EU_COFINANCING' | 'TITLE' | 'ID';
export type Direction = 'ASC' | 'DESC';
export const ORDER_FIELDS: readonly OrderField[] = ['START_DATE', 'BUDGET_TOTAL', 'EU_COFINANCING', 'TITLE', 'ID'];
export const DIRECTIONS: readonly Direction[] = ['ASC', 'DESC'];

export type Dimension = 'MUNICIPALITY' | 'DEVELOPMENT_AREA' | 'PROGRAMME' | 'FUND' | 'STATUS' | 'START_YEAR' | 'INITIATIVE';
export const DIMENSIONS: readonly Dimension[] = ['MUNICIPALITY', 'DEVELOPMENT_AREA', 'PROGRAMME', 'FUND', 'STATUS', 'START_YEAR', 'INITIATIVE'];

/** A project as the checker selects it. */
export interface ProjectNode {
  id: string;
  title: string;
  summary: string | null;
  department: string | null;
  status: string;
  startDate: string;
  endDate: string | null;
  synthetic: boolean;
  budget: { total: number | null; euCofinancing: number | null };
  municipality: { code: string };
  funding: Array<{ fund: string; amount: number; programme: { code: string } }>;
  developmentAreas: Array<{ code: string }>;
  initiative: { id: string } | null;
}

export const PROJECT_FIELDS = `id title summary department status startDate endDate synthetic
  budget { total euCofinancing } municipality { code }
  funding { fund amount programme { code } } developmentAreas { code } initiative { id }`;

export interface ProjectFilter {
  municipalities?: string[];
  status?: string[];
  developmentAreas?: string[];
  programmes?: string[];
  funds?: string[];
  initiative?: string;
  activeOn?: string;
  startDate?: DateRange;
  activeDuring?: DateRange;
  text?: string;
  synthetic?: boolean;
}

/** A period of days, both ends inclusive; an omitted end leaves that side open. */
export interface DateRange {
  from?: string;
  to?: string;
}

/** `filter.startDate`: the start date lies in the range; a project without one never matches. */
export function startsWithin(p: ProjectNode, r: DateRange): boolean {
  if (!p.startDate) return false;
  return (r.from === undefined || p.startDate >= r.from) && (r.to === undefined || p.startDate <= r.to);
}

/**
 * `filter.activeDuring`: the running period overlaps the range, with activeOn's rule for nulls (an
 * open end runs on; no start date, no match), so that activeOn: d is activeDuring: { from: d, to: d }.
 */
export function activeDuring(p: ProjectNode, r: DateRange): boolean {
  if (!p.startDate) return false;
  return (r.to === undefined || p.startDate <= r.to) && (r.from === undefined || p.endDate === null || p.endDate >= r.from);
}

/** `<kommunkod>:<kind>:<n>`, the form of every kommun-owned id (the contract's). */
export { OWNED_ID } from '@samverkan/contract';

/** The number at the end of a project id: the last part of the tie-break. */
export function localOf(id: string): number {
  const m = /(\d+)$/.exec(id);
  return m ? Number(m[1]) : NaN;
}

/** The value a project sorts by in `field`: an unrecorded budget sorts as 0. */
export function sortValue(p: ProjectNode, field: OrderField): string | number {
  switch (field) {
    case 'START_DATE':
      return p.startDate;
    case 'BUDGET_TOTAL':
      return p.budget.total ?? 0;
    case 'EU_COFINANCING':
      return p.budget.euCofinancing ?? 0;
    case 'TITLE':
      return p.title;
    case 'ID':
      return p.municipality.code;
  }
}

/** Strings by Unicode code point (the byte order of UTF-8, PostgreSQL's "C" collation). */
export function compareCodePoints(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i].codePointAt(0)! - y[i].codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

export function compareValues(a: string | number | null, b: string | number | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return compareCodePoints(String(a), String(b));
}

export interface Position {
  value: string | number;
  code: string;
  local: number;
}

export function positionOf(p: ProjectNode, field: OrderField): Position {
  return { value: sortValue(p, field), code: p.municipality.code, local: localOf(p.id) };
}

/** The contract's order: the sort value, then kommunkod, then the id's number, all in the one direction. */
export function comparePositions(a: Position, b: Position, direction: Direction): number {
  const sign = direction === 'DESC' ? -1 : 1;
  return sign * (compareValues(a.value, b.value) || compareCodePoints(a.code, b.code) || a.local - b.local);
}

export function sortProjects(list: readonly ProjectNode[], field: OrderField, direction: Direction): ProjectNode[] {
  return [...list].sort((a, b) => comparePositions(positionOf(a, field), positionOf(b, field), direction));
}

/**
 * The region's cursor format: base64url of the JSON `[field, direction, value, code, local]`, the
 * position of the edge's project. The gateway decodes members' cursors to merge their pages into
 * one order and sends a merged cursor (which may sit in another kommun) to every member.
 */
export function encodeCursor(field: OrderField, direction: Direction, pos: Position): string {
  return Buffer.from(JSON.stringify([field, direction, pos.value, pos.code, pos.local])).toString('base64url');
}

/** What is wrong with an edge's cursor for its node in the given order, or null. */
export function cursorProblem(cursor: string, node: ProjectNode, field: OrderField, direction: Direction): string | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return `the cursor ${JSON.stringify(cursor.slice(0, 60))} is not base64url JSON`;
  }
  const want = [field, direction, sortValue(node, field), node.municipality.code, localOf(node.id)];
  if (!Array.isArray(parsed) || parsed.length !== 5 || parsed.some((v, i) => v !== want[i])) {
    return `the cursor of ${node.id} decodes to ${JSON.stringify(parsed)}, expected ${JSON.stringify(want)}`;
  }
  return null;
}

/** Lower case words: runs of letters and digits. */
function words(text: string): string[] {
  return text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
}

function searchable(p: ProjectNode): string {
  return [p.title, p.summary ?? '', p.department ?? ''].join(' ').toLowerCase();
}

/** Whether every word of `text` occurs in the project's title, summary or department as a word of its own, plainly delimited. */
export function surelyMatchesText(p: ProjectNode, text: string): boolean {
  const hay = searchable(p);
  return words(text).every((w) => {
    const escaped = w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return new RegExp(`(?:^|[\\s,;:!?()"«»+&-])${escaped}(?=$|[\\s,;:!?()"«»+&-]|\\.(?:\\s|$))`, 'u').test(hay);
  });
}

/** Whether every word of `text` occurs in the project's title, summary or department at all. */
export function mayMatchText(p: ProjectNode, text: string): boolean {
  const hay = searchable(p);
  return words(text).every((w) => hay.includes(w));
}

/** What a filter keeps, for every criterion but text (see surelyMatchesText / mayMatchText). */
export function matchesFilter(p: ProjectNode, f: ProjectFilter): boolean {
  if (f.municipalities && !f.municipalities.includes(p.municipality.code)) return false;
  if (f.status && !f.status.includes(p.status)) return false;
  if (f.developmentAreas && !p.developmentAreas.some((a) => f.developmentAreas!.includes(a.code))) return false;
  if (f.programmes && !p.funding.some((l) => f.programmes!.includes(l.programme.code))) return false;
  if (f.funds && !p.funding.some((l) => f.funds!.includes(l.fund))) return false;
  if (f.initiative !== undefined && p.initiative?.id !== f.initiative) return false;
  if (f.activeOn && !(p.startDate <= f.activeOn && (p.endDate === null || p.endDate >= f.activeOn))) return false;
  if (f.startDate && !startsWithin(p, f.startDate)) return false;
  if (f.activeDuring && !activeDuring(p, f.activeDuring)) return false;
  if (f.synthetic !== undefined && p.synthetic !== f.synthetic) return false;
  return true;
}

export interface StatsGroup {
  key: string;
  count: number;
  budgetTotal: number;
  euCofinancing: number;
  fundingAmount: number;
  values: Array<string | number | null>;
}

/**
 * Stats groups as the contract defines them: a project counts once in each group it belongs to
 * (once per development area; once per programme or fund, its funding lines summed per programme
 * or fund), a missing value is a group of its own, sums skip unrecorded budgets, and groups come
 * ordered by their values in the order asked, each ascending, a missing value last.
 */
export function expectedStats(projects: readonly ProjectNode[], groupBy: readonly Dimension[]): StatsGroup[] {
  const dims = [...new Set(groupBy)];
  const groups = new Map<string, StatsGroup>();
  for (const p of projects) {
    const fundingDims = dims.filter((d) => d === 'PROGRAMME' || d === 'FUND');
    const lines = new Map<string, { values: Partial<Record<Dimension, string>>; amount: number }>();
    for (const l of p.funding) {
      const values: Partial<Record<Dimension, string>> = {};
      if (fundingDims.includes('PROGRAMME')) values.PROGRAMME = l.programme.code;
      if (fundingDims.includes('FUND')) values.FUND = l.fund;
      const k = JSON.stringify(values);
      const entry = lines.get(k) ?? { values, amount: 0 };
      entry.amount += l.amount;
      lines.set(k, entry);
    }
    const lineGroups = lines.size ? [...lines.values()] : [{ values: {}, amount: 0 }];
    const areas: Array<string | null> = p.developmentAreas.length ? [...new Set(p.developmentAreas.map((a) => a.code))] : [null];
    for (const line of lineGroups) {
      for (const area of dims.includes('DEVELOPMENT_AREA') ? areas : [null]) {
        const values = dims.map((d): string | number | null => {
          switch (d) {
            case 'MUNICIPALITY':
              return p.municipality.code;
            case 'DEVELOPMENT_AREA':
              return area;
            case 'PROGRAMME':
            case 'FUND':
              return line.values[d] ?? null;
            case 'STATUS':
              return p.status;
            case 'START_YEAR':
              return Number(p.startDate.slice(0, 4));
            case 'INITIATIVE':
              return p.initiative?.id ?? null;
          }
        });
        const key = dims.map((d, i) => `${d}=${values[i] ?? ''}`).join('|');
        const g = groups.get(key) ?? { key, values, count: 0, budgetTotal: 0, euCofinancing: 0, fundingAmount: 0 };
        g.count += 1;
        g.budgetTotal += p.budget.total ?? 0;
        g.euCofinancing += p.budget.euCofinancing ?? 0;
        g.fundingAmount += line.amount;
        groups.set(key, g);
      }
    }
  }
  const list = [...groups.values()];
  if (!dims.length && !list.length) list.push({ key: '', values: [], count: 0, budgetTotal: 0, euCofinancing: 0, fundingAmount: 0 });
  return list.sort((a, b) => {
    for (let i = 0; i < dims.length; i++) {
      const c = compareValues(a.values[i], b.values[i]);
      if (c) return c;
    }
    return 0;
  });
}

/** Sums agree when they differ by no more than floating point rounding. */
export function sameAmount(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a), Math.abs(b));
}

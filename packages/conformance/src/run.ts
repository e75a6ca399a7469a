import type { Endpoint, Exchange } from './client';
import { PROJECT_FIELDS, type Direction, type OrderField, type ProjectFilter, type ProjectNode } from './model';

export type Status = 'pass' | 'fail' | 'skip';

export interface Failure {
  message: string;
  /** What was asked and what came back. */
  exchange?: Exchange;
}

export interface RuleResult {
  id: string;
  status: Status;
  failures: Failure[];
  /** Why a rule was skipped, or what it covered. */
  note?: string;
  ms: number;
}

/** Failures kept per rule: enough to act on, few enough to read. */
const KEPT_FAILURES = 5;

/** The results of one checker run, by rule id, in the order the rules first ran. */
export class Run {
  private readonly results = new Map<string, RuleResult & { more: number }>();

  constructor(readonly endpoint: Endpoint) {}

  private entry(id: string): RuleResult & { more: number } {
    let r = this.results.get(id);
    if (!r) {
      r = { id, status: 'pass', failures: [], ms: 0, more: 0 };
      this.results.set(id, r);
    }
    return r;
  }

  fail(id: string, message: string, exchange?: Exchange): void {
    const r = this.entry(id);
    r.status = 'fail';
    if (r.failures.length < KEPT_FAILURES) r.failures.push({ message, exchange });
    else r.more++;
  }

  /** Marks a rule as checked (a pass unless it failed). */
  pass(id: string, note?: string): void {
    const r = this.entry(id);
    if (note && !r.note) r.note = note;
  }

  skip(id: string, reason: string): void {
    const r = this.entry(id);
    if (r.status === 'pass' && !r.failures.length) {
      r.status = 'skip';
      r.note = reason;
    }
  }

  /** Runs a rule's check; an exception fails the rule (an `Abort` has reported itself already). */
  async check(id: string, work: () => Promise<void>): Promise<void> {
    const started = Date.now();
    this.entry(id);
    try {
      await work();
    } catch (err) {
      if (!(err instanceof Abort)) this.fail(id, `the check could not run: ${err instanceof Error ? err.message : String(err)}`);
    }
    this.entry(id).ms += Date.now() - started;
  }

  /** The answer's data; records a failure under `id` and aborts the check when it has errors or none. */
  data(id: string, exchange: Exchange): Record<string, unknown> {
    if (exchange.answer.errors?.length || !exchange.answer.data) {
      this.fail(id, `the answer has errors: ${exchange.answer.errors?.map((e) => `${e.message} (${String(e.extensions?.code ?? 'no code')})`).join('; ') ?? 'no data'}`, exchange);
      throw new Abort();
    }
    return exchange.answer.data;
  }

  all(): RuleResult[] {
    return [...this.results.values()].map(({ more, ...r }) => (more ? { ...r, note: `${r.note ? `${r.note}; ` : ''}${more} more failures not shown` } : r));
  }

  failed(): boolean {
    return [...this.results.values()].some((r) => r.status === 'fail');
  }
}

/** Stops a check that has reported its failure. */
export class Abort extends Error {}

export interface Connection {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: Array<{ cursor: string; node: ProjectNode }>;
  nodes: Array<{ id: string }>;
}

/** Where a project list hangs: the root, or a field of an entity. */
export interface Scope {
  name: string;
  query: string;
  variables: Record<string, unknown>;
  connection(data: Record<string, unknown>): Connection | null | undefined;
}

const PAGE_ARGS = '$filter: ProjectFilter, $orderBy: ProjectOrder, $first: Int, $after: String';
const LIST_ARGS = 'filter: $filter, orderBy: $orderBy, first: $first, after: $after';
export const CONNECTION_FIELDS = `totalCount pageInfo { hasNextPage endCursor } edges { cursor node { ${PROJECT_FIELDS} } } nodes { id }`;

export const ROOT: Scope = {
  name: 'projects',
  query: `query Projects(${PAGE_ARGS}) { projects(${LIST_ARGS}) { ${CONNECTION_FIELDS} } }`,
  variables: {},
  connection: (d) => d.projects as Connection,
};

export function municipalityScope(code: string): Scope {
  return {
    name: `municipality(${code}).projects`,
    query: `query MunicipalityProjects($code: ID!, ${PAGE_ARGS}) { municipality(code: $code) { projects(${LIST_ARGS}) { ${CONNECTION_FIELDS} } } }`,
    variables: { code },
    connection: (d) => (d.municipality as { projects?: Connection } | null)?.projects,
  };
}

/** A region entity's project list, through `_entities` as a gateway asks it. */
export function entityScope(typename: 'DevelopmentArea' | 'FundingProgramme' | 'JointInitiative' | 'Municipality', key: Record<string, string>): Scope {
  return {
    name: `${typename}(${Object.values(key).join(',')}).projects`,
    query: `query EntityProjects($representations: [_Any!]!, ${PAGE_ARGS}) { _entities(representations: $representations) { ... on ${typename} { projects(${LIST_ARGS}) { ${CONNECTION_FIELDS} } } } }`,
    variables: { representations: [{ __typename: typename, ...key }] },
    connection: (d) => ((d._entities as Array<{ projects?: Connection } | null> | undefined)?.[0] ?? null)?.projects,
  };
}

export interface WalkArgs {
  filter?: ProjectFilter;
  order?: { field: OrderField; direction: Direction };
  first: number;
  /** A cursor to start after. */
  after?: string;
  /** Stop after this many pages. */
  pages?: number;
}

export interface Walk {
  nodes: ProjectNode[];
  edges: Array<{ cursor: string; node: ProjectNode; exchange: Exchange }>;
  /** totalCount of the first page. */
  totalCount: number;
  pages: Exchange[];
  /** Whether the walk reached a page without a next one. */
  complete: boolean;
}

/** Most projects a walk reads: a list longer than this is checked on its beginning only. */
export const WALK_LIMIT = 5000;

/**
 * Pages through a list with `after` = the previous endCursor until hasNextPage is false. What is
 * wrong with a page's shape is reported under `paging.page-info`, a totalCount that changes
 * between pages under `totalCount.matches-walk`; an answer with errors aborts under `rule`.
 */
export async function walk(run: Run, rule: string, scope: Scope, args: WalkArgs): Promise<Walk> {
  const out: Walk = { nodes: [], edges: [], totalCount: -1, pages: [], complete: false };
  let after: string | undefined = args.after;
  const seenCursors = new Set<string>();
  while (out.nodes.length < WALK_LIMIT) {
    const variables = { ...scope.variables, filter: args.filter, orderBy: args.order, first: args.first, after };
    const exchange = await run.endpoint.post(scope.query, variables);
    out.pages.push(exchange);
    const conn = scope.connection(run.data(rule, exchange));
    if (!conn) {
      run.fail(rule, `${scope.name} answered no connection`, exchange);
      throw new Abort();
    }
    if (out.totalCount < 0) out.totalCount = conn.totalCount;
    else if (conn.totalCount !== out.totalCount) {
      run.fail('totalCount.matches-walk', `totalCount changed from ${out.totalCount} to ${conn.totalCount} between pages of one walk with no write`, exchange);
    }
    const ids = conn.edges.map((e) => e.node.id);
    if (conn.edges.length > args.first) run.fail('paging.page-info', `a page asked for first: ${args.first} has ${conn.edges.length} edges`, exchange);
    if (JSON.stringify(conn.nodes.map((n) => n.id)) !== JSON.stringify(ids)) run.fail('paging.page-info', 'nodes are not the nodes of edges, in order', exchange);
    const last = conn.edges.length ? conn.edges[conn.edges.length - 1].cursor : null;
    if (conn.pageInfo.endCursor !== last) {
      run.fail('paging.page-info', `pageInfo.endCursor ${JSON.stringify(conn.pageInfo.endCursor)} is not the last edge's cursor ${JSON.stringify(last)}`, exchange);
    }
    for (const e of conn.edges) {
      out.nodes.push(e.node);
      out.edges.push({ ...e, exchange });
    }
    if (!conn.pageInfo.hasNextPage) {
      out.complete = true;
      break;
    }
    if (!last || seenCursors.has(last)) {
      run.fail('paging.page-info', last ? 'hasNextPage is true but the next page starts where this one did' : 'hasNextPage is true on a page without edges', exchange);
      break;
    }
    seenCursors.add(last);
    after = last;
    if (args.first === 0 || out.pages.length === args.pages) break;
  }
  return out;
}

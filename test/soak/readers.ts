import { post } from './http';
import { sleep, type Random } from './random';

/**
 * Readers: loops that page through projects and ask for projectStats, through the gateway and
 * straight at a kommun's own subgraph, counting what comes back. They add read load beside the
 * writes and subscriptions; their figures go in the report.
 */

export interface ReadTally {
  requests: number;
  /** HTTP 2xx with data and no errors. */
  clean: number;
  /** Answers that carry errors (partial answers included), by HTTP status class. */
  withErrors: number;
  http5xx: number;
  /** No HTTP answer: timeouts and network errors. */
  failures: number;
  /** Error messages and failures, grouped. */
  problems: Map<string, number>;
  latencies: number[];
}

export const newTally = (): ReadTally => ({ requests: 0, clean: 0, withErrors: 0, http5xx: 0, failures: 0, problems: new Map(), latencies: [] });

export interface ReaderOptions {
  gatewayUrl: string;
  kommuner: Map<string, string>;
  until: number;
  timeoutMs: number;
  random: Random;
  /** Pause between two requests of this reader. */
  pauseMs: [number, number];
  tallies: { gateway: ReadTally; direct: ReadTally };
}

const PAGE = `query SoakPage($first: Int, $after: String, $filter: ProjectFilter) {
  projects(first: $first, after: $after, filter: $filter, orderBy: { field: START_DATE, direction: DESC }) {
    totalCount pageInfo { hasNextPage endCursor } nodes { id title status budget { total } }
  }
}`;
const STATS = `query SoakStats { projectStats(groupBy: [MUNICIPALITY, STATUS]) { key count budgetTotal } }`;
const GATEWAY_PAGE = `query SoakGatewayPage($first: Int, $after: String, $filter: ProjectFilter) {
  projects(first: $first, after: $after, filter: $filter, orderBy: { field: START_DATE, direction: DESC }) {
    totalCount pageInfo { hasNextPage endCursor } nodes { id title budget { total } municipality { code name } }
  }
}`;

export async function runReader(o: ReaderOptions): Promise<void> {
  const r = o.random;
  const codes = [...o.kommuner.keys()];
  while (Date.now() < o.until) {
    const viaGateway = r.chance(0.5);
    const tally = viaGateway ? o.tallies.gateway : o.tallies.direct;
    const url = viaGateway ? o.gatewayUrl : o.kommuner.get(r.pick(codes))!;
    if (r.chance(0.3)) {
      await read(url, STATS, {}, tally, o.timeoutMs);
    } else {
      // A few pages, following the cursors; through the gateway sometimes for a few kommuner only.
      const filter = viaGateway && r.chance(0.3) ? { municipalities: r.sample(codes, r.between(1, 3)) } : undefined;
      let after: string | undefined;
      for (let page = 0, pages = r.between(1, 3); page < pages && Date.now() < o.until; page++) {
        const body = await read(url, viaGateway ? GATEWAY_PAGE : PAGE, { first: 20, after, filter }, tally, o.timeoutMs);
        const info = body?.data?.projects?.pageInfo;
        if (!info?.hasNextPage) break;
        after = info.endCursor;
      }
    }
    await sleep(r.between(o.pauseMs[0], o.pauseMs[1]));
  }
}

async function read(url: string, query: string, variables: Record<string, unknown>, tally: ReadTally, timeoutMs: number): Promise<any> {
  tally.requests++;
  const answer = await post(url, query, variables, {}, timeoutMs);
  tally.latencies.push(answer.ms);
  const problem = (what: string) => tally.problems.set(what, (tally.problems.get(what) ?? 0) + 1);
  if (answer.kind === 'failure') {
    tally.failures++;
    problem(answer.reason);
    return undefined;
  }
  if (answer.status >= 500) tally.http5xx++;
  const errors: any[] = Array.isArray(answer.body?.errors) ? answer.body.errors : [];
  if (errors.length) {
    tally.withErrors++;
    for (const e of errors) problem(`HTTP ${answer.status} ${e?.extensions?.code ?? 'NO_CODE'}: ${normalise(String(e?.message))}`);
  } else if (answer.status < 300) {
    tally.clean++;
  } else {
    problem(`HTTP ${answer.status} without errors`);
  }
  return answer.body;
}

/** Groups messages that differ only in numbers (times, ids). */
export function normalise(message: string): string {
  return message.replace(/\d+(\.\d+)?/g, (d) => (d.length === 4 ? d : 'N')).slice(0, 200);
}

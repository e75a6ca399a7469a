import { postGraphQL } from '@samverkan/testing/graphql';
import { rngFor, type Rng } from '../differential/generator';

/**
 * Varied traffic: each request of a scenario with its own variables, drawn as an analyst would
 * (a few statuses, now and then a fund, a handful of kommuner or a date; any order; a page size;
 * sometimes the second page), deterministic by seed. No two requests in flight are alike, so the
 * gateway's sharing of identical reads cannot help.
 */
export type Scenario = 'S1' | 'S2' | 'S3' | 'S4';
export type Variables = Record<string, unknown>;

/** What the generator draws from: the kommunkoder and development areas of the region measured. */
export interface Domain {
  codes: string[];
  developmentAreas: string[];
}

const STATUSES = ['PLANNED', 'ONGOING', 'COMPLETED', 'CANCELLED'];
const FUNDS = ['ESF', 'ERDF', 'INTERREG', 'ERASMUS', 'HORIZON', 'LIFE'];
const ORDER_FIELDS = ['START_DATE', 'BUDGET_TOTAL', 'EU_COFINANCING', 'TITLE', 'ID'];
const DIMENSIONS = ['MUNICIPALITY', 'DEVELOPMENT_AREA', 'PROGRAMME', 'FUND', 'STATUS', 'START_YEAR'];
/** Distinct requests per scenario; they repeat in a cycle far longer than the connections in flight. */
const DEFAULT_POOL = 400;
/** The share of list requests that ask for the second page (after the first page's endCursor). */
const SECOND_PAGE = 0.3;

const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)];
const int = (rng: Rng, min: number, max: number) => min + Math.floor(rng() * (max - min + 1));
function some<T>(rng: Rng, items: readonly T[], min: number, max: number): T[] {
  const copy = items.slice();
  const n = int(rng, min, Math.min(max, items.length));
  return Array.from({ length: n }, () => copy.splice(Math.floor(rng() * copy.length), 1)[0]);
}

/** A filter: one to three statuses, and now and then a fund, some kommuner or a date. */
function filter(rng: Rng, domain: Domain, withKommuner: boolean): Variables {
  const f: Variables = { status: some(rng, STATUSES, 1, 3) };
  if (rng() < 0.25) f.funds = some(rng, FUNDS, 1, 2);
  if (withKommuner && rng() < 0.2) f.municipalities = some(rng, domain.codes, 2, 5);
  if (rng() < 0.15) f.activeOn = `${int(rng, 2016, 2026)}-${String(int(rng, 1, 12)).padStart(2, '0')}-15`;
  if (rng() < 0.1) f.developmentAreas = some(rng, domain.developmentAreas, 1, 2);
  return f;
}

const order = (rng: Rng) => ({ field: pick(rng, ORDER_FIELDS), direction: rng() < 0.6 ? 'DESC' : 'ASC' });

/** The variables of one request of `scenario` (before any cursor). */
function draw(scenario: Scenario, rng: Rng, domain: Domain): Variables & { secondPage?: boolean } {
  switch (scenario) {
    case 'S1':
      return { filter: filter(rng, domain, true), orderBy: order(rng), first: int(rng, 10, 50), secondPage: rng() < SECOND_PAGE };
    case 'S2':
      return { groupBy: some(rng, DIMENSIONS, 1, 2), filter: filter(rng, domain, true) };
    case 'S3':
      // One kommun (1480, so that the same request can go to its subgraph directly).
      return { filter: filter(rng, domain, false), orderBy: order(rng), first: int(rng, 5, 30), secondPage: rng() < SECOND_PAGE };
    case 'S4':
      return { filter: filter(rng, domain, true), orderBy: order(rng), first: int(rng, 5, 15) };
  }
}

/** The query that reads a first page's endCursor for the same variables, as `url` pages it. */
const CURSOR: Partial<Record<Scenario, { query: string; at: (data: any) => string | null }>> = {
  S1: {
    query: 'query C($filter: ProjectFilter, $orderBy: ProjectOrder, $first: Int) { projects(filter: $filter, orderBy: $orderBy, first: $first) { pageInfo { endCursor hasNextPage } } }',
    at: (d) => (d.projects.pageInfo.hasNextPage ? d.projects.pageInfo.endCursor : null),
  },
  S3: {
    query: 'query C($filter: ProjectFilter, $orderBy: ProjectOrder, $first: Int) { municipality(code: "1480") { projects(filter: $filter, orderBy: $orderBy, first: $first) { pageInfo { endCursor hasNextPage } } } }',
    at: (d) => (d.municipality.projects.pageInfo.hasNextPage ? d.municipality.projects.pageInfo.endCursor : null),
  },
};

/**
 * The request bodies of `scenario`'s varied form against `url`, seeded by `seed`: the same
 * variables for every target given the same seed and domain; second pages carry the cursor that
 * target gave for the first (cursors are the target's own), or stay first pages when there is no
 * second. Returns a body function cycling over them.
 */
export async function variedBodies(
  scenario: Scenario,
  query: string,
  url: string,
  domain: Domain,
  options: { seed?: string; pool?: number; concurrency?: number } = {},
): Promise<() => string> {
  const { seed = 'bench', pool: POOL = DEFAULT_POOL, concurrency = 8 } = options;
  const rng = rngFor(seed, scenario);
  const drawn = Array.from({ length: POOL }, () => draw(scenario, rng, domain));
  const cursor = CURSOR[scenario];
  const bodies: string[] = new Array(POOL);
  let next = 0;
  // A few at a time: the cursors of a few hundred first pages take a few seconds at 13 shards.
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < POOL; i = next++) {
        const { secondPage, ...variables } = drawn[i];
        if (secondPage && cursor) {
          const cursorVariables = { filter: variables.filter, orderBy: variables.orderBy, first: variables.first };
          let { body } = await postGraphQL(url, cursor.query, cursorVariables);
          // A kommun late on a loaded machine (the cursors follow a run at full load) is asked again,
          // twice at most, a second apart; any other error, or a third late answer, ends the run.
          for (let again = 0; again < 2 && body.errors?.every((e: { extensions?: { code?: string } }) => e.extensions?.code === 'MUNICIPALITY_UNAVAILABLE'); again++) {
            process.stderr.write(`  ${scenario} cursor on ${url}: ${body.errors[0].message} Asking again.\n`);
            await new Promise((resolve) => setTimeout(resolve, 1000));
            ({ body } = await postGraphQL(url, cursor.query, cursorVariables));
          }
          if (body.errors) throw new Error(`${scenario} cursor on ${url}: ${JSON.stringify(body.errors).slice(0, 300)}`);
          const after = cursor.at(body.data);
          if (after) variables.after = after;
        }
        bodies[i] = JSON.stringify({ query, variables });
      }
    }),
  );
  let n = 0;
  return () => bodies[n++ % POOL];
}

/**
 * The region's kommunkoder and development area codes, as `gatewayUrl` answers them; polled for up
 * to a minute, since a gateway over 290 members may answer health before its schema is whole.
 */
export async function domainOf(gatewayUrl: string, codes: string[]): Promise<Domain> {
  const until = Date.now() + 60_000;
  let { body } = await postGraphQL(gatewayUrl, '{ developmentAreas { code } }');
  while (body.errors && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 1000));
    ({ body } = await postGraphQL(gatewayUrl, '{ developmentAreas { code } }'));
  }
  if (body.errors) throw new Error(`development areas: ${JSON.stringify(body.errors)}`);
  return { codes, developmentAreas: (body.data.developmentAreas as Array<{ code: string }>).map((a) => a.code) };
}

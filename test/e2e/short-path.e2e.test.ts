import type { GraphQLSchema } from 'graphql';
import { apiSchema, loadDataPool, type DataPool } from '../differential/data-pool';
import { EVERY_SHAPE, generateOperation, readRoutingFacts, rngFor, type GeneratorOptions, type Rng } from '../differential/generator';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { domainOf, variedBodies } from '../bench/varied';
import { startE2ERegion, startGatewayProcess, type E2ERegion } from './harness';

/**
 * The gateway's short path (gateway/src/short-path.ts) answers exactly as its full path does. One
 * region (four kommuner, each behind a counting proxy) has two gateways: the region's own, short
 * path on, and a reference with SHORT_PATH=false. Each request goes to the first gateway three times
 * (the first two times its full path runs the document and the short path learns it; the third time
 * the short path may answer) and to the reference once: status, content type, every header but the
 * clock's, and the body byte for byte must be the same. The short path's own counter shows it
 * answered a good share of them, so that the comparison is not between two full paths.
 */
const MEMBERS = ['1480', '1481', '1407', '1440'];
const METRICS_TOKEN = 'short-path-test-metrics-token';
const SEED = 'samverkan-short-path-1';
let region: E2ERegion;
let reference: { url: string; stop: () => Promise<void> };
let options: GeneratorOptions;
let pool: DataPool;

beforeAll(async () => {
  region = await startE2ERegion({ proxied: true, members: MEMBERS, syntheticProjects: 12, gatewayEnv: { METRICS_TOKEN } });
  reference = await startGatewayProcess(region, { SHORT_PATH: 'false', METRICS_TOKEN });
  let schema: GraphQLSchema;
  [schema, pool] = await Promise.all([apiSchema(region.gatewayUrl), loadDataPool(region.gatewayUrl)]);
  options = { schema, facts: readRoutingFacts(), pool, shapes: EVERY_SHAPE };
}, 180_000);

afterAll(async () => {
  await reference?.stop();
  await region?.stop();
});

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Headers that differ between two answers of the same request for no fault of either: the clock's and the connection's. */
const UNCOMPARED = new Set(['date', 'connection', 'keep-alive']);

async function post(url: string, body: string, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': 'short-path-test', ...headers }, body });
  const kept: Record<string, string> = {};
  res.headers.forEach((value, key) => {
    if (!UNCOMPARED.has(key)) kept[key] = value;
  });
  return { status: res.status, headers: kept, body: await res.text() };
}

/** The first gateway three times (the full path runs a document twice before the short path plans it), then the reference. */
async function askBoth(body: string, headers: Record<string, string> = {}): Promise<{ first: Answer; again: Answer; reference: Answer }> {
  const first = await post(region.gatewayUrl, body, headers);
  const second = await post(region.gatewayUrl, body, headers);
  expect(second).toEqual(first);
  const again = await post(region.gatewayUrl, body, headers);
  return { first, again, reference: await post(reference.url, body, headers) };
}

/** The gateway's counter `name` with the label `label`, 0 before its first count. */
async function counter(name: string, label: string): Promise<number> {
  const text = await (await fetch(region.gatewayUrl.replace('/graphql', '/metrics'), { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(label));
  return line ? Number(line.split(' ').at(-1)) : 0;
}
const shortPathCount = (outcome: 'answered' | 'handed over') => counter('samverkan_gateway_short_path_total', `outcome="${outcome}"`);
const plansCount = (kept: boolean) => counter('samverkan_gateway_short_path_plans_total', `kept="${kept}"`);

const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)];

describe('the short path answers as the full path does', () => {
  it('for 150 generated operations', async () => {
    const answered = await shortPathCount('answered');
    for (let i = 0; i < 150; i++) {
      const op = generateOperation(options, SEED, i);
      const body = JSON.stringify({ query: op.query, variables: op.variables });
      const { first, again, reference: want } = await askBoth(body);
      expect({ op: i, ...first }).toEqual({ op: i, ...want });
      expect({ op: i, ...again }).toEqual({ op: i, ...want });
    }
    const taken = (await shortPathCount('answered')) - answered;
    process.stderr.write(`short path: answered ${taken} of 150 generated operations asked three times\n`);
    // Most generated operations also ask the region's fields (two fetches or more); those that do not are the ones compared here.
    expect(taken).toBeGreaterThanOrEqual(5);
  }, 300_000);

  it("for 120 of the benchmark's varied S3 requests (an analyst's filters, orders, page sizes and second pages)", async () => {
    const answered = await shortPathCount('answered');
    const query = readFileSync(join(__dirname, '../bench/operations/s3-kommun.graphql'), 'utf8');
    const domain = await domainOf(region.gatewayUrl, MEMBERS);
    const next = await variedBodies('S3', query, region.gatewayUrl, domain, { seed: SEED, pool: 120, concurrency: 2 });
    for (let i = 0; i < 120; i++) {
      const body = next();
      const { first, again, reference: want } = await askBoth(body);
      expect({ request: body, ...first }).toEqual({ request: body, ...want });
      expect({ request: body, ...again }).toEqual({ request: body, ...want });
    }
    expect((await shortPathCount('answered')) - answered).toBeGreaterThanOrEqual(120);
  }, 120_000);

  // One operation the short path takes (only the kommun's own fields: one fetch), sent in every way a client may get it wrong or right.
  const ONE = `query One($code: ID!, $first: Int, $status: [ProjectStatus!], $order: ProjectOrder) {
    municipality(code: $code) {
      code
      memberships { network { id } since }
      projects(first: $first, filter: { status: $status }, orderBy: $order) { totalCount nodes { id title status budget { total currency } } pageInfo { hasNextPage endCursor } }
    }
  }`;

  it('for 250 requests of one operation with drawn variables, bodies and headers, wrong and broken ones included', async () => {
    const rng = rngFor('short-path', SEED);
    const answered = await shortPathCount('answered');
    const draw = (): { body: Record<string, unknown>; headers: Record<string, string> } => {
      const variables: Record<string, unknown> = {
        code: pick(rng, [...MEMBERS, ...MEMBERS, '9999', 1480, null]),
        first: pick(rng, [0, 1, 3, 10, 100, 101, 100_000, -1, '5', 2.5, null, undefined]),
        status: pick(rng, [undefined, ['ONGOING'], ['PLANNED', 'COMPLETED'], ['NOT_A_STATUS'], 'ONGOING', []]),
        order: pick(rng, [undefined, { field: 'TITLE', direction: 'ASC' }, { field: 'START_DATE', direction: 'DESC' }, { field: 'NOPE' }]),
      };
      if (rng() < 0.05) variables.extra = 'not declared';
      const body: Record<string, unknown> = { query: ONE, variables: rng() < 0.04 ? pick(rng, [null, [], 'x']) : variables };
      if (rng() < 0.3) body.operationName = pick(rng, ['One', 'One', null, 'Other']);
      if (rng() < 0.05) body.extensions = {};
      const headers: Record<string, string> = {};
      if (rng() < 0.3) headers.accept = pick(rng, ['*/*', 'application/json', 'application/graphql-response+json', 'application/json, text/plain', 'text/html']);
      if (rng() < 0.1) headers.origin = 'https://dashboard.example.se';
      return { body, headers };
    };
    /** Now and then a body no parser takes: cut short, too large (over MAX_BODY_BYTES), or in a charset nobody reads. */
    const broken = (text: string, headers: Record<string, string>): string => {
      const r = rng();
      if (r < 0.03) return text.slice(0, Math.floor(text.length / 2));
      if (r < 0.05) return JSON.stringify({ query: ONE, variables: { code: '1480', padding: 'x'.repeat(110 * 1024) } });
      if (r < 0.07) headers['content-type'] = 'application/json; charset=latin1';
      return text;
    };
    for (let i = 0; i < 250; i++) {
      const { body, headers } = draw();
      const text = broken(JSON.stringify(body), headers);
      const { first, again, reference: want } = await askBoth(text, headers);
      expect({ request: text, sent: headers, ...first }).toEqual({ request: text, sent: headers, ...want });
      expect({ request: text, sent: headers, ...again }).toEqual({ request: text, sent: headers, ...want });
    }
    expect((await shortPathCount('answered')) - answered).toBeGreaterThanOrEqual(50);
  }, 300_000);

  /**
   * Learns ONE for `code`, then has its kommun's answers rewritten: the short path must hand the
   * request over, the kommun asked once, and the answer be the reference gateway's. Gives it.
   */
  async function handedOverOnce(code: string, first: number, rewrite: (answer: any) => unknown): Promise<Answer> {
    const proxy = region.proxies.get(code)!;
    const body = JSON.stringify({ query: ONE, variables: { code, first } });
    await askBoth(body);
    const handed = await shortPathCount('handed over');
    proxy.state.rewrite = rewrite;
    try {
      region.resetProxies();
      const viaShort = await post(region.gatewayUrl, body);
      expect(proxy.state.requests).toBe(1);
      expect(viaShort).toEqual(await post(reference.url, body));
      expect(await shortPathCount('handed over')).toBe(handed + 1);
      return viaShort;
    } finally {
      proxy.state.rewrite = null;
    }
  }

  it('for an answer with a kommun\'s error in it: handed to the full path, the kommun asked once', async () => {
    const viaShort = await handedOverOnce('1481', 3, (answer: { data?: unknown; errors?: unknown[] }) => ({
      ...answer,
      errors: [{ message: 'A test: the kommun reports an error', path: ['municipality', 'projects'], extensions: { code: 'INTERNAL_SERVER_ERROR' } }],
    }));
    expect(JSON.parse(viaShort.body).errors.length).toBeGreaterThan(0);
  });

  it('for a kommun answering what the result shaping refuses (a null where the schema has none): handed over, asked once', async () => {
    await handedOverOnce('1407', 2, (answer: { data?: { municipality?: { projects?: { totalCount?: unknown } } } }) => {
      if (answer.data?.municipality?.projects) answer.data.municipality.projects.totalCount = null;
      return answer;
    });
  });

  it('for a kommun that fails: the hole is named, and the kommun asked once', async () => {
    const proxy = region.proxies.get('1440')!;
    const body = JSON.stringify({ query: ONE, variables: { code: '1440', first: 2 } });
    await askBoth(body);
    proxy.state.failHttp = true;
    try {
      region.resetProxies();
      const viaShort = await post(region.gatewayUrl, body);
      expect(proxy.state.requests).toBe(1);
      const answer = JSON.parse(viaShort.body);
      expect(answer.extensions?.missingMunicipalities).toEqual([{ code: '1440', name: expect.any(String) }]);
      expect(answer.errors.map((e: { extensions: { code: string } }) => e.extensions.code)).toContain('MUNICIPALITY_UNAVAILABLE');
    } finally {
      proxy.state.failHttp = false;
    }
  });

  it('plans each document once, whether it keeps a shortcut for it or leaves it to the full path', async () => {
    // Documents no other test sends: the short path has not met them.
    const kept = JSON.stringify({ query: 'query PlannedOnce($code: ID!) { municipality(code: $code) { code planned: projects(first: 2) { totalCount } } }', variables: { code: '1481' } });
    const left = JSON.stringify({ query: 'query LeftToTheFullPath { region { name } municipality(code: "1481") { code } }' });
    const [kept0, left0] = [await plansCount(true), await plansCount(false)];
    for (let i = 0; i < 7; i++) {
      expect(await post(region.gatewayUrl, kept)).toEqual(await post(reference.url, kept));
      expect(await post(region.gatewayUrl, left)).toEqual(await post(reference.url, left));
    }
    expect([(await plansCount(true)) - kept0, (await plansCount(false)) - left0]).toEqual([1, 1]);
  });
});

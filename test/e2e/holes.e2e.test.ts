import { Client as PgClient } from 'pg';
import { ensureDatabase, dropDatabase, withDatabase, TEST_SERVER_URL, testDatabaseName } from '@samverkan/testing';
import { freePort, type ServiceProcess } from '@samverkan/region-runner';
import { eventually, startE2ERegion, type E2ERegion, startKommunProcess } from './harness';

/**
 * Every hole is named, whatever made it: a kommun killed, hung past the shard timeout, answering
 * HTTP 500, answering an internal GraphQL error (with the code INTERNAL_SERVER_ERROR or none), or
 * with its database refusing connections. Each answers MUNICIPALITY_UNAVAILABLE naming the kommun
 * at the path it affects, and the answer lists the missing kommuner at the top; nothing internal
 * leaks. The same holds in every stage of a query: entity fetches, the second ask that completes
 * a page, and the follow-up fetches of entities nested under a kommun's data.
 *
 * Every GR kommun is behind a proxy (to fail it); Motala runs in a process of its own, to be
 * killed and stopped alone.
 */
let region: E2ERegion;
let motala: ServiceProcess | undefined;
let motalaPort: number;
const motalaDb = testDatabaseName('samverkan_e2e', 'holes_motala');
const SHARD_TIMEOUT = 1500;
const METRICS_TOKEN = 'e2e-metrics-token-0123456789';

function startMotala(): ServiceProcess {
  return startKommunProcess(region, '0583', motalaDb, motalaPort);
}

beforeAll(async () => {
  region = await startE2ERegion({ proxied: true, syntheticProjects: 10, shardTimeoutMs: SHARD_TIMEOUT, gatewayEnv: { METRICS_TOKEN } });
  await ensureDatabase(TEST_SERVER_URL, motalaDb);
  motalaPort = await freePort();
  motala = startMotala();
  await motala.ready;
  const regionEditor = await region.token({ role: 'region-editor', subject: 'e2e-holes' });
  const url = `http://127.0.0.1:${motalaPort}/graphql`;
  await region.gql('mutation($i: MemberInput!) { upsertMember(input: $i) { code } }', { i: { code: '0583', name: 'Motala', county: 'Östergötlands län', subgraphUrl: url } }, regionEditor);
  await eventually('Motala verified', async () => (await region.health()).members.find((m: any) => m.code === '0583' && m.verifiedUrl === url));
}, 120_000);
afterAll(async () => {
  motala?.child.kill('SIGCONT');
  await motala?.stop();
  await region?.stop();
  await dropDatabase(TEST_SERVER_URL, motalaDb);
});

/** Runs SQL as the server's superuser, in `database` (a name) or the maintenance database. */
async function sql(text: string, params: unknown[] = [], database = 'postgres'): Promise<any[]> {
  const c = new PgClient({ connectionString: withDatabase(TEST_SERVER_URL, database) });
  await c.connect();
  try {
    return (await c.query(text, params)).rows;
  } finally {
    await c.end();
  }
}
const dbOf = (code: string) => new URL(region.databases.get(code)!).pathname.slice(1);

/** Every kind of fetch a kommun takes part in: root lists and stats (aliased), a routed root field, an entity fetch. */
const everyStage = (code: string) => `{
  stats: projectStats(groupBy: [MUNICIPALITY]) { municipality { code } count }
  all: projects(first: 5) { totalCount nodes { id } }
  own: project(id: "${code}:project:1") { id title }
  list: municipalities { code strategy { title } }
}`;

/** What the whole region answers when every kommun is well: project counts by kommun. */
async function counts(): Promise<Record<string, number>> {
  const { body } = await region.gql('{ projectStats(groupBy: [MUNICIPALITY]) { municipality { code } count } }');
  expect(body.errors).toBeUndefined();
  return Object.fromEntries(body.data.projectStats.map((g: any) => [g.municipality.code, g.count]));
}

/** The errors of a body as [code, kommun, path], in a stable order. */
const holes = (body: any) =>
  (body.errors ?? []).map((e: any) => [e.extensions?.code, e.extensions?.municipality, e.path]).sort((a: any, b: any) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

/** The answer holds everyone else's data, names `code` at each place it is missing from, and nothing internal. */
async function expectNamedHole(code: string, name: string, before: Record<string, number>, body: any, reason: RegExp) {
  const index = body.data.list.findIndex((m: any) => m.code === code);
  expect(index).toBeGreaterThanOrEqual(0);
  const expected = [['stats'], ['all'], ['own'], ['list', index]].map((path) => ['MUNICIPALITY_UNAVAILABLE', code, path]);
  expect(holes(body)).toEqual(holes({ errors: expected.map(([c, m, path]) => ({ extensions: { code: c, municipality: m }, path })) }));
  for (const e of body.errors) {
    expect(e.message).toContain(`${name} (${code})`);
    expect(e.extensions.reason).toMatch(reason);
  }
  expect(body.extensions?.missingMunicipalities).toEqual([{ code, name }]);
  // Everyone else's data: the stats and the total count are the region's without this kommun.
  const stats = Object.fromEntries(body.data.stats.map((g: any) => [g.municipality.code, g.count]));
  const { [code]: missing, ...others } = before;
  expect(stats).toEqual(others);
  expect(body.data.all.totalCount).toBe(Object.values(others).reduce((a, b) => a + b, 0));
  expect(missing).toBeGreaterThan(0);
  expect(body.data.own).toBeNull();
  // Nothing internal: no stack, no SQL, no generic internal error in its place.
  expect(JSON.stringify([body.errors, body.extensions])).not.toMatch(/stack|relation|pg-protocol|SELECT|INTERNAL_SERVER_ERROR|Internal server error/i);
}

describe('a hole, whatever its cause, answers MUNICIPALITY_UNAVAILABLE naming the kommun at the paths it affects, and is listed at the top', () => {
  it('a kommun killed', async () => {
    const before = await counts();
    motala!.child.kill('SIGKILL');
    try {
      const { status, body } = await region.gql(everyStage('0583'));
      expect(status).toBe(200);
      await expectNamedHole('0583', 'Motala', before, body, /refused the connection|closed the connection/);
    } finally {
      motala = startMotala();
      await motala.ready;
    }
  });

  it('a kommun hung past the shard timeout', async () => {
    const before = await counts();
    motala!.child.kill('SIGSTOP');
    try {
      const { status, body } = await region.gql(everyStage('0583'));
      expect(status).toBe(200);
      await expectNamedHole('0583', 'Motala', before, body, new RegExp(`did not answer within ${SHARD_TIMEOUT} ms`));
    } finally {
      motala!.child.kill('SIGCONT');
    }
  });

  it('a kommun answering HTTP 500', async () => {
    const before = await counts();
    const proxy = region.proxies.get('1407')!;
    proxy.state.failHttp = true;
    try {
      const { status, body } = await region.gql(everyStage('1407'));
      expect(status).toBe(200);
      await expectNamedHole('1407', 'Öckerö', before, body, /answered HTTP 500/);
    } finally {
      proxy.state.failHttp = false;
    }
  });

  it('a kommun answering an internal error (INTERNAL_SERVER_ERROR): its queries fail in its database', async () => {
    const before = await counts();
    // Its tables gone from under it: every read of projects or strategy fails with an SQL error.
    await sql('ALTER TABLE project RENAME TO project_gone; ALTER TABLE strategy RENAME TO strategy_gone', [], dbOf('1481'));
    try {
      const { status, body } = await region.gql(everyStage('1481'));
      expect(status).toBe(200);
      await expectNamedHole('1481', 'Mölndal', before, body, /answered an internal error/);
    } finally {
      await sql('ALTER TABLE project_gone RENAME TO project; ALTER TABLE strategy_gone RENAME TO strategy', [], dbOf('1481'));
    }
  });

  it('a kommun answering an internal error with no code, its details in the message', async () => {
    const before = await counts();
    const proxy = region.proxies.get('1482')!;
    // Another implementation of the contract, which answers its database's error as it came.
    proxy.state.rewrite = (answer) => ({
      data: null,
      errors: [
        {
          message: 'relation "project" does not exist: SELECT p.id FROM project p',
          path: Object.keys(answer.data ?? { _entities: null }).slice(0, 1),
          extensions: { stacktrace: ['error: relation "project" does not exist', '    at Parser.parseErrorMessage (node_modules/pg-protocol/dist/parser.js:285:98)'] },
        },
      ],
    });
    try {
      const { status, body } = await region.gql(everyStage('1482'));
      expect(status).toBe(200);
      await expectNamedHole('1482', 'Kungälv', before, body, /answered an internal error/);
    } finally {
      proxy.state.rewrite = null;
    }
  });

  it('a kommun whose database refuses connections', async () => {
    const before = await counts();
    const db = dbOf('1441');
    await sql(`ALTER DATABASE "${db}" ALLOW_CONNECTIONS false`);
    await sql('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [db]);
    try {
      const { status, body } = await region.gql(everyStage('1441'));
      expect(status).toBe(200);
      await expectNamedHole('1441', 'Lerum', before, body, /answered an internal error/);
    } finally {
      await sql(`ALTER DATABASE "${db}" ALLOW_CONNECTIONS true`);
    }
    // And it is back as soon as its database is.
    await eventually('Lerum answering again', async () => (await region.gql(everyStage('1441'))).body.errors === undefined);
  });
});

describe('holes in every stage of a query are named at their paths', () => {
  let area: string;
  const proxy = () => region.proxies.get('1407')!;

  beforeAll(async () => {
    // Öckerö's projects come first by title, and all sit in one development area: a page sorted by
    // title takes every row of Öckerö's share and asks it again for the rest (the second ask).
    const areas = await region.gql('{ developmentAreas { code } }');
    area = areas.body.data.developmentAreas[0].code;
    const rows = await sql(
      `INSERT INTO project (municipality_code, title, status, start_date) SELECT '1407', '!Hole ' || lpad(g::text, 2, '0'), 'ONGOING', '2026-01-01' FROM generate_series(1, 12) g RETURNING id`,
      [],
      dbOf('1407'),
    );
    await sql('INSERT INTO project_area (project_id, area_code) SELECT unnest($1::int[]), $2', [rows.map((r) => r.id), area], dbOf('1407'));
  });
  afterEach(() => {
    proxy().state.failFrom = Infinity;
    proxy().state.failHttp = false;
  });

  it('the second ask that completes a page of a root list', async () => {
    proxy().reset();
    proxy().state.failFrom = 2; // the first ask passes, the second fails
    const { status, body } = await region.gql('{ page: projects(first: 20, orderBy: { field: TITLE, direction: ASC }) { nodes { id } } }');
    expect(status).toBe(200);
    expect(proxy().state.requests).toBe(2);
    expect(holes(body)).toEqual([['MUNICIPALITY_UNAVAILABLE', '1407', ['page']]]);
    expect(body.extensions.missingMunicipalities).toEqual([{ code: '1407', name: 'Öckerö' }]);
    // What the first ask brought stays.
    expect(body.data.page.nodes.filter((n: any) => n.id.startsWith('1407:')).length).toBeGreaterThan(0);
  });

  it('the second ask that completes a page of an entity list', async () => {
    proxy().reset();
    proxy().state.failFrom = 2;
    const { status, body } = await region.gql('{ areas: developmentAreas { code projects(first: 20, orderBy: { field: TITLE, direction: ASC }) { nodes { id } } } }');
    expect(status).toBe(200);
    expect(proxy().state.requests).toBe(2);
    const index = body.data.areas.findIndex((a: any) => a.code === area);
    const found = holes(body);
    expect(found).toContainEqual(['MUNICIPALITY_UNAVAILABLE', '1407', ['areas', index]]);
    // Only Öckerö, only at development areas it was asked again for.
    for (const [code, kommun, path] of found) expect([code, kommun, path.length, path[0]]).toEqual(['MUNICIPALITY_UNAVAILABLE', '1407', 2, 'areas']);
    expect(body.extensions.missingMunicipalities).toEqual([{ code: '1407', name: 'Öckerö' }]);
  });

  it('an entity its owner cannot answer keeps its place, its fields empty, so non-null fields do not null the whole answer', async () => {
    const query = '{ list: municipalities { code twinTowns { city } memberships { id } strategy { title } projects(first: 1) { totalCount nodes { id } } } }';
    const whole = await region.gql(query);
    expect(whole.body.errors).toBeUndefined();
    proxy().state.failHttp = true;
    const { body } = await region.gql(query);
    const index = body.data.list.findIndex((m: any) => m.code === '1407');
    expect(body.data.list[index]).toEqual({ code: '1407', twinTowns: [], memberships: [], strategy: null, projects: { totalCount: 0, nodes: [] } });
    // Everyone else's part is as it was.
    expect(body.data.list.filter((m: any) => m.code !== '1407')).toEqual(whole.body.data.list.filter((m: any) => m.code !== '1407'));
    expect(holes(body)).toEqual([['MUNICIPALITY_UNAVAILABLE', '1407', ['list', index]]]);
    expect(body.extensions.missingMunicipalities).toEqual([{ code: '1407', name: 'Öckerö' }]);
  });

  it('an entity fetch and the follow-up fetch of entities nested under a kommun\'s data', async () => {
    const { body: found } = await region.gql('{ projects(first: 50, filter: { municipalities: ["1480"] }) { nodes { id developmentAreas { code } } } }');
    const project = found.data.projects.nodes.find((n: any) => n.developmentAreas.length > 0);
    expect(project).toBeDefined();
    proxy().state.failHttp = true;
    const { status, body } = await region.gql(`{
      mine: project(id: "${project.id}") { id developmentAreas { code projects(first: 2) { totalCount } } }
      areas: developmentAreas { code projects(first: 0) { totalCount } }
    }`);
    expect(status).toBe(200);
    expect(body.data.mine.id).toBe(project.id);
    const expected = [
      ...body.data.mine.developmentAreas.map((_: unknown, i: number) => ['mine', 'developmentAreas', i]),
      ...body.data.areas.map((_: unknown, i: number) => ['areas', i]),
    ].map((path) => ['MUNICIPALITY_UNAVAILABLE', '1407', path]);
    expect(holes(body)).toEqual(holes({ errors: expected.map(([c, m, path]) => ({ extensions: { code: c, municipality: m }, path })) }));
    expect(body.extensions.missingMunicipalities).toEqual([{ code: '1407', name: 'Öckerö' }]);
  });
});

describe("a kommun's own errors for its user", () => {
  it('pass through as they are, naming the kommun, and leave no hole', async () => {
    const { status, body } = await region.gql('query($t: String) { projects(filter: { municipalities: ["1480"], text: $t }) { totalCount } }', { t: 'x'.repeat(500) });
    expect(status).toBe(200);
    expect(body.errors).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/filter\.text.*200/), path: ['projects'], extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', municipality: '1480' }) }),
    ]);
    expect(body.extensions?.missingMunicipalities).toBeUndefined();
  });
});

describe('the metrics an operator reads', () => {
  /** One sample of a Prometheus text exposition: the value of `name` with exactly these labels (besides `service`), or 0. */
  const sample = (text: string, name: string, labels: Record<string, string>): number => {
    for (const line of text.split('\n')) {
      const m = /^([a-z_]+)\{([^}]*)\} (\S+)$/.exec(line);
      if (!m || m[1] !== name) continue;
      const found = Object.fromEntries([...m[2].matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
      const { service: _, ...rest } = found;
      if (JSON.stringify(Object.entries(rest).sort()) === JSON.stringify(Object.entries(labels).sort())) return Number(m[3]);
    }
    return 0;
  };
  const gatewayMetrics = async () => {
    const res = await fetch(region.gatewayUrl.replace('/graphql', '/metrics'), { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(res.status).toBe(200);
    return res.text();
  };

  it('count holes by kommun and cause, fetches by kommun and outcome, and requests by outcome', async () => {
    const before = await gatewayMetrics();
    const proxy = region.proxies.get('1407')!;
    proxy.state.failHttp = true;
    try {
      const { body } = await region.gql(`query MetricsProbe ${everyStage('1407')}`);
      expect(body.extensions.missingMunicipalities).toEqual([{ code: '1407', name: 'Öckerö' }]);
    } finally {
      proxy.state.failHttp = false;
    }
    const after = await gatewayMetrics();
    const delta = (name: string, labels: Record<string, string>) => sample(after, name, labels) - sample(before, name, labels);
    // One answer with Öckerö missing, however many places it left empty.
    expect(delta('samverkan_gateway_holes_total', { municipality: '1407', cause: 'http_error' })).toBe(1);
    expect(delta('samverkan_gateway_holes_total', { municipality: '1480', cause: 'http_error' })).toBe(0);
    expect(delta('samverkan_gateway_shard_fetch_seconds_count', { municipality: '1407', outcome: 'http_error' })).toBeGreaterThan(0);
    expect(delta('samverkan_gateway_shard_fetch_seconds_count', { municipality: '1480', outcome: 'ok' })).toBeGreaterThan(0);
    expect(delta('samverkan_gateway_shard_fetch_seconds_count', { municipality: '1480', outcome: 'http_error' })).toBe(0);
    expect(delta('samverkan_graphql_requests_total', { operation: 'MetricsProbe', type: 'query', outcome: 'partial' })).toBe(1);
    expect(sample(after, 'samverkan_gateway_members', { state: 'active' })).toBeGreaterThanOrEqual(13);
  });

  it('are for the holder of METRICS_TOKEN only, when it is set', async () => {
    const url = region.gatewayUrl.replace('/graphql', '/metrics');
    expect((await fetch(url)).status).toBe(401);
    expect((await fetch(url, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401);
  });

  it('a kommun subgraph reports its requests and its database pool', async () => {
    const kommun = region.kommuner.get('1480')!;
    await region.direct('1480', 'query PoolProbe { projects(first: 1) { totalCount } }');
    const text = await (await fetch(kommun.replace('/graphql', '/metrics'))).text();
    expect(sample(text, 'samverkan_graphql_requests_total', { operation: 'PoolProbe', type: 'query', outcome: 'ok' })).toBe(1);
    expect(sample(text, 'samverkan_db_pool_connections', { state: 'total' })).toBeGreaterThanOrEqual(1);
    expect(text).toMatch(/^samverkan_process_cpu_seconds_total/m);
  });
});

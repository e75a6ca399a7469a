import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { comparePositions, decodeCursor } from '@samverkan/contract';
import { postGraphQL } from '@samverkan/testing';
import { decodeJwt } from 'jose';
import { compareGroupKeys } from '@samverkan/gateway/src/routing/merge';

const OPERATIONS = join(__dirname, '../../schema/operations');
const operation = (name: string) => readFileSync(join(OPERATIONS, `${name}.graphql`), 'utf8');
import { eventually, startE2ERegion, type E2ERegion } from './harness';
import { domainOf, variedBodies, type Scenario } from '../bench/varied';

/** The whole GR region on real PostgreSQL: one query reaches all 13 kommuner. */
let region: E2ERegion;
let codes: string[];
beforeAll(async () => {
  // Each kommun behind a counting proxy, to see which shards a fetch asks.
  region = await startE2ERegion({ proxied: true });
  codes = region.manifest.members.map((m) => m.code).sort();
}, 120_000);
afterAll(() => region?.stop());

async function data(query: string, variables?: Record<string, unknown>, token?: string): Promise<any> {
  const { body } = await region.gql(query, variables, token);
  expect(body.errors).toBeUndefined();
  return body.data;
}

describe('the public API through the gateway', () => {
  it('region and municipalities come from the registry, with every member', async () => {
    const d = await data('{ region { name population members { code } } municipalities { code name county population } }');
    expect(d.region.name).toBe(region.manifest.name);
    expect(d.region.members.map((m: any) => m.code).sort()).toEqual(codes);
    expect(d.region.population).toBe(region.manifest.members.reduce((s, m) => s + Number(m.population), 0));
    expect(d.municipalities.map((m: any) => m.code).sort()).toEqual(codes);
  });

  it('projects and projectStats hold all 13 kommuner, adding up to their own totals', async () => {
    const d = await data('{ projects(first: 100) { totalCount nodes { municipality { code name } } } projectStats(groupBy: [MUNICIPALITY]) { municipality { code name } count } }');
    const own = await Promise.all(codes.map(async (c) => (await region.direct(c, '{ projects { totalCount } }')).body.data.projects.totalCount as number));
    expect(d.projects.totalCount).toBe(own.reduce((a, b) => a + b, 0));
    expect(d.projectStats.map((g: any) => g.municipality.code).sort()).toEqual(codes);
    expect(d.projectStats.map((g: any) => g.count)).toEqual(codes.map((c) => own[codes.indexOf(c)]));
    for (const g of d.projectStats) expect(g.municipality.name).toBeTruthy();
    expect(new Set(d.projects.nodes.map((p: any) => p.municipality.code)).size).toBeGreaterThan(5);
  });

  it('municipality(code) joins the registry and the kommun\'s own data', async () => {
    const d = await data('{ municipality(code: "1480") { code name county population memberships { network { id name forums } since } projects(first: 2) { totalCount } } }');
    expect(d.municipality).toMatchObject({ code: '1480', name: 'Göteborg', county: 'Västra Götalands län' });
    expect(d.municipality.memberships).toEqual([expect.objectContaining({ since: '1995-01-01', network: expect.objectContaining({ id: 'eurocities', name: 'Eurocities' }) })]);
    expect(d.municipality.projects.totalCount).toBeGreaterThan(40);
  });

  it('development areas, initiatives, networks and programmes carry projects from every kommun', async () => {
    const d = await data(`{
      developmentAreas { code name projects(first: 10, orderBy: { field: BUDGET_TOTAL, direction: DESC }) { totalCount nodes { id budget { total } municipality { code } } } }
      jointInitiatives { id name participants { code name } projects(first: 3) { totalCount } }
      networks { id name memberships { municipality { code name } } }
      fundingProgrammes { code fund projects(first: 1) { totalCount } }
    }`);
    expect(d.developmentAreas).toHaveLength(6);
    const seen = new Set<string>();
    for (const area of d.developmentAreas) {
      const budgets = area.projects.nodes.map((p: any) => p.budget.total ?? 0);
      expect(budgets).toEqual([...budgets].sort((a, b) => b - a));
      area.projects.nodes.forEach((p: any) => seen.add(p.municipality.code));
    }
    expect(seen.size).toBeGreaterThan(5);
    const samsyn = d.jointInitiatives.find((i: any) => i.id === 'gr-samsyn');
    expect(samsyn.participants.map((p: any) => p.code)).toContain('1480');
    expect(samsyn.participants.map((p: any) => p.code)).toEqual([...samsyn.participants.map((p: any) => p.code)].sort());
    expect(d.networks.find((n: any) => n.id === 'eurocities').memberships).toEqual([{ municipality: { code: '1480', name: 'Göteborg' } }]);
    const funded = d.fundingProgrammes.reduce((s: number, p: any) => s + p.projects.totalCount, 0);
    expect(funded).toBeGreaterThan(0);
  });

  it('project(id) goes to its owner; an unknown kommun fails only its own item', async () => {
    region.resetProxies();
    const { body } = await region.gql('{ a: project(id: "1481:project:1") { id municipality { name } } b: project(id: "9999:project:1") { id } c: project(id: "nonsense") { id } }');
    expect(body.data.a).toEqual({ id: '1481:project:1', municipality: { name: 'Mölndal' } });
    expect(body.data.b).toBeNull();
    expect(body.data.c).toBeNull();
    expect(body.errors).toEqual([
      expect.objectContaining({ path: ['c'], message: expect.stringMatching(/"nonsense" does not name a kommun/), extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) }),
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'MUNICIPALITY_UNKNOWN', municipality: '9999' }) }),
    ]);
    expect(region.requestsByKommun()).toEqual({ '1481': 1 });
  });
});

describe('merging equals the 13 subgraphs\' own answers', () => {
  const PAGE = `query($f: ProjectFilter, $o: ProjectOrder, $first: Int, $after: String) {
    projects(filter: $f, orderBy: $o, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id title } } } }`;

  /** Every matching project of every kommun, asked of each subgraph directly, in the global order. */
  async function expectedOrder(filter: unknown, order: unknown): Promise<string[]> {
    const all: Array<{ id: string; cursor: string }> = [];
    for (const code of codes) {
      let after: string | null = null;
      for (;;) {
        const { body } = await region.direct(code, PAGE, { f: filter, o: order, first: 100, after });
        const conn = body.data.projects;
        for (const e of conn.edges) all.push({ id: e.node.id, cursor: e.cursor });
        if (!conn.pageInfo.hasNextPage) break;
        after = conn.pageInfo.endCursor;
      }
    }
    return all.sort((a, b) => comparePositions(decodeCursor(a.cursor), decodeCursor(b.cursor))).map((x) => x.id);
  }

  const cases = [
    { order: { field: 'BUDGET_TOTAL', direction: 'DESC' }, filter: { status: ['ONGOING'] }, first: 50 },
    { order: { field: 'START_DATE', direction: 'ASC' }, filter: { developmentAreas: ['EU-FUNDS'] }, first: 17 },
    { order: { field: 'TITLE', direction: 'ASC' }, filter: { funds: ['ESF', 'ERDF'], municipalities: ['1480', '1481', '1384'] }, first: 9 },
    { order: { field: 'EU_COFINANCING', direction: 'DESC' }, filter: { text: 'EU' }, first: 100 },
    { order: { field: 'ID', direction: 'ASC' }, filter: { activeOn: '2024-06-01' }, first: 33 },
  ];

  it.each(cases)('page by page: $order.field $order.direction, $first a page', async ({ order, filter, first }) => {
    const expected = await expectedOrder(filter, order);
    expect(expected.length).toBeGreaterThan(0);
    const got: string[] = [];
    let after: string | null = null;
    for (let page = 0; ; page++) {
      const { body } = await region.gql(PAGE, { f: filter, o: order, first, after });
      expect(body.errors).toBeUndefined();
      const conn = body.data.projects;
      expect(conn.totalCount).toBe(expected.length);
      expect(conn.edges.map((e: any) => e.node.id)).toEqual(expected.slice(page * first, (page + 1) * first));
      got.push(...conn.edges.map((e: any) => e.node.id));
      expect(conn.pageInfo.hasNextPage).toBe(got.length < expected.length);
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
    }
    expect(got).toEqual(expected);
  });

  it.each([
    ['largest budgets first', { field: 'BUDGET_TOTAL', direction: 'DESC' }, 10],
    ['all from one kommun (skewed)', { field: 'ID', direction: 'ASC' }, 12],
    ['by title', { field: 'TITLE', direction: 'ASC' }, 7],
  ])('a development area\'s projects, %s, equal the merge of every kommun\'s own', async (_name, order, first) => {
    const areas = ['EU-FUNDS', 'EU-ADVOCACY', 'EU-COMPETENCE', 'EU-PARTNERS', 'BRUSSELS-INFO', 'EU-NETWORKS'];
    const ENTITIES = `query($r: [_Any!]!, $o: ProjectOrder) { _entities(representations: $r) { ... on DevelopmentArea { code projects(first: 100, orderBy: $o) { totalCount edges { cursor node { id } } } } } }`;
    const expected = new Map<string, { total: number; rows: Array<{ id: string; cursor: string }> }>(areas.map((a) => [a, { total: 0, rows: [] }]));
    for (const code of codes) {
      const { body } = await region.direct(code, ENTITIES, { r: areas.map((a) => ({ __typename: 'DevelopmentArea', code: a })), o: order });
      for (const area of body.data._entities) {
        const e = expected.get(area.code)!;
        e.total += area.projects.totalCount;
        e.rows.push(...area.projects.edges.map((x: any) => ({ id: x.node.id, cursor: x.cursor })));
      }
    }
    const d = await data(`query($o: ProjectOrder, $n: Int) { developmentAreas { code projects(first: $n, orderBy: $o) { totalCount nodes { id } } } }`, { o: order, n: first });
    for (const area of d.developmentAreas) {
      const e = expected.get(area.code)!;
      const top = e.rows.sort((a, b) => comparePositions(decodeCursor(a.cursor), decodeCursor(b.cursor))).slice(0, first).map((r) => r.id);
      expect([area.code, area.projects.totalCount, area.projects.nodes.map((n: any) => n.id)]).toEqual([area.code, e.total, top]);
    }
  });

  it.each([[['MUNICIPALITY', 'FUND']], [['PROGRAMME']], [['DEVELOPMENT_AREA', 'STATUS']], [[]]])('stats by %j add up', async (groupBy) => {
    const query = `query($g: [ProjectDimension!]) { projectStats(groupBy: $g) { key count budgetTotal euCofinancing fundingAmount } }`;
    const sums = new Map<string, { count: number; budgetTotal: number; fundingAmount: number }>();
    for (const code of codes) {
      for (const g of (await region.direct(code, query, { g: groupBy })).body.data.projectStats) {
        const s = sums.get(g.key) ?? { count: 0, budgetTotal: 0, fundingAmount: 0 };
        s.count += g.count;
        s.budgetTotal += g.budgetTotal;
        s.fundingAmount += g.fundingAmount;
        sums.set(g.key, s);
      }
    }
    const d = await data(query, { g: groupBy });
    // In the one group order every kommun and the gateway keep: by value, a missing value last.
    expect(d.projectStats.map((g: any) => g.key)).toEqual([...sums.keys()].sort(compareGroupKeys));
    for (const g of d.projectStats) {
      const s = sums.get(g.key)!;
      expect(g.count).toBe(s.count);
      expect(g.budgetTotal).toBeCloseTo(s.budgetTotal, 2);
      expect(g.fundingAmount).toBeCloseTo(s.fundingAmount, 2);
    }
  });
});

describe('mutations through the gateway', () => {
  it('go to the owning kommun only, with the caller\'s token', async () => {
    const token = await region.token({ role: 'kommun-editor', subject: 'e2e', municipality: '1481' });
    region.resetProxies();
    const d = await data(
      `mutation($i: ProjectInput!) { createProject(input: $i) { id municipality { name } } }`,
      { i: { municipality: '1481', title: 'Routed write', status: 'PLANNED', startDate: '2026-02-01' } },
      token,
    );
    expect(d.createProject.municipality.name).toBe('Mölndal');
    expect(region.requestsByKommun()).toEqual({ '1481': 1 });
    expect(region.proxies.get('1481')!.state.authorizations).toEqual([`Bearer ${token}`]);
    const id = d.createProject.id;
    expect(id).toMatch(/^1481:project:\d+$/);
    for (const code of codes) {
      const { body } = await region.direct(code, '{ projects(filter: { text: "Routed write" }) { totalCount } }');
      expect([code, body.data.projects.totalCount]).toEqual([code, code === '1481' ? 1 : 0]);
    }
    const refused = await region.gql(`mutation($id: ID!) { deleteProject(id: $id) }`, { id });
    expect(refused.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    const other = await region.gql(`mutation($id: ID!) { deleteProject(id: $id) }`, { id }, await region.token({ role: 'kommun-editor', subject: 'x', municipality: '1480' }));
    expect(other.body.errors[0].extensions.code).toBe('FORBIDDEN');
    expect((await data(`mutation($id: ID!) { deleteProject(id: $id) }`, { id }, token)).deleteProject).toBe(id);
  });
});

describe('the caller\'s token travels only with writes, to their owner', () => {
  const seen = () => [...region.proxies].flatMap(([code, p]) => p.state.authorizations.map((a) => ({ code, authorization: a })));

  it('reads of every shape reach the shards with no Authorization header', async () => {
    const token = await region.token({ role: 'kommun-editor', subject: 'e2e', municipality: '1480' });
    region.resetProxies();
    await data(
      `{ projects(first: 5) { totalCount nodes { id partners { municipality { projects(first: 1) { totalCount } } } developmentAreas { projects(first: 1) { totalCount } } } }
         project(id: "1480:project:1") { title }
         municipalities { code projects(first: 1) { totalCount } }
         developmentAreas { code projects(first: 3) { totalCount } } }`,
      undefined,
      token,
    );
    const requests = seen();
    // Broadcast, owner-routed, nested and entity fetches all happened: every kommun was asked.
    expect(new Set(requests.map((r) => r.code)).size).toBe(codes.length);
    expect(requests.filter((r) => r.authorization !== undefined)).toEqual([]);
  });

  it('a write carries it to its owner only, and the reads that complete its answer carry none', async () => {
    const token = await region.token({ role: 'kommun-editor', subject: 'e2e', municipality: '1482' });
    region.resetProxies();
    const d = await data(
      `mutation($i: ProjectInput!) { createProject(input: $i) { id developmentAreas { code projects(first: 1) { totalCount } } municipality { name } } }`,
      { i: { municipality: '1482', title: 'Token travel', status: 'PLANNED', startDate: '2026-02-01', developmentAreas: ['EU-FUNDS'] } },
      token,
    );
    expect(d.createProject.developmentAreas[0].projects.totalCount).toBeGreaterThan(1);
    const requests = seen();
    expect(new Set(requests.map((r) => r.code)).size).toBe(codes.length);
    expect(requests.filter((r) => r.authorization !== undefined)).toEqual([{ code: '1482', authorization: `Bearer ${token}` }]);
    await data(`mutation($id: ID!) { deleteProject(id: $id) }`, { id: d.createProject.id }, token);
  });
});

describe('fields that must know who asks get the gateway\'s assertion, bound to their owner', () => {
  const AUDIT = 'query($k: ID!) { auditLog(municipality: $k, first: 5) { nodes { operation entityId actorSubject actorRole } } }';

  it('a kommun\'s audit log through the gateway: its editors and region editors read it, asserted to that kommun only', async () => {
    const token = await region.token({ role: 'kommun-editor', subject: 'e2e-audit', municipality: '1480' });
    const created = await data(`mutation($i: ProjectInput!) { createProject(input: $i) { id } }`, { i: { municipality: '1480', title: 'Audited', status: 'PLANNED', startDate: '2026-03-01' } }, token);
    const id = created.createProject.id;
    region.resetProxies();
    const log = await data(AUDIT, { k: '1480' }, token);
    expect(log.auditLog.nodes[0]).toEqual({ operation: 'createProject', entityId: id, actorSubject: 'e2e-audit', actorRole: 'kommun-editor' });
    // Only the owner was asked, with an assertion of the gateway's, not the caller's token.
    expect(region.requestsByKommun()).toEqual({ '1480': 1 });
    const [sent] = region.proxies.get('1480')!.state.authorizations;
    expect(sent).toMatch(/^Bearer /);
    expect(sent).not.toBe(`Bearer ${token}`);
    const claims = decodeJwt(sent!.slice(7));
    expect(claims).toMatchObject({ iss: 'samverkan-gateway', aud: 'samverkan:kommun:1480', sub: 'e2e-audit', role: 'kommun-editor', municipality: '1480' });
    expect(claims.exp! - claims.iat!).toBeLessThanOrEqual(60);

    // The assertion is worth nothing elsewhere: another kommun refuses it, and its owner refuses it for a write.
    const elsewhere = await postGraphQL(region.kommuner.get('1481')!, AUDIT, { k: '1481' }, { authorization: sent! });
    expect(elsewhere.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const write = await postGraphQL(region.kommuner.get('1480')!, 'mutation($id: ID!) { deleteProject(id: $id) }', { id }, { authorization: sent! });
    expect(write.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const regionEditor = await region.token({ role: 'region-editor', subject: 'e2e-region' });
    expect((await data(AUDIT, { k: '1480' }, regionEditor)).auditLog.nodes[0].entityId).toBe(id);
    const other = await region.gql(AUDIT, { k: '1480' }, await region.token({ role: 'kommun-editor', subject: 'x', municipality: '1481' }));
    expect(other.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const anonymous = await region.gql(AUDIT, { k: '1480' });
    expect(anonymous.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    await data(`mutation($id: ID!) { deleteProject(id: $id) }`, { id }, token);
  });

  it('the region\'s audit log through the gateway, for region editors', async () => {
    const regionEditor = await region.token({ role: 'region-editor', subject: 'e2e-region-audit' });
    await data('mutation($i: NetworkInput!) { upsertNetwork(input: $i) { id } }', { i: { id: 'network-audit-e2e', name: 'Granskat nätverk' } }, regionEditor);
    const log = await data('{ regionAuditLog(first: 1) { nodes { operation entityId actorSubject } } }', undefined, regionEditor);
    expect(log.regionAuditLog.nodes).toEqual([{ operation: 'upsertNetwork', entityId: 'network-audit-e2e', actorSubject: 'e2e-region-audit' }]);
    const kommunEditor = await region.gql('{ regionAuditLog(first: 1) { nodes { id } } }', undefined, await region.token({ role: 'kommun-editor', subject: 'k', municipality: '1480' }));
    expect(kommunEditor.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    await data('mutation { deleteNetwork(id: "network-audit-e2e") }', undefined, regionEditor);
  });
});

describe('request ids', () => {
  it('the gateway names each answer\'s id and sends the same id with every fetch it makes for it', async () => {
    region.resetProxies();
    const res = await fetch(region.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ projects(first: 2) { totalCount } }' }) });
    const id = res.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const seen = [...region.proxies.values()].flatMap((p) => p.state.requestIds);
    expect(seen).toHaveLength(codes.length);
    expect(new Set(seen)).toEqual(new Set([id]));
    // A load balancer's id is kept end to end.
    region.resetProxies();
    const given = await fetch(region.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': 'lb-0001' }, body: JSON.stringify({ query: '{ projects(first: 2) { totalCount } }' }) });
    expect(given.headers.get('x-request-id')).toBe('lb-0001');
    expect(new Set([...region.proxies.values()].flatMap((p) => p.state.requestIds))).toEqual(new Set(['lb-0001']));
  });

  it('an export sends its request\'s id with every fetch it makes, as a query does', async () => {
    region.resetProxies();
    const res = await fetch(`${new URL(region.gatewayUrl).origin}/export/projects.csv`, { headers: { 'x-request-id': 'lb-export-1' } });
    expect(res.status).toBe(200);
    expect((await res.text()).split('\n').length).toBeGreaterThan(1);
    expect(res.headers.get('x-request-id')).toBe('lb-export-1');
    const seen = [...region.proxies.values()].flatMap((p) => p.state.requestIds);
    expect(seen.length).toBeGreaterThanOrEqual(codes.length);
    expect(new Set(seen)).toEqual(new Set(['lb-export-1']));
  });
});

describe('varied requests of one operation', () => {
  // A kommun parses, validates and compiles each document text once: a text per request would make it do so for every one.
  it.each([
    ['S1', 's1-top-projects'],
    ['S3', 's3-kommun'],
  ] as Array<[Scenario, string]>)('%s sends each kommun the same few document texts, whatever the variables: values travel as variables', async (scenario, file) => {
    const query = readFileSync(join(__dirname, '../bench/operations', `${file}.graphql`), 'utf8');
    const requests = 12;
    const next = await variedBodies(scenario, query, region.gatewayUrl, await domainOf(region.gatewayUrl, codes), { seed: 'e2e', pool: requests, concurrency: 2 });
    const shapes = new Map<string, Set<string>>();
    for (let i = 0; i < requests; i++) {
      region.resetProxies();
      const res = await fetch(region.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: next() });
      expect(((await res.json()) as { errors?: unknown }).errors).toBeUndefined();
      for (const [code, proxy] of region.proxies) {
        for (const body of proxy.state.bodies) {
          const { query: text } = JSON.parse(body) as { query: string };
          shapes.set(code, (shapes.get(code) ?? new Set()).add(text));
        }
      }
    }
    // Each kommun asked was sent the texts of the operation's fetches only: S1 its first page and
    // its more rows (without the sums), S3 its one fetch, passed on whole.
    expect(shapes.size).toBe(scenario === 'S3' ? 1 : codes.length);
    const most = scenario === 'S3' ? 1 : 2;
    for (const [code, texts] of shapes) expect([code, texts.size <= most ? 'few' : [...texts]]).toEqual([code, 'few']);
  });
});

describe("the region's catalogue, read by the kommuner from the region at run time", () => {
  it('a programme a region editor adds is known at a kommun\'s next write, which takes its fund from it', async () => {
    const regionEditor = await region.token({ role: 'region-editor', subject: 'e2e-catalogue' });
    const editor = await region.token({ role: 'kommun-editor', subject: 'e2e-catalogue', municipality: '1480' });
    const code = `E2E-PROG-${Date.now()}`;
    const create = (programme: string) =>
      region.gql('mutation($i: ProjectInput!) { createProject(input: $i) { id funding { programme { code } fund amount } } }', { i: { municipality: '1480', title: `Katalog ${programme}`, status: 'PLANNED', startDate: '2026-04-01', funding: [{ programme, amount: 1000 }] } }, editor);
    // Not in the catalogue yet: the write needs the fund named.
    const before = await create(code);
    expect(before.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(before.body.errors?.[0]?.message).toMatch(/not in the catalogue/);
    await data('mutation($i: FundingProgrammeInput!) { upsertFundingProgramme(input: $i) { code } }', { i: { code, name: 'Nytt program', fund: 'LIFE' } }, regionEditor);
    // The kommun asks the region again for a code it does not know, at most once a second.
    const after = await eventually('the new programme known to the kommun', async () => {
      const r = await create(code);
      return r.body.errors ? undefined : r;
    });
    expect(after.body.data.createProject.funding).toEqual([{ programme: { code }, fund: 'LIFE', amount: 1000 }]);
    await data('mutation($id: ID!) { deleteProject(id: $id) }', { id: after.body.data.createProject.id }, editor);
    await data('mutation($c: ID!) { deleteFundingProgramme(code: $c) }', { c: code }, regionEditor);
  });

  it('a development area and a joint initiative a region editor adds are refused before and taken at the next write after', async () => {
    const regionEditor = await region.token({ role: 'region-editor', subject: 'e2e-catalogue' });
    const editor = await region.token({ role: 'kommun-editor', subject: 'e2e-catalogue', municipality: '1480' });
    const area = `E2E-AREA-${Date.now()}`;
    const initiative = `e2e-initiative-${Date.now()}`;
    const create = () =>
      region.gql('mutation($i: ProjectInput!) { createProject(input: $i) { id developmentAreas { code } initiative { id } } }', { i: { municipality: '1480', title: `Katalog ${area}`, status: 'PLANNED', startDate: '2026-04-01', developmentAreas: [area] } }, editor);
    const update = (id: string) => region.gql('mutation($id: ID!, $i: ProjectUpdateInput!) { updateProject(id: $id, input: $i) { initiative { id } } }', { id, i: { initiative } }, editor);
    const before = await create();
    expect(before.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'developmentAreas' }] });
    expect(before.body.errors?.[0]?.message).toContain(`${area} is not a development area of the region's catalogue`);
    await data('mutation($i: DevelopmentAreaInput!) { upsertDevelopmentArea(input: $i) { code } }', { i: { code: area, name: 'Nytt område' } }, regionEditor);
    // The kommun asks the region again for a code it does not know, at most once a second.
    const created = await eventually('the new area known to the kommun', async () => {
      const r = await create();
      return r.body.errors ? undefined : r;
    });
    const id = created.body.data.createProject.id;
    expect(created.body.data.createProject.developmentAreas).toEqual([{ code: area }]);
    const refused = await update(id);
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'initiative' }] });
    await data('mutation($i: JointInitiativeInput!) { upsertJointInitiative(input: $i) { id } }', { i: { id: initiative, name: 'Ny satsning' } }, regionEditor);
    const updated = await eventually('the new initiative known to the kommun', async () => {
      const r = await update(id);
      return r.body.errors ? undefined : r;
    });
    expect(updated.body.data.updateProject.initiative).toEqual({ id: initiative });
    await data('mutation($id: ID!) { deleteProject(id: $id) }', { id }, editor);
    await data('mutation($id: ID!) { deleteJointInitiative(id: $id) }', { id: initiative }, regionEditor);
    await data('mutation($c: ID!) { deleteDevelopmentArea(code: $c) }', { c: area }, regionEditor);
  });
});

describe('TITLE order across kommuner, outside the Basic Multilingual Plane', () => {
  // U+1F600 is a surrogate pair in UTF-16, below U+FB00 by code unit and above it by code point,
  // which is how every kommun sorts titles (COLLATE "C").
  it.each(['ASC', 'DESC'])('paging one by one, %s, brings both projects in code point order', async (direction) => {
    const made: Array<{ code: string; id: string; token: string }> = [];
    try {
      for (const [code, title] of [['1480', 'Zz\u{1F600} kodpunktsordning'], ['1481', 'Zz\u{FB00} kodpunktsordning']]) {
        const token = await region.token({ role: 'kommun-editor', subject: 'e2e', municipality: code });
        const d = await data('mutation($i: ProjectInput!) { createProject(input: $i) { id } }', { i: { municipality: code, title, status: 'PLANNED', startDate: '2026-03-01' } }, token);
        made.push({ code, id: d.createProject.id, token });
      }
      const [emoji, ff] = made.map((m) => m.id);
      const walked: string[] = [];
      let after: string | null = null;
      for (let page = 0; page < 5; page++) {
        const d = await data(
          `query($o: ProjectOrder, $after: String) { projects(filter: { text: "kodpunktsordning" }, orderBy: $o, first: 1, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { id } } }`,
          { o: { field: 'TITLE', direction }, after },
        );
        expect(d.projects.totalCount).toBe(2);
        walked.push(...d.projects.nodes.map((n: any) => n.id));
        if (!d.projects.pageInfo.hasNextPage) break;
        after = d.projects.pageInfo.endCursor;
      }
      expect(walked).toEqual(direction === 'ASC' ? [ff, emoji] : [emoji, ff]);
    } finally {
      for (const m of made) await data('mutation($id: ID!) { deleteProject(id: $id) }', { id: m.id }, m.token);
    }
  });
});

describe('the example operations in schema/operations', () => {
  it('cover every file there', () => {
    expect(readdirSync(OPERATIONS).sort()).toEqual(
      ['areas-largest-projects', 'joint-initiatives', 'kommun-projects', 'region-overview', 'stats-by-kommun-and-programme', 'top-projects', 'update-project'].map((n) => `${n}.graphql`),
    );
  });

  it('region-overview answers for every member', async () => {
    const d = await data(operation('region-overview'));
    expect(d.projectStats.map((g: any) => g.municipality.code).sort()).toEqual(codes);
    expect(d.projectStats.every((g: any) => g.municipality.name && g.count > 0)).toBe(true);
  });

  it('top-projects pages the largest ongoing projects of the whole region', async () => {
    const first = await data(operation('top-projects'), { first: 20 });
    const second = await data(operation('top-projects'), { first: 20, after: first.projects.pageInfo.endCursor });
    const totals = [...first.projects.nodes, ...second.projects.nodes].map((p: any) => p.budget.total ?? 0);
    expect(totals).toEqual([...totals].sort((a, b) => b - a));
    expect(new Set([...first.projects.nodes, ...second.projects.nodes].map((p: any) => p.id)).size).toBe(40);
    expect(first.projects.nodes[0].municipality.name).toBeTruthy();
  });

  it('stats-by-kommun-and-programme names programmes from the region catalogue', async () => {
    const d = await data(operation('stats-by-kommun-and-programme'));
    const funded = d.projectStats.filter((g: any) => g.programme);
    expect(funded.length).toBeGreaterThan(codes.length);
    expect(funded.every((g: any) => g.programme.name && g.programme.fund)).toBe(true);
  });

  it('kommun-projects, areas-largest-projects and joint-initiatives answer without errors', async () => {
    const k = await data(operation('kommun-projects'), { code: '1480' });
    expect(k.municipality.memberships[0].network.name).toBe('Eurocities');
    const a = await data(operation('areas-largest-projects'));
    expect(a.developmentAreas.every((x: any) => x.projects.nodes.length === 10)).toBe(true);
    const j = await data(operation('joint-initiatives'));
    expect(j.jointInitiatives.find((i: any) => i.id === 'halsogreppet').participants.length).toBeGreaterThan(1);
  });

  it('update-project changes a project through the gateway', async () => {
    const token = await region.token({ role: 'kommun-editor', subject: 'e2e', municipality: '1402' });
    const d = await data(operation('update-project'), { id: '1402:project:3', input: { title: 'Renamed through the gateway', status: 'COMPLETED' } }, token);
    expect(d.updateProject).toMatchObject({ id: '1402:project:3', title: 'Renamed through the gateway', status: 'COMPLETED', municipality: { name: 'Partille' } });
    const direct = await region.direct('1402', '{ project(id: "1402:project:3") { title } }');
    expect(direct.body.data.project.title).toBe('Renamed through the gateway');
  });
});

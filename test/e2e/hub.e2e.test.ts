import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GraphQLSchema } from 'graphql';
import { postGraphQL, testDatabaseName } from '@samverkan/testing';
import { readManifest, REPO_ROOT, startHubOfHubs, type RunningHub } from '@samverkan/region-runner';
import { apiSchema, loadDataPool, type DataPool } from '../differential/data-pool';
import { EVERY_SHAPE, generateOperation, readRoutingFacts, type GeneratedOperation, type GeneratorOptions } from '../differential/generator';
import { describeFailure, outcomesAhead, runOperation, type Outcome } from '../differential/run';
import { EDGE_PROJECTS } from '../differential/twin-regions';
import WebSocket from 'ws';
import { createClient } from 'graphql-ws';
import { eventually, listen, startE2ERegion, startProxy, type E2ERegion, type Proxy } from './harness';

/**
 * A hub of hubs: a national gateway whose members are three regional gateways (each answering as
 * one member at /member/graphql for its kommuner), over the same six kommun subgraphs as one flat
 * gateway. The national gateway must answer every generated operation exactly as the flat one:
 * data in order, errors by code and path, and pages walked on with its own cursors. A kommun
 * missing inside a regional gateway is named in the national answer; a regional gateway missing
 * names all of its kommuner; a write through the national gateway reaches its owner.
 */
const SEED = 'samverkan-hub-1';
/** Operations in flight at once: both sides' servers work on several rather than wait on one round trip. */
const AHEAD = 3;
const COUNT = 120;
/** Three regional gateways; the kommuner whose projects tie (EDGE_PROJECTS: 1480, 1481, 1384) span two of them. */
const GROUPS = [
  ['1384', '1480'],
  ['1401', '1481'],
  ['1402', '1407'],
];
const CODES = GROUPS.flat().sort();
/** Failed by a proxy in front of it, inside the third regional gateway. */
const INSIDE = '1407';

let flat: E2ERegion;
let hub: RunningHub;
let proxy: Proxy;
let schema: GraphQLSchema;
let pool: DataPool;
let options: GeneratorOptions;
const outcomes = new Map<number, Outcome>();

const national = (query: string, variables?: Record<string, unknown>, token?: string) => postGraphQL(hub.gatewayUrl, query, variables, token ? { authorization: `Bearer ${token}` } : {});
const ask = async (query: string, variables?: Record<string, unknown>) => {
  const [a, b] = await Promise.all([national(query, variables), flat.gql(query, variables)]);
  // `sharded` is the side under test: the national hub; `combined` the flat gateway it must equal.
  return { sharded: a, combined: b };
};

beforeAll(async () => {
  const gr = readManifest(join(REPO_ROOT, 'schema/regions/gr.json'));
  const manifestFile = join(mkdtempSync(join(tmpdir(), 'samverkan-hub-')), 'six.json');
  writeFileSync(manifestFile, JSON.stringify({ ...gr, id: 'gr6', members: gr.members.filter((m) => CODES.includes(m.code)) }));
  flat = await startE2ERegion({ manifestFile, syntheticProjects: 20, shardTimeoutMs: 10_000, gatewayEnv: { REQUEST_TIMEOUT_MS: '30000' } });
  for (const p of EDGE_PROJECTS.filter((e) => CODES.includes(e.municipality))) {
    const token = await flat.token({ role: 'kommun-editor', subject: 'hub', municipality: p.municipality });
    const { body } = await flat.gql('mutation($input: ProjectInput!) { createProject(input: $input) { id } }', { input: { ...p, status: 'ONGOING' } }, token);
    if (body.errors) throw new Error(`edge project ${JSON.stringify(p.title)} was refused: ${JSON.stringify(body.errors)}`);
  }
  proxy = await startProxy(flat.kommuner.get(INSIDE)!);
  hub = await startHubOfHubs({
    region: flat,
    groups: GROUPS,
    databasePrefix: testDatabaseName('samverkan_e2e', `hub${randomBytes(3).toString('hex')}`),
    kommunPort: async (code) => Number(new URL(code === INSIDE ? proxy.url : flat.kommuner.get(code)!).port),
    shardTimeoutMs: 10_000,
    gatewayEnv: { REQUEST_TIMEOUT_MS: '30000' },
  });
  await eventually(
    'the national gateway to serve all six kommuner',
    async () => {
      const { body } = await national('{ projectStats(groupBy: [MUNICIPALITY]) { key count } }');
      return !body.errors && body.data?.projectStats?.length === CODES.length;
    },
    60_000,
  );
  [schema, pool] = await Promise.all([apiSchema(flat.gatewayUrl), loadDataPool(flat.gatewayUrl)]);
  options = { schema, facts: readRoutingFacts(), pool, shapes: EVERY_SHAPE };
}, 300_000);

afterAll(async () => {
  const failed = [...outcomes.values()].filter((o) => o.failure);
  if (failed.length) process.stderr.write(`\nHub of hubs, seed ${SEED}: ${failed.length} of ${outcomes.size} operations differ: ${failed.map((o) => o.op.index).join(', ')}\n`);
  await hub?.stop();
  await proxy?.close();
  await flat?.stop();
}, 120_000);

describe('the national registry', () => {
  it('lists every kommun, at three member URLs: the regional gateways', async () => {
    const token = await flat.token({ role: 'region-editor', subject: 'hub' });
    const details: any = await (await fetch(hub.gatewayUrl.replace('/graphql', '/health/details'), { headers: { authorization: `Bearer ${token}` } })).json();
    expect(details.members.map((m: { code: string }) => m.code).sort()).toEqual(CODES);
    expect(details.members.every((m: { state: string; contractVersion: string }) => m.state === 'active' && m.contractVersion)).toBe(true);
    const urls = new Set(details.members.map((m: { url: string }) => m.url));
    expect([...urls].sort()).toEqual(hub.regional.map((r) => r.memberUrl).sort());
  });

  it('a regional gateway announces the contract at its member face, as a kommun does', async () => {
    const [member, kommun] = await Promise.all([postGraphQL(hub.regional[0].memberUrl, '{ _service { sdl } }'), flat.direct('1480', '{ _service { sdl } }')]);
    const version = (sdl: string) => /samverkan\.se\/contract\/kommun\/(v[\d.]+)/.exec(sdl)?.[1];
    expect(version(member.body.data._service.sdl)).toBeDefined();
    expect(version(member.body.data._service.sdl)).toBe(version(kommun.body.data._service.sdl));
  });

  it('the member face answers for its own kommuner only, with its own merged page', async () => {
    const query = '{ projects(first: 7, orderBy: { field: TITLE, direction: ASC }) { totalCount edges { cursor node { id municipality { code } } } pageInfo { hasNextPage endCursor } } }';
    const [member, own] = await Promise.all([
      postGraphQL(hub.regional[1].memberUrl, query),
      flat.gql(query.replace('projects(', `projects(filter: { municipalities: ${JSON.stringify(GROUPS[1])} }, `)),
    ]);
    expect(member.body.errors).toBeUndefined();
    expect(member.body.data.projects.edges.map((e: any) => e.node.id)).toEqual(own.body.data.projects.edges.map((e: any) => e.node.id));
    expect(member.body.data.projects.totalCount).toBe(own.body.data.projects.totalCount);
  });

  it('refuses what it cannot answer with an error naming it, and a malformed request changes nothing', async () => {
    const fragment = await postGraphQL(hub.regional[0].memberUrl, '{ ... on Query { projects { totalCount } } }');
    expect(fragment.body.errors?.[0].extensions.code).toBe('BAD_REQUEST');
    const badVariable = await postGraphQL(hub.regional[0].memberUrl, 'query($n: Int) { projects(first: $n) { totalCount } }', { n: 'many' });
    expect(badVariable.body.errors?.[0].message).toMatch(/\$n/);
    const badToken = await postGraphQL(hub.regional[0].memberUrl, '{ projects { totalCount } }', {}, { authorization: 'Bearer not-a-token' });
    expect(badToken.body.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
  });
});

describe(`${COUNT} generated operations (seed ${SEED}): the national hub answers as the flat gateway`, () => {
  const ops = new Map<number, GeneratedOperation>();
  const op = (i: number) => {
    if (!ops.has(i)) ops.set(i, generateOperation(options, SEED, i));
    return ops.get(i)!;
  };
  /** Each operation's outcome, the next AHEAD - 1 on their way meanwhile (see outcomesAhead). */
  const outcomeOf = outcomesAhead(COUNT, AHEAD, (i) => runOperation({ ask }, op(i)));
  it.each(Array.from({ length: COUNT }, (_, i) => i))('operation %i', async (i) => {
    const outcome = await outcomeOf(i);
    outcomes.set(i, outcome);
    if (outcome.failure) throw new Error(describeFailure(outcome));
  });

  it('walked pages on with the national cursors, and asked stats and entities, in many operations', () => {
    const all = [...outcomes.values()];
    expect(all.filter((o) => o.rounds.length > 1).length).toBeGreaterThan(COUNT / 5);
    expect(all.filter((o) => /projectStats/.test(o.op.query)).length).toBeGreaterThan(5);
    expect(all.filter((o) => /developmentAreas|fundingProgrammes|networks|jointInitiatives/.test(o.op.query)).length).toBeGreaterThan(5);
  });
});

describe('holes through two levels', () => {
  const stats = '{ projectStats(groupBy: [MUNICIPALITY]) { key count budgetTotal } }';
  const page = (codes?: string[]) =>
    `{ projects(first: 12, orderBy: { field: BUDGET_TOTAL, direction: DESC }${codes ? `, filter: { municipalities: ${JSON.stringify(codes)} }` : ''}) { totalCount nodes { id } } }`;

  it('a kommun failing inside a regional gateway is named in the national answer, with its cause; the rest of its region stays', async () => {
    proxy.state.failHttp = true;
    try {
      const others = CODES.filter((c) => c !== INSIDE);
      const [{ body }, { body: expected }] = await Promise.all([national(stats), flat.gql(stats)]);
      expect(body.data.projectStats).toEqual(expected.data.projectStats.filter((g: { key: string }) => g.key !== `MUNICIPALITY=${INSIDE}`));
      const holes = body.errors.filter((e: any) => e.extensions.code === 'MUNICIPALITY_UNAVAILABLE');
      expect(holes.map((e: any) => [e.extensions.municipality, e.path])).toEqual([[INSIDE, ['projectStats']]]);
      expect(holes[0].extensions.reason).toMatch(/HTTP 500/);
      expect(body.extensions.missingMunicipalities.map((m: { code: string }) => m.code)).toEqual([INSIDE]);
      // A page: the other five kommuner's rows, exact, the one missing named.
      const [{ body: p }, { body: q }] = await Promise.all([national(page()), flat.gql(page(others))]);
      expect(p.data.projects).toEqual(q.data.projects);
      expect(p.errors.map((e: any) => e.extensions.municipality)).toEqual([INSIDE]);
      // What kommuner add to the region's entities (`_entities` through both levels): the same.
      const areas = (filter: string) => `{ developmentAreas { code projects(first: 5, orderBy: { field: TITLE, direction: ASC }${filter}) { totalCount nodes { id } } } }`;
      const [{ body: x }, { body: y }] = await Promise.all([national(areas('')), flat.gql(areas(`, filter: { municipalities: ${JSON.stringify(others)} }`))]);
      expect(x.data).toEqual(y.data);
      expect(new Set(x.errors.map((e: any) => e.extensions.municipality))).toEqual(new Set([INSIDE]));
      expect(x.extensions.missingMunicipalities.map((m: { code: string }) => m.code)).toEqual([INSIDE]);
    } finally {
      proxy.state.failHttp = false;
    }
  });

  it('a write through the national hub reaches the kommun that owns it, with the caller\'s token', async () => {
    const input = { municipality: '1481', title: 'Skrivet genom riksnavet', status: 'PLANNED', startDate: '2026-01-01', developmentAreas: [], funding: [] };
    const create = 'mutation($input: ProjectInput!) { createProject(input: $input) { id title municipality { code } } }';
    const anonymous = await national(create, { input });
    expect(anonymous.body.errors?.[0].extensions.code).toMatch(/UNAUTHENTICATED|FORBIDDEN/);
    const token = await flat.token({ role: 'kommun-editor', subject: 'hub-writer', municipality: '1481' });
    const { body } = await national(create, { input }, token);
    expect(body.errors).toBeUndefined();
    const id = body.data.createProject.id as string;
    expect(id.startsWith('1481:')).toBe(true);
    const direct = await flat.direct('1481', 'query($id: ID!) { project(id: $id) { title } }', { id });
    expect(direct.body.data.project.title).toBe(input.title);
    // Another kommun's editor cannot write there, through the hub either.
    const other = await flat.token({ role: 'kommun-editor', subject: 'hub-writer', municipality: '1480' });
    const refused = await national('mutation($id: ID!) { deleteProject(id: $id) }', { id }, other);
    expect(refused.body.errors?.[0].extensions.code).toBe('FORBIDDEN');
    const still = await flat.direct('1481', 'query($id: ID!) { project(id: $id) { title } }', { id });
    expect(still.body.data.project.title).toBe(input.title);
    // And the hub answers it afterwards as the flat gateway does.
    const [a, b] = await Promise.all([national('query($id: ID!) { project(id: $id) { id title } }', { id }), flat.gql('query($id: ID!) { project(id: $id) { id title } }', { id })]);
    expect(a.body).toEqual(b.body);
  });

  it('projectChanged through the national hub: one upstream per regional gateway, each event as the flat gateway gives it', async () => {
    const socket = (url: string) => createClient({ url: url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0, lazy: true });
    const [n, f] = [socket(hub.gatewayUrl), socket(flat.gatewayUrl)];
    try {
      const query = `subscription($m: [ID!]) { projectChanged(municipalities: $m) { kind projectId municipality { code name } project { title developmentAreas { code } } } }`;
      const [atHub, atFlat] = [listen(n, query, { m: ['1402', '1384'] }), listen(f, query, { m: ['1402', '1384'] })];
      const token = await flat.token({ role: 'region-editor', subject: 'hub-health' });
      const upstreams = async (gatewayUrl: string) =>
        ((await (await fetch(gatewayUrl.replace('/graphql', '/health/details'), { headers: { authorization: `Bearer ${token}` } })).json()) as any).subscriptions.upstream['Subscription.projectChanged'];
      await eventually(
        'the national gateway to subscribe to two regional gateways, and these to their kommuner',
        async () =>
          (await upstreams(hub.gatewayUrl)).upstreams === 2 &&
          (await upstreams(flat.gatewayUrl)).upstreams === 2 &&
          (await upstreams(hub.regional[0].gatewayUrl)).codes.includes('1384') &&
          (await upstreams(hub.regional[2].gatewayUrl)).codes.includes('1402'),
        20_000,
      );
      // The regional gateways' own upstreams to their kommuner open when the hub's arrive, and an
      // event before they are connected reaches nobody (as at any gateway): write until one arrives.
      const editor = await flat.token({ role: 'kommun-editor', subject: 'hub-live', municipality: '1402' });
      const written: string[] = [];
      for (let attempt = 1; attempt <= 6 && !atHub.events.length; attempt++) {
        const { body } = await national('mutation($input: ProjectInput!) { createProject(input: $input) { id } }', { input: { municipality: '1402', title: `Live genom riksnavet ${attempt}`, status: 'PLANNED', startDate: '2026-02-01', developmentAreas: ['EU-FUNDS'], funding: [] } }, editor);
        expect(body.errors).toBeUndefined();
        written.push(body.data.createProject.id);
        await atHub.next(1, 3000).catch(() => undefined);
      }
      const a = await atHub.next(1, 1000);
      expect(written).toContain(a.data.projectChanged.projectId);
      const b = await eventually('the flat gateway to give the same event', async () => atFlat.events.find((e) => e.data?.projectChanged?.projectId === a.data.projectChanged.projectId), 10_000);
      expect(a).toEqual(b);
    } finally {
      await Promise.all([n.dispose(), f.dispose()]);
    }
  });

  it('a kommun whose live updates stop inside a regional gateway is said to be paused to national subscribers', async () => {
    const n = createClient({ url: hub.gatewayUrl.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0, lazy: true });
    try {
      const sub = listen(n, 'subscription($m: [ID!]) { projectChanged(municipalities: $m) { projectId } }', { m: [INSIDE] });
      // Its neighbour in the same regional gateway, on the same socket: not paused.
      const neighbour = listen(n, 'subscription($m: [ID!]) { projectChanged(municipalities: $m) { projectId } }', { m: ['1402'] });
      const token = await flat.token({ role: 'region-editor', subject: 'hub-health' });
      const third = async () =>
        ((await (await fetch(hub.regional[2].gatewayUrl.replace('/graphql', '/health/details'), { headers: { authorization: `Bearer ${token}` } })).json()) as any).subscriptions.upstream['Subscription.projectChanged'];
      await eventually('the third regional gateway to subscribe to the kommun behind the proxy', async () => (await third()).codes.includes(INSIDE), 20_000);
      // The proxy in front of the kommun goes away, its live connection with it.
      await proxy.close();
      const notice = await sub.next(1, 15_000);
      expect(notice.extensions.liveUpdates).toEqual([{ municipality: INSIDE, state: 'PAUSED' }]);
      expect(notice.errors.map((e: any) => [e.extensions.code, e.extensions.municipality])).toEqual([['MUNICIPALITY_UNAVAILABLE', INSIDE]]);
      const editor = await flat.token({ role: 'kommun-editor', subject: 'hub-live', municipality: '1402' });
      const { body } = await national('mutation($input: ProjectInput!) { createProject(input: $input) { id } }', { input: { municipality: '1402', title: 'Grannen lever', status: 'PLANNED', startDate: '2026-03-01', developmentAreas: [], funding: [] } }, editor);
      expect(body.errors).toBeUndefined();
      const first = await neighbour.next(1, 15_000);
      expect(first).toEqual({ data: { projectChanged: { projectId: body.data.createProject.id } } });
    } finally {
      await n.dispose();
    }
  });

  it('a regional gateway that is down names every kommun it serves, and the rest is kept', async () => {
    const third = hub.processes.find((p) => p.name === 'r3-gateway')!;
    await third.stop();
    const [{ body }, { body: expected }] = await Promise.all([national(stats), flat.gql(stats)]);
    const gone = GROUPS[2].map((c) => `MUNICIPALITY=${c}`);
    expect(body.data.projectStats).toEqual(expected.data.projectStats.filter((g: { key: string }) => !gone.includes(g.key)));
    expect(body.extensions.missingMunicipalities.map((m: { code: string }) => m.code)).toEqual(GROUPS[2]);
  });
});

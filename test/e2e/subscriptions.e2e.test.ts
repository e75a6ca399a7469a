import WebSocket from 'ws';
import { createClient, type Client } from 'graphql-ws';
import { ensureDatabase, dropDatabase, withDatabase, TEST_SERVER_URL, testDatabaseName } from '@samverkan/testing';
import { freePort, runService, type ServiceProcess } from '@samverkan/region-runner';
import { eventually, listen, liveReady, startE2ERegion, type E2ERegion } from './harness';

/** Live updates through the gateway over graphql-ws, from real kommun subgraphs. */
let region: E2ERegion;
const clients: Client[] = [];
beforeAll(async () => {
  region = await startE2ERegion({ syntheticProjects: 5 });
}, 120_000);
afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  await region?.stop();
});

function client(): Client {
  const c = createClient({ url: region.gatewayUrl.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0, lazy: true });
  clients.push(c);
  return c;
}

const SUB = `subscription($m: [ID!]) { projectChanged(municipalities: $m) {
  kind projectId at
  municipality { code name county }
  project { title developmentAreas { code name } funding { programme { name } } }
} }`;

const upstream = async () => (await region.health()).subscriptions.upstream;
/** WebSockets open at a kommun subgraph, as it counts them itself. */
const socketsAt = async (url: string): Promise<number> => ((await (await fetch(url.replace('/graphql', '/health'))).json()) as { websockets: number }).websockets;
const kommunSockets = (code: string) => socketsAt(region.kommuner.get(code)!);
const editorOf = (code: string) => region.token({ role: 'kommun-editor', subject: `e2e-${code}`, municipality: code });

async function createVia(url: string, code: string, title: string) {
  const { postGraphQL } = await import('@samverkan/testing');
  const { body }: { body: any } = await postGraphQL(
    url,
    `mutation($i: ProjectInput!) { createProject(input: $i) { id } }`,
    { i: { municipality: code, title, status: 'PLANNED', startDate: '2026-05-01', developmentAreas: ['EU-FUNDS'], funding: [{ programme: 'ESF-2014-2020', amount: 1000 }] } },
    { authorization: `Bearer ${await editorOf(code)}` },
  );
  expect(body.errors).toBeUndefined();
  return body.data.createProject.id as string;
}

describe('projectChanged through the gateway', () => {
  it('delivers writes made through the gateway and straight to a kommun, with fields from every subgraph', async () => {
    const all = listen(client(), SUB);
    const only1481 = listen(client(), SUB, { m: ['1481'] });
    await liveReady(region, ['1480', '1481'], { upstreams: 13 });

    const viaGateway = await createVia(region.gatewayUrl, '1480', 'Via the gateway');
    const first = await all.next(1, 10_000);
    expect(first.data.projectChanged).toMatchObject({
      kind: 'CREATED',
      projectId: viaGateway,
      municipality: { code: '1480', name: 'Göteborg', county: 'Västra Götalands län' },
      project: { title: 'Via the gateway', developmentAreas: [{ code: 'EU-FUNDS', name: expect.stringMatching(/fonder/) }], funding: [{ programme: { name: expect.stringMatching(/socialfonden/i) } }] },
    });

    const direct = await createVia(region.kommuner.get('1481')!, '1481', 'Straight to Mölndal');
    const second = await all.next(2, 10_000);
    expect(second.data.projectChanged).toMatchObject({ projectId: direct, municipality: { name: 'Mölndal' }, project: { title: 'Straight to Mölndal' } });

    const mine = await only1481.next(1, 10_000);
    expect(mine.data.projectChanged.projectId).toBe(direct);
    expect(only1481.events).toHaveLength(1);

    await region.gql(`mutation($id: ID!) { deleteProject(id: $id) }`, { id: direct }, await editorOf('1481'));
    const deleted = await only1481.next(2, 10_000);
    expect(deleted.data.projectChanged).toMatchObject({ kind: 'DELETED', projectId: direct, project: null, municipality: { name: 'Mölndal' } });
    all.stop();
    only1481.stop();
  });

  it('answers bad arguments and unknown fields with a clear error, and keeps serving', async () => {
    const c = client();
    const bad = listen(c, SUB, { m: ['14800'] });
    await bad.next(1);
    expect(bad.events[0].errors[0].message).toMatch(/municipalities\[0\] must be a 4-digit SCB kommunkod/);
    const stranger = listen(c, SUB, { m: ['9999'] });
    await stranger.next(1);
    expect(stranger.events[0].errors[0].message).toMatch(/kommun 9999 is not a member/);
    const unknown = listen(c, 'subscription { nothing { id } }');
    await eventually('an error', async () => unknown.errors.length > 0);
    expect((unknown.errors[0] as Array<{ message: string }>)[0].message).toMatch(/Cannot query field "nothing" on type "Subscription"/);
    const { body } = await region.gql('{ region { name } }');
    expect(body.data.region.name).toBe('Göteborgsregionen');
  });

  it('answers a refused mutation and a bad query on a socket with their own errors; the socket and its subscription live on', async () => {
    let closed: { code?: number; reason?: string } | undefined;
    const c = createClient({ url: region.gatewayUrl.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0, lazy: true, on: { closed: (e) => void (closed = e as typeof closed) } });
    clients.push(c);
    const sub = listen(c, SUB, { m: ['1482'] });
    await liveReady(region, ['1482']);

    // Anonymous: refused by the kommun that owns the project.
    const refused = listen(c, 'mutation { deleteProject(id: "1482:project:1") }');
    const badId = listen(c, '{ project(id: "not an id") { id } }');
    const broken = listen(c, '{ region { name ');
    await refused.next(1);
    await badId.next(1);
    expect(refused.events[0].errors[0]).toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
    expect(badId.events[0].errors[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' }, message: expect.stringMatching(/not an id/) });
    await eventually('the syntax error answered', async () => broken.errors.length > 0);
    expect(broken.errors[0]).toEqual([expect.objectContaining({ message: expect.stringMatching(/^Syntax Error/), extensions: { code: 'GRAPHQL_PARSE_FAILED' } })]);

    const created = await createVia(region.gatewayUrl, '1482', 'After two errors on the socket');
    expect((await sub.next(1, 10_000)).data.projectChanged).toMatchObject({ kind: 'CREATED', projectId: created });
    expect(closed).toBeUndefined();
    expect(sub.errors).toEqual([]);
    sub.stop();
  });

  it('checks cost and page size when a subscription starts, as over HTTP', async () => {
    const c = client();
    const pageTooLarge = listen(c, 'subscription { projectChanged { project { developmentAreas { projects(first: 1000) { totalCount } } } } }');
    const tooComplex = listen(c, 'subscription { projectChanged { municipality { projects(first: 100) { nodes { partners { municipality { projects(first: 100) { nodes { id } } } } } } } } }');
    // Refused before anything is subscribed, as a query too deep is.
    await eventually('both refused', async () => pageTooLarge.errors.length > 0 && tooComplex.errors.length > 0);
    expect(pageTooLarge.errors[0]).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'PAGE_SIZE_EXCEEDED' }), message: expect.stringMatching(/first: 1000/) })]);
    expect(tooComplex.errors[0]).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'QUERY_TOO_COMPLEX' }), message: expect.stringMatching(/estimated cost is \d+, the limit is 25000/) })]);
    expect(pageTooLarge.events).toEqual([]);
  });

  it('refuses variables nested too deep when a subscription starts, and the socket lives on', async () => {
    // Raw graphql-ws messages: a client's own JSON.stringify could not send this nesting.
    const socket = new WebSocket(region.gatewayUrl.replace(/^http/, 'ws'), 'graphql-transport-ws');
    const messages: any[] = [];
    let closed: number | undefined;
    socket.on('message', (data) => messages.push(JSON.parse(String(data))));
    socket.on('close', (code) => (closed = code));
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(JSON.stringify({ type: 'connection_init' }));
    await eventually('acknowledged', async () => messages.some((m) => m.type === 'connection_ack'));
    const deep = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
    socket.send(`{"id":"deep","type":"subscribe","payload":{"query":"subscription($m: [ID!]) { projectChanged(municipalities: $m) { kind } }","variables":{"m":["1480"],"deep":${deep}}}}`);
    const answer = await eventually('an answer', async () => messages.find((m) => m.id === 'deep'));
    expect(answer).toMatchObject({ type: 'error', payload: [{ message: expect.stringMatching(/\$deep nests deeper than 32 levels/), extensions: { code: 'BAD_USER_INPUT' } }] });
    socket.send(JSON.stringify({ id: 'next', type: 'subscribe', payload: { query: '{ region { name } }' } }));
    const next = await eventually('the next operation answered', async () => messages.find((m) => m.id === 'next' && m.type === 'next'));
    expect(next.payload.data.region.name).toBe('Göteborgsregionen');
    expect(closed).toBeUndefined();
    socket.close();
  });

  it('shares upstream subscriptions, and a thousand clients coming and going leave none behind', async () => {
    const wanted = (k: number) => (k % 3 === 0 ? { m: ['1480', '1407'] } : {});
    await Promise.all(clients.splice(0).map((c) => c.dispose()));
    await eventually('earlier tests\' sockets closed', async () => (await region.health()).subscriptions.clients === 0);
    for (let wave = 0; wave < 5; wave++) {
      // 200 clients, each on its own socket; a third of them name two kommuner, the rest all 13.
      const wave_ = Array.from({ length: 200 }, (_, k) => {
        const c = createClient({ url: region.gatewayUrl.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0, lazy: true });
        return { c, sub: listen(c, SUB, wanted(k)) };
      });
      const expectedListeners = wave_.reduce((n, _, k) => n + (k % 3 === 0 ? 2 : 13), 0);
      await eventually(`wave ${wave + 1}: 200 clients attached`, async () => {
        const s = (await upstream())['Subscription.projectChanged'];
        return s.upstreams === 13 && s.listeners === expectedListeners;
      });
      await eventually('200 client sockets', async () => (await region.health()).subscriptions.clients === 200);
      // One upstream socket per kommun, however many clients.
      for (const code of ['1480', '1441']) {
        await eventually(`one upstream socket at ${code}`, async () => (await kommunSockets(code)) === 1);
      }
      await Promise.all(wave_.map(({ c }) => c.dispose()));
      // Gone with the last client of the wave, upstream and at the kommun.
      await eventually(`wave ${wave + 1}: upstreams closed`, async () => (await upstream())['Subscription.projectChanged'].upstreams === 0);
      await eventually(`wave ${wave + 1}: no socket at 1480`, async () => (await kommunSockets('1480')) === 0);
    }
    await eventually('no upstream subscription left', async () => {
      const s = (await upstream())['Subscription.projectChanged'];
      return s.upstreams === 0 && s.listeners === 0;
    });
    await eventually('no client sockets left', async () => (await region.health()).subscriptions.clients === 0);
    for (const code of region.kommuner.keys()) {
      await eventually(`no upstream socket left at ${code}`, async () => (await kommunSockets(code)) === 0);
    }
  });
});

describe('a kommun that joins or restarts', () => {
  let motala: ServiceProcess | undefined;
  const db = testDatabaseName('samverkan_e2e', 'sub_motala');
  afterAll(async () => {
    await motala?.stop();
    await dropDatabase(TEST_SERVER_URL, db);
  });

  it('is included for subscriptions to every member, and re-subscribed after a restart', async () => {
    const all = listen(client(), SUB);
    await eventually('subscribed', async () => (await upstream())['Subscription.projectChanged'].upstreams === 13);
    await ensureDatabase(TEST_SERVER_URL, db);
    const port = await freePort();
    const start = () =>
      runService('motala', 'services/kommun/src/cli/serve-many.ts', {
        KOMMUN_INSTANCES: JSON.stringify([{ code: '0583', databaseUrl: withDatabase(TEST_SERVER_URL, db), port }]),
        SYNTHETIC_PROJECTS: '2',
        ...region.serviceEnv,
        LOG_LEVEL: 'warn',
      });
    motala = start();
    const url = (await motala.ready)[0].split(' ')[2];
    const regionEditor = await region.token({ role: 'region-editor', subject: 'e2e' });
    await region.gql(`mutation($i: MemberInput!) { upsertMember(input: $i) { code } }`, { i: { code: '0583', name: 'Motala', county: 'Östergötlands län', subgraphUrl: url } }, regionEditor);
    await eventually('0583 joined the subscription', async () => (await upstream())['Subscription.projectChanged'].codes.includes('0583'));
    await eventually('its upstream socket open', async () => (await socketsAt(url)) === 1);

    await createVia(url, '0583', 'Motala joins');
    expect((await all.next(1)).data.projectChanged).toMatchObject({ municipality: { code: '0583', name: 'Motala' }, project: { title: 'Motala joins' } });

    await motala.stop();
    motala = start();
    await motala.ready;
    await eventually('re-subscribed after the restart', async () => (await socketsAt(url)) === 1, 15_000);
    await createVia(url, '0583', 'Motala is back');
    const withData = () => all.events.filter((e) => e.data);
    await eventually('the event after the restart', async () => withData().length === 2);
    expect(withData()[1].data.projectChanged.project.title).toBe('Motala is back');
    // In between, the subscriber was told that Motala's live updates paused and resumed.
    expect(all.events.flatMap((e) => e.extensions?.liveUpdates ?? [])).toEqual([
      { municipality: '0583', state: 'PAUSED' },
      { municipality: '0583', state: 'RESUMED' },
    ]);
    all.stop();
    await region.gql('mutation { removeMember(code: "0583") }', {}, regionEditor);
  });
});

import WebSocket from 'ws';
import { Client as PgClient } from 'pg';
import { createClient, type Client } from 'graphql-ws';
import { startKommun, type KommunHarness } from './harness';

let h: KommunHarness;
let client: Client;
beforeAll(async () => {
  h = await startKommun(['1480', '1481']);
  client = createClient({ url: h.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0, lazy: false });
});
afterAll(async () => {
  await client.dispose();
  await h.stop();
});

/** Collects a subscription's events until `count` have arrived. */
function collect(query: string, variables: Record<string, unknown>, count: number) {
  const events: any[] = [];
  let resolve!: (v: any[]) => void;
  let reject!: (e: unknown) => void;
  const done = new Promise<any[]>((res, rej) => ((resolve = res), (reject = rej)));
  const unsubscribe = client.subscribe(
    { query, variables },
    {
      next: (v) => {
        events.push(v);
        if (events.length === count) resolve(events);
      },
      error: reject,
      complete: () => resolve(events),
    },
  );
  return { done, unsubscribe, events };
}

/** Polls the kommun's /health until `n` subscriptions are running there (started, LISTEN open). */
async function subscriptionsRunning(n: number): Promise<void> {
  const until = Date.now() + 10_000;
  for (;;) {
    const health = (await (await fetch(h.url.replace('/graphql', '/health'))).json()) as { subscriptions?: number; listening?: boolean };
    if (health.subscriptions === n && health.listening) return;
    if (Date.now() > until) throw new Error(`expected ${n} subscriptions running, /health says ${JSON.stringify(health)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Polls until `n` events have arrived (so the next write cannot overtake the reads of the last). */
async function arrived(events: unknown[], n: number): Promise<void> {
  const until = Date.now() + 10_000;
  while (events.length < n) {
    if (Date.now() > until) throw new Error(`expected ${n} events, got ${events.length}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const SUB = `subscription($m: [ID!]) { projectChanged(municipalities: $m) {
  kind projectId municipality { code } project { title funding { fund } } } }`;

const create = (code: string, title: string, token: string) =>
  h.gql(
    `mutation($i: ProjectInput!) { createProject(input: $i) { id } }`,
    { i: { municipality: code, title, status: 'PLANNED', startDate: '2026-01-01', funding: [{ programme: 'ESF-2014-2020', amount: 1 }] } },
    token,
  );

describe('projectChanged', () => {
  it('fires on create, update and delete, filtered by kommun, with fresh data each time', async () => {
    const only1481 = collect(SUB, { m: ['1481'] }, 3);
    const all = collect(SUB, {}, 4);
    await subscriptionsRunning(2);

    const t1480 = await h.editor('1480');
    const t1481 = await h.editor('1481');
    await create('1480', 'Only for all', t1480);
    const { body } = await create('1481', 'First title', t1481);
    const id = body.data.createProject.id;
    // An event's project is read when the event is delivered: each write waits for the last one's
    // events, or a loaded machine lets the delete overtake the update's read (project: null).
    await arrived(only1481.events, 1);
    await arrived(all.events, 2);
    await h.gql(`mutation($id: ID!) { updateProject(id: $id, input: { title: "Second title" }) { id } }`, { id }, t1481);
    await arrived(only1481.events, 2);
    await arrived(all.events, 3);
    await h.gql(`mutation($id: ID!) { deleteProject(id: $id) }`, { id }, t1481);

    const events = (await only1481.done).map((e) => e.data.projectChanged);
    expect(events.map((e) => [e.kind, e.projectId, e.municipality.code])).toEqual([
      ['CREATED', id, '1481'],
      ['UPDATED', id, '1481'],
      ['DELETED', id, '1481'],
    ]);
    expect(events[0].project).toEqual({ title: 'First title', funding: [{ fund: 'ESF' }] });
    expect(events[1].project.title).toBe('Second title');
    expect(events[2].project).toBeNull();
    const everything = (await all.done).map((e) => e.data.projectChanged.municipality.code);
    expect(everything).toEqual(['1480', '1481', '1481', '1481']);
    only1481.unsubscribe();
    all.unsubscribe();
    await subscriptionsRunning(0);
  });

  it('fires for changes written straight to the database by another writer, one event per project and transaction', async () => {
    const sub = collect(SUB, { m: ['1480'] }, 3);
    await subscriptionsRunning(1);
    // Another writer: its own connection, plain SQL, nothing of the service's code.
    const other = new PgClient({ connectionString: h.database.url });
    await other.connect();
    try {
      await other.query('BEGIN');
      const { rows } = await other.query(
        `INSERT INTO project (municipality_code, title, status, start_date) VALUES ('1480', 'Imported', 'ONGOING', '2025-05-01') RETURNING id`,
      );
      const id = rows[0].id as number;
      await other.query(`INSERT INTO funding (project_id, programme_code, fund, amount) VALUES ($1, 'ESF-2014-2020', 'ESF', 10)`, [id]);
      await other.query('COMMIT');
      await arrived(sub.events, 1);
      await other.query(`INSERT INTO partner (project_id, name, country, type, role) VALUES ($1, 'Partner', 'FI', 'MUNICIPALITY', 'PARTNER')`, [id]);
      await arrived(sub.events, 2);
      await other.query('DELETE FROM project WHERE id = $1', [id]);
      const events = (await sub.done).map((e) => e.data.projectChanged);
      expect(events.map((e) => [e.kind, e.projectId])).toEqual([
        ['CREATED', `1480:project:${id}`],
        ['UPDATED', `1480:project:${id}`],
        ['DELETED', `1480:project:${id}`],
      ]);
      expect(events[0].project).toEqual({ title: 'Imported', funding: [{ fund: 'ESF' }] });
    } finally {
      await other.end();
      sub.unsubscribe();
    }
  });

  it('answers bad arguments with a clear error on the socket', async () => {
    const bad = collect(SUB, { m: ['14800'] }, 1);
    const [result] = await bad.done;
    expect(result.errors[0].message).toMatch(/municipalities\[0\]: must be a 4-digit SCB kommunkod/);
    expect(result.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    const unknown = collect('subscription { nothingHere }', {}, 1);
    await expect(unknown.done).rejects.toEqual([expect.objectContaining({ message: expect.stringMatching(/nothingHere/) })]);
    // The server is still there.
    const { body } = await h.gql('{ municipality(code: "1480") { code } }');
    expect(body.data.municipality.code).toBe('1480');
  });

  it('answers a syntax error and refused variables on that operation alone: the socket stays open', async () => {
    let closed: unknown;
    const own = createClient({ url: h.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0, lazy: false, on: { closed: (e) => void (closed = e) } });
    const errorOf = (query: string, variables: Record<string, unknown> = {}) =>
      new Promise<unknown>((resolve) => own.subscribe({ query, variables }, { next: () => undefined, error: resolve, complete: () => resolve(null) }));
    try {
      expect(await errorOf('subscription { projectChanged {')).toEqual([expect.objectContaining({ message: expect.stringMatching(/^Syntax Error/), extensions: { code: 'GRAPHQL_PARSE_FAILED' } })]);
      const long = Array.from({ length: 10_001 }, (_, i) => ({ __typename: 'Project', id: `1480:project:${i + 1}` }));
      expect(await errorOf('query($r: [_Any!]!) { _entities(representations: $r) { __typename } }', { r: long })).toEqual([
        expect.objectContaining({ message: expect.stringMatching(/Too many representations/), extensions: { code: 'BAD_USER_INPUT' } }),
      ]);
      const { body } = await h.gql('{ municipality(code: "1480") { code } }');
      expect(body.data.municipality.code).toBe('1480');
      expect(closed).toBeUndefined();
    } finally {
      await own.dispose();
    }
  });
});

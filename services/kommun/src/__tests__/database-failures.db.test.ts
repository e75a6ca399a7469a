import WebSocket from 'ws';
import { Client as PgClient } from 'pg';
import { createClient } from 'graphql-ws';
import { startKommun, type KommunHarness } from './harness';
import { startPgProxy } from './pg-proxy';

/**
 * The kommun subgraph when its database fails under it, through a proxy that breaks the
 * connections on cue: what a caller is told must match what the database holds, and an event
 * must arrive with what could be resolved.
 */
let h: KommunHarness;
let proxy: Awaited<ReturnType<typeof startPgProxy>>;
beforeEach(async () => {
  h = await startKommun(['1480'], [], {
    via: async (url) => {
      proxy = await startPgProxy(url);
      return proxy.url;
    },
  });
});
afterEach(async () => {
  proxy.restore();
  await h.server.stop().catch(() => undefined);
  await proxy.close();
  await h.database.drop();
});

async function rows(sql: string, params: unknown[] = []): Promise<any[]> {
  const c = new PgClient({ connectionString: h.database.url });
  await c.connect();
  try {
    return (await c.query(sql, params)).rows;
  } finally {
    await c.end();
  }
}

const CREATE = `mutation($i: ProjectInput!) { createProject(input: $i) { id title funding { fund } } }`;
const input = (title: string) => ({ municipality: '1480', title, status: 'PLANNED', startDate: '2026-01-01', funding: [{ programme: 'ESF-2014-2020', amount: 5 }] });

it('a write committed just before the database goes away is reported as written, with what it wrote', async () => {
  const editor = await h.editor('1480');
  proxy.cutAfterCommit();
  const { body } = await h.gql(CREATE, { i: input('Committed, then the lights went out') }, editor);
  expect(proxy.state.refuse).toBe(true); // the database really went away after the commit
  expect(body.errors).toBeUndefined();
  expect(body.data.createProject).toMatchObject({ title: 'Committed, then the lights went out', funding: [{ fund: 'ESF' }] });
  const stored = await rows('SELECT id, title FROM project');
  expect(stored.map((r) => `1480:project:${r.id}`)).toEqual([body.data.createProject.id]);
});

it('a write the database refuses is reported as failed, and nothing is stored', async () => {
  const editor = await h.editor('1480');
  proxy.refuseAllButListeners();
  const { body } = await h.gql(CREATE, { i: input('Never written') }, editor);
  expect(body.data).toBeNull();
  expect(body.errors).toHaveLength(1);
  expect(await rows('SELECT id FROM project')).toEqual([]);
});

it('an event whose project cannot be read still arrives, with an error on the project alone', async () => {
  const client = createClient({ url: h.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0 });
  const events: any[] = [];
  const unsubscribe = client.subscribe({ query: 'subscription { projectChanged { kind projectId at project { title } } }' }, { next: (v) => void events.push(v), error: () => undefined, complete: () => undefined });
  try {
    const until = Date.now() + 10_000;
    for (;;) {
      const health = (await (await fetch(h.url.replace('/graphql', '/health'))).json()) as { subscriptions?: number; listening?: boolean };
      if (health.subscriptions === 1 && health.listening) break;
      if (Date.now() > until) throw new Error('the subscription did not start');
      await new Promise((r) => setTimeout(r, 50));
    }
    // The database takes no more connections from the service; only its LISTEN stays.
    proxy.refuseAllButListeners();
    const [{ id }] = await rows(`INSERT INTO project (municipality_code, title, status, start_date) VALUES ('1480', 'Unreadable', 'ONGOING', '2025-05-01') RETURNING id`);
    while (events.length < 1 && Date.now() < until + 10_000) await new Promise((r) => setTimeout(r, 20));
    expect(events).toHaveLength(1);
    const [event] = events;
    expect(event.data.projectChanged).toMatchObject({ kind: 'CREATED', projectId: `1480:project:${id}`, project: null });
    expect(typeof event.data.projectChanged.at).toBe('string');
    expect(event.errors).toEqual([expect.objectContaining({ path: ['projectChanged', 'project'] })]);
    // Formatted as over HTTP: the database's own words stay in the log.
    expect(event.errors[0]).toMatchObject({ message: expect.stringMatching(/^Internal server error/), extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  } finally {
    unsubscribe();
    await client.dispose();
  }
});

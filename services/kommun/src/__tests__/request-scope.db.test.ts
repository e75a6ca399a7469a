import { AsyncLocalStorage } from 'node:async_hooks';
import { Writable } from 'node:stream';
import { Client as PgClient } from 'pg';
import { createLogger } from '@samverkan/server-kit';
import { generateProjects } from '../seed/synthetic';
import { startKommun, type KommunHarness } from './harness';

/**
 * A request's id and statement tally travel with the request itself (its GraphQL context and the
 * database handle its resolvers use), not in an async scope. Many requests at once, over a pool
 * of 4 connections, must each be answered with their own `sqlStatements` and `X-Request-Id`; each
 * SQL statement's trace line, each failed statement's warning and each internal error's log line
 * must name the request it belongs to; and serving them enters no AsyncLocalStorage at all.
 */
let h: KommunHarness;
const lines: Array<Record<string, any>> = [];
beforeAll(async () => {
  const logger = createLogger(
    'kommun',
    'trace',
    new Writable({
      write(chunk, _enc, done) {
        for (const line of String(chunk).split('\n')) if (line) lines.push(JSON.parse(line));
        done();
      },
    }),
  );
  h = await startKommun(['1480'], [{ code: '1480', projects: generateProjects('1480', 60), memberships: [], twinTowns: [] }], { logger });
});
afterAll(() => h.stop());

/** Operations whose statements differ in number (each counted alone first): a swapped tally shows. */
const SHAPES: Record<string, string> = {
  none: '{ __typename }',
  // A list with its count and its rows' relations is one statement (see pageExtras).
  page: '{ projects(first: 3) { totalCount nodes { id } } }',
  memberships: '{ municipality(code: "1480") { memberships { since } projects(first: 3) { nodes { id } } } }',
  deep: '{ municipality(code: "1480") { memberships { since } twinTowns { city } projects(first: 5) { totalCount nodes { id funding { amount } partners { name } developmentAreas { code } } } } }',
};
const CREATE = 'mutation($i: ProjectInput!) { createProject(input: $i) { id title funding { fund } } }';
const createInput = (title: string) => ({ municipality: '1480', title, status: 'PLANNED', startDate: '2026-01-01', funding: [{ programme: 'ESF-2014-2020', amount: 5 }] });

async function post(requestId: string, query: string, variables?: Record<string, unknown>, token?: string) {
  const res = await fetch(h.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-request-id': requestId, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return { id: res.headers.get('x-request-id'), body: (await res.json()) as { data?: any; errors?: any[]; extensions?: { sqlStatements?: number } } };
}

const linesOf = (requestId: string, msg: string) => lines.filter((l) => l.requestId === requestId && l.msg === msg);

describe('requests served at once', () => {
  it('each answer reports its own statements and id, and each statement is logged with its request id', async () => {
    const editor = await h.editor('1480');
    const alone: Record<string, number> = {};
    for (const [shape, query] of Object.entries(SHAPES)) alone[shape] = (await post(`alone-${shape}`, query)).body.extensions!.sqlStatements!;
    alone.write = (await post('alone-write', CREATE, { i: createInput('Alone') }, editor)).body.extensions!.sqlStatements!;
    // Five different counts (a write counts its begin and commit too).
    expect(new Set(Object.values(alone)).size).toBe(5);
    expect(alone.none).toBe(0);

    const run = jest.spyOn(AsyncLocalStorage.prototype, 'run');
    const enterWith = jest.spyOn(AsyncLocalStorage.prototype, 'enterWith');
    try {
      const shapes = [...Object.keys(SHAPES), 'write'];
      const requests = Array.from({ length: 100 }, (_, i) => ({ id: `concurrent-${i}`, shape: shapes[i % shapes.length] }));
      lines.length = 0;
      const answers = await Promise.all(
        requests.map((r) => (r.shape === 'write' ? post(r.id, CREATE, { i: createInput(`At once ${r.id}`) }, editor) : post(r.id, SHAPES[r.shape]))),
      );
      answers.forEach((answer, i) => {
        const { id, shape } = requests[i];
        expect(answer.body.errors).toBeUndefined();
        expect(answer.id).toBe(id);
        expect({ id, statements: answer.body.extensions?.sqlStatements }).toEqual({ id, statements: alone[shape] });
        if (shape === 'write') expect(answer.body.data.createProject.title).toBe(`At once ${id}`);
      });
      // The trace log: every statement once, under the id of the request that sent it.
      for (const { id, shape } of requests) expect({ id, logged: linesOf(id, 'SQL statement').length }).toEqual({ id, logged: alone[shape] });
      expect(lines.filter((l) => l.msg === 'SQL statement').length).toBe(requests.reduce((n, r) => n + alone[r.shape], 0));
      // Health and metrics too: the process has no request in async scope on any path.
      expect((await fetch(h.url.replace('/graphql', '/health'))).status).toBe(200);
      expect(run).not.toHaveBeenCalled();
      expect(enterWith).not.toHaveBeenCalled();
    } finally {
      run.mockRestore();
      enterWith.mockRestore();
    }
  });

  it('each failed statement and internal error is logged with the id of the request it failed', async () => {
    const admin = new PgClient({ connectionString: h.database.url });
    await admin.connect();
    try {
      // A real failure in the database: the partners' table is gone for a while.
      await admin.query('ALTER TABLE partner RENAME TO partner_away');
      lines.length = 0;
      const ids = Array.from({ length: 40 }, (_, i) => `failing-${i}`);
      const answers = await Promise.all(ids.map((id, i) => post(id, i % 2 ? SHAPES.deep : SHAPES.memberships)));
      answers.forEach((answer, i) => {
        const id = ids[i];
        expect(answer.id).toBe(id);
        if (i % 2) {
          const codes = new Set(answer.body.errors?.map((e) => e.extensions?.code));
          expect(codes).toEqual(new Set(['INTERNAL_SERVER_ERROR']));
          // The failed statement counts, as every statement sent does: the list's (which reads the
          // partners), the memberships and the twin towns.
          expect({ id, statements: answer.body.extensions?.sqlStatements }).toEqual({ id, statements: 3 });
          expect(linesOf(id, 'SQL statement failed')).toEqual([expect.objectContaining({ query: expect.stringMatching(/from "?partner"? /) })]);
          // One line per error answered, each naming this request.
          expect(linesOf(id, 'internal error')).toHaveLength(answer.body.errors!.length);
        } else {
          expect(answer.body.errors).toBeUndefined();
          expect(linesOf(id, 'SQL statement failed')).toEqual([]);
          expect(linesOf(id, 'internal error')).toEqual([]);
        }
      });
      // No line of a failure lacks its request's id.
      expect(lines.filter((l) => (l.msg === 'SQL statement failed' || l.msg === 'internal error') && !l.requestId)).toEqual([]);
    } finally {
      await admin.query('ALTER TABLE partner_away RENAME TO partner');
      await admin.end();
    }
  });
});

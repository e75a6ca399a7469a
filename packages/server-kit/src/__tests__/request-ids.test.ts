import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { ApolloServer, HeaderMap } from '@apollo/server';
import express from 'express';
import { createApp, REQUEST_ID_HEADER } from '../app';
import { serverOptions, standardPlugins } from '../http';
import { createLogger } from '../logger';

/**
 * A server from createApp: `/work` reads its request's id from the request before and after an
 * await and names it in its log lines; `/graphql` runs Apollo Server with the standard plugins and
 * options, over a schema whose one field fails inside.
 */
async function serve() {
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger('test', 'info', new Writable({ write: (chunk, _enc, done) => void (lines.push(JSON.parse(String(chunk))), done()) }));
  const app = createApp();
  const server = http.createServer(app);
  app.get('/work', async (req, res) => {
    logger.info({ requestId: req.headers[REQUEST_ID_HEADER] }, 'started');
    await new Promise((r) => setTimeout(r, 5));
    logger.info({ requestId: req.headers[REQUEST_ID_HEADER] }, 'finished');
    res.json({ ok: true });
  });
  const apollo = new ApolloServer({
    typeDefs: 'type Query { fails: String, works: String }',
    resolvers: { Query: { fails: () => Promise.reject(new Error('a fault inside')), works: () => 'yes' } },
    ...serverOptions(logger),
    plugins: standardPlugins(server),
  });
  await apollo.start();
  app.post('/graphql', express.json(), async (req, res) => {
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) if (typeof value === 'string') headers.set(key, value);
    const response = await apollo.executeHTTPGraphQLRequest({ httpGraphQLRequest: { method: 'POST', headers, search: '', body: req.body }, context: async () => ({}) });
    res.status(response.status ?? 200).type('application/json').send(response.body.kind === 'complete' ? response.body.string : '');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${base}/work`,
    graphql: `${base}/graphql`,
    lines,
    close: async () => {
      await apollo.stop();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

describe('request ids', () => {
  it('each request has its id answered and set on the request, where what serves it reads it, however requests interleave', async () => {
    const s = await serve();
    try {
      const [a, b] = await Promise.all([fetch(s.url), fetch(s.url)]);
      const ids = [a.headers.get(REQUEST_ID_HEADER), b.headers.get(REQUEST_ID_HEADER)];
      expect(ids[0]).toMatch(/^[0-9a-f-]{36}$/);
      expect(ids[1]).not.toBe(ids[0]);
      expect(s.lines).toHaveLength(4);
      for (const id of ids) expect(s.lines.filter((l) => l.requestId === id).map((l) => l.msg)).toEqual(['started', 'finished']);
    } finally {
      await s.close();
    }
  });

  it('keeps a sensible id the caller gives, and replaces one that is not', async () => {
    const s = await serve();
    try {
      const kept = await fetch(s.url, { headers: { [REQUEST_ID_HEADER]: 'lb-7f3a:42' } });
      expect(kept.headers.get(REQUEST_ID_HEADER)).toBe('lb-7f3a:42');
      for (const bad of ['x'.repeat(65), 'has space', 'semi;colon', '']) {
        const res = await fetch(s.url, { headers: { [REQUEST_ID_HEADER]: bad } });
        expect(res.headers.get(REQUEST_ID_HEADER)).toMatch(/^[0-9a-f-]{36}$/);
      }
      expect(s.lines.map((l) => l.requestId)).toContain('lb-7f3a:42');
      expect(s.lines.map((l) => l.requestId)).not.toContain('has space');
    } finally {
      await s.close();
    }
  });

  it('an internal error of a GraphQL request is logged with that request’s id, and answered without its details', async () => {
    const s = await serve();
    try {
      const ask = (id: string, query: string) => fetch(s.graphql, { method: 'POST', headers: { 'content-type': 'application/json', [REQUEST_ID_HEADER]: id }, body: JSON.stringify({ query }) });
      const [failed] = await Promise.all([ask('req-fails', '{ fails works }'), ask('req-works', '{ works }')]);
      const body = (await failed.json()) as { data: unknown; errors: Array<{ message: string }> };
      expect(body.data).toEqual({ fails: null, works: 'yes' });
      expect(body.errors[0].message).not.toContain('a fault inside');
      const logged = s.lines.filter((l) => l.msg === 'internal error');
      expect(logged).toHaveLength(1);
      expect(logged[0]).toMatchObject({ requestId: 'req-fails', err: expect.objectContaining({ message: 'a fault inside' }) });
    } finally {
      await s.close();
    }
  });
});

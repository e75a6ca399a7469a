import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { createApp, REQUEST_ID_HEADER } from '../app';
import { createLogger } from '../logger';

/** A server from createApp whose one route logs twice, once after an await, to a captured stream. */
async function serve() {
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger('test', 'info', new Writable({ write: (chunk, _enc, done) => void (lines.push(JSON.parse(String(chunk))), done()) }));
  const app = createApp();
  app.get('/work', async (_req, res) => {
    logger.info('started');
    await new Promise((r) => setTimeout(r, 5));
    logger.info('finished');
    res.json({ ok: true });
  });
  const server = http.createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/work`;
  return { url, lines, close: () => new Promise((r) => server.close(r)) };
}

describe('request ids', () => {
  it('every log line written while serving a request carries its id, which the answer names', async () => {
    const s = await serve();
    try {
      const [a, b] = await Promise.all([fetch(s.url), fetch(s.url)]);
      const ids = [a.headers.get(REQUEST_ID_HEADER), b.headers.get(REQUEST_ID_HEADER)];
      expect(ids[0]).toMatch(/^[0-9a-f-]{36}$/);
      expect(ids[1]).not.toBe(ids[0]);
      // Two requests interleaved: each line carries its own request's id.
      expect(s.lines).toHaveLength(4);
      for (const id of ids) expect(s.lines.filter((l) => l.requestId === id).map((l) => l.msg)).toEqual(['started', 'finished']);
      createLogger('outside', 'info', new Writable({ write: (chunk, _e, done) => void (expect(JSON.parse(String(chunk)).requestId).toBeUndefined(), done()) })).info('no request');
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
    } finally {
      await s.close();
    }
  });
});

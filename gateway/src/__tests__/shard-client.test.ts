import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fetchBudget, LATE, requestDeadline, writeBudget, type Deadline } from '../deadline';
import { readGatewayConfig } from '../config';
import { ShardClient, ShardFailure, type Transport } from '../shards/client';

/** A deadline with `ms` left, whatever the clock says. */
const leaving = (ms: number): Deadline => ({ at: Date.now() + ms, left: () => ms });

describe('fetchBudget: how long one fetch may wait', () => {
  it('is SHARD_TIMEOUT_MS without a deadline, or while half the time left is longer', () => {
    expect(fetchBudget(2000)).toEqual({ ms: 2000, reason: 'did not answer within 2000 ms' });
    expect(fetchBudget(2000, leaving(9000))).toEqual({ ms: 2000, reason: 'did not answer within 2000 ms' });
  });

  it('is half the time left when that is less, keeping the rest for the stages after it', () => {
    expect(fetchBudget(2900, leaving(2700))).toEqual({ ms: 1350, reason: LATE });
    expect(fetchBudget(2000, leaving(3000))).toEqual({ ms: 1500, reason: LATE });
  });

  it('is nothing once the deadline has passed', () => {
    expect(fetchBudget(2000, leaving(0)).ms).toBe(0);
    expect(fetchBudget(2000, leaving(-5)).ms).toBe(0);
  });

  it('a write may use all the time left before the deadline, and says it may have been made', () => {
    expect(writeBudget(2000, leaving(7000))).toEqual({ ms: 7000, reason: `${LATE}; the write may still have been made there` });
    expect(writeBudget(2000, leaving(-1)).ms).toBe(0);
    expect(writeBudget(2000).ms).toBe(2000);
  });

  it('a request deadline is 90 % of REQUEST_TIMEOUT_MS after its start', () => {
    const d = requestDeadline(3000, 1_000_000);
    expect(d.at).toBe(1_002_700);
  });
});

describe('ShardClient under a deadline', () => {
  let server: http.Server;
  let url: string;
  const held: http.ServerResponse[] = [];
  let received = 0;
  let closedEarly = 0;

  beforeAll(async () => {
    // A shard that takes every request and answers none until told to.
    server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        received++;
        res.on('close', () => {
          if (!res.writableEnded) closedEarly++;
        });
        held.push(res);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  });
  afterAll(async () => {
    for (const res of held) res.destroy();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });
  beforeEach(() => {
    received = 0;
    closedEarly = 0;
  });
  const answerAll = () => held.splice(0).forEach((res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":{"ok":true}}'));
  const until = async (check: () => boolean) => {
    for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 25));
  };

  it('sends nothing once the deadline has passed', async () => {
    const client = new ShardClient({ timeoutMs: 20_000, concurrency: 4 });
    await expect(client.post(url, { query: '{ ok }' }, {}, leaving(0))).rejects.toThrow(new ShardFailure(LATE));
    expect(received).toBe(0);
    await client.close();
  });

  it('gives up by its own deadline on a read it shares with a caller that waits longer, which still gets the answer', async () => {
    const client = new ShardClient({ timeoutMs: 20_000, concurrency: 4 });
    const patient = client.post(url, { query: '{ ok }' });
    const hurried = client.post(url, { query: '{ ok }' }, {}, requestDeadline(600));
    const started = Date.now();
    await expect(hurried).rejects.toThrow(LATE);
    // Far sooner than the shard timeout: only its deadline can have ended it.
    expect(Date.now() - started).toBeLessThan(15_000);
    await until(() => received === 1);
    expect(received).toBe(1); // one request on the wire for both
    answerAll();
    await expect(patient).resolves.toEqual({ data: { ok: true } });
    expect(closedEarly).toBe(0);
    await client.close();
  });

  it('lets a write wait past the shard timeout, until the request\'s deadline, where a read gives up', async () => {
    const client = new ShardClient({ timeoutMs: 100, concurrency: 4 });
    const deadline = requestDeadline(20_000);
    const read = client.post(url, { query: '{ slowRead }' }, {}, deadline);
    const write = client.post(url, { query: 'mutation { slowWrite }' }, {}, deadline, { write: true });
    await expect(read).rejects.toThrow('did not answer within 100 ms');
    await until(() => received === 2);
    // Both still held by the shard, well past the shard timeout: the write is still waiting.
    await new Promise((r) => setTimeout(r, 300));
    answerAll();
    await expect(write).resolves.toEqual({ data: { ok: true } });
    await client.close();
  });

  it('shares a read in flight only with callers whose reads began before it was sent (notBefore), for the response cache', async () => {
    const client = new ShardClient({ timeoutMs: 20_000, concurrency: 4 });
    const early = client.post(url, { query: '{ shared }' });
    const joins = client.post(url, { query: '{ shared }' }, {}, undefined, { notBefore: 0 });
    await until(() => received === 1);
    // A caller whose generations were read after that request went out gets a request of its own.
    const later = client.post(url, { query: '{ shared }' }, {}, undefined, { notBefore: performance.now() });
    await until(() => received === 2);
    expect(received).toBe(2);
    answerAll();
    await expect(Promise.all([early, joins, later])).resolves.toEqual([{ data: { ok: true } }, { data: { ok: true } }, { data: { ok: true } }]);
    await client.close();
  });

  it('cancels a request when every caller has given up on it', async () => {
    const client = new ShardClient({ timeoutMs: 20_000, concurrency: 4 });
    await expect(client.post(url, { query: '{ alone }' }, {}, requestDeadline(600))).rejects.toThrow(LATE);
    await until(() => closedEarly === 1);
    expect(closedEarly).toBe(1);
    await client.close();
  });
});

describe('ShardClient against a kommun whose answer is too large', () => {
  const MAX = 64 * 1024;
  let server: http.Server;
  let url: string;
  /** Bytes the server managed to write of its last answer before the client stopped reading. */
  let written = 0;

  beforeAll(async () => {
    // Answers as the request's query says: `{ fits }` a valid answer just under the bound, `{ declared }`
    // one whose Content-Length is over it, `{ endless }` chunks without a length until the client hangs up.
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const query = (JSON.parse(body) as { query: string }).query;
        if (query.includes('fits')) {
          const text = JSON.stringify({ data: { fits: 'x'.repeat(MAX - 40) } });
          return res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
        }
        if (query.includes('declared')) {
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(MAX * 100) });
          return res.write('{"data":');
        }
        written = 0;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"data":{"endless":"');
        const chunk = 'y'.repeat(16 * 1024);
        const more = () => {
          while (!res.destroyed && written < 1000 * MAX) {
            written += chunk.length;
            if (!res.write(chunk)) return void res.once('drain', more);
          }
        };
        res.on('close', () => res.removeAllListeners('drain'));
        more();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('takes an answer within the bound', async () => {
    const client = new ShardClient({ timeoutMs: 10_000, concurrency: 4, maxResponseBytes: MAX });
    await expect(client.post(url, { query: '{ fits }' })).resolves.toEqual({ data: { fits: 'x'.repeat(MAX - 40) } });
    await client.close();
  });

  it('refuses one whose declared length is over the bound, saying so', async () => {
    const client = new ShardClient({ timeoutMs: 10_000, concurrency: 4, maxResponseBytes: MAX });
    const failure = await client.post(url, { query: '{ declared }' }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ShardFailure);
    expect(failure).toMatchObject({ outcome: 'http_error', message: 'answered more than 65536 bytes, the most a kommun\'s answer may hold (SHARD_MAX_RESPONSE_MB)' });
    await client.close();
  });

  it('cuts off one that goes on without end, and stops reading it', async () => {
    const client = new ShardClient({ timeoutMs: 10_000, concurrency: 4, maxResponseBytes: MAX });
    const failure = await client.post(url, { query: '{ endless }' }).catch((e: unknown) => e);
    expect(failure).toMatchObject({ outcome: 'http_error', message: expect.stringMatching(/^answered more than 65536 bytes/) });
    // The connection is dropped: the server could write little more than the bound and the socket's buffers.
    await new Promise((r) => setTimeout(r, 200));
    expect(written).toBeLessThan(100 * MAX);
    await client.close();
  });
});

describe('ShardClient at national scale', () => {
  it("with the gateway's default SHARD_CONCURRENCY, four requests that each ask all 290 kommuner are all in flight at once", async () => {
    // A cap below a fan-out makes its last shard requests wait for the first to be answered: a round
    // trip or more added to every such request (the default was once 128).
    let inFlight = 0;
    let most = 0;
    const held: Array<() => void> = [];
    const transport: Transport = () =>
      new Promise((resolve) => {
        most = Math.max(most, ++inFlight);
        held.push(() => {
          inFlight--;
          resolve({ status: 200, text: '{"data":{"ok":true}}' });
        });
      });
    const { SHARD_CONCURRENCY, SHARD_TIMEOUT_MS } = readGatewayConfig({ REGION_URL: 'http://127.0.0.1:4100/graphql' });
    const client = new ShardClient({ timeoutMs: SHARD_TIMEOUT_MS, concurrency: SHARD_CONCURRENCY, transport });
    const shards = Array.from({ length: 290 }, (_, i) => `http://shard-${i}/graphql`);
    // Four distinct requests (nothing to share), each to every shard.
    const answers = [1, 2, 3, 4].flatMap((n) => shards.map((url) => client.post(url, { query: `{ ok${n}: ok }` }, {})));
    for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
    expect(most).toBe(4 * 290);
    while (held.length) held.splice(0).forEach((answer) => answer());
    await Promise.all(answers);
    await client.close();
  });
});

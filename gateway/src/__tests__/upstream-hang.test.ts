import net from 'node:net';
import { WebSocketServer } from 'ws';
import { createHash } from 'node:crypto';
import type { Logger } from '@samverkan/server-kit';
import type { MemberRegistry } from '../shards/registry';
import { UpstreamHub, type LiveState } from '../subscriptions/upstream';

/**
 * A kommun that freezes at any step of its live connection is reported paused to its
 * subscribers. Its operating system still accepts the port while the process answers nothing, so
 * each step (the opening handshake, the acknowledgement, the pings, the closing handshake) must be
 * bounded by the gateway itself. Each frozen kommun here is a raw socket server that goes as far
 * as the step named and then reads and answers nothing more.
 */
type FrozenAfter = 'accepting' | 'opening handshake' | 'acknowledgement';

const servers: net.Server[] = [];
const sockets = new Set<net.Socket>();
const hubs: UpstreamHub[] = [];
afterEach(async () => {
  await Promise.all(hubs.splice(0).map((h) => h.closeAll()));
  for (const s of sockets) s.destroy();
  sockets.clear();
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

function textFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  if (payload.length >= 126) throw new Error('a short frame only');
  return Buffer.concat([Buffer.from([0x81, payload.length]), payload]);
}

async function frozenKommun(after: FrozenAfter): Promise<string> {
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.once('data', (request) => {
      if (after === 'accepting') return;
      const key = /sec-websocket-key:\s*(\S+)/i.exec(request.toString('latin1'))?.[1] ?? '';
      const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
      socket.write(['HTTP/1.1 101 Switching Protocols', 'Upgrade: websocket', 'Connection: Upgrade', `Sec-WebSocket-Accept: ${accept}`, 'Sec-WebSocket-Protocol: graphql-transport-ws', '', ''].join('\r\n'));
      if (after === 'acknowledgement') socket.write(textFrame(JSON.stringify({ type: 'connection_ack' })));
      // From here on, nothing is answered: no pong, no subscription, no closing handshake.
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/graphql`;
}

const quiet = { warn: () => undefined, info: () => undefined, error: () => undefined, debug: () => undefined } as unknown as Logger;

async function pausedWhenFrozen(after: FrozenAfter): Promise<{ state: LiveState; reason?: string }> {
  const url = await frozenKommun(after);
  const registry = { target: () => ({ url }) } as unknown as MemberRegistry;
  const hub = new UpstreamHub(registry, quiet, { query: 'subscription { projectChanged { kind municipality } }', field: 'projectChanged', owner: 'municipality' }, 200);
  hubs.push(hub);
  return new Promise((resolve) => {
    hub.attach('0001', {
      event: () => undefined,
      lost: () => undefined,
      state: (code, state, reason) => {
        if (code === '0001') resolve({ state, reason });
      },
    });
  });
}

// Each step is bounded at 3 s, so a frozen kommun is reported within two such bounds; the suite
// allows far more than that (a loaded machine), but less than ws's own 30 s closing handshake.
const WITHIN = 20_000;

describe('a kommun that freezes', () => {
  it('while its port is accepted but the opening handshake is never answered is reported paused', async () => {
    expect(await pausedWhenFrozen('accepting')).toEqual({ state: 'PAUSED', reason: 'its subgraph cannot be reached' });
  }, WITHIN);

  it('after the opening handshake, never acknowledging the connection, is reported paused', async () => {
    expect(await pausedWhenFrozen('opening handshake')).toEqual({ state: 'PAUSED', reason: 'its subgraph cannot be reached' });
  }, WITHIN);

  it('after acknowledging the connection, answering no ping, is reported paused', async () => {
    expect(await pausedWhenFrozen('acknowledgement')).toEqual({ state: 'PAUSED', reason: 'its subgraph stopped answering' });
  }, WITHIN);
});

/**
 * A kommun whose live connection acknowledges and subscribes as it should, then sends `next`
 * messages of `bytes` each (a real graphql-ws server would only send what its events hold).
 */
async function talkativeKommun(bytes: number): Promise<{ url: string; sent: () => number }> {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1', handleProtocols: () => 'graphql-transport-ws' });
  wsServers.push(server);
  let sent = 0;
  server.on('connection', (socket) => {
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as { type: string; id?: string };
      if (message.type === 'connection_init') socket.send(JSON.stringify({ type: 'connection_ack' }));
      if (message.type === 'subscribe') {
        sent++;
        socket.send(JSON.stringify({ id: message.id, type: 'next', payload: { data: { projectChanged: { kind: 'UPDATED', municipality: '0001', note: 'x'.repeat(bytes) } } } }));
      }
    });
  });
  await new Promise((r) => server.once('listening', r));
  return { url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/graphql`, sent: () => sent };
}

const wsServers: WebSocketServer[] = [];
afterEach(async () => {
  for (const server of wsServers.splice(0)) {
    for (const client of server.clients) client.terminate();
    await new Promise((r) => server.close(r));
  }
});

describe('a kommun whose live connection sends more than a message may hold', () => {
  it('is reported paused, saying why, and its message is never delivered; one within the bound is', async () => {
    const run = async (bytes: number) => {
      const kommun = await talkativeKommun(bytes);
      const registry = { target: () => ({ url: kommun.url }) } as unknown as MemberRegistry;
      const hub = new UpstreamHub(registry, quiet, { query: 'subscription { projectChanged { kind municipality } }', field: 'projectChanged', owner: 'municipality' }, 200);
      hubs.push(hub);
      const events: unknown[] = [];
      const state = await new Promise<{ state: LiveState; reason?: string } | 'event'>((resolve) => {
        hub.attach('0001', {
          event: (event) => {
            events.push(event);
            resolve('event');
          },
          lost: () => undefined,
          state: (code, state, reason) => {
            if (code === '0001') resolve({ state, reason });
          },
        });
      });
      return { state, events, subscribed: kommun.sent() };
    };
    const large = await run(2 * 2 ** 20);
    expect(large.state).toEqual({ state: 'PAUSED', reason: 'its subgraph sent a live message larger than 1 MiB, the most one may hold' });
    expect(large.events).toEqual([]);
    expect(large.subscribed).toBeGreaterThan(0);
    const small = await run(200);
    expect(small.state).toBe('event');
    expect(small.events).toHaveLength(1);
  }, WITHIN);
});

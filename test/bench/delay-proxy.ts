import http from 'node:http';
import net from 'node:net';

/**
 * Delaying proxies, one per shard, in a process of their own so that their work does not share
 * the load generator's event loop. Run by the benchmark through its IPC channel:
 *
 *   { add: { code, target, port } }  →  { added: code, port }   a proxy on 127.0.0.1 in front of `target`
 *   { delay: ms }                    →  { delayed: ms }         the round trip every proxy adds from now on
 *   { mode: 'live' | 'record' | 'replay', codes? }  →  { mode, hits, misses }   the mode of the proxies
 *                                    of `codes` (all without), and the answers replayed and missed since the last such message
 *   { broadcast: true }              →  { broadcast: { path, body, held } }   the recorded request that
 *                                    the most proxies hold an answer to (a fan-out's request to every shard)
 *
 * **live** (the default): a TCP proxy. A round trip of R ms delays every chunk by R/2 on its way to
 * the shard and R/2 on its way back (in order: every chunk of one direction waits the same time).
 * Connecting is not delayed; the gateway keeps its connections to the shards alive, so a
 * production network's handshake is paid once per connection, not per request. Loopback only.
 *
 * **record** and **replay** answer HTTP themselves, so that the shards' own work can be taken off
 * this machine's two cores (remote shards run on their own hosts). In record mode each request goes
 * on to the shard and its answer is kept, keyed by shard, method, path and body. In replay mode a
 * request with a kept answer gets it R ms after it arrived, without the shard; one without goes on
 * to the shard, as in record mode (a miss, counted). WebSocket upgrades are piped through. A
 * change of a proxy's mode closes the connections open to it: the gateway opens new ones. Each
 * proxy has its own mode, so that a national hub's regional gateways can stay live while the
 * kommuner behind them are replayed.
 */
type Mode = 'live' | 'record' | 'replay';
interface Kept {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  /** The whole answer as sent in replay mode (see wire). */
  wire?: Buffer;
}

let oneWayMs = 0;
let hits = 0;
let misses = 0;
const servers: net.Server[] = [];
/** Each proxy's mode and the connections open to it, by the code it was added with. */
const proxies = new Map<string, { mode: Mode; sockets: Set<net.Socket>; kept: Map<string, Kept> }>();
const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
/** Headers of a kept answer that are the connection's, not the answer's. */
const HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'date']);

const later = (ms: number, fn: () => void) => (ms === 0 ? fn() : void setTimeout(fn, ms));

/** Forwards `from` to `to`, each chunk after the one-way delay in force when it arrived. */
function forward(from: net.Socket, to: net.Socket): void {
  from.on('data', (chunk) => later(oneWayMs, () => to.writable && to.write(chunk)));
  from.on('end', () => later(oneWayMs, () => to.end()));
}

/** Two sockets joined both ways (delayed), each closing the other; both kept in `sockets` while open. */
function join(client: net.Socket, upstream: net.Socket, sockets: Set<net.Socket>): void {
  client.setNoDelay(true);
  upstream.setNoDelay(true);
  sockets.add(client).add(upstream);
  forward(client, upstream);
  forward(upstream, client);
  const end = () => {
    client.destroy();
    upstream.destroy();
    sockets.delete(client);
    sockets.delete(upstream);
  };
  client.on('error', end).on('close', end);
  upstream.on('error', end).on('close', end);
}

/**
 * One request to the shard, its answer read whole. A kept-alive connection that the shard closed
 * as it was taken (its idle timeout) fails at once: that one is tried again, on a new connection.
 */
function ask(target: URL, req: { method?: string; url?: string }, headers: http.OutgoingHttpHeaders, body: Buffer, again: boolean): Promise<Kept> {
  return new Promise<Kept>((resolve, reject) => {
    const out = http.request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers, agent }, (answer) => {
      const parts: Buffer[] = [];
      answer.on('data', (c: Buffer) => parts.push(c));
      answer.on('error', reject);
      answer.on('end', () => {
        const k: Kept = { status: answer.statusCode ?? 502, headers: {}, body: Buffer.concat(parts) };
        for (const [name, value] of Object.entries(answer.headers)) if (!HOP.has(name) && typeof value === 'string') k.headers[name] = value;
        resolve(k);
      });
    });
    out.on('error', (err: NodeJS.ErrnoException) => {
      if (again && out.reusedSocket && (err.code === 'ECONNRESET' || err.code === 'EPIPE')) resolve(ask(target, req, headers, body, false));
      else reject(err);
    });
    out.end(body);
  });
}

/** A kept answer as bytes on the wire, made once. */
function wire(k: Kept): Buffer {
  if (!k.wire) {
    const lines = [`HTTP/1.1 ${k.status} ${http.STATUS_CODES[k.status] ?? ''}`, ...Object.entries(k.headers).map(([n, v]) => `${n}: ${v}`), `content-length: ${k.body.length}`, 'connection: keep-alive'];
    k.wire = Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), k.body]);
  }
  return k.wire;
}

const HEAD_END = Buffer.from('\r\n\r\n');

/**
 * Replay mode on one connection, read as bytes: Node's HTTP server costs the proxies more CPU per
 * request than the gateway spends on one, and the proxies share the cores with it. Requests come
 * one at a time (the gateway does not pipeline) with a content-length. A connection whose first
 * request is anything else (an upgrade, a chunked body) is piped through to the kommun, as in live
 * mode.
 */
function replayConnection(client: net.Socket, target: URL, kept: Map<string, Kept>, sockets: Set<net.Socket>): void {
  let buffered: Buffer = Buffer.alloc(0);
  let first = true;
  const onData = (chunk: Buffer) => {
    buffered = buffered.length ? Buffer.concat([buffered, chunk]) : chunk;
    for (;;) {
      const end = buffered.indexOf(HEAD_END);
      if (end < 0) return;
      const head = buffered.toString('latin1', 0, end);
      const lines = head.split('\r\n');
      const [method, path] = lines[0].split(' ');
      const headers: Record<string, string> = {};
      for (const line of lines.slice(1)) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      if (headers.upgrade || headers['transfer-encoding']) {
        // Piped through to the kommun from here on, as in live mode (the first request of a connection only).
        if (!first) return void client.destroy();
        client.off('data', onData);
        misses++;
        const upstream = net.connect(Number(target.port), target.hostname);
        upstream.write(buffered);
        join(client, upstream, sockets);
        return;
      }
      const length = Number(headers['content-length'] ?? 0);
      if (buffered.length < end + 4 + length) return;
      const body = buffered.subarray(end + 4, end + 4 + length);
      buffered = buffered.subarray(end + 4 + length);
      first = false;
      const key = `${method} ${path} ${body.toString('utf8')}`;
      const found = kept.get(key);
      if (found) {
        hits++;
        later(2 * oneWayMs, () => client.writable && client.write(wire(found)));
        continue;
      }
      misses++;
      delete headers.host;
      delete headers.connection;
      later(oneWayMs, () =>
        ask(target, { method, url: path }, headers, Buffer.from(body), true).then(
          (k) => {
            kept.set(key, k);
            later(oneWayMs, () => client.writable && client.write(wire(k)));
          },
          () => client.destroy(),
        ),
      );
    }
  };
  client.on('data', onData);
}

/** The HTTP face of one shard's proxy in record mode: each request goes on to the shard, its answer kept. */
function httpFace(target: URL, kept: Map<string, Kept>, sockets: Set<net.Socket>): http.Server {
  const send = (res: http.ServerResponse, k: Kept) => {
    res.writeHead(k.status, { ...k.headers, 'content-length': k.body.length });
    res.end(k.body);
  };
  const server = http.createServer({ keepAliveTimeout: 120_000 }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const key = `${req.method} ${req.url} ${body.toString('utf8')}`;
      const headers = { ...req.headers };
      delete headers.host;
      delete headers.connection;
      later(oneWayMs, () => ask(target, req, headers, body, true).then(
        (k) => {
          kept.set(key, k);
          later(oneWayMs, () => send(res, k));
        },
        (err: Error) => later(oneWayMs, () => res.writeHead(502).end(`the delaying proxy could not ask the shard: ${err.message}`)),
      ));
    });
  });
  // A WebSocket (the gateway's live connection to the kommun) is piped through, delayed.
  server.on('upgrade', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
    const upstream = net.connect(Number(target.port), target.hostname);
    const lines = [`${req.method} ${req.url} HTTP/1.1`];
    for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
    upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
    if (head.length) upstream.write(head);
    join(socket, upstream, sockets);
  });
  return server;
}

async function add(code: string, target: string, port: number): Promise<number> {
  const t = new URL(target);
  const proxy = { mode: 'live' as Mode, sockets: new Set<net.Socket>(), kept: new Map<string, Kept>() };
  proxies.set(code, proxy);
  const { sockets, kept } = proxy;
  const face = httpFace(t, kept, sockets);
  const server = net.createServer((client) => {
    if (proxy.mode === 'live') return join(client, net.connect(Number(t.port), t.hostname), sockets);
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    if (proxy.mode === 'replay') replayConnection(client, t, kept, sockets);
    else face.emit('connection', client);
  });
  servers.push(server);
  // The parent hands out the ports of the region being started (freePort): it names this one too.
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return port;
}

/** The recorded POST that the most proxies hold an answer to, and how many do. */
function broadcast(): { path: string; body: string; held: number } | null {
  const held = new Map<string, number>();
  for (const { kept } of proxies.values()) for (const key of kept.keys()) if (key.startsWith('POST ')) held.set(key, (held.get(key) ?? 0) + 1);
  const [key, n] = [...held].reduce((best, next) => (next[1] > best[1] ? next : best), ['', 0]);
  if (!n) return null;
  const [, path] = key.split(' ', 2);
  return { path, body: key.slice(`POST ${path} `.length), held: n };
}

process.on('message', (m: { add?: { code: string; target: string; port: number }; delay?: number; mode?: Mode; codes?: string[]; broadcast?: boolean }) => {
  if (m.broadcast) {
    process.send!({ broadcast: broadcast() });
  } else if (m.add) {
    const { code, target, port } = m.add;
    add(code, target, port).then(
      (listening) => process.send!({ added: code, port: listening }),
      (err: Error) => process.send!({ added: code, error: err.message }),
    );
  } else if (m.delay !== undefined) {
    oneWayMs = m.delay / 2;
    process.send!({ delayed: m.delay });
  } else if (m.mode) {
    for (const code of m.codes ?? proxies.keys()) {
      const proxy = proxies.get(code);
      if (!proxy || proxy.mode === m.mode) continue;
      for (const s of proxy.sockets) s.destroy();
      proxy.mode = m.mode;
    }
    process.send!({ mode: m.mode, hits, misses });
    hits = misses = 0;
  }
});
// The parent gone (even by SIGKILL): close everything and leave.
process.on('disconnect', () => {
  for (const { sockets } of proxies.values()) for (const s of sockets) s.destroy();
  for (const s of servers) s.close();
  agent.destroy();
  process.exit(0);
});
console.log('READY');

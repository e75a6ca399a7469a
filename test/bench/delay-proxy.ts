import net from 'node:net';

/**
 * Delaying TCP proxies, one per shard, in a process of their own so that their work does not
 * share the load generator's event loop. Run by the benchmark through its IPC channel:
 *
 *   { add: { code, target } }  →  { added: code, port }   a proxy on 127.0.0.1 in front of `target`
 *   { delay: ms }              →  { delayed: ms }         the round trip every proxy adds from now on
 *
 * A round trip of R ms delays every chunk by R/2 on its way to the shard and R/2 on its way back
 * (in order: every chunk of one direction waits the same time). Connecting is not delayed; the
 * gateway keeps its connections to the shards alive, so a production network's handshake is paid
 * once per connection, not per request. Loopback only.
 */
let oneWayMs = 0;
const servers: net.Server[] = [];
const sockets = new Set<net.Socket>();

/** Forwards `from` to `to`, each chunk after the one-way delay in force when it arrived. */
function forward(from: net.Socket, to: net.Socket): void {
  from.on('data', (chunk) => {
    if (oneWayMs === 0) to.write(chunk);
    else setTimeout(() => to.writable && to.write(chunk), oneWayMs);
  });
  from.on('end', () => (oneWayMs === 0 ? to.end() : setTimeout(() => to.end(), oneWayMs)));
}

async function add(target: string, port: number): Promise<number> {
  const t = new URL(target);
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(t.port), t.hostname);
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
  });
  servers.push(server);
  // The parent hands out the ports of the region being started (freePort): it names this one too.
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return port;
}

process.on('message', (m: { add?: { code: string; target: string; port: number }; delay?: number }) => {
  if (m.add) {
    const { code, target, port } = m.add;
    add(target, port).then(
      (listening) => process.send!({ added: code, port: listening }),
      (err: Error) => process.send!({ added: code, error: err.message }),
    );
  } else if (m.delay !== undefined) {
    oneWayMs = m.delay / 2;
    process.send!({ delayed: m.delay });
  }
});
// The parent gone (even by SIGKILL): close everything and leave.
process.on('disconnect', () => {
  for (const s of sockets) s.destroy();
  for (const s of servers) s.close();
  process.exit(0);
});
console.log('READY');

import net from 'node:net';

/**
 * A TCP proxy between a service and PostgreSQL that a test can break on cue: right after a
 * transaction commits, or for every connection but the ones listening for notifications. It reads
 * just enough of the wire protocol for that (simple-query `COMMIT` and `LISTEN`).
 */
export async function startPgProxy(targetUrl: string) {
  const target = new URL(targetUrl);
  const pairs = new Set<{ client: net.Socket; server: net.Socket; listening: boolean }>();
  const state = { refuse: false, cutAfterCommit: false, cut: 0 };

  const cutAll = (keepListeners: boolean) => {
    for (const p of pairs) {
      if (keepListeners && p.listening) continue;
      p.client.destroy();
      p.server.destroy();
      pairs.delete(p);
      state.cut++;
    }
  };

  const proxy = net.createServer((client) => {
    if (state.refuse) {
      client.destroy();
      return;
    }
    const server = net.connect(Number(target.port || 5432), target.hostname);
    const pair = { client, server, listening: false };
    pairs.add(pair);
    let armed = false;
    client.on('data', (chunk) => {
      const text = chunk.toString('latin1');
      if (text.includes('LISTEN ')) pair.listening = true;
      if (state.cutAfterCommit && chunk[0] === 0x51 /* Q */ && /\bcommit\b/i.test(text)) armed = true;
      server.write(chunk);
    });
    server.on('data', (chunk) => {
      client.write(chunk);
      if (armed && chunk.toString('latin1').includes('COMMIT\0')) {
        // The commit is done and its answer on its way: from now on the database is gone.
        state.cutAfterCommit = false;
        state.refuse = true;
        setImmediate(() => cutAll(false));
      }
    });
    const end = () => {
      client.destroy();
      server.destroy();
      pairs.delete(pair);
    };
    client.on('error', end).on('close', end);
    server.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', () => resolve()));
  const url = new URL(targetUrl);
  url.hostname = '127.0.0.1';
  url.port = String((proxy.address() as net.AddressInfo).port);

  return {
    url: url.toString(),
    state,
    /** The next transaction to commit is the last thing the database does: then every connection drops and new ones are refused. */
    cutAfterCommit() {
      state.cutAfterCommit = true;
    },
    /** Refuses new connections and drops open ones, except those listening for notifications. */
    refuseAllButListeners() {
      state.refuse = true;
      cutAll(true);
    },
    restore() {
      state.refuse = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        cutAll(false);
        proxy.close(() => resolve());
      }),
  };
}

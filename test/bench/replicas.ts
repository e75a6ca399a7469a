import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { freePort, runService, waitForHealth, type RunningRegion, type ServiceProcess } from '@samverkan/region-runner';

/**
 * Gateway replicas over a running region, sharing one Redis (the response cache on), behind a
 * round-robin TCP load balancer of their own: each connection the load generator opens goes to
 * the next replica, as a layer-4 balancer in front of replicas would send it.
 */
export async function startReplicas(region: RunningRegion, count: number, redisUrl: string, env: Record<string, string> = {}) {
  const prefix = `samverkan-bench-${randomBytes(4).toString('hex')}:`;
  const replicas: ServiceProcess[] = [];
  const ports: number[] = [];
  const sockets = new Set<net.Socket>();
  let server: net.Server | undefined;
  const stop = async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    await Promise.allSettled(replicas.map((p) => p.stop()));
    // Nothing left behind in the shared Redis.
    const redis = new Redis(redisUrl, { lazyConnect: true });
    try {
      await redis.connect();
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length) await redis.del(...keys);
    } finally {
      redis.disconnect();
    }
  };
  try {
    for (let i = 0; i < count; i++) {
      const port = await freePort();
      ports.push(port);
      replicas.push(
        runService(`gateway-replica-${i + 1}`, 'gateway/src/index.ts', {
          ...region.serviceEnv,
          PORT: String(port),
          REGION_URL: region.regionUrl,
          LOG_LEVEL: 'error',
          REDIS_URL: redisUrl,
          REDIS_KEY_PREFIX: prefix,
          RESPONSE_CACHE_TTL_S: '300',
          ...env,
        }),
      );
    }
    await Promise.all(ports.map((port, i) => Promise.race([waitForHealth(`http://127.0.0.1:${port}/health`, 60_000, true), replicas[i].ready])));
    let next = 0;
    server = net.createServer((socket) => {
      const upstream = net.connect(ports[next++ % ports.length], '127.0.0.1');
      socket.pipe(upstream).pipe(socket);
      for (const s of [socket, upstream]) {
        sockets.add(s);
        s.on('error', () => undefined).on('close', () => {
          sockets.delete(s);
          socket.destroy();
          upstream.destroy();
        });
      }
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
    return { url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/graphql`, pids: replicas.map((p) => p.child.pid!), stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

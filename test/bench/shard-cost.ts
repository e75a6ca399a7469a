import { Client } from 'pg';
import { freePort, runService } from '@samverkan/region-runner';
import { drive, type LoadResult } from './load';
import { cpuMs, quantile } from './stats';

/**
 * The kommun subgraph's fixed cost per request: S3 sent to one kommun's subgraph directly at one
 * connection, against the floor, the same SQL statements run one after another by a bare `pg`
 * client over one connection. The statements are the ones the subgraph itself logs for S3 (at
 * LOG_LEVEL=trace, each with its parameters). `cpuMsPerRequest` is the subgraph process's own CPU
 * time (user and system, from /proc) over the measured run, divided by the requests it served;
 * the floor's `cpuMsPerRound` is the bare client's (this process's) over its rounds. Their
 * difference moves far less with the load on the machine than the wall-clock times. With `profileDir`, the
 * measured subgraph runs under `node --cpu-prof` and leaves its profile there.
 */
export async function shardCost(options: {
  code: string;
  databaseUrl: string;
  env: Record<string, string>;
  body: string;
  seconds: number;
  profileDir?: string;
}): Promise<{ direct: LoadResult; floor: LoadResult & { cpuMsPerRound: number }; statements: number; cpuMsPerRequest: number }> {
  const statements = await captureStatements(options);
  const kommun = await startKommun(options, 'error', {}, undefined, options.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`] : []);
  try {
    await drive(kommun.url, options.body, { connections: 1, seconds: 2 }); // warm-up
    const cpuBefore = cpuMs(kommun.pid);
    const direct = await drive(kommun.url, options.body, { connections: 1, seconds: options.seconds });
    const cpuMsPerRequest = (cpuMs(kommun.pid) - cpuBefore) / Math.max(1, direct.requests);
    const floor = await replay(options.databaseUrl, statements, options.seconds);
    return { direct, floor, statements: statements.length, cpuMsPerRequest };
  } finally {
    await kommun.stop();
  }
}

type Statement = { query: string; parameters?: unknown[] };

/** One kommun's subgraph alone in its process, over its existing (migrated, seeded) database. */
export async function startKommun(options: { code: string; databaseUrl: string; env: Record<string, string> }, logLevel: string, extraEnv: Record<string, string>, echo?: (line: string) => void, nodeFlags: string[] = []) {
  const p = runService(`kommun-${options.code}-alone`, 'services/kommun/src/cli/serve-many.ts', {
    ...options.env,
    KOMMUN_INSTANCES: JSON.stringify([{ code: options.code, databaseUrl: options.databaseUrl, port: await freePort() }]),
    SEED: 'never',
    MIGRATE_ON_START: 'false',
    LOG_LEVEL: logLevel,
    DB_POOL_SIZE: '1',
    HOST: '127.0.0.1',
    ...extraEnv,
  }, { echo, timeoutMs: 600_000, nodeFlags });
  const url = (await p.ready)[0].split(' ')[2];
  return { url, pid: p.child.pid!, stop: () => p.stop() };
}

/** The statements the subgraph runs for `body` (its second run, once warm), from its trace log: the lines of that request's id only. */
export async function captureStatements(options: { code: string; databaseUrl: string; env: Record<string, string>; body: string }): Promise<Statement[]> {
  const captured: Statement[] = [];
  const CAPTURED = 'bench-captured-request';
  const kommun = await startKommun(options, 'trace', {}, (line) => {
    if (!line.includes('"SQL statement"')) return;
    const { query, parameters, requestId } = JSON.parse(line) as Statement & { requestId?: string };
    if (requestId === CAPTURED) captured.push({ query, parameters });
  });
  try {
    const post = (requestId: string) => fetch(kommun.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': requestId }, body: options.body }).then((r) => r.json());
    await post('bench-warm-up');
    const answer = (await post(CAPTURED)) as { errors?: unknown; extensions?: { sqlStatements?: number } };
    if (answer.errors) throw new Error(`S3 on the kommun alone: ${JSON.stringify(answer.errors)}`);
    // The log lines of the request may arrive just after its answer.
    for (let i = 0; i < 50 && captured.length < (answer.extensions?.sqlStatements ?? 0); i++) await new Promise((r) => setTimeout(r, 20));
    if (captured.length !== answer.extensions?.sqlStatements) throw new Error(`captured ${captured.length} SQL statements of S3, which reports ${answer.extensions?.sqlStatements}`);
    if (!captured.length) throw new Error('the kommun logged no SQL statement for S3 (LOG_LEVEL=trace)');
    return captured;
  } finally {
    await kommun.stop();
  }
}

/** Runs the statements in order over one connection for `seconds`, as one request each round. */
async function replay(databaseUrl: string, statements: Statement[], seconds: number): Promise<LoadResult & { cpuMsPerRound: number }> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const round = async () => {
      for (const s of statements) await client.query(s.query, s.parameters);
    };
    const warmUntil = Date.now() + 1000;
    while (Date.now() < warmUntil) await round();
    const times: number[] = [];
    const cpu = process.cpuUsage();
    const until = Date.now() + seconds * 1000;
    while (Date.now() < until) {
      const t = process.hrtime.bigint();
      await round();
      times.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    const { user, system } = process.cpuUsage(cpu);
    times.sort((a, b) => a - b);
    const total = times.reduce((a, b) => a + b, 0);
    return { cpuMsPerRound: (user + system) / 1000 / times.length, p50: quantile(times, 0.5), p99: quantile(times, 0.99), mean: total / times.length, rps: times.length / seconds, requests: times.length, non2xx: 0, errors: 0 };
  } finally {
    await client.end();
  }
}

import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import type { Server as HttpServer } from 'node:http';
import { join } from 'node:path';
import { nodeFlagsFor } from './node-flags';

export const REPO_ROOT = join(__dirname, '../../..');

/**
 * Running compiled (`npm run build`, the images): entry points are the `.js` files beside the
 * sources' places, started by plain Node. From the sources: the `.ts` files, through swc.
 */
const COMPILED = __filename.endsWith('.js');

/** The Node arguments that start a repo entry point given by its TypeScript path. */
export function nodeArgs(entry: string): string[] {
  return COMPILED ? [join(REPO_ROOT, entry.replace(/\.ts$/, '.js'))] : ['-r', '@swc-node/register', join(REPO_ROOT, entry)];
}

export interface ServiceProcess {
  name: string;
  child: ChildProcess;
  /** Lines the service printed that start with READY. */
  ready: Promise<string[]>;
  stop(): Promise<void>;
  /** The last lines it wrote, for error messages. */
  tail(): string;
}

/**
 * Runs an entry point of the repo as its own Node process (compiled, or its TypeScript through
 * swc with decorator metadata: see nodeArgs), resolving `ready` once it prints a line that is exactly `READY` (or, with
 * `readyOnAnyLine`, the first READY line).
 */
export function runService(
  name: string,
  entry: string,
  env: NodeJS.ProcessEnv,
  options: { timeoutMs?: number; echo?: (line: string) => void; readyOnFirst?: boolean; /** Node's own flags, e.g. --cpu-prof (which NODE_OPTIONS refuses). */ nodeFlags?: string[] } = {},
): ServiceProcess {
  const child = spawn(process.execPath, [...nodeFlagsFor(entry), ...(options.nodeFlags ?? []), ...nodeArgs(entry)], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    // The IPC channel is how the service learns that its parent is gone, even after a SIGKILL.
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  child.on('error', () => undefined); // an IPC write to a child that already exited
  const lines: string[] = [];
  const readyLines: string[] = [];
  let resolveReady!: (l: string[]) => void;
  let rejectReady!: (e: Error) => void;
  const ready = new Promise<string[]>((res, rej) => ((resolveReady = res), (rejectReady = rej)));
  ready.catch(() => undefined); // a caller that never waits for readiness must not see an unhandled rejection
  const timer = setTimeout(() => rejectReady(new Error(`${name} was not ready within ${options.timeoutMs ?? 60_000} ms:\n${tail()}`)), options.timeoutMs ?? 60_000);
  const tail = () => lines.slice(-15).join('\n');
  const onData = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      lines.push(line);
      if (lines.length > 200) lines.shift();
      if (line.startsWith('READY')) {
        readyLines.push(line);
        if (line === 'READY' || options.readyOnFirst) {
          clearTimeout(timer);
          resolveReady(readyLines);
        }
      } else {
        options.echo?.(line);
      }
    }
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('exit', (code) => {
    clearTimeout(timer);
    rejectReady(new Error(`${name} exited with code ${code}:\n${tail()}`));
  });
  return {
    name,
    child,
    ready,
    tail,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(killer);
    },
  };
}

/** Waits until `url` answers 200 (with `anyStatus`, until it answers at all), or throws after `timeoutMs`. */
export async function waitForHealth(url: string, timeoutMs: number, anyStatus = false): Promise<void> {
  const until = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < until) {
    try {
      const res = await fetch(url);
      if (res.ok || (anyStatus && res.status < 500) || (anyStatus && res.status === 503)) return;
      last = `HTTP ${res.status}: ${(await res.text()).slice(0, 500)}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not become healthy within ${timeoutMs} ms (${last})`);
}

/** Runs a one-shot entry point (a migration, a seed) to its end; throws with its output when it fails. */
export async function runToCompletion(name: string, entry: string, env: NodeJS.ProcessEnv, echo?: (line: string) => void): Promise<void> {
  const p = runService(name, entry, env, { echo, timeoutMs: 600_000 });
  const code = await new Promise<number | null>((resolve) => p.child.once('exit', resolve));
  if (code !== 0) throw new Error(`${name} failed (exit code ${code}):\n${p.tail()}`);
}

/** Every port freePort has handed out in this process. */
const handedOut = new Set<number>();

/**
 * A port of 127.0.0.1 nothing listens on now, and one this process has not been handed before. A
 * port is chosen before the service that will listen on it starts, so the operating system may
 * offer the same free port again in between: a region of 290 kommuner once had a kommun take the
 * port chosen for its region subgraph, which then answered the gateway as "region".
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const s = createServer();
      s.once('error', reject);
      s.listen(0, '127.0.0.1', () => {
        const chosen = (s.address() as { port: number }).port;
        s.close(() => resolve(chosen));
      });
    });
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
}

/**
 * Makes `server` listen on 127.0.0.1 at a port from freePort, so that it never takes a port this
 * process has handed out to a service not yet listening (as `listen(0)` may: the operating system
 * offers a port freePort has just let go); another port is tried if some other process took this
 * one. Returns the port.
 */
export async function listenOnFreePort(server: Server | HttpServer): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => {
          server.off('error', reject);
          resolve();
        });
      });
      return port;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 20) throw err;
    }
  }
}

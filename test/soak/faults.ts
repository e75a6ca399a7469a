import type { ChildProcess } from 'node:child_process';
import { rssMiB } from '../bench/stats';
import { sleep } from './random';

/**
 * The faults the soak injects, on the kommun's own OS process (one kommun per process):
 * a pause (SIGSTOP, then SIGCONT) and a kill (SIGKILL, not restarted). And the gateway's memory,
 * sampled from /proc once a second.
 */

export interface FaultTimes {
  pausedAt?: number;
  resumedAt?: number;
  killedAt?: number;
}

export class Faults {
  readonly times: FaultTimes = {};
  private paused: ChildProcess | null = null;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly pending: Array<Promise<void>> = [];

  constructor(private readonly log: (line: string) => void) {}

  /** SIGSTOP at `at` (ms since the epoch) for `forMs`, then SIGCONT. */
  pause(name: string, child: ChildProcess, at: number, forMs: number): void {
    this.pending.push(
      (async () => {
        await this.until(at);
        if (!alive(child)) return;
        child.kill('SIGSTOP');
        this.paused = child;
        this.times.pausedAt = Date.now();
        this.log(`SIGSTOP ${name} (pid ${child.pid})`);
        await sleep(forMs);
        this.resume();
        this.times.resumedAt = Date.now();
        this.log(`SIGCONT ${name} (pid ${child.pid})`);
      })(),
    );
  }

  kill(name: string, child: ChildProcess, at: number): void {
    this.pending.push(
      (async () => {
        await this.until(at);
        if (!alive(child)) return;
        child.kill('SIGKILL');
        this.times.killedAt = Date.now();
        this.log(`SIGKILL ${name} (pid ${child.pid}), not restarted`);
      })(),
    );
  }

  /** Continues a paused process now; safe to call any time (clean-up before stopping). */
  resume(): void {
    const p = this.paused;
    this.paused = null;
    if (p && alive(p)) p.kill('SIGCONT');
  }

  /** Waits for the scheduled faults to be done; `cancel` drops those not begun. */
  async done(): Promise<void> {
    await Promise.all(this.pending);
  }

  cancel(): void {
    this.timers.splice(0).forEach(clearTimeout);
    this.resume();
  }

  private until(at: number): Promise<void> {
    return new Promise((resolve) => this.timers.push(setTimeout(resolve, Math.max(0, at - Date.now()))));
  }
}

const alive = (c: ChildProcess) => c.exitCode === null && c.signalCode === null;

export interface RssSample {
  t: number;
  mib: number;
}

/** Samples a process's resident memory every `everyMs` until stopped (NaN once it is gone). */
export function sampleRss(child: ChildProcess, everyMs = 1000) {
  const samples: RssSample[] = [];
  const take = () => {
    let mib = NaN;
    try {
      if (alive(child)) mib = rssMiB(child.pid!);
    } catch {
      mib = NaN;
    }
    samples.push({ t: Date.now(), mib });
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    samples,
    /** The first sample at or after `t`. */
    at: (t: number) => samples.find((s) => s.t >= t),
    peak: (from: number, to: number) => Math.max(...samples.filter((s) => s.t >= from && s.t <= to && Number.isFinite(s.mib)).map((s) => s.mib)),
    stop: () => clearInterval(timer),
  };
}

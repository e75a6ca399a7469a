import { createLogger } from '@samverkan/server-kit';
import { ResponseCache, REGION_SCOPE } from '../cache/response-cache';
import { MemoryStore, type CacheStore } from '../cache/store';
import type { MemberRegistry } from '../shards/registry';

/** The response cache's generations over this process's own store (the store of a gateway without Redis). */
const CODES = ['1401', '1407', '1480', '1481'];
const registry = { all: () => CODES.map((code) => ({ code })) } as unknown as MemberRegistry;
const logger = createLogger('test', 'silent');
const settle = () => new Promise((r) => setImmediate(r));

async function cacheOver(store: CacheStore = new MemoryStore()) {
  const cache = new ResponseCache({ store, ttlMs: 60_000, registry, logger });
  for (const code of CODES) cache.connected(code);
  await settle();
  return cache;
}

const answer = (n: number) => ({ data: { n } });

describe('ResponseCache', () => {
  it('serves a kept answer until a kommun it read from changes, and only that', async () => {
    const cache = await cacheOver();
    for (const [key, deps] of [['a', ['1480']], ['b', ['1481']]] as const) {
      const first = await cache.lookup(key);
      expect(first && 'miss' in first).toBe(true);
      expect(await cache.keep(key, (first as { miss: Map<string, string> }).miss, deps, answer(1))).toBe(true);
    }
    expect(await cache.lookup('a')).toEqual({ hit: answer(1) });
    await cache.invalidate(['1480'], 'event');
    expect(await cache.lookup('a')).toHaveProperty('miss');
    expect(await cache.lookup('b')).toEqual({ hit: answer(1) });
    await cache.invalidate([REGION_SCOPE], 'write');
    expect(await cache.lookup('b')).toHaveProperty('miss');
  });

  it('keeps no answer whose reads began before a write, and serves none while a kommun\'s stream is down', async () => {
    const cache = await cacheOver();
    const before = (await cache.lookup('k')) as { miss: Map<string, string> };
    await cache.invalidate(['1407'], 'write'); // lands while the read runs
    await cache.keep('k', before.miss, ['1407'], answer(0));
    expect(await cache.lookup('k')).toHaveProperty('miss');

    const fresh = (await cache.lookup('k')) as { miss: Map<string, string> };
    await cache.keep('k', fresh.miss, ['1407'], answer(1));
    expect(await cache.lookup('k')).toEqual({ hit: answer(1) });
    cache.paused('1407');
    expect(await cache.lookup('k')).toHaveProperty('miss');
    expect(await cache.keep('k', fresh.miss, ['1407'], answer(1))).toBe(false);
    // Back up: what changed meanwhile went unseen, so its old answers stay dead.
    cache.connected('1407');
    await settle();
    expect(await cache.lookup('k')).toHaveProperty('miss');
  });

  it('agrees with a model of generations over random interleavings of reads, keeps and changes', async () => {
    const cache = await cacheOver();
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)];
    /** The model: a clock per scope; an answer is current while no scope it read has ticked since its read began. */
    const clock = new Map<string, number>([REGION_SCOPE, ...CODES].map((s) => [s, 0]));
    const kept = new Map<string, { at: Map<string, number>; deps: string[]; n: number }>();
    const running: Array<{ key: string; snapshot: Map<string, string>; at: Map<string, number> }> = [];
    for (let step = 0; step < 2000; step++) {
      const r = random();
      const key = pick(['q1', 'q2', 'q3', 'q4', 'q5']);
      if (r < 0.35) {
        const found = await cache.lookup(key);
        const model = kept.get(key);
        const current = model && [REGION_SCOPE, ...model.deps].every((s) => clock.get(s) === model.at.get(s));
        if (current) expect(found).toEqual({ hit: answer(model.n) });
        else {
          expect(found).toHaveProperty('miss');
          running.push({ key, snapshot: (found as { miss: Map<string, string> }).miss, at: new Map(clock) });
        }
      } else if (r < 0.7 && running.length) {
        const read = running.splice(Math.floor(random() * running.length), 1)[0];
        const deps = CODES.filter(() => random() < 0.4);
        await cache.keep(read.key, read.snapshot, deps, answer(step));
        kept.set(read.key, { at: read.at, deps, n: step });
      } else {
        const scopes = random() < 0.1 ? [REGION_SCOPE] : CODES.filter(() => random() < 0.3);
        await cache.invalidate(scopes, 'event');
        for (const s of scopes) clock.set(s, clock.get(s)! + 1);
      }
    }
  });

  it('goes on without the store while it fails, and renews every generation before using it again', async () => {
    const inner = new MemoryStore();
    let down = false;
    const flaky: CacheStore = {
      shared: true,
      get: (keys) => (down ? Promise.reject(new Error('down')) : inner.get(keys)),
      set: (entries, ttl) => (down ? Promise.reject(new Error('down')) : inner.set(entries, ttl)),
      setIfAbsent: (k, v) => (down ? Promise.reject(new Error('down')) : inner.setIfAbsent(k, v)),
      close: () => inner.close(),
    };
    const cache = await cacheOver(flaky);
    const first = (await cache.lookup('x')) as { miss: Map<string, string> };
    await cache.keep('x', first.miss, ['1480'], answer(1));
    down = true;
    await cache.invalidate(['1480'], 'write'); // lost
    expect(await cache.lookup('x')).toBeNull();
    down = false;
    // The lost invalidation must not bring the dead answer back.
    const after = await cache.lookup('x');
    expect(after === null || 'miss' in after).toBe(true);
    await new Promise((r) => setTimeout(r, 1100));
    expect(await cache.lookup('x')).toHaveProperty('miss');
  });
});

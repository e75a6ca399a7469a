/**
 * Node's own flags a service runs with, wherever it runs: the region runner (npm start, the tests,
 * the benchmarks), the compose file, the image's default command and `npm run gateway` (the last
 * two spell them out; the compose and image tests hold them to this table).
 *
 * The gateway's young generation is 64 MiB (V8's default for this heap, 16). A fan-out keeps every
 * kommun's answer until the page is merged, which at 290 kommuner takes longer than a 16 MiB young
 * generation lasts: the answers were copied from one half to the other and into the old
 * generation, and collected there. With 64 MiB most of them die young. Measured with
 * `npm run bench:gateway` at 290 shards (varied S1, 100 requests): 87.9 ms of gateway CPU per
 * request before, 74.9 after; the price is up to about 100 MiB more memory.
 */
export const NODE_FLAGS: Readonly<Record<string, readonly string[]>> = {
  gateway: ['--max-semi-space-size=64'],
};

/** The flags for an entry point of the repo (`gateway/src/index.ts` or its compiled `.js`). */
export function nodeFlagsFor(entry: string): readonly string[] {
  return entry.replace(/\.(ts|js)$/, '') === 'gateway/src/index' ? NODE_FLAGS.gateway : [];
}

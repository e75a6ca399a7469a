/**
 * Seeded random choices, so that a soak run with the same SOAK_SEED makes the same choices
 * (which kommuner a subscriber names, what each writer writes, when). Timing on a shared machine
 * still varies from run to run; the choices do not.
 */
export interface Random {
  /** A number in [0, 1). */
  next(): number;
  /** An integer in [0, n). */
  int(n: number): number;
  /** An integer in [min, max]. */
  between(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  /** `k` distinct items, in a random order. */
  sample<T>(items: readonly T[], k: number): T[];
  chance(p: number): boolean;
}

/** A generator of its own for each (seed, label): adding a writer does not change a subscriber's choices. */
export function seeded(seed: number, label: string): Random {
  let h = 2166136261 ^ seed;
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 16777619);
  let state = h >>> 0;
  // mulberry32
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return {
    next,
    int,
    between: (min, max) => min + int(max - min + 1),
    pick: (items) => items[int(items.length)],
    sample: (items, k) => {
      const copy = [...items];
      for (let i = copy.length - 1; i > 0; i--) {
        const j = int(i + 1);
        [copy[i], copy[j]] = [copy[j], copy[i]];
      }
      return copy.slice(0, k);
    },
    chance: (p) => next() < p,
  };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

import { HIDDEN } from '../routing/inject';
import { firstInOrder } from '../routing/positions';

type Obj = Record<string, unknown>;

/**
 * Completing a connection's page across shards. Each shard is first asked for a share of the page
 * (see shareOf), not the whole page; a shard whose every row made the global page, and which has
 * more, may hold more rows of it and is asked again. Rows stay exact; most shards are asked once.
 * The same routine serves root connections and the connections of broadcast entities.
 */

/** Rounds of asking again, at most: each round a shard adds rows or is done. */
export const MAX_ROUNDS = 8;

/**
 * At most this many requests in a hundred, with a page's rows spread evenly over its shards, have
 * a shard asked again: a second ask costs the whole request a round trip to that kommun.
 */
export const ASKED_AGAIN = 0.01;

/**
 * The rows each of `shards` shards is first asked for, of a page of `first`: the fewest for which
 * a second ask is rare (ASKED_AGAIN) when the page's rows are spread evenly over the shards. A
 * shard's part of the page is then about Poisson with mean first / shards, and a shard is asked
 * again when all the rows it gave made the page. At 13 shards that is about three times a shard's
 * fair part (12 rows of a page of 50), at 290 about twenty times (4 of 50, where the fair part is a
 * sixth of a row): a fixed three times (2 rows of 50 at 240 shards) had some shard asked again in
 * most requests.
 * Rows bunched in a few shards (an order by kommun, as ID is) are asked again, in rounds.
 */
export function shareOf(first: number, shards: number): number {
  if (shards <= 1 || first <= 1) return first;
  const mean = first / shards;
  let term = Math.exp(-mean); // P(part = k), from k = 0
  let below = 0; // P(part < k)
  for (let k = 1; k < first; k++) {
    below += term;
    term *= mean / k;
    if (shards * (1 - below) <= ASKED_AGAIN) return k;
  }
  return first;
}

/** One shard's answer to one connection (with the gateway's hidden cursors and hasNextPage). */
export interface ShardPage {
  shard: string;
  value: Obj;
  /** Asked for all it can add: not asked again. */
  settled?: boolean;
}

/** One connection of the client's answer, as the shards have answered it so far. */
export interface OpenPage {
  /** The page size the client asked for. */
  first: number;
  /** The edge field that holds a row's cursor. */
  cursor: string;
  shards: ShardPage[];
}

/** The hidden cursors of one shard's answer to a connection (one per row, in its order). */
export function rowsOf(value: Obj): Obj[] {
  return (value[HIDDEN.cursors] as Obj[] | null) ?? [];
}

/**
 * The shards that may hold more rows of the page: every row they gave made the global page (the
 * first `first` rows of all shards' rows in the global order), they have more, and they gave
 * fewer than the page.
 */
export function wanting(page: OpenPage): ShardPage[] {
  const lists = page.shards.map((s) => rowsOf(s.value));
  const inPage = new Array<number>(lists.length).fill(0);
  for (const [list] of firstInOrder(lists, page.first, (edge) => edge[page.cursor] as string)) inPage[list]++;
  return page.shards.filter((s, i) => {
    const own = lists[i].length;
    return !s.settled && (s.value[HIDDEN.more] as Obj | null)?.hasNextPage === true && own > 0 && inPage[i] === own && own < page.first;
  });
}

/**
 * Asks again, in rounds, each shard that may hold more rows of a page, until none may (or
 * MAX_ROUNDS have passed). `askMore` asks the shards of one round (all pages together) and
 * updates their `value`s in place, or marks them `settled`.
 */
export async function completePages<P extends OpenPage>(pages: P[], askMore: (round: Array<{ page: P; shard: ShardPage }>) => Promise<void>): Promise<void> {
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const open = pages.flatMap((page) => wanting(page).map((shard) => ({ page, shard })));
    if (!open.length) return;
    await askMore(open);
  }
}

/** The page size to ask a wanting shard for next, and the cursor to ask after. */
export function nextAsk(page: OpenPage, shard: ShardPage): { first: number; after: string } {
  const rows = rowsOf(shard.value);
  return { first: page.first - rows.length, after: rows[rows.length - 1][page.cursor] as string };
}

/**
 * Adds the rows a shard gave when asked after its last row to what it gave before: `lists` are
 * the response keys of the connection's row lists (the hidden cursors, the client's edges and
 * nodes). No answer means the shard can add nothing.
 */
export function appendRows(value: Obj, extra: Obj | null | undefined, lists: string[]): void {
  if (!extra) {
    value[HIDDEN.more] = { hasNextPage: false };
    return;
  }
  for (const list of lists) value[list] = [...((value[list] as unknown[] | null) ?? []), ...((extra[list] as unknown[] | null) ?? [])];
  value[HIDDEN.more] = extra[HIDDEN.more];
}

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
 * The rows each of `shards` shards is first asked for, of a page of `first`: about three times its
 * fair part, so that with rows spread about evenly few shards are asked again. Measured with varied
 * S1 at 13 shards (npm run bench:gateway): twice the fair part asked again about 1.4 shards per request,
 * three times 0.8, for a third more rows in the first round and no more gateway CPU per request.
 */
export function shareOf(first: number, shards: number): number {
  return shards > 1 ? Math.min(first, Math.ceil((3 * first) / shards) + 1) : first;
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

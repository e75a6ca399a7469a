import { decodeCursor, type CursorPosition } from '@samverkan/contract';

/** Cursors decoded lately, at most this many. */
const KEPT = 20_000;
const known = new Map<string, CursorPosition>();

/**
 * The position a shard's cursor names (see decodeCursor), decoded once: a page's rows are put in
 * order in each round of asking shards again (see wanting) and once more to merge them, and
 * requests of one order share their first rows. Positions are shared: nothing may change one.
 */
export function positionOf(cursor: string): CursorPosition {
  let position = known.get(cursor);
  if (!position) {
    position = decodeCursor(cursor);
    if (known.size >= KEPT) known.clear();
    known.set(cursor, position);
  }
  return position;
}

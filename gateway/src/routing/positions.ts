import { comparePositions, decodeCursor, type CursorPosition } from '@samverkan/contract';

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

/**
 * The first `limit` rows of several lists, in the global order, as [list, index] pairs. Each list
 * is in that order already (every shard answers its rows so), so they are merged, reading each
 * list only as far as the page reaches: 290 shards' rows cost about `limit` × log 290 comparisons,
 * not a sort of them all. Ties keep list order, as a stable sort of the lists in turn would. A list
 * found out of order as it is read (a member's fault) does not pass through as it came: then all
 * rows are sorted, so the page is in the global order whatever a member answers.
 */
export function firstInOrder<T>(lists: ReadonlyArray<ReadonlyArray<T>>, limit: number, cursorOf: (row: T) => string): Array<[number, number]> {
  const next = new Array<number>(lists.length).fill(0);
  const head: CursorPosition[] = new Array(lists.length);
  const heap: number[] = [];
  const before = (a: number, b: number) => {
    const c = comparePositions(head[a], head[b]);
    return c < 0 || (c === 0 && a < b);
  };
  const down = (at: number) => {
    for (;;) {
      const l = 2 * at + 1;
      const r = l + 1;
      let least = at;
      if (l < heap.length && before(heap[l], heap[least])) least = l;
      if (r < heap.length && before(heap[r], heap[least])) least = r;
      if (least === at) return;
      [heap[at], heap[least]] = [heap[least], heap[at]];
      at = least;
    }
  };
  lists.forEach((list, i) => {
    if (!list.length) return;
    head[i] = positionOf(cursorOf(list[0]));
    heap.push(i);
  });
  for (let i = (heap.length >> 1) - 1; i >= 0; i--) down(i);
  const out: Array<[number, number]> = [];
  while (out.length < limit && heap.length) {
    const list = heap[0];
    const taken = head[list];
    out.push([list, next[list]++]);
    if (next[list] < lists[list].length) {
      head[list] = positionOf(cursorOf(lists[list][next[list]]));
      if (comparePositions(head[list], taken) < 0) return sortedFirst(lists, limit, cursorOf);
    } else {
      heap[0] = heap[heap.length - 1];
      heap.pop();
    }
    down(0);
  }
  return out;
}

/** The first `limit` rows of all lists by a sort of them all (for lists not in order). */
function sortedFirst<T>(lists: ReadonlyArray<ReadonlyArray<T>>, limit: number, cursorOf: (row: T) => string): Array<[number, number]> {
  const rows = lists.flatMap((list, l) => list.map((row, i) => ({ at: [l, i] as [number, number], position: positionOf(cursorOf(row)) })));
  rows.sort((a, b) => comparePositions(a.position, b.position));
  return rows.slice(0, limit).map((r) => r.at);
}

import { comparePositions, encodeCursor, type CursorPosition } from '@samverkan/contract';
import { firstInOrder } from '../routing/positions';
import { random } from './pipeline-fixture';

/**
 * firstInOrder against its definition: a stable sort of every list's rows (lists in turn), cut at
 * the limit. Generated shards' lists, in order as shards answer them, and now and then one that is
 * not (a faulty member), which must not pass through as it came.
 */
const decode = (cursor: string): CursorPosition => {
  const [field, direction, value, code, local] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as [CursorPosition['field'], CursorPosition['direction'], string | number, string, number];
  return { field, direction, value, code, local };
};

describe('firstInOrder (the merge of shards’ ordered rows)', () => {
  const reference = (lists: string[][], limit: number) =>
    lists
      .flatMap((list, l) => list.map((cursor, i) => ({ at: [l, i], position: decode(cursor) })))
      .sort((a, b) => comparePositions(a.position, b.position))
      .slice(0, limit)
      .map((r) => r.at);

  it('gives the first rows of all lists in the global order, for generated shards, orders and limits', () => {
    const rng = random(20261129);
    const int = (n: number) => Math.floor(rng() * n);
    let faultyRuns = 0;
    for (let run = 0; run < 400; run++) {
      const direction = rng() < 0.5 ? 'ASC' : 'DESC';
      const field = rng() < 0.5 ? 'BUDGET_TOTAL' : 'TITLE';
      const shards = 1 + int(rng() < 0.2 ? 300 : 12);
      let faulty = false;
      const lists = Array.from({ length: shards }, (_, s) => {
        const code = String(100 + s).padStart(4, '0');
        // Few distinct values: ties on the value are decided by kommunkod, then local id.
        const rows: CursorPosition[] = Array.from({ length: int(8) }, (_, i) => ({ field, direction, value: field === 'TITLE' ? ['a', 'b', 'ä', '𝔞', 'B'][int(5)] : int(4) * 1000, code, local: i + 1 }));
        rows.sort(comparePositions);
        // Now and then a shard out of order.
        if (rng() < 0.03 && rows.length > 1 && comparePositions(rows[0], rows.at(-1)!) !== 0) {
          rows.reverse();
          faulty = true;
        }
        return rows.map(encodeCursor);
      });
      const limit = 1 + int(60);
      const page = firstInOrder(lists, limit, (c) => c);
      if (!faulty) expect(page).toEqual(reference(lists, limit));
      else {
        faultyRuns++;
        // A member's rows out of order: the page still holds distinct rows, as many as there are
        // up to the limit, in the global order (those the faulty member put late may be missed).
        expect(page).toHaveLength(Math.min(limit, lists.flat().length));
        expect(new Set(page.map(([l, i]) => lists[l][i])).size).toBe(page.length);
        const positions = page.map(([l, i]) => lists[l][i]).map(decode);
        for (let i = 1; i < positions.length; i++) expect(comparePositions(positions[i - 1], positions[i])).toBeLessThanOrEqual(0);
      }
    }
    expect(faultyRuns).toBeGreaterThan(5);
  });

  it('reads no further than the page reaches when every list is in order', () => {
    const lists = Array.from({ length: 50 }, (_, s) => Array.from({ length: 20 }, (_, i) => ({ field: 'BUDGET_TOTAL', direction: 'DESC', value: 1000 - i * 50 - s, code: String(1000 + s), local: i + 1 }) as CursorPosition).map(encodeCursor));
    const read = new Set<string>();
    expect(firstInOrder(lists, 10, (c) => (read.add(c), c))).toEqual(reference(lists, 10));
    // Each list's head, and the rows after those taken: far fewer than the 1,000 rows there are.
    expect(read.size).toBeLessThanOrEqual(50 + 10);
  });
});

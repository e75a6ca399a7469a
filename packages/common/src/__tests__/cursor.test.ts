import { comparePositions, CursorError, decodeCursor, encodeCursor, type CursorPosition } from '../cursor';
import { formatId, ownerOf, parseId } from '../ids';

describe('cursors', () => {
  const p = (value: string | number | null, code: string, local: number, direction: 'ASC' | 'DESC' = 'ASC'): CursorPosition => ({
    field: 'BUDGET_TOTAL',
    direction,
    value,
    code,
    local,
  });

  it('round-trip', () => {
    const pos = p(1234.5, '1480', 42, 'DESC');
    expect(decodeCursor(encodeCursor(pos))).toEqual(pos);
  });

  it('refuse what this API did not issue', () => {
    for (const bad of ['', 'x', Buffer.from('[1,2]').toString('base64url'), Buffer.from('["NOPE","ASC",1,"1480",1]').toString('base64url')]) {
      expect(() => decodeCursor(bad)).toThrow(CursorError);
    }
  });

  it('order by value, then kommunkod, then id, all in the list direction', () => {
    expect(comparePositions(p(1, '1480', 9), p(2, '1401', 1))).toBeLessThan(0);
    expect(comparePositions(p(2, '1401', 9), p(2, '1480', 1))).toBeLessThan(0);
    expect(comparePositions(p(2, '1480', 1), p(2, '1480', 2))).toBeLessThan(0);
    expect(comparePositions(p(2, '1480', 1, 'DESC'), p(1, '1480', 2, 'DESC'))).toBeLessThan(0);
    expect(comparePositions(p(1, '1480', 2, 'DESC'), p(1, '1480', 1, 'DESC'))).toBeLessThan(0);
  });
});

describe('ids', () => {
  it('carry the kommunkod', () => {
    expect(formatId('1480', 'project', 7)).toBe('1480:project:7');
    expect(parseId('1480:project:7')).toEqual({ code: '1480', kind: 'project', local: 7 });
    expect(parseId('1480:project:7', 'membership')).toBeNull();
    expect(parseId('1480:project:0')).toBeNull();
    expect(parseId("1480:project:1' OR 1=1")).toBeNull();
    expect(ownerOf('1384:twintown:3')).toBe('1384');
    expect(ownerOf('eurocities')).toBeNull();
  });
});

import { compareCodePoints, comparePositions, CursorError, DEFAULT_PROJECT_ORDER, decodeCursor, encodeCursor, type CursorPosition } from '../cursor';
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

  it('refuse a position that no project can hold, which would otherwise reach the SQL', () => {
    const forged = (...parts: unknown[]) => Buffer.from(JSON.stringify(parts)).toString('base64url');
    const bad = [
      forged('BUDGET_TOTAL', 'ASC', 'abc', '1480', 1), // a string for a number
      forged('BUDGET_TOTAL', 'ASC', null, '1480', 1),
      forged('START_DATE', 'DESC', 5, '1480', 1), // a number for a date
      forged('START_DATE', 'DESC', '2024-13-45', '1480', 1),
      forged('START_DATE', 'DESC', '0000-01-01', '1480', 1), // PostgreSQL has no year 0
      forged('TITLE', 'ASC', 7, '1480', 1),
      forged('TITLE', 'ASC', 'a\u0000b', '1480', 1), // PostgreSQL cannot hold NUL
      forged('ID', 'ASC', 'x', '1480', 1),
      forged('START_DATE', 'DESC', '2024-01-01', '1480', 2 ** 31), // beyond an integer key
      forged('START_DATE', 'DESC', '2024-01-01', '1480', 0),
      forged('START_DATE', 'DESC', '2024-01-01', '14800', 1),
      forged('START_DATE', 'DESC', '2024-01-01', 1480, 1),
    ];
    for (const cursor of bad) expect(() => decodeCursor(cursor)).toThrow(CursorError);
    const good: CursorPosition[] = [
      { field: 'START_DATE', direction: 'DESC', value: '2024-02-29', code: '1480', local: 2 ** 31 - 1 },
      { field: 'BUDGET_TOTAL', direction: 'ASC', value: 0, code: '1480', local: 1 },
      { field: 'EU_COFINANCING', direction: 'DESC', value: 1234.5, code: '1384', local: 3 },
      { field: 'TITLE', direction: 'ASC', value: 'Zz\u{1F600}', code: '1480', local: 4 },
      { field: 'ID', direction: 'ASC', value: '1480', code: '1480', local: 5 },
    ];
    for (const pos of good) expect(decodeCursor(encodeCursor(pos))).toEqual(pos);
  });

  it('refuse, given the order of the list they page, a cursor of another order', () => {
    const cursor = encodeCursor({ field: 'TITLE', direction: 'ASC', value: 'A', code: '1480', local: 1 });
    expect(decodeCursor(cursor, { field: 'TITLE', direction: 'ASC' }).value).toBe('A');
    expect(() => decodeCursor(cursor, { field: 'TITLE', direction: 'DESC' })).toThrow('the cursor belongs to the order TITLE ASC, not TITLE DESC');
    expect(() => decodeCursor(cursor, DEFAULT_PROJECT_ORDER)).toThrow('not START_DATE DESC');
  });

  it('order by value, then kommunkod, then id, all in the list direction', () => {
    expect(comparePositions(p(1, '1480', 9), p(2, '1401', 1))).toBeLessThan(0);
    expect(comparePositions(p(2, '1401', 9), p(2, '1480', 1))).toBeLessThan(0);
    expect(comparePositions(p(2, '1480', 1), p(2, '1480', 2))).toBeLessThan(0);
    expect(comparePositions(p(2, '1480', 1, 'DESC'), p(1, '1480', 2, 'DESC'))).toBeLessThan(0);
    expect(comparePositions(p(1, '1480', 2, 'DESC'), p(1, '1480', 1, 'DESC'))).toBeLessThan(0);
  });

  it('order titles by code point, as PostgreSQL\'s "C" collation does, also outside the BMP', () => {
    const title = (value: string, code: string, direction: 'ASC' | 'DESC' = 'ASC'): CursorPosition => ({ field: 'TITLE', direction, value, code, local: 1 });
    // U+FB00 (ﬀ) is one UTF-16 unit above the surrogates of U+1F600 (😀), but the smaller code point.
    expect(comparePositions(title('Zz\u{FB00}', '1481'), title('Zz\u{1F600}', '1480'))).toBeLessThan(0);
    expect(comparePositions(title('Zz\u{1F600}', '1480', 'DESC'), title('Zz\u{FB00}', '1481', 'DESC'))).toBeLessThan(0);
  });
});

describe('compareCodePoints', () => {
  // A small deterministic generator, so that a failure names a case that can be run again.
  let seed = 20261128;
  const random = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
  // Code points from every plane, skipping the surrogates (no character has them), plus the edges
  // where UTF-16 and code point order part: the BMP's top, the surrogates' neighbours, U+10000.
  const EDGES = [0x41, 0x5a, 0x7f, 0x80, 0xe5, 0x7ff, 0x800, 0xd7ff, 0xe000, 0xfb00, 0xfffd, 0xffff, 0x10000, 0x1f600, 0x10ffff];
  const codePoint = (): number => {
    if (random() < 0.4) return pick(EDGES);
    const plane = Math.floor(random() * 17);
    const cp = plane * 0x10000 + Math.floor(random() * 0x10000);
    return cp >= 0xd800 && cp <= 0xdfff ? cp + 0x800 : cp;
  };
  const text = (): string => String.fromCodePoint(...Array.from({ length: Math.floor(random() * 5) }, codePoint));
  const utf8 = (a: string, b: string) => Math.sign(Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));

  it('agrees with the byte order of UTF-8 on strings from every plane', () => {
    const strings = Array.from({ length: 400 }, text);
    // Shared prefixes, so that the first difference falls inside and after surrogate pairs too.
    for (let i = 0; i < 200; i++) strings.push(pick(strings) + text());
    const disagreements: string[] = [];
    for (const a of strings) {
      for (const b of strings) {
        if (Math.sign(compareCodePoints(a, b)) !== utf8(a, b)) disagreements.push(`${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
      }
    }
    expect(disagreements.slice(0, 5)).toEqual([]);
    expect([...strings].sort(compareCodePoints)).toEqual([...strings].sort(utf8));
  });
});

describe('ids', () => {
  it('carry the kommunkod', () => {
    expect(formatId('1480', 'project', 7)).toBe('1480:project:7');
    expect(parseId('1480:project:7')).toEqual({ code: '1480', kind: 'project', local: 7 });
    expect(parseId('1480:project:7', 'membership')).toBeNull();
    expect(parseId('1480:project:0')).toBeNull();
    // Keys are PostgreSQL integers: a larger number names nothing and must not reach the SQL.
    expect(parseId('1480:project:2147483647')).toEqual({ code: '1480', kind: 'project', local: 2147483647 });
    expect(parseId('1480:project:2147483648')).toBeNull();
    expect(parseId('1480:project:99999999999999')).toBeNull();
    expect(parseId("1480:project:1' OR 1=1")).toBeNull();
    expect(ownerOf('1384:twintown:3')).toBe('1384');
    expect(ownerOf('eurocities')).toBeNull();
  });
});

/**
 * The fast LocalDate against graphql-scalars' own: the same values accepted, the same refused with
 * the same message, over every day of four centuries' edges and thousands of generated strings
 * near the format (wrong days per month, leap years, year 0000, signs, spaces, other lengths).
 */
import { GraphQLError, Kind, type StringValueNode } from 'graphql';
import { GraphQLLocalDate } from 'graphql-scalars';
import { isLocalDate } from '@samverkan/contract';
import { LocalDate } from '../scalars';

function outcome(run: () => unknown): string {
  try {
    return `ok ${JSON.stringify(run())}`;
  } catch (e) {
    return `error ${e instanceof GraphQLError ? e.message : String(e)}`;
  }
}

/** A seeded generator (mulberry32), so a failure names a string that fails again. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

function candidates(): string[] {
  const out: string[] = [];
  // Every month and day number 0–32 of years at the leap rules' edges.
  for (const year of [0, 1, 4, 100, 200, 400, 1582, 1900, 1999, 2000, 2023, 2024, 2100, 2400, 9999]) {
    for (let month = 0; month <= 13; month++) for (let day = 0; day <= 32; day++) out.push(`${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`);
  }
  const random = rng(20261128);
  const chars = '0123456789-+ T:Z/.a';
  for (let i = 0; i < 5000; i++) {
    const base = `${pad(Math.floor(random() * 10000), 4)}-${pad(Math.floor(random() * 14), 2)}-${pad(Math.floor(random() * 33), 2)}`;
    const edit = Math.floor(random() * 4);
    const at = Math.floor(random() * (base.length + 1));
    const c = chars[Math.floor(random() * chars.length)];
    if (edit === 0) out.push(base);
    else if (edit === 1) out.push(base.slice(0, at) + c + base.slice(at));
    else if (edit === 2) out.push(base.slice(0, at) + base.slice(at + 1));
    else out.push(base.slice(0, at) + c + base.slice(at + 1));
  }
  out.push('', '2024-02-29T00:00:00Z', '２０２４-01-01', '2024-1-01', ' 2024-01-01', '2024-01-01 ', '+02024-01-01', '-2024-01-01');
  return out;
}

describe('LocalDate', () => {
  const values = candidates();

  it('accepts exactly what graphql-scalars accepts, and both accept some and refuse some', () => {
    const accepted = values.filter((v) => outcome(() => GraphQLLocalDate.parseValue(v)).startsWith('ok'));
    expect(accepted.length).toBeGreaterThan(1000);
    expect(accepted.length).toBeLessThan(values.length - 1000);
    for (const v of values) expect([v, isLocalDate(v)]).toEqual([v, accepted.includes(v)]);
  });

  it('serializes, parses variables and literals with the same answers and messages', () => {
    for (const v of values) {
      expect([v, outcome(() => LocalDate.serialize(v))]).toEqual([v, outcome(() => GraphQLLocalDate.serialize(v))]);
      expect([v, outcome(() => LocalDate.parseValue(v))]).toEqual([v, outcome(() => GraphQLLocalDate.parseValue(v))]);
      const literal: StringValueNode = { kind: Kind.STRING, value: v };
      expect([v, outcome(() => LocalDate.parseLiteral(literal, undefined))]).toEqual([v, outcome(() => GraphQLLocalDate.parseLiteral(literal, undefined))]);
    }
    for (const odd of [20240101, null, true, { year: 2024 }]) {
      expect(outcome(() => LocalDate.serialize(odd))).toEqual(outcome(() => GraphQLLocalDate.serialize(odd)));
    }
    expect(outcome(() => LocalDate.parseLiteral({ kind: Kind.INT, value: '2024' }, undefined))).toEqual(outcome(() => GraphQLLocalDate.parseLiteral({ kind: Kind.INT, value: '2024' }, undefined)));
  });

  it('keeps the name, description and extensions of the SDL', () => {
    const { name, description, specifiedByURL, extensions } = GraphQLLocalDate;
    expect({ name: LocalDate.name, description: LocalDate.description, specifiedByURL: LocalDate.specifiedByURL, extensions: LocalDate.extensions }).toEqual({ name, description, specifiedByURL, extensions });
  });
});

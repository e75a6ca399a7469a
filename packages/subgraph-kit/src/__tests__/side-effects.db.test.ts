/**
 * pg's type parsers are global to the process: importing a package must leave them as they are;
 * a subgraph sets the date parsers by calling setDateParsers where it starts. (In the db tier
 * because it loads pg, which the unit tier refuses; it needs no database.)
 */
/* eslint-disable @typescript-eslint/no-require-imports -- each check loads modules itself, at the moment it chooses */
import { types } from 'pg';

const DATE = 1082;
const OIDS = [DATE, 1114, 1184, 20, 1700, 16, 114, 3802];
const parsers = () => OIDS.map((oid) => types.getTypeParser(oid));

describe('pg type parsers', () => {
  it('stay as they are when every package is imported', () => {
    const before = parsers();
    for (const entry of ['@samverkan/contract', '@samverkan/server-kit', '@samverkan/subgraph-kit', '@samverkan/subgraph-kit/dates', '@samverkan/subgraph-kit/database-admin', '@samverkan/testing']) {
      require(entry);
      expect(parsers()).toEqual(before);
    }
  });

  it('keep dates as strings, and read timestamptz as pg does, once setDateParsers is called', () => {
    const { setDateParsers } = require('@samverkan/subgraph-kit/dates') as typeof import('../dates');
    expect(types.getTypeParser(DATE)('2024-03-01')).toBeInstanceOf(Date);
    const pgOwn = types.getTypeParser(TIMESTAMPTZ);
    setDateParsers();
    expect(types.getTypeParser(DATE)('2024-03-01')).toBe('2024-03-01');
    const ours = types.getTypeParser(TIMESTAMPTZ);
    expect(ours).not.toBe(pgOwn);
    const texts = timestamptzTexts();
    let dates = 0;
    for (const text of texts) {
      const [a, b] = [ours(text) as unknown, pgOwn(text) as unknown];
      const same = a instanceof Date && b instanceof Date ? (Number.isNaN(a.getTime()) && Number.isNaN(b.getTime())) || a.getTime() === b.getTime() : Object.is(a, b);
      expect([text, same]).toEqual([text, true]);
      if (a instanceof Date && !Number.isNaN(a.getTime())) dates++;
    }
    expect(dates).toBeGreaterThan(texts.length / 2);
  });
});

const TIMESTAMPTZ = 1184;

/** Texts as PostgreSQL sends timestamptz (every offset form, fractions of 0–6 digits, early years, BC, infinity) and near misses. */
function timestamptzTexts(): string[] {
  let seed = 20261128;
  const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296);
  const pad = (n: number, w: number) => String(n).padStart(w, '0');
  const out = ['infinity', '-infinity', '2024-02-29 00:00:00+00', '0001-01-01 00:00:00+00 BC', '0099-12-31 23:59:59.999999+00', '0100-01-01 00:00:00+01', '2024-01-01', '2024-01-01 BC', '12345-01-01 00:00:00+00', 'garbage'];
  for (let i = 0; i < 4000; i++) {
    const year = random() < 0.1 ? Math.floor(random() * 200) : 1900 + Math.floor(random() * 200);
    const fraction = random() < 0.3 ? '' : `.${pad(Math.floor(random() * 1e6), 6).slice(0, 1 + Math.floor(random() * 6))}`;
    const hours = Math.floor(random() * 15);
    const minutes = [0, 30, 45][Math.floor(random() * 3)];
    const zone = random() < 0.4 ? '+00' : `${random() < 0.5 ? '-' : '+'}${pad(hours, 2)}${minutes ? `:${pad(minutes, 2)}` : ''}${random() < 0.05 ? ':17' : ''}`;
    const bc = random() < 0.03 ? ' BC' : '';
    out.push(`${pad(year, 4)}-${pad(1 + Math.floor(random() * 12), 2)}-${pad(1 + Math.floor(random() * 28), 2)} ${pad(Math.floor(random() * 24), 2)}:${pad(Math.floor(random() * 60), 2)}:${pad(Math.floor(random() * 60), 2)}${fraction}${zone}${bc}`);
  }
  return out;
}

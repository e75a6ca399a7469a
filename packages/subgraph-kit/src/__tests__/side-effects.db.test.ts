/**
 * pg's type parsers are global to the process: importing a package must leave them as they are;
 * a subgraph sets the date parser by calling keepDatesAsStrings where it starts. (In the db tier
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

  it('keep dates as strings once keepDatesAsStrings is called', () => {
    const { keepDatesAsStrings } = require('@samverkan/subgraph-kit/dates') as typeof import('../dates');
    expect(types.getTypeParser(DATE)('2024-03-01')).toBeInstanceOf(Date);
    keepDatesAsStrings();
    expect(types.getTypeParser(DATE)('2024-03-01')).toBe('2024-03-01');
  });
});

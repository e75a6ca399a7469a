import { ConfigError } from '@samverkan/server-kit';
import { readKommunConfig } from '../config';

const base = { KOMMUNKOD: '1480', DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/x' };

function problems(env: Record<string, string>): string[] {
  try {
    readKommunConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}

describe('kommun configuration', () => {
  it('applies the documented defaults', () => {
    const c = readKommunConfig(base);
    expect(c).toMatchObject({ KOMMUNKOD: ['1480'], PORT: 4001, HOST: '127.0.0.1', DB_POOL_SIZE: 10, MIGRATE_ON_START: true, JWT_ISSUER: 'samverkan', JWT_AUDIENCE: 'samverkan' });
    expect(c.JWT_SECRET).toBeUndefined();
  });

  it('names each wrong variable and says what it should be', () => {
    expect(problems({})).toEqual([expect.stringMatching(/^KOMMUNKOD: .*\(not set\)/), expect.stringMatching(/^DATABASE_URL: .*\(not set\)/)]);
    expect(problems({ ...base, KOMMUNKOD: '148' })).toEqual([expect.stringMatching(/^KOMMUNKOD: .*4-digit SCB kommunkod/)]);
    expect(problems({ ...base, DATABASE_URL: 'mysql://x' })).toEqual([expect.stringMatching(/^DATABASE_URL: must be a PostgreSQL connection URL/)]);
    expect(problems({ ...base, PORT: 'eighty' })).toEqual([expect.stringMatching(/^PORT: /)]);
    expect(problems({ ...base, JWT_SECRET: 'short' })).toEqual([expect.stringMatching(/^JWT_SECRET: must be at least 32 characters/)]);
    expect(problems({ ...base, MIGRATE_ON_START: 'maybe' })).toEqual([expect.stringMatching(/^MIGRATE_ON_START: must be true or false/)]);
  });

  it('reads FIELD_SUGGESTIONS, off unless set or NODE_ENV=development', () => {
    expect(readKommunConfig(base).FIELD_SUGGESTIONS).toBeUndefined();
    expect(readKommunConfig({ ...base, FIELD_SUGGESTIONS: 'true' }).FIELD_SUGGESTIONS).toBe(true);
    expect(readKommunConfig({ ...base, NODE_ENV: 'development' }).NODE_ENV).toBe('development');
  });

  it('reads a list of kommunkoder for a combined instance', () => {
    expect(readKommunConfig({ ...base, KOMMUNKOD: '1480, 1481' }).KOMMUNKOD).toEqual(['1480', '1481']);
  });
});

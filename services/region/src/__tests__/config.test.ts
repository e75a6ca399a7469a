import { ConfigError } from '@samverkan/server-kit';
import { join } from 'node:path';
import { readRegionConfig, REPO_ROOT } from '../config';

const base = { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/x' };

function problems(env: Record<string, string>): string[] {
  try {
    readRegionConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}

describe('region configuration', () => {
  it('applies the documented defaults', () => {
    const c = readRegionConfig(base);
    expect(c).toMatchObject({
      PORT: 4100,
      HOST: '127.0.0.1',
      DB_POOL_SIZE: 10,
      MIGRATE_ON_START: true,
      SEED_WHEN_EMPTY: true,
      REGION_MANIFEST: join(REPO_ROOT, 'schema/regions/gr.json'),
      REGION_CATALOGUE: join(REPO_ROOT, 'schema/catalogue.json'),
      KOMMUN_URL_TEMPLATE: 'http://127.0.0.1:{port}/graphql',
      LOG_LEVEL: 'info',
      JWT_ISSUER: 'samverkan',
      JWT_AUDIENCE: 'samverkan',
    });
    expect(c.JWT_SECRET).toBeUndefined();
  });

  it('resolves a relative manifest path from the repository root', () => {
    expect(readRegionConfig({ ...base, REGION_MANIFEST: 'schema/regions/examples.json' }).REGION_MANIFEST).toBe(
      join(REPO_ROOT, 'schema/regions/examples.json'),
    );
  });

  it('reads FIELD_SUGGESTIONS, off unless set or NODE_ENV=development', () => {
    expect(readRegionConfig(base).FIELD_SUGGESTIONS).toBeUndefined();
    expect(readRegionConfig({ ...base, FIELD_SUGGESTIONS: 'true' }).FIELD_SUGGESTIONS).toBe(true);
    expect(readRegionConfig({ ...base, NODE_ENV: 'development' }).NODE_ENV).toBe('development');
  });

  it('names each wrong variable and says what it should be', () => {
    expect(problems({})).toEqual([expect.stringMatching(/^DATABASE_URL: .*\(not set\)/)]);
    expect(problems({ ...base, DATABASE_URL: 'mysql://x' })).toEqual([expect.stringMatching(/^DATABASE_URL: must be a PostgreSQL connection URL/)]);
    expect(problems({ ...base, PORT: 'eighty' })).toEqual([expect.stringMatching(/^PORT: /)]);
    expect(problems({ ...base, REGION_MANIFEST: 'schema/regions/nowhere.json' })).toEqual([
      expect.stringMatching(/^REGION_MANIFEST: must name an existing JSON file.*\(got "schema\/regions\/nowhere.json"\)/),
    ]);
    expect(problems({ ...base, KOMMUN_URL_TEMPLATE: 'ftp://127.0.0.1/{port}' })).toEqual([expect.stringMatching(/^KOMMUN_URL_TEMPLATE: must be an http\(s\) URL/)]);
    // A URL without placeholders is one combined instance for every member.
    expect(problems({ ...base, KOMMUN_URL_TEMPLATE: 'http://127.0.0.1:4199/graphql' })).toEqual([]);
    expect(problems({ ...base, JWT_SECRET: 'short' })).toEqual([expect.stringMatching(/^JWT_SECRET: must be at least 32 characters/)]);
    expect(problems({ ...base, SEED_WHEN_EMPTY: 'maybe' })).toEqual([expect.stringMatching(/^SEED_WHEN_EMPTY: must be true or false/)]);
  });
});

import { ConfigError, fieldSuggestions } from '@samverkan/server-kit';
import { readGatewayConfig } from '../config';

const base = { REGION_URL: 'http://127.0.0.1:4100/graphql' };

function problems(env: Record<string, string>): string[] {
  try {
    readGatewayConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}

describe('gateway configuration', () => {
  it('applies the documented defaults, the shard timeout below the request timeout', () => {
    const c = readGatewayConfig(base);
    expect(c).toMatchObject({ PORT: 4000, SHARD_TIMEOUT_MS: 2000, REQUEST_TIMEOUT_MS: 10_000 });
  });

  it('accepts a shard timeout just below the request timeout', () => {
    expect(problems({ ...base, SHARD_TIMEOUT_MS: '2900', REQUEST_TIMEOUT_MS: '3000' })).toEqual([]);
  });

  it.each([
    ['equal to', '3000', '3000'],
    ['above', '60000', '10000'],
    ['above the default of', '12000', ''],
  ])('refuses a shard timeout %s the request timeout, naming both variables', (_how, shard, request) => {
    const found = problems({ ...base, SHARD_TIMEOUT_MS: shard, ...(request ? { REQUEST_TIMEOUT_MS: request } : {}) });
    expect(found).toEqual([expect.stringMatching(new RegExp(`^SHARD_TIMEOUT_MS must be below REQUEST_TIMEOUT_MS.*SHARD_TIMEOUT_MS=${shard}.*REQUEST_TIMEOUT_MS=${request || 10000}`))]);
  });

  it('still names a variable that is wrong on its own first', () => {
    expect(problems({ ...base, SHARD_TIMEOUT_MS: 'soon' })).toEqual([expect.stringMatching(/^SHARD_TIMEOUT_MS: /)]);
  });
});

describe('gateway configuration: replicas', () => {
  it('has no Redis and no response cache unless set', () => {
    expect(readGatewayConfig(base)).toMatchObject({ REDIS_URL: undefined, REDIS_KEY_PREFIX: 'samverkan:', REDIS_TIMEOUT_MS: 250, RESPONSE_CACHE_TTL_S: 0 });
    expect(readGatewayConfig({ ...base, REDIS_URL: 'redis://127.0.0.1:6379', RESPONSE_CACHE_TTL_S: '60' })).toMatchObject({ REDIS_URL: 'redis://127.0.0.1:6379', RESPONSE_CACHE_TTL_S: 60 });
  });

  it.each([
    ['REDIS_URL', 'http://127.0.0.1:6379'],
    ['REDIS_URL', '127.0.0.1:6379'],
    ['RESPONSE_CACHE_TTL_S', '-1'],
    ['RESPONSE_CACHE_TTL_S', 'a day'],
    ['REDIS_TIMEOUT_MS', '0'],
  ])('refuses %s=%s, naming it', (name, value) => {
    expect(problems({ ...base, [name]: value })).toEqual([expect.stringMatching(new RegExp(`^${name}: `))]);
  });
});

describe('gateway configuration: field suggestions', () => {
  it('reads FIELD_SUGGESTIONS, off unless set or NODE_ENV=development', () => {
    expect(fieldSuggestions(readGatewayConfig(base))).toBe(false);
    expect(fieldSuggestions(readGatewayConfig({ ...base, FIELD_SUGGESTIONS: 'true' }))).toBe(true);
    expect(fieldSuggestions(readGatewayConfig({ ...base, NODE_ENV: 'development' }))).toBe(true);
  });
});

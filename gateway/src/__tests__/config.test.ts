import { fieldSuggestions } from '@samverkan/common';
import { readGatewayConfig } from '../config';

const base = { REGION_URL: 'http://127.0.0.1:4100/graphql' };

describe('gateway configuration', () => {
  it('reads FIELD_SUGGESTIONS, off unless set or NODE_ENV=development', () => {
    expect(fieldSuggestions(readGatewayConfig(base))).toBe(false);
    expect(fieldSuggestions(readGatewayConfig({ ...base, FIELD_SUGGESTIONS: 'true' }))).toBe(true);
    expect(fieldSuggestions(readGatewayConfig({ ...base, NODE_ENV: 'development' }))).toBe(true);
  });
});

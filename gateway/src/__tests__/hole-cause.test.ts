import { LATE, fetchBudget } from '../deadline';
import { holeCause, isForTheCaller } from '../holes';

/** The reasons the gateway writes into holes, each counted under the cause an operator would look for. */
describe('holeCause', () => {
  it.each([
    [fetchBudget(1500).reason, 'timeout'],
    [LATE, 'timeout'],
    ['its subgraph answered HTTP 500', 'http_error'],
    ['its subgraph answered HTTP 502 with a body that is not JSON', 'http_error'],
    ['its subgraph answered an internal error', 'internal_error'],
    ['its subgraph answered no data', 'no_data'],
    ['its subgraph refused the connection (is its subgraph running?)', 'unreachable'],
    ['its subgraph closed the connection', 'unreachable'],
    ['its subgraph could not be reached (EHOSTUNREACH)', 'unreachable'],
    ['its subgraph was refused: its schema breaks the contract (2 problems)', 'refused'],
    ['its subgraph implements contract version 1.0, which has no Query.auditLog', 'version'],
    ['its subgraph has not been reached yet', 'unavailable'],
    ['no subgraph URL is registered for it', 'unavailable'],
  ])('%s → %s', (reason, cause) => {
    expect(holeCause(reason)).toBe(cause);
  });
});

describe('isForTheCaller: a kommun\'s error passed on, or a hole', () => {
  it.each(['BAD_USER_INPUT', 'GRAPHQL_VALIDATION_FAILED', 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT', 'MUNICIPALITY_UNKNOWN', 'PAGE_SIZE_EXCEEDED', 'QUERY_TOO_COMPLEX'])('%s is the caller\'s to read', (code) => {
    expect(isForTheCaller(code)).toBe(true);
  });
  it.each(['INTERNAL_SERVER_ERROR', 'MUNICIPALITY_UNAVAILABLE', 'REGION_UNAVAILABLE', 'REQUEST_TIMEOUT', undefined, 42])('%s means the kommun\'s data is missing', (code) => {
    expect(isForTheCaller(code)).toBe(false);
  });
});

/**
 * The `extensions.code` values an answer may carry to its caller as they are: each says what was
 * wrong (the request, the caller's rights, a kommun that could not answer, a limit). Any other
 * error is answered as INTERNAL_SERVER_ERROR without its details.
 */
export const USER_ERROR_CODES = [
  'BAD_USER_INPUT',
  'GRAPHQL_VALIDATION_FAILED',
  'GRAPHQL_PARSE_FAILED',
  'BAD_REQUEST',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'MUNICIPALITY_UNAVAILABLE',
  'MUNICIPALITY_UNKNOWN',
  'REGION_UNAVAILABLE',
  'QUERY_TOO_COMPLEX',
  'QUERY_TOO_DEEP',
  'TOO_MANY_ALIASES',
  'PAGE_SIZE_EXCEEDED',
  'REQUEST_TIMEOUT',
  'QUERY_TOO_LARGE',
  'TOO_MANY_DIRECTIVES',
  'CONFLICT',
] as const;

export type UserErrorCode = (typeof USER_ERROR_CODES)[number];

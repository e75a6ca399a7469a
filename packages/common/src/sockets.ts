import { GraphQLError, type ExecutionResult, type FormattedExecutionResult, type GraphQLFormattedError } from 'graphql';
import type { Logger } from './logger';
import { createErrorFormatter } from './errors';

/**
 * graphql-ws hooks that send every error on a socket as Apollo Server sends it over HTTP: through
 * the same formatter (codes for limits, internal details kept in the log). graphql-ws itself
 * calls `toJSON()` on each error, which only a GraphQLError has: an error Apollo already
 * formatted (a query or mutation run through `executeOperation`) would close the whole socket,
 * every other subscription on it with it, and its client would never see the error.
 */
export function socketErrors(logger: Logger) {
  const format = createErrorFormatter(logger);
  const one = (e: GraphQLError | GraphQLFormattedError): GraphQLFormattedError => (e instanceof GraphQLError ? format(e.toJSON(), e) : e);
  return {
    onNext: (_ctx: unknown, _id: unknown, _payload: unknown, _args: unknown, result: ExecutionResult | FormattedExecutionResult): FormattedExecutionResult | void =>
      result.errors ? { ...result, errors: result.errors.map(one) } : undefined,
    onError: (_ctx: unknown, _id: unknown, _payload: unknown, errors: readonly GraphQLError[]): GraphQLFormattedError[] => errors.map(one),
  };
}

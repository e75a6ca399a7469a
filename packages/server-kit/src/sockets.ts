import {
  GraphQLError,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type ExecutionResult,
  type FormattedExecutionResult,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type ValidationRule,
} from 'graphql';
import type { Logger } from './logger';
import { createErrorFormatter } from './errors';
import type { CostRequest } from './cost';
import { withoutSuggestions } from './protection';

/** The limits a server puts on what comes over its graphql-ws socket, as on what comes over HTTP. */
export interface SocketLimits {
  parseOptions: { maxTokens: number };
  validationRules: ValidationRule[];
  /** What needs the variables (their nesting, cost, page sizes): the error to answer, or null. */
  checkOperation(request: CostRequest): GraphQLError | null;
  /** Whether errors may suggest names (see suggestionEnv). */
  fieldSuggestions: boolean;
}

/** A subscribe message's payload, as graphql-ws has checked it. */
interface SubscribePayload {
  query: string;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
}

/**
 * graphql-ws hooks that treat each operation on a socket as Apollo Server treats a request:
 *
 * - `onSubscribe` parses (with the token limit) and validates (with the query limits) the
 *   operation itself, then checks what needs its variables, and answers a refusal on that
 *   operation alone. graphql-ws's own parse throws on a syntax error, which closes the whole
 *   socket and every subscription on it.
 * - `onNext` and `onError` send every error through the same formatter as HTTP (codes for limits,
 *   internal details kept in the log). graphql-ws itself calls `toJSON()` on each error, which
 *   only a GraphQLError has: an error Apollo already formatted (a query or mutation run through
 *   `executeOperation`) would close the socket too, and its client would never see the error.
 */
export function socketHooks(logger: Logger, schema: () => GraphQLSchema, limits: SocketLimits) {
  const format = createErrorFormatter(logger);
  const said = (e: GraphQLFormattedError): GraphQLFormattedError => (limits.fieldSuggestions ? e : { ...e, message: withoutSuggestions(e.message) });
  const one = (e: GraphQLError | GraphQLFormattedError): GraphQLFormattedError => {
    if (!(e instanceof GraphQLError)) return said(e);
    // As Apollo does: `extensions.http` sets an HTTP response's status, and is no part of an error.
    const { extensions: { http: _, ...extensions } = {}, ...json } = e.toJSON();
    return said(format(Object.keys(extensions).length ? { ...json, extensions } : json, e));
  };
  const coded = (e: GraphQLError, code: string) =>
    new GraphQLError(e.message, { nodes: e.nodes, source: e.source, positions: e.positions, extensions: { code, ...e.extensions } });
  return {
    onSubscribe: (_ctx: unknown, _id: unknown, payload: SubscribePayload) => {
      let document: DocumentNode;
      try {
        document = parse(payload.query, limits.parseOptions);
      } catch (err) {
        if (err instanceof GraphQLError) return [coded(err, 'GRAPHQL_PARSE_FAILED')];
        throw err;
      }
      const current = schema();
      const invalid = validate(current, document, [...specifiedRules, ...limits.validationRules]);
      if (invalid.length) return invalid.map((e) => coded(e, 'GRAPHQL_VALIDATION_FAILED'));
      const variables = payload.variables ?? undefined;
      const refused = limits.checkOperation({ schema: current, document, variables, operationName: payload.operationName });
      if (refused) return [refused];
      return { schema: current, document, variableValues: variables, operationName: payload.operationName ?? undefined };
    },
    onNext: (_ctx: unknown, _id: unknown, _payload: unknown, _args: unknown, result: ExecutionResult | FormattedExecutionResult): FormattedExecutionResult | void =>
      result.errors ? { ...result, errors: result.errors.map(one) } : undefined,
    onError: (_ctx: unknown, _id: unknown, _payload: unknown, errors: readonly GraphQLError[]): GraphQLFormattedError[] => errors.map(one),
  };
}

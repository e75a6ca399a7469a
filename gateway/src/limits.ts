import type { GraphQLError, ValidationRule } from 'graphql';
import { checkVariables, costCheck, costPlugin, hideSuggestions, inputProblem, limitError, type CostLimits, type CostRequest } from '@samverkan/server-kit';
import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { RoutingDeclaration } from './routing/declaration';

/** The bounds on what an analyst's query may ask. Every one answers its own `extensions.code`. */
export interface QueryLimits extends CostLimits {
  /** Nesting depth of fields. Code QUERY_TOO_DEEP. */
  maxDepth: number;
  /** Aliased fields in one operation. Code TOO_MANY_ALIASES. */
  maxAliases: number;
  /** Lexical tokens in one document. Code QUERY_TOO_LARGE. */
  maxTokens: number;
  /** Directives in one operation. Code TOO_MANY_DIRECTIVES. */
  maxDirectives: number;
  /** Whether errors may suggest names (see suggestionEnv). */
  fieldSuggestions: boolean;
}

/**
 * Depth, aliases and directives come from GraphQL Armor; tokens from the parser's own limit (validation rules, so nothing
 * runs before they pass); cost and page size from costCheck (common), which multiplies by `first`,
 * or by `listSizeEstimate` for lists without it. Both run before the query plan reaches any
 * subgraph.
 */
export function queryLimits(
  limits: QueryLimits,
  declaration: RoutingDeclaration,
): {
  plugins: ApolloServerPlugin[];
  validationRules: ValidationRule[];
  parseOptions: { maxTokens: number };
  /**
   * What the plugins check from an operation's variables (their nesting, cost, page sizes,
   * cursors), for an operation Apollo Server does not run: a subscription, when it starts. The
   * error to answer, or null.
   */
  checkOperation(request: CostRequest): GraphQLError | null;
  fieldSuggestions: boolean;
} {
  const armor = new ApolloArmor({
    // `__schema` is not counted: graphql-js's introspection query nests `ofType` deeper than data.
    maxDepth: { n: limits.maxDepth, ignoreIntrospection: true, propagateOnRejection: false, onReject: [limitError('QUERY_TOO_DEEP')] },
    maxAliases: { n: limits.maxAliases, propagateOnRejection: false, onReject: [limitError('TOO_MANY_ALIASES')] },
    // Tokens are bounded by the parser itself (parseOptions below), before any validation runs.
    maxTokens: { enabled: false },
    maxDirectives: { n: limits.maxDirectives, propagateOnRejection: false, onReject: [limitError('TOO_MANY_DIRECTIVES')] },
    // Cost is estimated below with list sizes; suggestions are hidden by hideSuggestions (common).
    costLimit: { enabled: false },
    blockFieldSuggestion: { enabled: false },
  }).protect();

  // A connection's edges and nodes are counted by its `first`.
  const connections: Record<string, string[]> = {};
  for (const [type, rule] of Object.entries(declaration.merge)) {
    if (rule.kind === 'connection') connections[type] = [rule.edges, rule.nodes];
  }
  const cost = costCheck(limits, connections);
  const checkOperation = (request: CostRequest) => inputProblem(request.document, request.variables) ?? cost(request);
  return {
    plugins: [checkVariables, ...armor.plugins, costPlugin(cost), ...(limits.fieldSuggestions ? [] : [hideSuggestions])],
    validationRules: armor.validationRules,
    parseOptions: { maxTokens: limits.maxTokens },
    checkOperation,
    fieldSuggestions: limits.fieldSuggestions,
  };
}

import { GraphQLError, getNamedType, getNullableType, isIntrospectionType, isListType, type ValidationRule } from 'graphql';
import { checkVariables, limitError } from '@samverkan/common';
import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { getComplexity, type ComplexityEstimator } from 'graphql-query-complexity';
import type { RoutingDeclaration } from './routing/declaration';

/** The bounds on what an analyst's query may ask. Every one answers its own `extensions.code`. */
export interface QueryLimits {
  /** Nesting depth of fields. Code QUERY_TOO_DEEP. */
  maxDepth: number;
  /** Aliased fields in one operation. Code TOO_MANY_ALIASES. */
  maxAliases: number;
  /** Lexical tokens in one document. Code QUERY_TOO_LARGE. */
  maxTokens: number;
  /** Directives in one operation. Code TOO_MANY_DIRECTIVES. */
  maxDirectives: number;
  /** Estimated cost, lists counted at their size. Code QUERY_TOO_COMPLEX. */
  maxCost: number;
  /** Largest `first` a list may ask for. Code PAGE_SIZE_EXCEEDED. */
  maxPageSize: number;
  /** Size assumed for a list without `first` (catalogues, partners, funding lines). */
  listSizeEstimate: number;
}


/**
 * Depth, aliases and directives come from GraphQL Armor; tokens from the parser's own limit (validation rules, so nothing
 * runs before they pass); cost and page size from graphql-query-complexity with an estimator
 * that multiplies by `first`, or by `listSizeEstimate` for lists without it. Both run before the
 * query plan reaches any subgraph.
 */
export function queryLimits(
  limits: QueryLimits,
  declaration: RoutingDeclaration,
): { plugins: ApolloServerPlugin[]; validationRules: ValidationRule[]; parseOptions: { maxTokens: number } } {
  const armor = new ApolloArmor({
    // `__schema` is not counted: graphql-js's introspection query nests `ofType` deeper than data.
    maxDepth: { n: limits.maxDepth, ignoreIntrospection: true, propagateOnRejection: false, onReject: [limitError('QUERY_TOO_DEEP')] },
    maxAliases: { n: limits.maxAliases, propagateOnRejection: false, onReject: [limitError('TOO_MANY_ALIASES')] },
    // Tokens are bounded by the parser itself (parseOptions below), before any validation runs.
    maxTokens: { enabled: false },
    maxDirectives: { n: limits.maxDirectives, propagateOnRejection: false, onReject: [limitError('TOO_MANY_DIRECTIVES')] },
    // Cost is estimated below with list sizes; suggestions help analysts and reveal only the public schema.
    costLimit: { enabled: false },
    blockFieldSuggestion: { enabled: false },
  }).protect();

  const check = (estimated: number, tooLarge: string[]) => {
    if (tooLarge.length) {
      throw new GraphQLError(`Page size too large: ${tooLarge.join(', ')}; first must be between 0 and ${limits.maxPageSize}. Page with after: instead.`, {
        extensions: { code: 'PAGE_SIZE_EXCEEDED', maxPageSize: limits.maxPageSize, http: { status: 400 } },
      });
    }
    if (estimated > limits.maxCost) {
      throw new GraphQLError(
        `Query too complex: its estimated cost is ${estimated}, the limit is ${limits.maxCost}. Ask for fewer items per list (first), fewer nested lists, or split the query.`,
        { extensions: { code: 'QUERY_TOO_COMPLEX', cost: estimated, maxCost: limits.maxCost, http: { status: 400 } } },
      );
    }
  };

  const connectionLists = new Map<string, Set<string>>();
  for (const [type, rule] of Object.entries(declaration.merge)) {
    if (rule.kind === 'connection') connectionLists.set(type, new Set([rule.edges, rule.nodes]));
  }

  // Dashboards send the same operations again and again: remember their estimates.
  const estimates = new Map<string, { cost: number; tooLarge: string[] }>();
  const cost: ApolloServerPlugin = {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, schema, operationName, queryHash }) {
          const key = `${queryHash}\n${operationName ?? ''}\n${JSON.stringify(request.variables ?? {})}`;
          const known = estimates.get(key);
          if (known) return check(known.cost, known.tooLarge);
          const tooLarge: string[] = [];
          const estimator: ComplexityEstimator = ({ field, args, childComplexity, type }) => {
            // Meta fields (`__schema`, `__type`, `__typename`) and all below them are answered from
            // the gateway's schema in memory, never by a shard: their lists are the schema's size,
            // not data, and graphql-js's own MaxIntrospectionDepthRule bounds their nesting. Keyed
            // on the field's name and its parent type, never on an alias, which the caller picks.
            if (field.name.startsWith('__') || isIntrospectionType(type)) return 0;
            const first = args?.first;
            if (typeof first === 'number' && (first > limits.maxPageSize || first < 0)) tooLarge.push(`${type.name}.${field.name} (first: ${first})`);
            // A connection's edges and nodes are already counted by its `first`.
            if (connectionLists.get(type.name)?.has(field.name)) return childComplexity;
            if (typeof first === 'number') return 1 + Math.max(0, first) * Math.max(1, childComplexity);
            if (isListType(getNullableType(field.type)) && getNamedType(field.type)) return 1 + limits.listSizeEstimate * Math.max(1, childComplexity);
            return 1 + childComplexity;
          };
          let estimated: number;
          try {
            estimated = getComplexity({ schema, query: document, variables: request.variables ?? {}, operationName: operationName ?? undefined, estimators: [estimator] });
          } catch (err) {
            // The estimate reads the variables first; a value of the wrong type is the caller's error.
            if (err instanceof GraphQLError) throw new GraphQLError(err.message, { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } });
            throw err;
          }
          if (estimates.size > 5000) estimates.clear();
          estimates.set(key, { cost: estimated, tooLarge });
          check(estimated, tooLarge);
        },
      };
    },
  };
  return { plugins: [checkVariables, ...armor.plugins, cost], validationRules: armor.validationRules, parseOptions: { maxTokens: limits.maxTokens } };
}

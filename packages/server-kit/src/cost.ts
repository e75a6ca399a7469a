import { GraphQLError, getNamedType, getNullableType, isIntrospectionType, isListType, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { ApolloServerPlugin } from '@apollo/server';
import type { ComplexityEstimator } from 'graphql-query-complexity';
import { CursorError, DEFAULT_PROJECT_ORDER, decodeCursor } from '@samverkan/contract';
import { compiledComplexity } from './complexity';

/** What one operation may cost. Each answers its own `extensions.code`. */
export interface CostLimits {
  /** Estimated cost, lists counted at their size. Code QUERY_TOO_COMPLEX. */
  maxCost: number;
  /** Largest `first` a list may ask for. Code PAGE_SIZE_EXCEEDED. */
  maxPageSize: number;
  /** Size assumed for a list without `first` (catalogues, partners, funding lines). */
  listSizeEstimate: number;
}

/** An operation to check, with the variables it will run with. */
export interface CostRequest {
  schema: GraphQLSchema;
  document: DocumentNode;
  variables?: Record<string, unknown>;
  operationName?: string | null;
}

/** Checks an operation: the GraphQLError to answer when it is refused, or null. */
export type CostCheck = (request: CostRequest) => GraphQLError | null;

/**
 * Cost and page size, with graphql-query-complexity and an estimator that multiplies by `first`,
 * or by `listSizeEstimate` for lists without it. `connections` maps each connection type to its
 * lists (edges, nodes), which the connection's `first` already counts. The same walk reads each
 * connection's `after`: a cursor this API did not issue, or one of another order, is refused here,
 * once, instead of by each kommun a gateway would ask. One implementation for the gateway and the
 * subgraphs, over HTTP and when a subscription starts.
 */
export function costCheck(limits: CostLimits, connections: Record<string, readonly string[]>): CostCheck {
  const lists = new Map(Object.entries(connections).map(([type, fields]) => [type, new Set(fields)]));

  const check = (estimated: number, tooLarge: string[], badCursor?: string): GraphQLError | null => {
    if (badCursor) return new GraphQLError(badCursor, { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } });
    if (tooLarge.length) {
      return new GraphQLError(`Page size too large: ${tooLarge.join(', ')}; first must be between 0 and ${limits.maxPageSize}. Page with after: instead.`, {
        extensions: { code: 'PAGE_SIZE_EXCEEDED', maxPageSize: limits.maxPageSize, http: { status: 400 } },
      });
    }
    if (estimated > limits.maxCost) {
      return new GraphQLError(
        `Query too complex: its estimated cost is ${estimated}, the limit is ${limits.maxCost}. Ask for fewer items per list (first), fewer nested lists, or split the query.`,
        { extensions: { code: 'QUERY_TOO_COMPLEX', cost: estimated, maxCost: limits.maxCost, http: { status: 400 } } },
      );
    }
    return null;
  };

  // What depends only on the document (the walk, each field's definition and possible types) is
  // compiled once per document (see compiledComplexity); each request evaluates its variables.
  return ({ schema, document, variables = {}, operationName }) => {
    const tooLarge: string[] = [];
    let badCursor: string | undefined;
    const estimator: ComplexityEstimator = ({ field, args, childComplexity, type }) => {
      // Meta fields (`__schema`, `__type`, `__typename`) and all below them are answered from the
      // schema in memory, never from data: their lists are the schema's size, and graphql-js's own
      // MaxIntrospectionDepthRule bounds their nesting. Keyed on the field's name and its parent
      // type, never on an alias, which the caller picks.
      if (field.name.startsWith('__') || isIntrospectionType(type)) return 0;
      // A subgraph's `_entities` answers one entity per representation: count them, not an estimate.
      if (field.name === '_entities' && Array.isArray(args?.representations)) return 1 + args.representations.length * Math.max(1, childComplexity);
      const first = args?.first;
      if (typeof first === 'number' && (first > limits.maxPageSize || first < 0)) tooLarge.push(`${type.name}.${field.name} (first: ${first})`);
      if (typeof args?.after === 'string' && lists.has(getNamedType(field.type).name)) {
        try {
          decodeCursor(args.after, (args.orderBy as { field: string; direction: string } | undefined) ?? DEFAULT_PROJECT_ORDER);
        } catch (err) {
          if (!(err instanceof CursorError)) throw err;
          badCursor ??= `after: ${err.message}.`;
        }
      }
      // A connection's edges and nodes are already counted by its `first`.
      if (lists.get(type.name)?.has(field.name)) return childComplexity;
      if (typeof first === 'number') return 1 + Math.max(0, first) * Math.max(1, childComplexity);
      if (isListType(getNullableType(field.type))) return 1 + limits.listSizeEstimate * Math.max(1, childComplexity);
      return 1 + childComplexity;
    };
    let estimated: number;
    try {
      estimated = compiledComplexity(schema, document, operationName ?? undefined)(variables, estimator);
    } catch (err) {
      // The estimate reads the variables first; a value of the wrong type is the caller's error.
      if (err instanceof GraphQLError) return new GraphQLError(err.message, { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } });
      throw err;
    }
    return check(estimated, tooLarge, badCursor);
  };
}

/** Runs a check (a cost check) on every operation Apollo Server resolves, before anything executes. */
export function costPlugin(check: CostCheck): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, schema, operationName }) {
          const refused = check({ schema, document, variables: request.variables, operationName });
          if (refused) throw refused;
        },
      };
    },
  };
}

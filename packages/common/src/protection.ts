import { GraphQLError, type ValidationContext, type ValidationRule } from 'graphql';
import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';

/** Reports an Armor rejection with the code the error formatter answers it with. */
export const limitError = (code: string) => (ctx: ValidationContext | null, error: GraphQLError) => {
  ctx?.reportError(new GraphQLError(error.message.replace(/^Syntax Error: /, ''), { extensions: { limitCode: code } }));
};

/**
 * Refuses NUL characters anywhere in a request's query or variables: PostgreSQL cannot store or
 * compare them, so they would otherwise surface as database errors.
 */
export const rejectNulCharacters: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async didResolveOperation({ request }) {
        if (request.query?.includes('\u0000') || (request.variables && JSON.stringify(request.variables).includes('\\u0000'))) {
          throw new GraphQLError('Invalid input: strings may not contain the NUL character (\\u0000).', {
            extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } },
          });
        }
      },
    };
  },
};

/** Bounds for a subgraph reached directly; wide enough for every fetch a gateway sends. */
export interface SubgraphBounds {
  maxDepth: number;
  maxAliases: number;
  maxTokens: number;
  /** Largest `_entities` representations list. */
  maxRepresentations: number;
}

export const DEFAULT_SUBGRAPH_BOUNDS: SubgraphBounds = { maxDepth: 20, maxAliases: 100, maxTokens: 20_000, maxRepresentations: 10_000 };

/**
 * What keeps a subgraph up when anyone queries it directly (GraphQL Armor for depth, aliases and
 * tokens; a cap on `_entities` representations). Page sizes and input are checked by the
 * resolvers themselves.
 */
export function subgraphProtection(bounds: SubgraphBounds = DEFAULT_SUBGRAPH_BOUNDS): {
  validationRules: ValidationRule[];
  plugins: ApolloServerPlugin[];
  parseOptions: { maxTokens: number };
} {
  const armor = new ApolloArmor({
    // `__schema` is not counted: graphql-js's introspection query nests `ofType` deeper than data.
    maxDepth: { n: bounds.maxDepth, ignoreIntrospection: true, propagateOnRejection: false, onReject: [limitError('QUERY_TOO_DEEP')] },
    maxAliases: { n: bounds.maxAliases, propagateOnRejection: false, onReject: [limitError('TOO_MANY_ALIASES')] },
    // Tokens are bounded by the parser itself: pass `parseOptions` (see `subgraphProtection`).
    maxTokens: { enabled: false },
    maxDirectives: { n: 50, propagateOnRejection: false, onReject: [limitError('TOO_MANY_DIRECTIVES')] },
    costLimit: { enabled: false },
    blockFieldSuggestion: { enabled: false },
  }).protect();
  const representations: ApolloServerPlugin = {
    async requestDidStart() {
      return {
        async didResolveOperation({ request }) {
          // `_entities` takes its representations as a variable; so does any other long list.
          for (const [name, value] of Object.entries(request.variables ?? {})) {
            if (Array.isArray(value) && value.length > bounds.maxRepresentations) {
              throw new GraphQLError(`Too many representations: $${name} holds ${value.length} items; at most ${bounds.maxRepresentations} in one request.`, {
                extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } },
              });
            }
          }
        },
      };
    },
  };
  return { validationRules: armor.validationRules, plugins: [...armor.plugins, representations, rejectNulCharacters], parseOptions: { maxTokens: bounds.maxTokens } };
}

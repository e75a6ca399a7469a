import { BREAK, GraphQLError, visit, type DocumentNode, type ValidationContext, type ValidationRule } from 'graphql';
import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { z } from 'zod';
import { env } from './config';
import { costCheck, costPlugin, type CostLimits, type CostRequest } from './cost';

/** Reports an Armor rejection with the code the error formatter answers it with. */
export const limitError = (code: string) => (ctx: ValidationContext | null, error: GraphQLError) => {
  ctx?.reportError(new GraphQLError(error.message.replace(/^Syntax Error: /, ''), { extensions: { limitCode: code } }));
};

/**
 * What every server reads to decide whether its errors may suggest names ("Did you mean
 * "region"?"): FIELD_SUGGESTIONS, true or false; when not set, on only with NODE_ENV=development.
 * Suggestions help someone writing a query, and tell someone probing the schema, one near miss
 * at a time, what it holds.
 */
export const suggestionEnv = {
  FIELD_SUGGESTIONS: env.optionalBool(),
  NODE_ENV: z.string().optional(),
};

export const fieldSuggestions = (config: { FIELD_SUGGESTIONS?: boolean; NODE_ENV?: string }): boolean =>
  config.FIELD_SUGGESTIONS ?? config.NODE_ENV === 'development';

/** Every "Did you mean …?" graphql-js adds to a message: a name, a list of names, an enum value, an inline fragment. */
const SUGGESTION = /\s*Did you mean [^?]*\?/g;

export const withoutSuggestions = (message: string): string => message.replace(SUGGESTION, '');

/**
 * Takes the suggestions out of every error a request meets (validation, variables, execution),
 * before the formatter sees it. GraphQL Armor's blockFieldSuggestion leaves the "?" behind and
 * misses enum values.
 */
export const hideSuggestions: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async didEncounterErrors({ errors }) {
        for (const error of errors) error.message = withoutSuggestions(error.message);
      },
    };
  },
};

/** Deepest nesting of objects and lists in a request's variables; no input of ours nests a tenth as deep. */
export const MAX_VARIABLE_DEPTH = 32;

const refusal = (message: string) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } });
const nul = () => refusal('Invalid input: strings may not contain the NUL character (\\u0000).');

/**
 * What is wrong with a request's variables, or null: nested deeper than MAX_VARIABLE_DEPTH, or
 * holding a NUL character, which PostgreSQL can neither store nor compare (it would surface as a
 * database error). Walked with a stack, never recursion: 10 KB of `[[[…]]]` overflows the call
 * stack of anything recursive (JSON.stringify, a cache key), which must not see them before this.
 */
export function variablesProblem(variables: unknown): GraphQLError | null {
  if (variables === null || typeof variables !== 'object') return null;
  const stack: Array<{ value: unknown; depth: number; name: string }> = Object.entries(variables).map(([name, value]) => ({ value, depth: 0, name }));
  while (stack.length) {
    const { value, depth, name } = stack.pop()!;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return nul();
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth >= MAX_VARIABLE_DEPTH) return refusal(`Invalid input: $${name} nests deeper than ${MAX_VARIABLE_DEPTH} levels of objects and lists.`);
    for (const [key, child] of Object.entries(value)) {
      if (key.includes('\u0000')) return nul();
      stack.push({ value: child, depth: depth + 1, name });
    }
  }
  return null;
}

/** Whether a document holds a NUL character in one of its strings; Apollo's document cache hands the same document to every request with its text, so it is walked once. */
const holdsNul = new WeakMap<DocumentNode, boolean>();

/**
 * What is wrong with an operation's input, or null: its variables (see variablesProblem), or a
 * NUL character in a string of its text, raw or written as an escape (GraphQL takes both).
 */
export function inputProblem(document: DocumentNode, variables: unknown): GraphQLError | null {
  let found = holdsNul.get(document);
  if (found === undefined) {
    found = false;
    visit(document, {
      StringValue(node) {
        if (node.value.includes('\u0000')) found = true;
        return found ? BREAK : undefined;
      },
    });
    holdsNul.set(document, found);
  }
  return found ? nul() : variablesProblem(variables);
}

/**
 * Checks a request's input (see inputProblem). It must come first among a server's plugins:
 * Apollo runs their `didResolveOperation` hooks together and answers the first refusal, so no
 * later hook's recursion meets deep variables.
 */
export const checkVariables: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async didResolveOperation({ request, document }) {
        const problem = inputProblem(document, request.variables);
        if (problem) throw problem;
      },
    };
  },
};

/** Bounds for a subgraph reached directly; wide enough for every fetch a gateway sends. */
export interface SubgraphBounds extends CostLimits {
  maxDepth: number;
  maxAliases: number;
  maxTokens: number;
  /** Largest `_entities` representations list. */
  maxRepresentations: number;
}

/**
 * A gateway's fetch to one subgraph is a part of an analyst's query that passed the gateway's own
 * limits (by default cost 25,000, 30 aliases, pages of 100), with what the gateway adds for
 * merging: each connection's cursors and hasNextPage, four aliases (`__sv_cursors: edges {
 * cursor: cursor }`, `__sv_more: pageInfo { hasNextPage: hasNextPage }`) that the cost estimate
 * counts per row, up to 3 more per row asked for. A fetch holds at most about 31 connections (one
 * per alias, and `projects`): at most 200 aliases and a cost of about 35,000. An `_entities`
 * fetch is counted by its representations, up to 10,000, times its selection: cost 100,000 lets
 * 10,000 of them through with a selection costing 10 (`{ name county population }` costs 3).
 * Page sizes and list estimates are the gateway's. A gateway whose limits are raised needs
 * subgraphs with these raised.
 */
export const DEFAULT_SUBGRAPH_BOUNDS: SubgraphBounds = {
  maxDepth: 20,
  maxAliases: 200,
  maxTokens: 20_000,
  maxRepresentations: 10_000,
  maxCost: 100_000,
  maxPageSize: 100,
  listSizeEstimate: 20,
};

/**
 * What keeps a subgraph up when anyone queries it directly (GraphQL Armor for depth, aliases and
 * tokens; a cap on `_entities` representations; cost and page size estimated as the gateway
 * does, with `connections` the subgraph's connection types and their lists). Page sizes and
 * input are checked by the resolvers too. `checkOperation` is what the plugins check from an
 * operation's variables, for an operation that comes over a socket (see socketHooks).
 */
export function subgraphProtection({
  connections = {},
  fieldSuggestions = false,
  bounds = DEFAULT_SUBGRAPH_BOUNDS,
}: {
  connections?: Record<string, readonly string[]>;
  /** Whether errors may suggest names (see suggestionEnv). */
  fieldSuggestions?: boolean;
  bounds?: SubgraphBounds;
} = {}): {
  validationRules: ValidationRule[];
  plugins: ApolloServerPlugin[];
  parseOptions: { maxTokens: number };
  checkOperation(request: CostRequest): GraphQLError | null;
  fieldSuggestions: boolean;
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
  const cost = costCheck(bounds, connections);
  const longList = ({ variables }: CostRequest): GraphQLError | null => {
    // `_entities` takes its representations as a variable; so does any other long list.
    for (const [name, value] of Object.entries(variables ?? {})) {
      if (Array.isArray(value) && value.length > bounds.maxRepresentations) {
        return refusal(`Too many representations: $${name} holds ${value.length} items; at most ${bounds.maxRepresentations} in one request.`);
      }
    }
    return null;
  };
  const checkOperation = (request: CostRequest) => inputProblem(request.document, request.variables) ?? longList(request) ?? cost(request);
  return {
    validationRules: armor.validationRules,
    // The input first, before anything recursive reads the variables (see checkVariables).
    plugins: [checkVariables, ...armor.plugins, costPlugin(longList), costPlugin(cost), ...(fieldSuggestions ? [] : [hideSuggestions])],
    parseOptions: { maxTokens: bounds.maxTokens },
    checkOperation,
    fieldSuggestions,
  };
}

import { GraphQLError, execute, getVariableValues, isEnumType, type DocumentNode, type ExecutionResult, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import type { ApolloServerOptionsWithGateway, BaseContext } from '@apollo/server';

type Gateway = ApolloServerOptionsWithGateway<BaseContext>['gateway'];
type Compiled = CompiledQuery | ExecutionResult;

/**
 * Runs of a document by graphql-js before it is compiled. Compiling costs more than one run (an
 * introspection query many times more), so a document sent once, as a prober's or an analyst's
 * one-off, costs what it cost before; one that comes again, as dashboards' and the gateway's do,
 * runs compiled from then on.
 */
export const RUNS_BEFORE_COMPILING = 1;

/**
 * graphql-jit's errors carry `locations` but no `nodes`, and no `extensions` object when the
 * resolver's error had none: Apollo Server and the error formatter read both. The same error as
 * graphql-js would have made: message, locations, path, the resolver's error and its extensions.
 * A field error graphql-jit raises itself (a null for a non-null field, a list that is none) has
 * no original error; graphql-js wraps an Error of the same message, which the error formatter
 * treats as internal (logged, and answered without its details): so does this.
 */
function asGraphQLError(error: GraphQLError): GraphQLError {
  const original = error.originalError ?? (error.path ? new Error(error.message) : undefined);
  const made = new GraphQLError(error.message, { path: error.path, originalError: original, extensions: error.extensions ?? undefined });
  if (error.locations?.length) (made as { locations?: GraphQLError['locations'] }).locations = error.locations;
  if (original?.stack) made.stack = original.stack;
  return made;
}

/**
 * Executes every operation Apollo Server has parsed, validated and let through its plugins with
 * graphql-jit: each operation of a document is compiled once, on its first run, into a function
 * that resolves and serializes just its fields (graphql-js walks the document and the schema
 * again for every request). The compiled functions live as long as Apollo's document cache keeps
 * their document. Variables are coerced by graphql-js first, so that a wrong variable is refused
 * with graphql-js's own error (which Apollo answers as BAD_USER_INPUT, 400), as before, and
 * every default applies as graphql-js applies it.
 *
 * It is given to Apollo Server as the `gateway` of a fixed schema: the interface through which
 * Apollo lets something else run what its request pipeline has prepared. Everything before and
 * after execution (parsing, validation, limits, the context, error formatting, plugins) is
 * Apollo's, unchanged.
 */
export function compiledExecutor(schema: GraphQLSchema, options: { compiled?: (operationName: string | undefined) => void } = {}): Gateway {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isEnumType(type)) continue;
    const odd = type.getValues().find((v) => v.value !== v.name);
    if (odd) throw new Error(`compiledExecutor: enum value ${type.name}.${odd.name} is ${JSON.stringify(odd.value)} inside; variables are coerced twice, which needs every enum value to be its name.`);
  }
  const compiled = new WeakMap<DocumentNode, Map<string, Compiled | number>>();
  /** The operation compiled, or undefined while it has run fewer than RUNS_BEFORE_COMPILING times. */
  const compile = (document: DocumentNode, operationName: string | undefined): Compiled | undefined => {
    let byName = compiled.get(document);
    if (!byName) compiled.set(document, (byName = new Map()));
    const key = operationName ?? '';
    const found = byName.get(key) ?? 0;
    if (typeof found !== 'number') return found;
    if (found < RUNS_BEFORE_COMPILING) {
      byName.set(key, found + 1);
      return undefined;
    }
    const made = compileQuery(schema, document, operationName, { disablingCapturingStackErrors: true });
    byName.set(key, made);
    options.compiled?.(operationName);
    return made;
  };
  return {
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: '' });
      return () => undefined;
    },
    async load() {
      return {
        schema,
        executor: async ({ document, operation, request, context }) => {
          const operationName = request.operationName ?? undefined;
          // No operation to run (several, none named): graphql-js answers which, running nothing.
          if (!operation) return execute({ schema, document, operationName, variableValues: request.variables }) as ExecutionResult;
          const query = compile(document, operationName);
          // Not compiled yet: graphql-js runs it, as it ran every operation before.
          if (!query) return (await execute({ schema, document, operationName, variableValues: request.variables, contextValue: context })) as ExecutionResult;
          const coerced = getVariableValues(schema, (operation as OperationDefinitionNode).variableDefinitions ?? [], request.variables ?? {});
          if (coerced.errors) return { errors: coerced.errors };
          if (!isCompiledQuery(query)) return { ...query, errors: query.errors?.map(asGraphQLError) };
          // graphql-jit coerces the variables again: given graphql-js's values (defaults filled in,
          // which graphql-jit misses for a non-null input field with a default), it finds them valid
          // and keeps them, as long as enum values are their names and scalars parse their own
          // output (checked for both subgraphs' schemas by compiled-executor.test.ts).
          const result = await query.query(undefined, context, coerced.coerced);
          return result.errors ? { ...result, errors: result.errors.map(asGraphQLError) } : result;
        },
      };
    },
    async stop() {},
  };
}

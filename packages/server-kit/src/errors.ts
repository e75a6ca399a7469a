import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import type { ValidationError } from 'class-validator';
import type { Logger } from 'pino';
import { USER_ERROR_CODES } from '@samverkan/contract';

export interface FieldProblem {
  /** Path of the offending input field, e.g. `partners[1].country`. */
  field: string;
  problems: string[];
}

/** Flattens class-validator's nested errors into one line per input field. */
export function flattenValidationErrors(errors: ValidationError[], prefix = ''): FieldProblem[] {
  const out: FieldProblem[] = [];
  for (const e of errors) {
    const isIndex = /^\d+$/.test(e.property);
    const field = isIndex ? `${prefix}[${e.property}]` : prefix ? `${prefix}.${e.property}` : e.property;
    if (e.constraints) out.push({ field, problems: Object.values(e.constraints) });
    if (e.children?.length) out.push(...flattenValidationErrors(e.children, field));
  }
  return out;
}

/** A user-input error that names the field, in the same shape the validators produce. */
export function badInput(field: string, problem: string): GraphQLError {
  return new GraphQLError(`Invalid input: ${field}: ${problem}.`, {
    extensions: { code: 'BAD_USER_INPUT', fields: [{ field, problems: [problem] }] },
  });
}

const PASS_THROUGH: ReadonlySet<string> = new Set(USER_ERROR_CODES);

export interface ErrorFormatterOptions {
  /**
   * What an internal error that names a kommun (`extensions.municipality`, as the gateway adds to
   * whatever a kommun answered) becomes instead: the gateway answers it as a hole in that kommun's
   * data. Without it, such an error is answered as an internal error that still names the kommun.
   */
  fromKommun?: (error: { code: string; path: GraphQLFormattedError['path'] }) => GraphQLFormattedError;
}

/** The request each error arose in (see errorOfRequest). */
const requestOfError = new WeakMap<object, string>();

/**
 * Says that `error` arose while serving request `requestId`, so that the error formatter's log
 * line of it carries that id (standardPlugins says it of every error of a GraphQL request; a
 * context function's error, which no plugin sees, is said where it is caught).
 */
export function errorOfRequest(error: unknown, requestId: string): void {
  if (typeof error === 'object' && error !== null) requestOfError.set(error, requestId);
}

/** The request `error` was said to arise in: the error itself, or the one it wraps (a resolver's, or a context function's). */
function requestIdOf(error: unknown): string | undefined {
  for (let e = error, depth = 0; typeof e === 'object' && e !== null && depth < 4; e = (e as { originalError?: unknown }).originalError, depth++) {
    const id = requestOfError.get(e);
    if (id) return id;
  }
  return undefined;
}

/**
 * Apollo Server's `formatError`: validation failures become one message that names every
 * offending field; errors meant for users pass through; anything else is logged in full and
 * answered as an internal error without its details, naming the kommun it came from, if any.
 */
export function createErrorFormatter(logger: Logger, options: ErrorFormatterOptions = {}) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const validationErrors =
      original instanceof GraphQLError ? (original.extensions?.validationErrors as ValidationError[] | undefined) : undefined;
    if (validationErrors) {
      const fields = flattenValidationErrors(validationErrors);
      return {
        message: `Invalid input: ${fields.map((f) => `${f.field}: ${f.problems.join(', ')}`).join('; ')}.`,
        locations: formatted.locations,
        path: formatted.path,
        extensions: { code: 'BAD_USER_INPUT', fields },
      };
    }
    // Query limits are validation rules; their own code says which limit was hit.
    const limitCode = formatted.extensions?.limitCode;
    if (typeof limitCode === 'string') return { message: formatted.message, locations: formatted.locations, extensions: { code: limitCode } };
    const code = formatted.extensions?.code;
    // graphql-js stops parsing past `maxTokens` (Apollo's parseOptions); say which limit that was.
    if (code === 'GRAPHQL_PARSE_FAILED' && /contains more th(?:an|at) \d+ tokens/.test(formatted.message)) {
      return { message: formatted.message.replace(/^Syntax Error: /, ''), extensions: { code: 'QUERY_TOO_LARGE' } };
    }
    if (typeof code === 'string' && PASS_THROUGH.has(code)) return formatted;
    if (original instanceof GraphQLError && !original.originalError) return formatted;
    const requestId = requestIdOf(error);
    logger.error(requestId ? { requestId, err: original, path: formatted.path } : { err: original, path: formatted.path }, 'internal error');
    // An error from a kommun keeps naming it: a hole is never silent.
    const { municipality, municipalities } = formatted.extensions ?? {};
    if (typeof municipality === 'string' && options.fromKommun) return options.fromKommun({ code: municipality, path: formatted.path });
    return {
      message: 'Internal server error: the request could not be completed. It has been logged.',
      locations: formatted.locations,
      path: formatted.path,
      extensions: {
        code: 'INTERNAL_SERVER_ERROR',
        ...(typeof municipality === 'string' ? { municipality } : {}),
        ...(Array.isArray(municipalities) ? { municipalities } : {}),
      },
    };
  };
}

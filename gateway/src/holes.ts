import type { GraphQLFormattedError } from 'graphql';
import { USER_ERROR_CODES } from '@samverkan/contract';
import type { ApolloServerPlugin } from '@apollo/server';
import type { MemberRegistry } from './shards/registry';

/** A place in a fetch's answer, in response keys (aliases included) and list indexes. */
export type Path = ReadonlyArray<string | number>;

/**
 * Codes of the user-facing list (`USER_ERROR_CODES`) that, coming from a kommun, mean its data is
 * missing rather than that the caller asked wrongly: the kommun's own upstream or deadline trouble,
 * or a request shape the gateway never sends. Such an error is a hole.
 */
const MISSING_NOT_WRONG = new Set<string>(['MUNICIPALITY_UNAVAILABLE', 'REGION_UNAVAILABLE', 'REQUEST_TIMEOUT', 'PERSISTED_QUERY_NOT_FOUND', 'PERSISTED_QUERY_NOT_SUPPORTED', 'OPERATION_RESOLUTION_FAILURE']);

/**
 * Codes of a kommun's errors that are meant for the caller: what was asked was wrong, not
 * allowed, or not there (a value the gateway passes on as it came, a Date literal say, that the
 * kommun refuses among them). They pass on as the kommun gave them, naming the kommun. Any other
 * error of a kommun (INTERNAL_SERVER_ERROR, no code, a query the kommun could not run) is a hole.
 */
const FOR_THE_CALLER: ReadonlySet<string> = new Set(USER_ERROR_CODES.filter((code) => !MISSING_NOT_WRONG.has(code)));

/** Extensions a kommun may add that say how it failed inside: never passed on. */
const INTERNAL_EXTENSIONS = new Set(['stacktrace', 'exception', 'originalError']);

export function isForTheCaller(code: unknown): boolean {
  return typeof code === 'string' && FOR_THE_CALLER.has(code);
}

/** The kommuner an error's extensions name (`municipality`, or `municipalities`). */
export function namedKommuner(extensions: Record<string, unknown> | undefined): string[] {
  const { municipality, municipalities } = extensions ?? {};
  if (typeof municipality === 'string') return [municipality];
  return Array.isArray(municipalities) ? municipalities.filter((c): c is string => typeof c === 'string') : [];
}

/**
 * A kommun's error for the caller, as it came, with the kommun (or the kommuner of a combined
 * instance) named: those it names itself when they are among `codes` (a hub that is a member
 * names the one kommun inside it), else all of `codes`.
 */
export function callerError(error: { message: string; extensions?: Record<string, unknown> }, path: Path | undefined, codes: string[]): GraphQLFormattedError {
  const extensions = Object.fromEntries(Object.entries(error.extensions ?? {}).filter(([k]) => !INTERNAL_EXTENSIONS.has(k)));
  const own = namedKommuner(error.extensions);
  const inside = own.length && own.every((c) => codes.includes(c)) ? own : codes;
  const named = inside.length === 1 ? { municipality: inside[0] } : { municipalities: inside };
  return { message: error.message, ...(path ? { path: [...path] } : {}), extensions: { ...extensions, ...named } };
}

/**
 * A hole: kommun `code` is missing from the answer at `path` (the root field's response key, or
 * `['_entities', i]` for the entity it owns or adds to), and why. The one shape every hole has,
 * whatever its cause; nothing the kommun said about its insides is in it.
 */
export function holeError(code: string, name: string | undefined, reason: string, path?: Path): GraphQLFormattedError {
  return {
    message: `Kommun ${name ? `${name} (${code})` : code} is missing from this answer: ${reason}.`,
    ...(path ? { path: [...path] } : {}),
    extensions: { code: 'MUNICIPALITY_UNAVAILABLE', municipality: code, reason },
  };
}

/** A kommunkod that is no member of the region, named where it was asked for. */
export function unknownError(code: string, path?: Path): GraphQLFormattedError {
  return {
    message: `Kommun ${code} is not a member of this region.`,
    ...(path ? { path: [...path] } : {}),
    extensions: { code: 'MUNICIPALITY_UNKNOWN', municipality: code, reason: 'not a member of this region' },
  };
}

/** Why kommuner go missing, as the metrics count holes: a few causes, from a hole's reason. */
export type HoleCause = 'timeout' | 'http_error' | 'internal_error' | 'no_data' | 'unreachable' | 'refused' | 'version' | 'unavailable';

const CAUSES: Array<[RegExp, HoleCause]> = [
  [/did not answer (within|by)/, 'timeout'],
  [/answered HTTP \d+/, 'http_error'],
  [/answered an internal error/, 'internal_error'],
  [/answered no data/, 'no_data'],
  [/refused the connection|could not be reached|closed the connection|does not resolve|was cancelled/, 'unreachable'],
  [/was refused:|breaks the contract/, 'refused'],
  [/implements contract version/, 'version'],
];

export function holeCause(reason: string): HoleCause {
  return CAUSES.find(([pattern]) => pattern.test(reason))?.[1] ?? 'unavailable';
}

/**
 * Lists at the top of an answer the kommuner it has holes for, derived from its errors:
 * `extensions.missingMunicipalities: [{ code, name }]`, sorted by code. Absent when none is missing.
 * `onHole` hears of each missing kommun once per answer, with the cause of its first hole.
 */
export function missingMunicipalitiesReport(registry: MemberRegistry, onHole?: (code: string, cause: HoleCause) => void): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          const codes = new Map<string, string>();
          for (const e of result.errors ?? []) {
            if (e.extensions?.code !== 'MUNICIPALITY_UNAVAILABLE') continue;
            const { municipality, municipalities, reason } = e.extensions;
            const why = typeof reason === 'string' ? reason : '';
            if (typeof municipality === 'string' && !codes.has(municipality)) codes.set(municipality, why);
            if (Array.isArray(municipalities)) for (const c of municipalities) if (typeof c === 'string' && !codes.has(c)) codes.set(c, why);
          }
          if (!codes.size) return;
          if (onHole) for (const [code, why] of codes) onHole(code, holeCause(why));
          const missingMunicipalities = [...codes.keys()].sort().map((code) => ({ code, name: registry.get(code)?.name ?? code }));
          result.extensions = { ...result.extensions, missingMunicipalities };
        },
      };
    },
  };
}

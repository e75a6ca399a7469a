import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify, SignJWT, errors as joseErrors, type JWTPayload, type JWTVerifyGetKey, type JWTVerifyOptions } from 'jose';
import { z } from 'zod';
import { GraphQLError } from 'graphql';
import { ASYMMETRIC_ALGORITHMS, type PublicJwks, type SigningKey } from './signing-keys';

/** Who is calling. Reads need none of this; every write checks it. */
export type Identity =
  | { role: 'kommun-editor'; subject: string; municipality: string }
  | { role: 'region-editor'; subject: string };

export type Role = Identity['role'];

/** The `iss` of the gateway's own assertions, unless GATEWAY_ISSUER says otherwise. */
export const GATEWAY_ISSUER = 'samverkan-gateway';
/** The `typ` header of a gateway assertion: a caller's token never carries it. */
export const ASSERTION_TYPE = 'samverkan-assertion+jwt';
/** A gateway assertion lives at most this long (seconds). */
export const ASSERTION_MAX_TTL_S = 60;
/** The audience of an assertion meant for the region subgraph. */
export const REGION_AUDIENCE = 'samverkan:region';
/** The audience of an assertion meant for one kommun's subgraph. */
export const kommunAudience = (code: string): string => `samverkan:kommun:${code}`;

export interface AuthOptions {
  /** HS256 shared secret (at least 32 characters): single-kommun development only. One of secret or jwksUrl. */
  secret?: string;
  /** URL of the identity provider's JSON Web Key Set, for asymmetric tokens (EdDSA, ES256, RS256). */
  jwksUrl?: string;
  /** Expected `iss` claim. Default `samverkan`. */
  issuer: string;
  /** Expected `aud` claim. Default `samverkan`. */
  audience: string;
  /** Oldest token accepted, in seconds since its `iat`. Default 12 hours. */
  maxAgeS?: number;
  /** Clock skew allowed on `exp`, `nbf` and `iat`, in seconds. Default 30. */
  clockSkewS?: number;
  /** How long a fetched JWKS is used before it is fetched again, in ms. Default 600000 (10 minutes). */
  jwksCacheMs?: number;
  /** After a fetch, a token with an unknown `kid` triggers no new fetch for this long, in ms. Default 5000. */
  jwksCooldownMs?: number;
  /**
   * The gateway's assertions: accepted (for reads only) when signed by a key of `jwksUrl`, issued
   * by `issuer` and addressed to one of `audiences` (this service's own).
   */
  assertions?: { jwksUrl: string; issuer: string; audiences: string[] };
}

/** Parses `12h`, `30m`, `90s`, `2d` or a plain number of seconds. */
const duration = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((s, ctx) => {
      const m = /^(\d+)\s*(s|m|h|d)?$/.exec(s.trim());
      const seconds = m ? Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86_400 }[(m[2] ?? 's') as 's' | 'm' | 'h' | 'd'] : 0;
      if (!seconds) {
        ctx.addIssue({ code: 'custom', message: 'must be a positive duration such as 12h, 30m, 90s or 3600 (seconds)' });
        return z.NEVER;
      }
      return seconds;
    });

/** Environment variables read by every service that verifies tokens. */
export const authEnv = {
  /** HS256 shared secret: single-kommun local development only (whoever holds it can mint any token). */
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters (HS256 shared secret)').optional(),
  /** The identity provider's public keys. */
  JWT_JWKS_URL: z.url({ message: 'must be the URL of a JSON Web Key Set' }).optional(),
  JWT_ISSUER: z.string().default('samverkan'),
  JWT_AUDIENCE: z.string().default('samverkan'),
  /** Oldest token accepted, counted from its `iat`: `12h`, `30m`, or seconds. Default 12h. */
  JWT_MAX_AGE: duration('12h'),
  /** Clock skew allowed on `exp`, `nbf` and `iat`, in seconds. Default 30. */
  JWT_CLOCK_SKEW_S: z.coerce.number().int().min(0).max(600).default(30),
  /** How long a fetched JWKS is used before it is fetched again, in ms. Default 600000. */
  JWT_JWKS_CACHE_MS: z.coerce.number().int().min(0).max(86_400_000).default(600_000),
  /**
   * Least time between two fetches caused by tokens with an unknown `kid`, in ms: a token under a
   * key just published may be refused for at most this long. Default 5000.
   */
  JWT_JWKS_COOLDOWN_MS: z.coerce.number().int().min(0).max(3_600_000).default(5_000),
};

/** Environment variables of a subgraph that accepts the gateway's assertions (for reads). */
export const assertionEnv = {
  /** The gateway's public keys; without it, no assertion is accepted. */
  GATEWAY_JWKS_URL: z.url({ message: 'must be the URL of the gateway\'s JSON Web Key Set, e.g. http://127.0.0.1:4000/.well-known/jwks.json' }).optional(),
  /** The `iss` of the gateway's assertions. Default `samverkan-gateway`. */
  GATEWAY_ISSUER: z.string().default(GATEWAY_ISSUER),
};

/** The result of reading a request's credentials: an identity, none, or why the token was refused. */
export interface Credentials {
  identity: Identity | null;
  /** Set when a token was presented but refused; writes report it. */
  rejected?: string;
  /**
   * How the identity was established: the caller's own token, or an assertion the gateway signed
   * for this service (good for reads that need to know who asks, never for writes).
   */
  via?: 'token' | 'assertion';
}

const claims = z.discriminatedUnion('role', [
  z.object({ role: z.literal('kommun-editor'), municipality: z.string().regex(/^\d{4}$/) }),
  z.object({ role: z.literal('region-editor') }),
]);

export type TokenVerifier = (authorization: string | undefined | null) => Promise<Credentials>;

type KeyInput = Uint8Array | JWTVerifyGetKey;

/**
 * Builds the verifier for `Authorization: Bearer <jwt>` headers (jose). A token must be signed by
 * the identity provider (a key of the JWKS, EdDSA/ES256/RS256; or HS256 with the development
 * secret), name the issuer and audience, and carry `exp` and `iat`; it may be no older than the
 * maximum age, and `iat`/`nbf` may not lie in the future beyond the clock skew. The JWKS is
 * cached (`jwksCacheMs`) and fetched again at once for a token whose `kid` it does not hold
 * (at most once per `jwksCooldownMs`), so a new key works from its first token and a dropped key
 * stops working when the cache expires. With neither a secret nor a JWKS URL every token is
 * refused, so an unconfigured service is read-only rather than open.
 */
export function createTokenVerifier(options: AuthOptions): TokenVerifier {
  if (options.secret && options.jwksUrl) throw new Error('set JWT_SECRET or JWT_JWKS_URL, not both');
  const maxAgeS = options.maxAgeS ?? 12 * 3600;
  const skew = options.clockSkewS ?? 30;
  const cooldownMs = options.jwksCooldownMs ?? 5_000;
  const remote = (url: string) => createRemoteJWKSet(new URL(url), { cacheMaxAge: options.jwksCacheMs ?? 600_000, cooldownDuration: cooldownMs });
  const key: KeyInput | null = options.secret ? new TextEncoder().encode(options.secret) : options.jwksUrl ? remote(options.jwksUrl) : null;
  const callerChecks: JWTVerifyOptions = {
    issuer: options.issuer,
    audience: options.audience,
    algorithms: options.secret ? ['HS256'] : [...ASYMMETRIC_ALGORITHMS],
    requiredClaims: ['exp', 'iat'],
    maxTokenAge: maxAgeS,
    clockTolerance: skew,
  };
  const assertion = options.assertions;
  const assertionKey = assertion ? remote(assertion.jwksUrl) : null;
  const assertionChecks: JWTVerifyOptions = {
    issuer: assertion?.issuer,
    audience: assertion?.audiences,
    typ: ASSERTION_TYPE,
    algorithms: [...ASYMMETRIC_ALGORITHMS],
    requiredClaims: ['exp', 'iat'],
    maxTokenAge: ASSERTION_MAX_TTL_S,
    clockTolerance: skew,
  };

  return async (authorization) => {
    if (!authorization) return { identity: null };
    const m = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    if (!m) return { identity: null, rejected: 'the Authorization header must be "Bearer <token>"' };
    const token = m[1];
    if (assertion && issuerOf(token) === assertion.issuer) {
      const verified = await check(token, assertionKey!, assertionChecks, { maxAgeS: ASSERTION_MAX_TTL_S, skew, keysUrl: assertion.jwksUrl, cooldownMs });
      if (typeof verified === 'string') return { identity: null, rejected: `the gateway assertion was refused: ${verified}` };
      return identityOf(verified, 'assertion');
    }
    if (!key) return { identity: null, rejected: 'this service accepts no tokens (no JWT_SECRET or JWT_JWKS_URL is configured)' };
    const verified = await check(token, key, callerChecks, { maxAgeS, skew, keysUrl: options.jwksUrl, cooldownMs });
    if (typeof verified === 'string') return { identity: null, rejected: verified };
    return identityOf(verified, 'token');
  };
}

/** The token's payload when its signature and claims pass, else why not. */
async function check(token: string, key: KeyInput, checks: JWTVerifyOptions, context: DescribeContext): Promise<JWTPayload | string> {
  try {
    return (key instanceof Uint8Array ? await jwtVerify(token, key, checks) : await jwtVerify(token, key, checks)).payload;
  } catch (err) {
    return describeJoseError(err, token, checks, context);
  }
}

function identityOf(payload: JWTPayload, via: 'token' | 'assertion'): Credentials {
  const parsed = claims.safeParse(payload);
  if (!parsed.success) {
    return { identity: null, rejected: 'the token has no valid role claim ("kommun-editor" with "municipality", or "region-editor")' };
  }
  const subject = typeof payload.sub === 'string' ? payload.sub : 'unknown';
  const identity: Identity =
    parsed.data.role === 'kommun-editor' ? { role: 'kommun-editor', subject, municipality: parsed.data.municipality } : { role: 'region-editor', subject };
  return { identity, via };
}

/** The unverified `iss` of a token: only chooses which keys check it. */
function issuerOf(token: string): string | undefined {
  try {
    const iss = decodeJwt(token).iss;
    return typeof iss === 'string' ? iss : undefined;
  } catch {
    return undefined;
  }
}

interface DescribeContext {
  maxAgeS: number;
  skew: number;
  keysUrl?: string;
  cooldownMs: number;
}

function describeJoseError(err: unknown, token: string, checks: JWTVerifyOptions, c: DescribeContext): string {
  if (err instanceof joseErrors.JWTExpired) {
    return err.claim === 'iat'
      ? `the token is older than the maximum age of ${c.maxAgeS} s (counted from its "iat"); ask for a new one`
      : 'the token has expired';
  }
  if (err instanceof joseErrors.JWTClaimValidationFailed) {
    if (err.reason === 'missing') return `the token has no "${err.claim}" claim (every token must carry "exp" and "iat")`;
    if (err.claim === 'iat' && err.reason === 'check_failed') return `the token's "iat" lies in the future (more than the allowed clock skew of ${c.skew} s)`;
    if (err.claim === 'nbf' && err.reason === 'check_failed') return `the token is not valid yet (its "nbf" lies more than ${c.skew} s in the future)`;
    if (err.claim === 'typ') return 'the token is not a gateway assertion (its "typ" header)';
    return `the token's "${err.claim}" claim is not accepted here`;
  }
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return 'the token signature is invalid';
  if (err instanceof joseErrors.JOSEAlgNotAllowed) {
    return `the token is signed with ${headerOf(token).alg ?? 'an unknown algorithm'}; this service accepts only ${(checks.algorithms ?? []).join(', ')}`;
  }
  if (err instanceof joseErrors.JWKSNoMatchingKey) {
    const kid = headerOf(token).kid;
    const retry = `a key published just now is fetched at most every ${c.cooldownMs / 1000} s`;
    return `no key of the issuer's key set matches the token (${kid ? `kid ${JSON.stringify(kid)}` : 'it names no "kid"'}; ${retry})`;
  }
  if (err instanceof joseErrors.JWKSMultipleMatchingKeys) return 'the token names no "kid" and several keys of the key set could match it';
  if (err instanceof joseErrors.JWKSTimeout) return `the key set at ${c.keysUrl} did not answer in time; try again`;
  if (err instanceof joseErrors.JWKSInvalid) return `the key set at ${c.keysUrl} is not a valid JSON Web Key Set`;
  if (err instanceof joseErrors.JOSEError) return `the token is invalid (${err.code})`;
  // Outside jose's own errors: the key set could not be fetched at all.
  if (c.keysUrl && err instanceof Error && 'code' in err) return `the key set at ${c.keysUrl} could not be read (${String((err as NodeJS.ErrnoException).code)}); try again`;
  return 'the token is invalid';
}

function headerOf(token: string): { alg?: string; kid?: string } {
  try {
    return decodeProtectedHeader(token);
  } catch {
    return {};
  }
}

/**
 * Mints a token for development and tests (`npm run token`): signed with `key` (asymmetric, its
 * kid in the header) or with `secret` (HS256). `expiresIn: null` and `issuedAt: null` leave the
 * claim out; `issuedAt` is a time in seconds.
 */
export async function mintToken(
  identity: Identity,
  options: {
    secret?: string;
    key?: SigningKey;
    issuer?: string;
    audience?: string;
    expiresIn?: string | number | null;
    issuedAt?: number | null;
    notBefore?: number;
  },
): Promise<string> {
  const body: Record<string, unknown> = { role: identity.role };
  if (identity.role === 'kommun-editor') body.municipality = identity.municipality;
  const jwt = new SignJWT(body)
    .setProtectedHeader(options.key ? { alg: options.key.alg, kid: options.key.kid } : { alg: 'HS256' })
    .setSubject(identity.subject)
    .setIssuer(options.issuer ?? 'samverkan')
    .setAudience(options.audience ?? 'samverkan');
  if (options.issuedAt !== null) jwt.setIssuedAt(options.issuedAt);
  if (options.expiresIn !== null) jwt.setExpirationTime(options.expiresIn ?? '8h');
  if (options.notBefore !== undefined) jwt.setNotBefore(options.notBefore);
  if (options.key) return jwt.sign(options.key.privateKey);
  if (options.secret) return jwt.sign(new TextEncoder().encode(options.secret));
  throw new Error('mintToken needs a signing key or a secret');
}

/** A signer of the gateway's assertions (see `createAssertionSigner`). */
export interface AssertionSigner {
  issuer: string;
  /** The public keys subgraphs verify assertions with (GATEWAY_JWKS_URL serves them). */
  jwks(): PublicJwks;
  /**
   * A short-lived assertion that the gateway has verified `identity`, for one subgraph only
   * (`audience`: `kommunAudience(code)` or `REGION_AUDIENCE`). Subgraphs accept it for reads that
   * need to know who asks, never for writes.
   */
  signAssertion(identity: Identity, audience: string): Promise<string>;
}

/**
 * Signs assertions with the first of `keys` (the others stay published during a rollover); each
 * lives `ttlS` seconds (at most 60, default 30). `clock` (seconds) is the time it signs at.
 */
export function createAssertionSigner(keys: SigningKey[], options: { issuer?: string; ttlS?: number; clock?: () => number } = {}): AssertionSigner {
  const [key] = keys;
  if (!key) throw new Error('an assertion signer needs a key');
  const issuer = options.issuer ?? GATEWAY_ISSUER;
  const ttl = Math.min(options.ttlS ?? 30, ASSERTION_MAX_TTL_S);
  return {
    issuer,
    jwks: () => ({ keys: keys.map((k) => k.publicJwk) }),
    signAssertion: async (identity, audience) => {
      const body: Record<string, unknown> = { role: identity.role };
      if (identity.role === 'kommun-editor') body.municipality = identity.municipality;
      const now = options.clock?.() ?? Math.floor(Date.now() / 1000);
      return new SignJWT(body)
        .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: ASSERTION_TYPE })
        .setSubject(identity.subject)
        .setIssuer(issuer)
        .setAudience(audience)
        .setIssuedAt(now)
        .setExpirationTime(now + ttl)
        .sign(key.privateKey);
    },
  };
}

/** The error every refused write answers with. */
export function forbidden(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'FORBIDDEN' } });
}

export function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED' } });
}

/** A gateway assertion vouches for a reader; a write needs the caller's own token. */
function refuseAssertion(credentials: Credentials): void {
  if (credentials.via === 'assertion') {
    throw forbidden(
      'A gateway assertion cannot write: it tells a subgraph who is reading, and writes need the caller\'s own token, sent to the owner of the data.',
    );
  }
}

/**
 * Allows a kommun editor of `code` (or nobody else) to write `code`'s data; throws a clear error
 * for everyone else, and for an identity that came from a gateway assertion.
 */
export function requireKommunEditor(credentials: Credentials, code: string): Identity {
  const { identity, rejected } = credentials;
  if (!identity) {
    throw unauthenticated(
      rejected
        ? `Writes need a valid token: ${rejected}.`
        : 'Writes need a token: send "Authorization: Bearer <jwt>" with role "kommun-editor".',
    );
  }
  refuseAssertion(credentials);
  if (identity.role !== 'kommun-editor' || identity.municipality !== code) {
    const who = identity.role === 'kommun-editor' ? `an editor of kommun ${identity.municipality}` : 'a region editor';
    throw forbidden(`You are ${who}; only an editor of kommun ${code} may change its data.`);
  }
  return identity;
}

/** Allows region editors only (with their own token). */
export function requireRegionEditor(credentials: Credentials): Identity {
  const { identity, rejected } = credentials;
  if (!identity) {
    throw unauthenticated(
      rejected ? `Writes need a valid token: ${rejected}.` : 'Writes need a token with role "region-editor".',
    );
  }
  refuseAssertion(credentials);
  if (identity.role !== 'region-editor') {
    throw forbidden(`You are an editor of kommun ${identity.municipality}; only a region editor may change region data.`);
  }
  return identity;
}

/**
 * Allows the readers of an audit log, and throws a clear error for everyone else: a kommun's log
 * (`code` given) is read by that kommun's editors and by region editors; the region's log (no
 * `code`) by region editors only.
 */
export function requireAuditReader(credentials: Credentials, code?: string): Identity {
  const { identity, rejected } = credentials;
  const whose = code ? `kommun ${code}'s audit log` : "the region's audit log";
  const readers = code ? `an editor of kommun ${code} or a region editor` : 'a region editor';
  if (!identity) {
    throw unauthenticated(
      rejected
        ? `Reading ${whose} needs a valid token: ${rejected}.`
        : `Reading ${whose} needs a token: send "Authorization: Bearer <jwt>" of ${readers}.`,
    );
  }
  if (identity.role === 'region-editor' || (code && identity.municipality === code)) return identity;
  throw forbidden(`You are an editor of kommun ${identity.municipality}; only ${readers} may read ${whose}.`);
}

/** The token settings every service reads from its environment (see `authEnv`, `assertionEnv`). */
export interface AuthConfig {
  JWT_SECRET?: string;
  JWT_JWKS_URL?: string;
  JWT_ISSUER: string;
  JWT_AUDIENCE: string;
  JWT_MAX_AGE: number;
  JWT_CLOCK_SKEW_S: number;
  JWT_JWKS_CACHE_MS: number;
  JWT_JWKS_COOLDOWN_MS: number;
  GATEWAY_JWKS_URL?: string;
  GATEWAY_ISSUER?: string;
}

/**
 * The verifier for a service's configuration. With `logger`, logs how tokens are checked when
 * that needs saying: a shared secret is development-only, and a service with no way to check
 * tokens refuses every write. `audiences` are the service's own assertion audiences: with
 * GATEWAY_JWKS_URL set, the gateway's assertions addressed to one of them are accepted for reads.
 */
export function verifierFor(config: AuthConfig, logger?: { warn(message: string): void }, audiences: string[] = []): TokenVerifier {
  if (logger && !config.JWT_SECRET && !config.JWT_JWKS_URL) {
    logger.warn('no JWT_SECRET or JWT_JWKS_URL: this service is read-only, every write is refused');
  }
  if (logger && config.JWT_SECRET) {
    logger.warn(
      'JWT_SECRET is set: HS256 tokens with a shared secret are for one kommun\'s local development only (whoever holds the secret can mint any editor\'s token); a region verifies tokens with the identity provider\'s public keys (JWT_JWKS_URL)',
    );
  }
  return createTokenVerifier({
    secret: config.JWT_SECRET,
    jwksUrl: config.JWT_JWKS_URL,
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    maxAgeS: config.JWT_MAX_AGE,
    clockSkewS: config.JWT_CLOCK_SKEW_S,
    jwksCacheMs: config.JWT_JWKS_CACHE_MS,
    jwksCooldownMs: config.JWT_JWKS_COOLDOWN_MS,
    assertions:
      config.GATEWAY_JWKS_URL && audiences.length
        ? { jwksUrl: config.GATEWAY_JWKS_URL, issuer: config.GATEWAY_ISSUER ?? GATEWAY_ISSUER, audiences }
        : undefined,
  });
}

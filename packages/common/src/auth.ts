import { createRemoteJWKSet, jwtVerify, SignJWT, errors as joseErrors, type JWTPayload } from 'jose';
import { z } from 'zod';
import { GraphQLError } from 'graphql';


/** Who is calling. Reads need none of this; every write checks it. */
export type Identity =
  | { role: 'kommun-editor'; subject: string; municipality: string }
  | { role: 'region-editor'; subject: string };

export type Role = Identity['role'];

export interface AuthOptions {
  /** HS256 shared secret (at least 32 characters). One of secret or jwksUrl. */
  secret?: string;
  /** URL of a JSON Web Key Set, for asymmetric tokens (RS256, ES256, EdDSA). */
  jwksUrl?: string;
  /** Expected `iss` claim. Default `samverkan`. */
  issuer: string;
  /** Expected `aud` claim. Default `samverkan`. */
  audience: string;
}

/** Environment variables read by every service that verifies tokens. */
export const authEnv = {
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters (HS256 shared secret)').optional(),
  JWT_JWKS_URL: z.url({ message: 'must be the URL of a JSON Web Key Set' }).optional(),
  JWT_ISSUER: z.string().default('samverkan'),
  JWT_AUDIENCE: z.string().default('samverkan'),
};

/** The result of reading a request's credentials: an identity, none, or why the token was refused. */
export interface Credentials {
  identity: Identity | null;
  /** Set when a token was presented but refused; writes report it. */
  rejected?: string;
}

const claims = z.discriminatedUnion('role', [
  z.object({ role: z.literal('kommun-editor'), municipality: z.string().regex(/^\d{4}$/) }),
  z.object({ role: z.literal('region-editor') }),
]);

export type TokenVerifier = (authorization: string | undefined | null) => Promise<Credentials>;

/**
 * Builds the verifier for `Authorization: Bearer <jwt>` headers (jose: signature, `exp`, `nbf`,
 * issuer and audience are checked). With neither a secret nor a JWKS URL every token is refused,
 * so an unconfigured service is read-only rather than open.
 */
export function createTokenVerifier(options: AuthOptions): TokenVerifier {
  const key = options.secret
    ? new TextEncoder().encode(options.secret)
    : options.jwksUrl
      ? createRemoteJWKSet(new URL(options.jwksUrl))
      : null;
  return async (authorization) => {
    if (!authorization) return { identity: null };
    const m = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    if (!m) return { identity: null, rejected: 'the Authorization header must be "Bearer <token>"' };
    if (!key) return { identity: null, rejected: 'this service accepts no tokens (no JWT_SECRET or JWT_JWKS_URL is configured)' };
    let payload: JWTPayload;
    try {
      const verified =
        key instanceof Uint8Array
          ? await jwtVerify(m[1], key, { issuer: options.issuer, audience: options.audience, algorithms: ['HS256'] })
          : await jwtVerify(m[1], key, { issuer: options.issuer, audience: options.audience });
      payload = verified.payload;
    } catch (err) {
      return { identity: null, rejected: describeJoseError(err) };
    }
    const parsed = claims.safeParse(payload);
    if (!parsed.success) {
      return { identity: null, rejected: 'the token has no valid role claim ("kommun-editor" with "municipality", or "region-editor")' };
    }
    const subject = typeof payload.sub === 'string' ? payload.sub : 'unknown';
    return parsed.data.role === 'kommun-editor'
      ? { identity: { role: 'kommun-editor', subject, municipality: parsed.data.municipality } }
      : { identity: { role: 'region-editor', subject } };
  };
}

function describeJoseError(err: unknown): string {
  if (err instanceof joseErrors.JWTExpired) return 'the token has expired';
  if (err instanceof joseErrors.JWTClaimValidationFailed) return `the token's "${err.claim}" claim is not accepted here`;
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return 'the token signature is invalid';
  if (err instanceof joseErrors.JOSEAlgNotAllowed) return 'the token is signed with an algorithm this service does not accept';
  if (err instanceof joseErrors.JOSEError) return `the token is invalid (${err.code})`;
  return 'the token is invalid';
}

/** Mints an HS256 token; for development and tests (`npm run token`). */
export async function mintToken(
  identity: Identity,
  options: { secret: string; issuer?: string; audience?: string; expiresIn?: string | number },
): Promise<string> {
  const body: Record<string, unknown> = { role: identity.role };
  if (identity.role === 'kommun-editor') body.municipality = identity.municipality;
  return new SignJWT(body)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(identity.subject)
    .setIssuer(options.issuer ?? 'samverkan')
    .setAudience(options.audience ?? 'samverkan')
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '8h')
    .sign(new TextEncoder().encode(options.secret));
}

/** The error every refused write answers with. */
export function forbidden(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'FORBIDDEN' } });
}

export function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED' } });
}

/**
 * Allows a kommun editor of `code` (or nobody else) to write `code`'s data; throws a clear error
 * for everyone else.
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
  if (identity.role !== 'kommun-editor' || identity.municipality !== code) {
    const who = identity.role === 'kommun-editor' ? `an editor of kommun ${identity.municipality}` : 'a region editor';
    throw forbidden(`You are ${who}; only an editor of kommun ${code} may change its data.`);
  }
  return identity;
}

/** Allows region editors only. */
export function requireRegionEditor(credentials: Credentials): Identity {
  const { identity, rejected } = credentials;
  if (!identity) {
    throw unauthenticated(
      rejected ? `Writes need a valid token: ${rejected}.` : 'Writes need a token with role "region-editor".',
    );
  }
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

/** The token settings every service reads from its environment (see `authEnv`). */
export interface AuthConfig {
  JWT_SECRET?: string;
  JWT_JWKS_URL?: string;
  JWT_ISSUER: string;
  JWT_AUDIENCE: string;
}

/**
 * The verifier for a service's configuration; with `readOnlyWarning`, logs that a service with no
 * way to check tokens refuses every write.
 */
export function verifierFor(config: AuthConfig, readOnlyWarning?: { warn(message: string): void }): TokenVerifier {
  if (readOnlyWarning && !config.JWT_SECRET && !config.JWT_JWKS_URL) {
    readOnlyWarning.warn('no JWT_SECRET or JWT_JWKS_URL: this subgraph is read-only, every write is refused');
  }
  return createTokenVerifier({ secret: config.JWT_SECRET, jwksUrl: config.JWT_JWKS_URL, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE });
}

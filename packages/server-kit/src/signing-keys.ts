import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK, type KeyLike } from 'jose';

/** The asymmetric algorithms tokens may be signed with. HS256 is accepted only with JWT_SECRET. */
export const ASYMMETRIC_ALGORITHMS = ['EdDSA', 'ES256', 'RS256'] as const;
export type AsymmetricAlgorithm = (typeof ASYMMETRIC_ALGORITHMS)[number];

/** A private signing key with its key id and the public half a JWKS publishes. */
export interface SigningKey {
  kid: string;
  alg: AsymmetricAlgorithm;
  privateKey: KeyLike;
  /** The public JWK (with kid, alg and use), as a JWKS lists it. */
  publicJwk: JWK;
  /** The private JWK, for a key file. */
  privateJwk: JWK;
}

/** A JSON Web Key Set of public keys. */
export interface PublicJwks {
  keys: JWK[];
}

/** Generates a key pair (Ed25519 unless told otherwise); its kid is the RFC 7638 thumbprint. */
export async function generateSigningKey(alg: AsymmetricAlgorithm = 'EdDSA'): Promise<SigningKey> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true, crv: alg === 'EdDSA' ? 'Ed25519' : undefined });
  const jwk = await exportJWK(privateKey);
  return importSigningKey({ ...jwk, alg, kid: await calculateJwkThumbprint(jwk) });
}

/** Reads a private JWK (with kid and alg) into a signing key. */
export async function importSigningKey(jwk: JWK): Promise<SigningKey> {
  const alg = jwk.alg as AsymmetricAlgorithm;
  if (!ASYMMETRIC_ALGORITHMS.includes(alg)) throw new Error(`a signing key's "alg" must be one of ${ASYMMETRIC_ALGORITHMS.join(', ')} (got ${JSON.stringify(jwk.alg)})`);
  if (!jwk.d) throw new Error('a signing key must be a private JWK (it has no "d")');
  const kid = jwk.kid ?? (await calculateJwkThumbprint(jwk));
  const privateKey = (await importJWK({ ...jwk, kid }, alg)) as KeyLike;
  // The public half: everything but the private members.
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...pub } = jwk;
  return { kid, alg, privateKey, publicJwk: { ...pub, kid, alg, use: 'sig' }, privateJwk: { ...jwk, kid } };
}

/** The public key set of some signing keys, as served at `/.well-known/jwks.json`. */
export function publicJwks(keys: SigningKey[]): PublicJwks {
  return { keys: keys.map((k) => k.publicJwk) };
}

/**
 * A key file: `{ "keys": [<private JWK>, …] }`, the first the current key, any others still
 * published while tokens they signed are in use (a rollover). Written with mode 0600.
 */
export async function readKeyFile(file: string): Promise<SigningKey[]> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`the key file ${file} cannot be read: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  const keys = (parsed as { keys?: unknown })?.keys;
  if (!Array.isArray(keys) || keys.length === 0) throw new Error(`the key file ${file} must hold { "keys": [<private JWK>, …] } with at least one key`);
  return Promise.all(keys.map((k) => importSigningKey(k as JWK)));
}

export function writeKeyFile(file: string, keys: SigningKey[]): void {
  // Only the key's own folder is private: a recursive mode would close its parents too (the
  // embedded PostgreSQL beside it runs as another user and must pass through them).
  mkdirSync(dirname(dirname(file)), { recursive: true });
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify({ keys: keys.map((k) => k.privateJwk) }, null, 2)}\n`, { mode: 0o600 });
  chmodSync(temp, 0o600);
  renameSync(temp, file);
}

/** The keys of a key file, creating the file with one new key when it does not exist. */
export async function ensureKeyFile(file: string): Promise<SigningKey[]> {
  if (existsSync(file)) return readKeyFile(file);
  const keys = [await generateSigningKey()];
  writeKeyFile(file, keys);
  return keys;
}

/** A JWKS served over HTTP at `/.well-known/jwks.json`. */
export interface JwksServer {
  /** The key set's URL. */
  url: string;
  /** Key set requests answered so far. */
  fetches(): number;
  close(): Promise<void>;
}

/**
 * Serves `jwks()` (asked afresh for every request, so a rotated key file shows at once) at
 * `/.well-known/jwks.json` on `port` (0: a free one) of `host` (default 127.0.0.1).
 */
export async function serveJwks(jwks: () => PublicJwks | Promise<PublicJwks>, options: { port?: number; host?: string } = {}): Promise<JwksServer> {
  let fetches = 0;
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/.well-known/jwks.json') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: the key set is at /.well-known/jwks.json');
      return;
    }
    fetches++;
    Promise.resolve()
      .then(jwks)
      .then((set) => res.writeHead(200, { 'content-type': 'application/jwk-set+json', 'cache-control': 'no-store' }).end(JSON.stringify(set)))
      .catch((err: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`the key set cannot be read: ${err instanceof Error ? err.message : String(err)}`));
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}/.well-known/jwks.json`,
    fetches: () => fetches,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

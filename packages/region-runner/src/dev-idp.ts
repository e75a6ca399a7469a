import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ensureKeyFile, generateSigningKey, mintToken, publicJwks, readKeyFile, serveJwks, writeKeyFile, type Identity, type SigningKey } from '@samverkan/server-kit';
import { REPO_ROOT } from './processes';

/** Where `npm start` keeps the development identity provider's keys (beside the embedded PostgreSQL). */
export const DEV_IDP_DIR = join(REPO_ROOT, '.data/dev-idp');
/** The key file in a dev IdP directory: `{ "keys": [current, previous?] }`, mode 0600. */
export const devKeyFile = (dir: string = DEV_IDP_DIR): string => join(dir, 'keys.json');

/**
 * The development identity provider: an Ed25519 key pair kept in a file (made on first start),
 * whose public keys it serves as a JWKS. It stands in for the region's real identity provider: no
 * kommun, and not the gateway, holds its private key; they all verify with its JWKS URL.
 */
export interface DevIdentityProvider {
  jwksUrl: string;
  keyFile: string;
  /** The key tokens are signed with now. */
  current(): Promise<SigningKey>;
  /** A token signed with the current key (issuer and audience `samverkan`, 8 hours). */
  token(identity: Identity, options?: Omit<Parameters<typeof mintToken>[1], 'key' | 'secret'>): Promise<string>;
  /** Starts a rollover: a new current key; the old one stays published until `retire`. */
  rotate(): Promise<SigningKey>;
  /** Ends a rollover: only the current key stays published. */
  retire(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts the development identity provider on `port` (0: a free one) with the keys in `dir`
 * (created with one new key when missing). The JWKS reads the key file for every request, so a
 * rotation (here or by `npm run idp -- rotate`) shows at once.
 */
export async function startDevIdentityProvider(options: { dir?: string; port?: number } = {}): Promise<DevIdentityProvider> {
  const keyFile = devKeyFile(options.dir);
  await ensureKeyFile(keyFile);
  const server = await serveJwks(async () => publicJwks(await readKeyFile(keyFile)), { port: options.port ?? 0 });
  const current = async () => (await readKeyFile(keyFile))[0];
  return {
    jwksUrl: server.url,
    keyFile,
    current,
    token: async (identity, o = {}) => mintToken(identity, { ...o, key: await current() }),
    rotate: () => rotateKeyFile(keyFile),
    retire: () => retirePreviousKeys(keyFile),
    close: () => server.close(),
  };
}

/** A new current key in `file`; the previous current key stays as the only other one. */
export async function rotateKeyFile(file: string): Promise<SigningKey> {
  const keys = existsSync(file) ? await readKeyFile(file) : [];
  const next = await generateSigningKey();
  writeKeyFile(file, [next, ...keys.slice(0, 1)]);
  return next;
}

/** Drops every key but the current one from `file`. */
export async function retirePreviousKeys(file: string): Promise<void> {
  const [current] = await readKeyFile(file);
  writeKeyFile(file, [current]);
}

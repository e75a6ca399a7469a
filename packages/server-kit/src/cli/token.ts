import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { z } from 'zod';
import { mintToken, type Identity } from '../auth';
import { readConfig } from '../config';
import { KOMMUNKOD } from '@samverkan/contract';
import { readKeyFile } from '../signing-keys';

const REPO_ROOT = join(__dirname, '../../../..');

/**
 * Mints a development token: `npm run token -- kommun-editor 1480` or `npm run token -- region-editor`.
 * Signs with the development identity provider's current key (DEV_IDP_KEY_FILE, default
 * .data/dev-idp/keys.json, made by `npm start`; its kid in the header) when that file exists;
 * otherwise with JWT_SECRET (HS256, a single kommun's local development). Issuer JWT_ISSUER,
 * audience JWT_AUDIENCE, valid 8 hours. What it signed with goes to stderr, the token to stdout.
 */
async function main(): Promise<void> {
  const [role, municipality] = process.argv.slice(2);
  const config = readConfig({
    DEV_IDP_KEY_FILE: z.string().default(join(REPO_ROOT, '.data/dev-idp/keys.json')),
    JWT_SECRET: z.string().min(32, 'must be at least 32 characters (HS256 shared secret)').optional(),
    JWT_ISSUER: z.string().default('samverkan'),
    JWT_AUDIENCE: z.string().default('samverkan'),
  });
  let identity: Identity;
  if (role === 'kommun-editor' && municipality && KOMMUNKOD.test(municipality)) {
    identity = { role, subject: `dev-editor-${municipality}`, municipality };
  } else if (role === 'region-editor' && !municipality) {
    identity = { role, subject: 'dev-region-editor' };
  } else {
    throw new Error('usage: npm run token -- kommun-editor <kommunkod> | region-editor');
  }
  const claims = { issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE };
  if (existsSync(config.DEV_IDP_KEY_FILE)) {
    const [key] = await readKeyFile(config.DEV_IDP_KEY_FILE);
    console.error(`signed with the development identity provider's key ${key.kid} (${key.alg}) from ${relative(process.cwd(), config.DEV_IDP_KEY_FILE)}, valid 8 hours`);
    console.log(await mintToken(identity, { ...claims, key }));
  } else if (config.JWT_SECRET) {
    console.error('signed with JWT_SECRET (HS256: a single kommun\'s local development only), valid 8 hours');
    console.log(await mintToken(identity, { ...claims, secret: config.JWT_SECRET }));
  } else {
    throw new Error(`no key to sign with: ${relative(process.cwd(), config.DEV_IDP_KEY_FILE)} does not exist (npm start makes it) and JWT_SECRET is not set`);
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});

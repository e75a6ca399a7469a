import { z } from 'zod';
import { mintToken, type Identity } from '../auth';
import { readConfig } from '../config';
import { KOMMUNKOD } from '../ids';

/**
 * Mints a development token: `npm run token -- kommun-editor 1480` or `npm run token -- region-editor`.
 * Signs with JWT_SECRET (HS256), issuer JWT_ISSUER and audience JWT_AUDIENCE, valid 8 hours.
 */
async function main(): Promise<void> {
  const [role, municipality] = process.argv.slice(2);
  const config = readConfig({
    JWT_SECRET: z.string().min(32, 'must be at least 32 characters (HS256 shared secret)'),
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
  console.log(await mintToken(identity, { secret: config.JWT_SECRET, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE }));
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});

import { relative } from 'node:path';
import { ensureKeyFile } from '@samverkan/server-kit';
import { devKeyFile, retirePreviousKeys, rotateKeyFile } from './dev-idp';
import { REPO_ROOT } from './processes';

/**
 * The development identity provider's keys (.data/dev-idp/keys.json):
 * `npm run idp -- show` lists them, `rotate` starts a rollover (a new key signs; the old one is
 * still published, so tokens it signed stay valid), `retire` ends it (only the current key stays).
 * A running `npm start` serves the change at once; services pick it up when their cached key set
 * expires (JWT_JWKS_CACHE_MS), or at the first token with the new kid.
 */
async function main(): Promise<void> {
  const command = process.argv[2] ?? 'show';
  const file = devKeyFile();
  if (command === 'rotate') await rotateKeyFile(file);
  else if (command === 'retire') await retirePreviousKeys(file);
  else if (command !== 'show') throw new Error('usage: npm run idp -- show | rotate | retire');
  const keys = await ensureKeyFile(file);
  console.log(`${relative(REPO_ROOT, file)}:`);
  keys.forEach((k, i) => console.log(`  ${k.kid} ${k.alg} ${i === 0 ? '(current: signs new tokens)' : '(previous: still verifies)'}`));
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});

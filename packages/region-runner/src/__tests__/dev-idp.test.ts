import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTokenVerifier } from '@samverkan/server-kit';
import { startDevIdentityProvider, type DevIdentityProvider } from '../dev-idp';

/** The development identity provider `npm start` runs: its key file, its JWKS, a rollover. */
let root: string;
let idp: DevIdentityProvider;
beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'samverkan-dev-idp-test-'));
  idp = await startDevIdentityProvider({ dir: join(root, 'data', 'dev-idp') });
});
afterAll(async () => {
  await idp?.close();
  rmSync(root, { recursive: true, force: true });
});

const jwks = async () => ((await (await fetch(idp.jwksUrl)).json()) as { keys: Array<Record<string, unknown>> }).keys;
const EDITOR = { role: 'kommun-editor', subject: 'e', municipality: '1480' } as const;

it('keeps its private key in a file only its owner reads, in a folder only its owner opens, and leaves the parent open', () => {
  expect(statSync(idp.keyFile).mode & 0o777).toBe(0o600);
  expect(statSync(join(root, 'data', 'dev-idp')).mode & 0o777).toBe(0o700);
  // The embedded PostgreSQL beside it runs as another user and must pass through the data folder.
  expect(statSync(join(root, 'data')).mode & 0o055).not.toBe(0);
});

it('serves the public half of its key, with kid, alg and use, and nothing private', async () => {
  const key = await idp.current();
  expect(await jwks()).toEqual([{ kty: 'OKP', crv: 'Ed25519', x: expect.any(String), kid: key.kid, alg: 'EdDSA', use: 'sig' }]);
});

it('keeps its key across restarts', async () => {
  const before = await idp.current();
  const again = await startDevIdentityProvider({ dir: join(root, 'data', 'dev-idp') });
  try {
    expect((await again.current()).kid).toBe(before.kid);
  } finally {
    await again.close();
  }
});

it('rotates: the new key signs, both are published until the old one is retired', async () => {
  const verify = createTokenVerifier({ jwksUrl: idp.jwksUrl, issuer: 'samverkan', audience: 'samverkan', jwksCacheMs: 0, jwksCooldownMs: 0 });
  const old = await idp.current();
  const oldToken = await idp.token(EDITOR);
  const next = await idp.rotate();
  expect((await idp.current()).kid).toBe(next.kid);
  expect((await jwks()).map((k) => k.kid)).toEqual([next.kid, old.kid]);
  expect((await verify(`Bearer ${await idp.token(EDITOR)}`)).identity).toEqual(EDITOR);
  expect((await verify(`Bearer ${oldToken}`)).identity).toEqual(EDITOR);

  await idp.retire();
  expect((await jwks()).map((k) => k.kid)).toEqual([next.kid]);
  expect((await verify(`Bearer ${oldToken}`)).rejected).toMatch(new RegExp(`kid "${old.kid}"`));
});

import { SignJWT } from 'jose';
import {
  createAssertionSigner,
  createTokenVerifier,
  kommunAudience,
  mintToken,
  REGION_AUDIENCE,
  requireKommunEditor,
  requireRegionEditor,
  type Identity,
  type TokenVerifier,
} from '../auth';
import { generateSigningKey, serveJwks, type JwksServer, type SigningKey } from '../signing-keys';

/**
 * The token checks every service runs, against a real key set served over HTTP (in this process):
 * which tokens pass, which are refused, and what the refusal says.
 */
const EDITOR: Identity = { role: 'kommun-editor', subject: 'e', municipality: '1480' };
const REGION: Identity = { role: 'region-editor', subject: 'r' };
const now = () => Math.floor(Date.now() / 1000);

let idpKeys: SigningKey[];
let idp: JwksServer;
let gatewayKey: SigningKey;
let gateway: JwksServer;
let verify: TokenVerifier;

beforeAll(async () => {
  idpKeys = [await generateSigningKey()];
  idp = await serveJwks(() => ({ keys: idpKeys.map((k) => k.publicJwk) }));
  gatewayKey = await generateSigningKey();
  gateway = await serveJwks(() => ({ keys: [gatewayKey.publicJwk] }));
  verify = createTokenVerifier({
    jwksUrl: idp.url,
    issuer: 'samverkan',
    audience: 'samverkan',
    jwksCacheMs: 60_000,
    jwksCooldownMs: 0,
    assertions: { jwksUrl: gateway.url, issuer: 'samverkan-gateway', audiences: [kommunAudience('1480')] },
  });
});
afterAll(async () => {
  await idp?.close();
  await gateway?.close();
});

const bearer = (t: string) => `Bearer ${t}`;

describe('caller tokens (JWKS mode)', () => {
  it('accepts a token of the identity provider, with its kid', async () => {
    const c = await verify(bearer(await mintToken(EDITOR, { key: idpKeys[0] })));
    expect(c).toEqual({ identity: EDITOR, via: 'token' });
  });

  it.each([
    ['no exp', { expiresIn: null }, /no "exp" claim/],
    ['no iat', { issuedAt: null }, /no "iat" claim/],
    ['expired', { expiresIn: now() - 60 }, /has expired/],
    ['older than the maximum age (12 h)', { issuedAt: now() - 13 * 3600, expiresIn: now() + 3600 }, /older than the maximum age of 43200 s/],
    ['iat in the future beyond the skew', { issuedAt: now() + 120 }, /"iat" lies in the future/],
    ['nbf in the future beyond the skew', { notBefore: now() + 120 }, /not valid yet/],
    ['another audience', { audience: 'elsewhere' }, /"aud" claim is not accepted/],
    ['another issuer', { issuer: 'elsewhere' }, /"iss" claim is not accepted/],
  ] as const)('refuses a token with %s', async (_what, options, message) => {
    const c = await verify(bearer(await mintToken(EDITOR, { key: idpKeys[0], ...options })));
    expect(c.identity).toBeNull();
    expect(c.rejected).toMatch(message);
  });

  it('allows iat and nbf within the clock skew', async () => {
    const c = await verify(bearer(await mintToken(EDITOR, { key: idpKeys[0], issuedAt: now() + 10, notBefore: now() + 10 })));
    expect(c.identity).toEqual(EDITOR);
  });

  it('refuses an HS256 token, whatever it is signed with', async () => {
    const c = await verify(bearer(await mintToken(REGION, { secret: 'any-secret-0123456789-abcdefghijklmnop' })));
    expect(c).toEqual({ identity: null, rejected: 'the token is signed with HS256; this service accepts only EdDSA, ES256, RS256' });
  });

  it('refuses a token signed by a key outside the key set, naming its kid', async () => {
    const stranger = await generateSigningKey();
    const c = await verify(bearer(await mintToken(REGION, { key: stranger })));
    expect(c.rejected).toBe(`no key of the issuer's key set matches the token (kid "${stranger.kid}"; a key published just now is fetched at most every 0 s)`);
  });

  it('refuses a token signed by another key under a kid of the key set', async () => {
    const stranger = await generateSigningKey();
    const forged = await new SignJWT({ role: 'region-editor' })
      .setProtectedHeader({ alg: 'EdDSA', kid: idpKeys[0].kid })
      .setIssuer('samverkan')
      .setAudience('samverkan')
      .setSubject('x')
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(stranger.privateKey);
    expect((await verify(bearer(forged))).rejected).toBe('the token signature is invalid');
  });

  it('fetches the key set again for an unknown kid: a new key works from its first token, the old one during the rollover', async () => {
    const old = idpKeys[0];
    const next = await generateSigningKey();
    const fetched = idp.fetches();
    idpKeys = [next, old];
    expect((await verify(bearer(await mintToken(EDITOR, { key: next })))).identity).toEqual(EDITOR);
    expect(idp.fetches()).toBe(fetched + 1);
    expect((await verify(bearer(await mintToken(EDITOR, { key: old })))).identity).toEqual(EDITOR);
    expect(idp.fetches()).toBe(fetched + 1);
  });
});

describe('HS256 (development secret)', () => {
  const secret = 'dev-secret-0123456789-abcdefghijklmnop';
  const dev = createTokenVerifier({ secret, issuer: 'samverkan', audience: 'samverkan' });

  it('accepts a token signed with the secret, refuses an asymmetric one and one without exp', async () => {
    expect((await dev(bearer(await mintToken(EDITOR, { secret })))).identity).toEqual(EDITOR);
    expect((await dev(bearer(await mintToken(EDITOR, { key: idpKeys[0] })))).rejected).toMatch(/signed with EdDSA; this service accepts only HS256/);
    expect((await dev(bearer(await mintToken(EDITOR, { secret, expiresIn: null })))).rejected).toMatch(/no "exp" claim/);
  });

  it('takes a secret or a key set, never both', () => {
    expect(() => createTokenVerifier({ secret, jwksUrl: idp.url, issuer: 'samverkan', audience: 'samverkan' })).toThrow(/not both/);
  });
});

describe('gateway assertions', () => {
  const signer = () => createAssertionSigner([gatewayKey], { issuer: 'samverkan-gateway', ttlS: 30 });

  it('an assertion addressed to this service gives the identity, marked as an assertion', async () => {
    const c = await verify(bearer(await signer().signAssertion(EDITOR, kommunAudience('1480'))));
    expect(c).toEqual({ identity: EDITOR, via: 'assertion' });
  });

  it('an assertion lives at most 60 s', async () => {
    const token = await createAssertionSigner([gatewayKey], { ttlS: 3600 }).signAssertion(EDITOR, kommunAudience('1480'));
    const [, payload] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    expect(claims.exp - claims.iat).toBe(60);
    expect(claims).toMatchObject({ iss: 'samverkan-gateway', aud: 'samverkan:kommun:1480', sub: 'e', role: 'kommun-editor', municipality: '1480' });
  });

  it('an assertion for another service is refused (audience)', async () => {
    for (const audience of [kommunAudience('1481'), REGION_AUDIENCE]) {
      const c = await verify(bearer(await signer().signAssertion(EDITOR, audience)));
      expect(c).toEqual({ identity: null, rejected: 'the gateway assertion was refused: the token\'s "aud" claim is not accepted here' });
    }
  });

  it('an expired assertion is refused', async () => {
    const stale = await new SignJWT({ role: 'kommun-editor', municipality: '1480' })
      .setProtectedHeader({ alg: 'EdDSA', kid: gatewayKey.kid, typ: 'samverkan-assertion+jwt' })
      .setIssuer('samverkan-gateway')
      .setAudience(kommunAudience('1480'))
      .setSubject('e')
      .setIssuedAt(now() - 120)
      .setExpirationTime(now() - 60)
      .sign(gatewayKey.privateKey);
    expect((await verify(bearer(stale))).rejected).toBe('the gateway assertion was refused: the token has expired');
  });

  it('a token of the identity provider dressed as an assertion is refused', async () => {
    const c = await verify(bearer(await mintToken(EDITOR, { key: idpKeys[0], issuer: 'samverkan-gateway', audience: kommunAudience('1480') })));
    expect(c.identity).toBeNull();
    expect(c.rejected).toMatch(/^the gateway assertion was refused: /);
  });

  it('a service without GATEWAY_JWKS_URL takes an assertion for an ordinary token and refuses it', async () => {
    const plain = createTokenVerifier({ jwksUrl: idp.url, issuer: 'samverkan', audience: 'samverkan' });
    const c = await plain(bearer(await signer().signAssertion(EDITOR, kommunAudience('1480'))));
    expect(c.identity).toBeNull();
  });

  it('writes refuse an identity that came from an assertion', () => {
    const asserted = { identity: EDITOR, via: 'assertion' as const };
    expect(() => requireKommunEditor(asserted, '1480')).toThrow(/gateway assertion cannot write/);
    expect(() => requireRegionEditor({ identity: REGION, via: 'assertion' })).toThrow(/gateway assertion cannot write/);
    expect(requireKommunEditor({ identity: EDITOR, via: 'token' }, '1480')).toEqual(EDITOR);
  });
});

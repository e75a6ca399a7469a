import { createAssertionSigner, generateSigningKey, readKeyFile, type AssertionSigner, type Logger } from '@samverkan/server-kit';
import type { GatewayConfig } from './config';

/**
 * The gateway's assertions: when a subgraph must know who asks for a read, the gateway does not
 * pass the caller's token on (that travels only with a write, to its owner). It signs an
 * assertion of its own instead: `signAssertion(identity, audience)` gives a JWT of at most 60 s,
 * `iss` GATEWAY_ISSUER, `aud` one subgraph (`kommunAudience(code)` or `REGION_AUDIENCE`), the
 * caller's `sub`, `role` and `municipality`. A subgraph configured with GATEWAY_JWKS_URL accepts
 * it for reads addressed to itself, and refuses it for every write.
 */
export async function createGatewayAssertions(config: GatewayConfig, logger: Logger): Promise<AssertionSigner> {
  const keys = config.GATEWAY_SIGNING_KEY_FILE ? await readKeyFile(config.GATEWAY_SIGNING_KEY_FILE) : [await generateSigningKey()];
  if (!config.GATEWAY_SIGNING_KEY_FILE) {
    logger.info({ kid: keys[0].kid }, 'assertion key generated at start (GATEWAY_SIGNING_KEY_FILE unset); replicas need a shared key file');
  }
  return createAssertionSigner(keys, { issuer: config.GATEWAY_ISSUER, ttlS: config.ASSERTION_TTL_S });
}

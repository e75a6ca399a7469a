import { ConfigError, stopOnSignals } from '@samverkan/common';
import { readGatewayConfig } from './config';
import { createGateway } from './server';

/** Starts the regional gateway from its environment (see README.md). */
async function main(): Promise<void> {
  const gateway = await createGateway(readGatewayConfig());
  await gateway.start();
  stopOnSignals(() => gateway.stop());
}

main().catch((err) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});

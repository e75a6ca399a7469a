import { ConfigError } from '@samverkan/common';
import { readGatewayConfig } from './config';
import { createGateway } from './server';

/** Starts the regional gateway from its environment (see README.md). */
async function main(): Promise<void> {
  const gateway = await createGateway(readGatewayConfig());
  await gateway.start();
  const stop = () => void gateway.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});

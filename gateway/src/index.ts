// First: tracing instruments the HTTP modules before the server loads them.
import { stopTracing } from './tracing';
import { ConfigError, stopOnSignals } from '@samverkan/server-kit';
import { readGatewayConfig } from './config';
import { createGateway } from './server';

/** Starts the regional gateway from its environment (see README.md). */
async function main(): Promise<void> {
  // A stray rejection is logged, never allowed to end the gateway that every kommun's users share.
  process.on('unhandledRejection', (err) => console.error('unhandled rejection (logged; the gateway goes on):', err));
  const gateway = await createGateway(readGatewayConfig());
  await gateway.start();
  stopOnSignals(async () => {
    await gateway.stop();
    await stopTracing?.();
  });
}

main().catch((err) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});

import 'reflect-metadata';
// First: tracing instruments the HTTP modules before the server loads them.
import { stopTracing } from './tracing';
import { ConfigError, stopOnSignals } from '@samverkan/server-kit';
import { readKommunConfig } from './config';
import { createKommunServer } from './server';

/** Starts one kommun's subgraph from its environment (see README.md). */
async function main(): Promise<void> {
  const server = await createKommunServer(readKommunConfig());
  await server.start();
  stopOnSignals(async () => {
    await server.stop();
    await stopTracing?.();
  });
}

main().catch((err) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});

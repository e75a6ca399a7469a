import 'reflect-metadata';
import { ConfigError, stopOnSignals } from '@samverkan/common';
import { readKommunConfig } from './config';
import { createKommunServer } from './server';

/** Starts one kommun's subgraph from its environment (see README.md). */
async function main(): Promise<void> {
  const server = await createKommunServer(readKommunConfig());
  await server.start();
  stopOnSignals(() => server.stop());
}

main().catch((err) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});

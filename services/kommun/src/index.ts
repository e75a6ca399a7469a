import 'reflect-metadata';
import { ConfigError } from '@samverkan/common';
import { readKommunConfig } from './config';
import { createKommunServer } from './server';

/** Starts one kommun's subgraph from its environment (see README.md). */
async function main(): Promise<void> {
  const server = await createKommunServer(readKommunConfig());
  await server.start();
  const stop = () => void server.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});

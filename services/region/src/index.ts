import 'reflect-metadata';
import { ConfigError } from '@samverkan/common';
import { readRegionConfig } from './config';
import { DataFileError } from './manifest';
import { createRegionServer } from './server';

/** Starts the region's subgraph from its environment (see config.ts and README.md). */
async function main(): Promise<void> {
  const server = await createRegionServer(readRegionConfig());
  await server.start();
  const stop = () => void server.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err) => {
  console.error(err instanceof ConfigError || err instanceof DataFileError ? err.message : err);
  process.exit(1);
});

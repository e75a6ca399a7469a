import 'reflect-metadata';
// First: tracing instruments the HTTP modules before the server loads them.
import { stopTracing } from './tracing';
import { ConfigError, stopOnSignals } from '@samverkan/server-kit';
import { readRegionConfig } from './config';
import { DataFileError } from './manifest';
import { createRegionServer } from './server';

/** Starts the region's subgraph from its environment (see config.ts and README.md). */
async function main(): Promise<void> {
  const server = await createRegionServer(readRegionConfig());
  await server.start();
  stopOnSignals(async () => {
    await server.stop();
    await stopTracing?.();
  });
}

main().catch((err) => {
  console.error(err instanceof ConfigError || err instanceof DataFileError ? err.message : err);
  process.exit(1);
});

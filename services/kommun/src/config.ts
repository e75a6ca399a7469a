import { z } from 'zod';
import { assertionEnv, authEnv, env, readConfig, metricsEnv, suggestionEnv } from '@samverkan/server-kit';

/**
 * Everything a kommun's subgraph reads from its environment. A wrong value stops the start with
 * a message naming the variable.
 */
export const kommunEnv = {
  /** The kommun's 4-digit SCB kommunkod (required). A comma-separated list serves several from one database. */
  KOMMUNKOD: env.kommunkoder(),
  /** PostgreSQL URL of the kommun's own database (required). */
  DATABASE_URL: env.postgresUrl(),
  /** HTTP and WebSocket port. Default 4001. */
  PORT: env.port(4001),
  /** Interface to listen on. Default 127.0.0.1; use 0.0.0.0 in a container. */
  HOST: z.string().default('127.0.0.1'),
  /** Connections in the database pool. Default 10. */
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  /** Apply pending migrations at start. Default true. */
  MIGRATE_ON_START: env.bool(true),
  LOG_LEVEL: env.logLevel(),
  /** The region subgraph, whose catalogue (programmes, development areas, initiatives) the kommun reads at run time. Unset: schema/catalogue.json as committed. */
  REGION_URL: z.url({ message: 'must be the URL of the region subgraph' }).optional(),
  /** How long the region's catalogue is used before it is read again, in ms. Default 60000. */
  CATALOGUE_MAX_AGE_MS: z.coerce.number().int().min(0).max(86_400_000).default(60_000),
  ...authEnv,
  ...assertionEnv,
  ...suggestionEnv,
  ...metricsEnv,
};

export type KommunConfig = ReturnType<typeof readKommunConfig>;

export function readKommunConfig(source: NodeJS.ProcessEnv = process.env) {
  return readConfig(kommunEnv, source);
}

import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { assertionEnv, authEnv, env, readConfig, metricsEnv, suggestionEnv } from '@samverkan/server-kit';

/** The repository root: data file paths are resolved from here, whatever the working directory. */
export const REPO_ROOT = join(__dirname, '../../..');

/** A committed JSON data file: an absolute path, or one relative to the repository root. */
const dataFile = (fallback: string) =>
  z
    .string()
    .optional()
    .transform((p) => resolve(REPO_ROOT, p ?? fallback))
    .refine((p) => existsSync(p), 'must name an existing JSON file (relative paths start at the repository root)');

/**
 * Where each member's subgraph answers: `{port}` and `{code}` are filled from the manifest. A URL
 * without either gives every member the same subgraph: one combined instance for all of them.
 */
const urlTemplate = () =>
  z
    .string()
    .optional()
    .transform((t) => t ?? 'http://127.0.0.1:{port}/graphql')
    .refine(
      (t) => /^https?:\/\/\S+$/.test(t),
      'must be an http(s) URL, usually containing {port} or {code}, e.g. http://127.0.0.1:{port}/graphql',
    );

/**
 * Everything the region's subgraph reads from its environment. A wrong value stops the start with
 * a message naming the variable.
 */
export const regionEnv = {
  /** PostgreSQL URL of the region's own database (required). */
  DATABASE_URL: env.postgresUrl(),
  /** HTTP port. Default 4100. */
  PORT: env.port(4100),
  /** Interface to listen on. Default 127.0.0.1; use 0.0.0.0 in a container. */
  HOST: z.string().default('127.0.0.1'),
  /** Connections in the database pool. Default 10. */
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  /** Apply pending migrations at start. Default true. */
  MIGRATE_ON_START: env.bool(true),
  /** The region manifest (id, name, members). Default `schema/regions/gr.json`, from the repository root. */
  REGION_MANIFEST: dataFile('schema/regions/gr.json'),
  /** The catalogues (areas, agreements, networks, programmes, initiatives). Default `schema/catalogue.json`. */
  REGION_CATALOGUE: dataFile('schema/catalogue.json'),
  /**
   * Seed an empty database from the manifest and catalogue at start. Default true, so that a
   * fresh machine serves the demo region as it is; a database holding a region is never touched.
   */
  SEED_WHEN_EMPTY: env.bool(true),
  /** Members' subgraph URLs when seeding. Default `http://127.0.0.1:{port}/graphql`. */
  KOMMUN_URL_TEMPLATE: urlTemplate(),
  LOG_LEVEL: env.logLevel(),
  ...authEnv,
  ...assertionEnv,
  ...suggestionEnv,
  ...metricsEnv,
};

export type RegionConfig = ReturnType<typeof readRegionConfig>;

/** Reads and checks the region subgraph's configuration (see `regionEnv` for each variable). */
export function readRegionConfig(source: NodeJS.ProcessEnv = process.env) {
  return readConfig(regionEnv, source);
}

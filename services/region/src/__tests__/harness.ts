import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mintToken, type Identity } from '@samverkan/server-kit';
import { createTestDatabase, postGraphQL, type TestDatabase } from '@samverkan/testing';
import { readRegionConfig, REPO_ROOT } from '../config';
import { createRegionServer, type RegionServer } from '../server';

export const SECRET = 'test-secret-0123456789-abcdefghijklmnop';

/** The committed data files, read as plain JSON: tests compute what they expect from these. */
export const GR_FILE = join(REPO_ROOT, 'schema/regions/gr.json');
export const CATALOGUE_FILE = join(REPO_ROOT, 'schema/catalogue.json');
export function readJson<T = any>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

export interface RegionHarness {
  url: string;
  server: RegionServer;
  database: TestDatabase;
  /** POSTs an operation, optionally with a bearer token. */
  gql<T = any>(query: string, variables?: Record<string, unknown>, token?: string): ReturnType<typeof postGraphQL<T>>;
  token(identity: Identity, options?: { expiresIn?: string | number; secret?: string; audience?: string }): Promise<string>;
  regionEditor(): Promise<string>;
  kommunEditor(code: string): Promise<string>;
  stop(): Promise<void>;
}

/**
 * A real region subgraph on a free port over a fresh database on the real PostgreSQL server,
 * seeded from gr.json and the catalogue at start unless `seed` is false.
 */
export async function startRegion(options: { seed?: boolean; env?: Record<string, string> } = {}): Promise<RegionHarness> {
  const database = await createTestDatabase();
  const config = readRegionConfig({
    DATABASE_URL: database.url,
    JWT_SECRET: SECRET,
    LOG_LEVEL: 'silent',
    SEED_WHEN_EMPTY: options.seed === false ? 'false' : 'true',
    DB_POOL_SIZE: '4',
    ...options.env,
  });
  const server = await createRegionServer(config);
  const url = await server.start(0, '127.0.0.1');
  const token: RegionHarness['token'] = (identity, o = {}) =>
    mintToken(identity, { secret: o.secret ?? SECRET, audience: o.audience, expiresIn: o.expiresIn });
  return {
    url,
    server,
    database,
    gql: (query, variables, bearer) => postGraphQL(url, query, variables, bearer ? { authorization: `Bearer ${bearer}` } : {}),
    token,
    regionEditor: () => token({ role: 'region-editor', subject: 'region-editor' }),
    kommunEditor: (code) => token({ role: 'kommun-editor', subject: `editor-${code}`, municipality: code }),
    async stop() {
      await server.stop();
      await database.drop();
    },
  };
}

export const TABLES = ['region', 'member', 'agreement', 'development_area', 'network', 'funding_programme', 'joint_initiative', 'audit_log'];

/** Every row of every region table, its audit log too, for comparing a database before and after a refused write. */
export async function snapshot(h: RegionHarness): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const table of TABLES) out[table] = await h.server.db.query(`SELECT * FROM ${table} ORDER BY 1`);
  return out;
}

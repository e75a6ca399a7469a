import { mintToken, type Identity, type Logger } from '@samverkan/server-kit';
import { createTestDatabase, postGraphQL, type TestDatabase } from '@samverkan/testing';
import { readKommunConfig } from '../config';
import { createKommunServer, type KommunServer } from '../server';
import { seedKommun } from '../seed/seeder';
import type { KommunSeed } from '../seed/types';

export const SECRET = 'test-secret-0123456789-abcdefghijklmnop';

export interface KommunHarness {
  url: string;
  server: KommunServer;
  database: TestDatabase;
  /** POSTs an operation, optionally with a bearer token. */
  gql<T = any>(query: string, variables?: Record<string, unknown>, token?: string): ReturnType<typeof postGraphQL<T>>;
  token(identity: Identity, options?: { expiresIn?: string | number; secret?: string; audience?: string }): Promise<string>;
  editor(code: string): Promise<string>;
  stop(): Promise<void>;
}

/**
 * A real kommun subgraph on a free port over a fresh database on the real PostgreSQL server.
 * `via` gives the URL the service connects with instead (a proxy in front of the database);
 * `logger`, the service's logger (else none: LOG_LEVEL silent).
 */
export async function startKommun(codes: string[], seeds: KommunSeed[] = [], options: { via?: (url: string) => Promise<string>; logger?: Logger } = {}): Promise<KommunHarness> {
  const database = await createTestDatabase();
  const config = readKommunConfig({
    KOMMUNKOD: codes.join(','),
    DATABASE_URL: options.via ? await options.via(database.url) : database.url,
    JWT_SECRET: SECRET,
    LOG_LEVEL: 'silent',
    DB_POOL_SIZE: '4',
  });
  const server = await createKommunServer(config, options.logger);
  for (const seed of seeds) await seedKommun(server.db, seed);
  const url = await server.start(0, '127.0.0.1');
  const token: KommunHarness['token'] = (identity, options = {}) =>
    mintToken(identity, { secret: options.secret ?? SECRET, audience: options.audience, expiresIn: options.expiresIn });
  return {
    url,
    server,
    database,
    gql: (query, variables, bearer) => postGraphQL(url, query, variables, bearer ? { authorization: `Bearer ${bearer}` } : {}),
    token,
    editor: (code) => token({ role: 'kommun-editor', subject: `editor-${code}`, municipality: code }),
    async stop() {
      await server.stop();
      await database.drop();
    },
  };
}

/** Every row of the kommun's tables, its audit log too, for comparing a database before and after a refused write. */
export async function snapshot(h: KommunHarness): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const table of ['project', 'funding', 'partner', 'project_area', 'membership', 'twin_town', 'strategy', 'audit_log']) {
    out[table] = await h.server.db.query(`SELECT * FROM ${table} ORDER BY 1, 2`);
  }
  return out;
}

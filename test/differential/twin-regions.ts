import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { connectAndMigrate } from '@samverkan/subgraph-kit';
import { dropDatabase, ensureDatabase, postGraphQL, testDatabaseName, TEST_SERVER_URL, withDatabase, type GraphQLBody } from '@samverkan/testing';
import { createDataSource } from '@samverkan/kommun/src/data-source';
import { freePort, readManifest, REPO_ROOT, runService, runToCompletion, waitForHealth, type ServiceProcess } from '@samverkan/region-runner';
import { Client } from 'pg';
import { startE2ERegion, type E2ERegion } from '../e2e/harness';

/**
 * The same region data served twice, for differential testing of the gateway:
 *
 * - `sharded`: GR's 13 kommuner, each its own subgraph over its own database, behind the gateway
 *   as 13 shards (the e2e harness's region);
 * - `combined`: one kommun-subgraph instance holding all 13 kommuner in one database, registered
 *   as every member's subgraph URL of a second region subgraph and gateway, which therefore asks
 *   that one shard for everything.
 *
 * Identical ids. A project's id is `<kommunkod>:project:<local id>`, the local id a serial of the
 * database it lives in, so thirteen databases numbered from 1 could not be copied into one (the
 * local ids would collide) and one database seeded kommun by kommun numbers differently. So:
 * 1. each sharded database is created and migrated first, and its sequences (project, funding,
 *    partner, membership, twin town) are set to a range of its own: kommun i of the codes in
 *    *descending* order numbers from (i + 1) × 100,000 + 1. Local ids are then unique across the region,
 *    and their order is the reverse of the kommunkod order, so that nothing in the combined
 *    instance can agree with the gateway merely because id order and kommunkod order coincide;
 * 2. the region starts as usual and seeds every kommun (`seedKommun(demoSeedFor(code, n))`, the
 *    seed-pages' facts plus `n` synthetic projects) with those sequences;
 * 3. a few edge-case projects are written through the sharded gateway (`EDGE_PROJECTS`): the same
 *    title, start date and budget in several kommuner (ties broken by kommunkod), titles outside
 *    the Basic Multilingual Plane and just below U+FFFF (code point order), a project without a
 *    budget;
 * 4. every row of every kommun table of the 13 databases is copied as it is (ids, timestamps and
 *    all, the generated `search` column recomputed) into the combined database, and its sequences
 *    are set past the largest id.
 * Both sides then hold the same rows under the same ids; only the subgraph URLs in the two
 * registries differ (`Municipality.subgraphUrl`, which the generator never asks for).
 */
export interface TwinRegions {
  sharded: E2ERegion;
  /** The combined side: its gateway, region subgraph, kommun instance and database. */
  combined: { gatewayUrl: string; regionUrl: string; kommunUrl: string; databaseUrl: string; processes: ServiceProcess[] };
  codes: string[];
  /** Asks the same operation of both gateways. */
  ask(query: string, variables?: Record<string, unknown>): Promise<{ sharded: Answer; combined: Answer }>;
  stop(): Promise<void>;
}

export interface Answer {
  status: number;
  body: GraphQLBody;
}

export interface TwinOptions {
  /** Synthetic projects per kommun (besides the seed pages' facts). Default 20. */
  syntheticProjects?: number;
  echo?: (line: string) => void;
}

/** The kommun tables, parents first; `id` columns are serials except in project_area and strategy. */
const TABLES = ['project', 'funding', 'partner', 'project_area', 'membership', 'twin_town', 'strategy'] as const;
const SEQUENCES = ['project_id_seq', 'funding_id_seq', 'partner_id_seq', 'membership_id_seq', 'twin_town_id_seq'] as const;
const SERIAL_TABLES = ['project', 'funding', 'partner', 'membership', 'twin_town'] as const;
const ID_RANGE = 100_000;

/**
 * Projects that make ties and code-point orders observable across shards. Written through the
 * sharded gateway by each kommun's editor, so that both sides get them by the copy.
 */
export const EDGE_PROJECTS: Array<{ municipality: string; title: string; startDate: string; budget?: { total: number; euCofinancing: number }; developmentAreas: string[]; funding: Array<{ programme: string; amount: number }> }> = [
  // The same title, start date and budget in three kommuner: the order falls to (kommunkod, id).
  ...['1480', '1481', '1384'].map((municipality) => ({
    municipality,
    title: 'Samverkan kring EU-fonder',
    startDate: '2024-01-01',
    budget: { total: 1_000_000, euCofinancing: 400_000 },
    developmentAreas: ['EU-FUNDS'],
    funding: [{ programme: 'ESFPLUS-2021-2027', amount: 400_000 }],
  })),
  // Code point order: U+FF5E and U+E000 come before U+1F600 and U+1D50A, though their UTF-16 code units do not.
  { municipality: '1401', title: '\uFF5E Fullbreddsprojektet', startDate: '2023-05-01', budget: { total: 250_000.5, euCofinancing: 0 }, developmentAreas: ['EU-PARTNERS'], funding: [] },
  { municipality: '1402', title: '\u{1F600} Glada projektet', startDate: '2023-05-01', budget: { total: 250_000.5, euCofinancing: 0 }, developmentAreas: ['EU-PARTNERS'], funding: [] },
  { municipality: '1407', title: '\uE000 Privata tecknet', startDate: '2022-09-15', developmentAreas: ['EU-PARTNERS', 'EU-NETWORKS'], funding: [] },
  { municipality: '1415', title: '\u{1D50A} Frakturprojektet', startDate: '2022-09-15', budget: { total: 0.1, euCofinancing: 0.1 }, developmentAreas: ['EU-NETWORKS'], funding: [{ programme: 'INTERREG-EUROPE-2021-2027', amount: 0.1 }] },
  { municipality: '1419', title: '\u00C5 Ångbåtsprojektet', startDate: '2022-09-15', budget: { total: 0.2, euCofinancing: 0.2 }, developmentAreas: ['EU-NETWORKS'], funding: [{ programme: 'INTERREG-EUROPE-2021-2027', amount: 0.2 }] },
];

export async function startTwinRegions(options: TwinOptions = {}): Promise<TwinRegions> {
  const prefix = testDatabaseName('samverkan_e2e', `fz${randomBytes(3).toString('hex')}`);
  const codes = readManifest(join(REPO_ROOT, 'schema/regions/gr.json')).members.map((m) => m.code);
  const descending = [...codes].sort().reverse();
  const created: string[] = [];
  const processes: ServiceProcess[] = [];
  let sharded: E2ERegion | undefined;
  const cleanUp = async () => {
    await Promise.allSettled([...processes].reverse().map((p) => p.stop()));
    await sharded?.stop();
    await Promise.allSettled(created.map((db) => dropDatabase(TEST_SERVER_URL, db)));
  };
  try {
    // 1. The sharded databases, migrated, each with its own range of local ids.
    // Created one by one, migrated a few at a time (a connection each).
    for (const code of codes) {
      const name = `${prefix}_k${code}`;
      created.push(name);
      await ensureDatabase(TEST_SERVER_URL, name);
    }
    const waiting = [...codes];
    const migrateNext = async (): Promise<void> => {
      for (let code = waiting.shift(); code; code = waiting.shift()) {
        const ds = createDataSource({ url: withDatabase(TEST_SERVER_URL, `${prefix}_k${code}`), poolSize: 1 });
        try {
          await connectAndMigrate(ds);
          const start = (descending.indexOf(code) + 1) * ID_RANGE;
          for (const seq of SEQUENCES) await ds.query(`SELECT setval('${seq}', $1)`, [start]);
        } finally {
          await ds.destroy();
        }
      }
    };
    const migrated = await Promise.allSettled([migrateNext(), migrateNext(), migrateNext(), migrateNext()]);
    for (const m of migrated) if (m.status === 'rejected') throw m.reason;
    // 2. The sharded region, seeding every kommun with those sequences.
    const shardTimeoutMs = 10_000;
    const gatewayEnv = { REQUEST_TIMEOUT_MS: '30000' };
    sharded = await startE2ERegion({ databasePrefix: prefix, syntheticProjects: options.syntheticProjects ?? 20, shardTimeoutMs, gatewayEnv, echo: options.echo });
    created.push(`${prefix}_region`);

    // 3. The edge cases, through the sharded gateway.
    for (const p of EDGE_PROJECTS) {
      const token = await sharded.token({ role: 'kommun-editor', subject: 'differential', municipality: p.municipality });
      const { body } = await sharded.gql(
        'mutation($input: ProjectInput!) { createProject(input: $input) { id } }',
        { input: { municipality: p.municipality, title: p.title, status: 'ONGOING', startDate: p.startDate, budget: p.budget, developmentAreas: p.developmentAreas, funding: p.funding } },
        token,
      );
      if (body.errors) throw new Error(`edge project ${JSON.stringify(p.title)} was refused: ${JSON.stringify(body.errors)}`);
    }

    // 4. The combined database: every row of the 13, as they are.
    const combinedDb = `${prefix}_combined`;
    created.push(combinedDb);
    await ensureDatabase(TEST_SERVER_URL, combinedDb);
    const combinedUrl = withDatabase(TEST_SERVER_URL, combinedDb);
    const ds = createDataSource({ url: combinedUrl, poolSize: 1 });
    try {
      await connectAndMigrate(ds);
    } finally {
      await ds.destroy();
    }
    await copyKommunRows(codes.map((c) => sharded!.databases.get(c)!), combinedUrl);

    // The combined kommun instance, its region subgraph (every member's URL is the combined one) and gateway.
    const env = { JWT_JWKS_URL: sharded.idp.jwksUrl, LOG_LEVEL: 'warn', HOST: '127.0.0.1' };
    const kommunPort = await freePort();
    const kommun = runService('combined-kommun', 'services/kommun/src/cli/serve-many.ts', {
      ...env,
      DB_POOL_SIZE: '2',
      SEED: 'never',
      KOMMUN_INSTANCES: JSON.stringify([{ code: codes.join(','), databaseUrl: combinedUrl, port: kommunPort }]),
    }, { echo: options.echo, timeoutMs: 120_000 });
    processes.push(kommun);
    // Where it will listen (its READY line must say so): the region subgraph starts meanwhile, every member at that URL.
    const kommunUrl = `http://127.0.0.1:${kommunPort}/graphql`;

    const regionDb = `${prefix}_regionb`;
    created.push(regionDb);
    const regionPort = await freePort();
    const regionEnv = { ...env, DATABASE_URL: withDatabase(TEST_SERVER_URL, regionDb), PORT: String(regionPort), DB_POOL_SIZE: '2', KOMMUN_URL_TEMPLATE: kommunUrl };
    const regionReady = (async () => {
      await ensureDatabase(TEST_SERVER_URL, regionDb);
      await runToCompletion('combined-region-seed', 'services/region/src/cli/seed.ts', regionEnv, options.echo);
      const region = runService('combined-region', 'services/region/src/index.ts', regionEnv, { echo: options.echo });
      processes.push(region);
      await Promise.race([waitForHealth(`http://127.0.0.1:${regionPort}/health`, 60_000), region.ready]);
    })();
    // Both settle before anything is judged, so that no process starts after a failure's clean-up.
    const [kommunReady, regionStarted] = await Promise.allSettled([kommun.ready, regionReady]);
    if (kommunReady.status === 'rejected') throw kommunReady.reason;
    if (regionStarted.status === 'rejected') throw regionStarted.reason;
    const listening = kommunReady.value[0].split(' ')[2];
    if (listening !== kommunUrl) throw new Error(`the combined kommun listens at ${listening}, not at ${kommunUrl} as its region's registry says`);
    const regionUrl = `http://127.0.0.1:${regionPort}/graphql`;

    const gatewayPort = await freePort();
    const gateway = runService('combined-gateway', 'gateway/src/index.ts', {
      ...env,
      PORT: String(gatewayPort),
      REGION_URL: regionUrl,
      SHARD_TIMEOUT_MS: String(shardTimeoutMs),
      MEMBERS_REFRESH_MS: '300',
      ...gatewayEnv,
    }, { echo: options.echo });
    processes.push(gateway);
    await Promise.race([waitForHealth(`http://127.0.0.1:${gatewayPort}/health`, 60_000, true), gateway.ready]);
    const gatewayUrl = `http://127.0.0.1:${gatewayPort}/graphql`;

    const twins: TwinRegions = {
      sharded,
      combined: { gatewayUrl, regionUrl, kommunUrl, databaseUrl: combinedUrl, processes },
      codes,
      async ask(query, variables) {
        const [a, b] = await Promise.all([postGraphQL(sharded!.gatewayUrl, query, variables), postGraphQL(gatewayUrl, query, variables)]);
        return { sharded: a, combined: b };
      },
      stop: cleanUp,
    };
    await waitUntilBothServeEveryMember(twins);
    return twins;
  } catch (err) {
    await cleanUp();
    throw err;
  }
}

/**
 * Copies every row of the kommun tables from each source database into `target`, ids included;
 * `search` is generated and recomputed. One transaction, quiet (no change events), then each
 * sequence is set past the largest id.
 */
async function copyKommunRows(sources: string[], target: string): Promise<void> {
  const into = new Client({ connectionString: target });
  await into.connect();
  try {
    const columns = new Map<string, string[]>();
    for (const table of TABLES) {
      const { rows } = await into.query<{ column_name: string }>(
        `SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1 AND is_generated = 'NEVER' ORDER BY ordinal_position`,
        [table],
      );
      columns.set(table, rows.map((r) => r.column_name));
    }
    await into.query('BEGIN');
    await into.query(`SELECT set_config('samverkan.quiet', 'on', true)`);
    for (const source of sources) {
      const from = new Client({ connectionString: source });
      await from.connect();
      try {
        for (const table of TABLES) {
          const list = columns.get(table)!.map((c) => `"${c}"`).join(', ');
          // The rows travel as JSON text, never parsed in between: numbers, dates and timestamps stay exact.
          const { rows } = await from.query<{ rows: string | null }>(`SELECT json_agg(t)::text AS rows FROM (SELECT ${list} FROM ${table}) t`);
          if (!rows[0].rows) continue;
          await into.query(`INSERT INTO ${table} (${list}) SELECT ${list} FROM json_populate_recordset(null::${table}, $1::json)`, [rows[0].rows]);
        }
      } finally {
        await from.end();
      }
    }
    for (const table of SERIAL_TABLES) {
      await into.query(`SELECT setval('${table}_id_seq', coalesce((SELECT max(id) FROM ${table}), 0) + 1, false)`);
    }
    await into.query('COMMIT');
  } catch (err) {
    await into.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    await into.end();
  }
}

/** Both gateways have read their registries and checked every member (the combined one 13 times over). */
async function waitUntilBothServeEveryMember(twins: TwinRegions): Promise<void> {
  const query = '{ projectStats(groupBy: [MUNICIPALITY]) { key count } }';
  const until = Date.now() + 60_000;
  let last = '';
  while (Date.now() < until) {
    const { sharded, combined } = await twins.ask(query);
    const ok = (a: Answer) => !a.body.errors && a.body.data?.projectStats?.length === twins.codes.length;
    if (ok(sharded) && ok(combined)) return;
    last = JSON.stringify({ sharded: sharded.body, combined: combined.body }).slice(0, 600);
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the two gateways did not come to serve all ${twins.codes.length} kommuner: ${last}`);
}

import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dropDatabase, ensureDatabase, withDatabase } from '@samverkan/subgraph-kit/database-admin';
import { ensurePostgres, type PostgresServer } from './postgres';
import { readManifest, type RegionManifest } from './manifest';
import { freePort, REPO_ROOT, runService, runToCompletion, waitForHealth, type ServiceProcess } from './processes';

export { freePort };

export interface RegionOptions {
  /** Region manifest. Default schema/regions/gr.json. */
  manifestFile?: string;
  /** A PostgreSQL server URL; without one an embedded PostgreSQL runs from `dataDir`. */
  databaseUrl?: string;
  /** Embedded PostgreSQL's data directory. Default .data/postgres in the repo. */
  dataDir?: string;
  /** Embedded PostgreSQL's port. Default 54329. */
  embeddedPort?: number;
  /** Gateway port. Default 4000. */
  gatewayPort?: number;
  /** Region subgraph port. Default 4100. Kommun ports come from the manifest. */
  regionPort?: number;
  /** Give every service a free port instead (tests). */
  freePorts?: boolean;
  /** Database names start with this. Default `samverkan_<region id>`. */
  databasePrefix?: string;
  /** `if-empty` (default): seed a database that has no data; `always`: replace the data. */
  seed?: 'if-empty' | 'always';
  /** Generated projects per kommun when seeding. Default 200. */
  syntheticProjects?: number;
  /**
   * The identity provider's JWKS URL every service verifies editors' tokens with (`npm start`
   * serves a development one). One of jwksUrl or jwtSecret.
   */
  jwksUrl?: string;
  /** An HS256 secret instead: single-kommun development only (every holder can mint any token). */
  jwtSecret?: string;
  /** More token settings for every service (JWT_MAX_AGE, JWT_CLOCK_SKEW_S, JWT_JWKS_CACHE_MS, …). */
  authEnv?: Record<string, string>;
  /** Processes hosting the kommun subgraphs (members are spread over them). Default 1. */
  kommunProcesses?: number;
  /** Connections per kommun database pool. Default 4. */
  kommunPoolSize?: number;
  /** Connections in the region subgraph's database pool. Default 10. */
  regionPoolSize?: number;
  shardTimeoutMs?: number;
  membersRefreshMs?: number;
  logLevel?: string;
  /** More settings for the gateway (see gateway/src/config.ts). */
  gatewayEnv?: Record<string, string>;
  /** Node's own flags for the gateway process, e.g. `--cpu-prof` (which NODE_OPTIONS refuses). */
  gatewayNodeFlags?: string[];
  /** Extra environment for every service process (the kommun hosts, the region subgraph and the gateway). */
  serviceEnv?: Record<string, string>;
  /** Where the services' log lines go. */
  echo?: (line: string) => void;
  /**
   * The port the region's registry gives for a kommun, given its subgraph's own URL: lets a test
   * put something (a counting or delaying proxy) between the gateway and each kommun from the start.
   */
  memberPort?: (code: string, url: string) => Promise<number>;
}

export interface RunningRegion {
  manifest: RegionManifest;
  gatewayUrl: string;
  regionUrl: string;
  /** Each kommun's own subgraph URL. */
  kommuner: Map<string, string>;
  postgres: PostgresServer;
  /** Database URL of each kommun, and of the region (`region`). */
  databases: Map<string, string>;
  /**
   * The token settings every service of the region runs with (the identity provider's JWKS URL,
   * the gateway's for its assertions): for a further kommun started beside the region.
   */
  serviceEnv: Record<string, string>;
  /** The process hosting a kommun's subgraph. */
  processOf(code: string): ServiceProcess;
  processes: ServiceProcess[];
  stop(options?: { dropDatabases?: boolean }): Promise<void>;
}

/**
 * Starts a whole region: PostgreSQL (embedded when no URL is given), one database per kommun and
 * one for the region (created if missing, migrated, seeded when empty), the kommun subgraphs, the
 * region subgraph and the gateway. Each service is its own process; `stop` ends them all.
 */
export async function startRegion(options: RegionOptions): Promise<RunningRegion> {
  const manifestFile = options.manifestFile ?? join(REPO_ROOT, 'schema/regions/gr.json');
  const manifest = readManifest(manifestFile);
  if (Boolean(options.jwksUrl) === Boolean(options.jwtSecret)) throw new Error('startRegion needs jwksUrl (an identity provider\'s key set) or jwtSecret, not both');
  const processes: ServiceProcess[] = [];
  const port = async (fixed: number) => (options.freePorts ? freePort() : fixed);
  const postgres = await ensurePostgres({
    url: options.databaseUrl,
    dataDir: options.dataDir ?? join(REPO_ROOT, '.data/postgres'),
    port: options.embeddedPort ?? 54329,
    log: options.echo,
  });
  const prefix = options.databasePrefix ?? `samverkan_${manifest.id.replace(/[^a-z0-9]/gi, '').toLowerCase()}`;
  const databases = new Map<string, string>();
  const stopAll = async (drop = false) => {
    await Promise.allSettled([...processes].reverse().map((p) => p.stop()));
    if (drop) await Promise.allSettled([...databases.keys()].map((k) => dropDatabase(postgres.url, dbName(prefix, k))));
    await postgres.stop();
  };
  try {
    for (const key of ['region', ...manifest.members.map((m) => m.code)]) {
      await ensureDatabase(postgres.url, dbName(prefix, key));
      databases.set(key, withDatabase(postgres.url, dbName(prefix, key)));
    }
    // Subgraphs verify callers' tokens with the identity provider's keys and the gateway's
    // assertions with the gateway's: its port is chosen now, its keys are fetched when needed.
    const gatewayPort = await port(options.gatewayPort ?? 4000);
    const serviceEnv: Record<string, string> = {
      // The other of the two is cleared, should the parent's environment hold it.
      ...(options.jwksUrl ? { JWT_JWKS_URL: options.jwksUrl, JWT_SECRET: '' } : { JWT_SECRET: options.jwtSecret!, JWT_JWKS_URL: '' }),
      GATEWAY_JWKS_URL: `http://127.0.0.1:${gatewayPort}/.well-known/jwks.json`,
      ...options.authEnv,
    };
    const env = {
      ...serviceEnv,
      LOG_LEVEL: options.logLevel ?? 'warn',
      HOST: '127.0.0.1',
      ...options.serviceEnv,
    };

    // The region's port is chosen now: the kommuner read its programme catalogue from it at run time.
    const regionPort = await port(options.regionPort ?? 4100);

    // The kommun subgraphs, spread over the host processes.
    const members = await Promise.all(manifest.members.map(async (m) => ({ ...m, port: await port(m.port) })));
    const hosts = Math.max(1, Math.min(options.kommunProcesses ?? 1, members.length));
    const hostOf = new Map<string, ServiceProcess>();
    for (let h = 0; h < hosts; h++) {
      const mine = members.filter((_, i) => i % hosts === h);
      const p = runService(`kommuner-${h + 1}`, 'services/kommun/src/cli/serve-many.ts', {
        ...env,
        DB_POOL_SIZE: String(options.kommunPoolSize ?? 4),
        SEED: options.seed ?? 'if-empty',
        SYNTHETIC_PROJECTS: String(options.syntheticProjects ?? 200),
        REGION_URL: `http://127.0.0.1:${regionPort}/graphql`,
        KOMMUN_INSTANCES: JSON.stringify(mine.map((m) => ({ code: m.code, databaseUrl: databases.get(m.code), port: m.port }))),
      }, { echo: options.echo, timeoutMs: 120_000 });
      processes.push(p);
      for (const m of mine) hostOf.set(m.code, p);
    }
    const kommuner = new Map<string, string>();
    for (const line of (await Promise.all(processes.map((p) => p.ready))).flat()) {
      const [, code, url] = line.split(' ');
      if (code && url) kommuner.set(code, url);
    }

    // The region subgraph, with a manifest whose ports are the ones the kommuner listen on.
    const runManifest = join(mkdtempSync(join(tmpdir(), 'samverkan-')), `${manifest.id}.json`);
    const advertised = await Promise.all(members.map(async (m) => ({ ...m, port: options.memberPort ? await options.memberPort(m.code, kommuner.get(m.code)!) : m.port })));
    writeFileSync(runManifest, JSON.stringify({ ...manifest, members: advertised }, null, 2));
    const regionEnv = { ...env, DATABASE_URL: databases.get('region')!, REGION_MANIFEST: runManifest, PORT: String(regionPort), DB_POOL_SIZE: String(options.regionPoolSize ?? 10) };
    if (options.seed === 'always') {
      await runToCompletion('region-seed', 'services/region/src/cli/seed.ts', regionEnv, options.echo);
    }
    const region = runService('region', 'services/region/src/index.ts', regionEnv, { echo: options.echo });
    processes.push(region);
    const regionUrl = `http://127.0.0.1:${regionPort}/graphql`;
    await Promise.race([waitForHealth(`http://127.0.0.1:${regionPort}/health`, 60_000), region.ready.catch((e) => Promise.reject(e))]);

    const gateway = runService('gateway', 'gateway/src/index.ts', {
      ...env,
      PORT: String(gatewayPort),
      REGION_URL: regionUrl,
      SHARD_TIMEOUT_MS: String(options.shardTimeoutMs ?? 2000),
      MEMBERS_REFRESH_MS: String(options.membersRefreshMs ?? 10_000),
      ...options.gatewayEnv,
    }, { echo: options.echo, nodeFlags: options.gatewayNodeFlags });
    processes.push(gateway);
    await Promise.race([waitForHealth(`http://127.0.0.1:${gatewayPort}/health`, 60_000, true), gateway.ready.catch((e) => Promise.reject(e))]);

    return {
      manifest,
      gatewayUrl: `http://127.0.0.1:${gatewayPort}/graphql`,
      regionUrl,
      kommuner,
      postgres,
      databases,
      processes,
      serviceEnv,
      processOf: (code) => hostOf.get(code)!,
      stop: (o) => stopAll(o?.dropDatabases),
    };
  } catch (err) {
    await stopAll(false);
    throw err;
  }
}

function dbName(prefix: string, key: string): string {
  return `${prefix}_${key === 'region' ? 'region' : `k${key}`}`;
}

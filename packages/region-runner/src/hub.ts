import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dropDatabase, ensureDatabase, withDatabase } from '@samverkan/subgraph-kit/database-admin';
import { freePort, type RunningRegion } from './region';
import type { RegionManifest } from './manifest';
import { runService, runToCompletion, waitForHealth, type ServiceProcess } from './processes';

/** Where a regional gateway answers as a member of a hub above it (gateway/src/member.ts, MEMBER_PATH). */
export const MEMBER_PATH = '/member/graphql';

export interface HubOptions {
  /**
   * The region whose kommun subgraphs the regional gateways serve: its manifest (names, counties,
   * populations), its kommuner's URLs and the token settings of its services.
   */
  region: RunningRegion;
  /** The kommunkoder each regional gateway serves, one list per regional gateway. */
  groups: string[][];
  /** Database names start with this (one database per region subgraph: the regional ones and the national one). */
  databasePrefix: string;
  /** The port a regional registry gives for a kommun. Default: the port of its own subgraph (`region.kommuner`). */
  kommunPort?: (code: string) => Promise<number>;
  /** The port the national registry gives for a regional gateway's member face (a delaying proxy, say). Default its own. */
  memberPort?: (name: string, url: string) => Promise<number>;
  shardTimeoutMs?: number;
  /** How often each gateway re-reads its registry and its members' schemas. Default 10000, as a region's. */
  membersRefreshMs?: number;
  /** For every gateway, regional and national (see gateway/src/config.ts). */
  gatewayEnv?: Record<string, string>;
  regionPoolSize?: number;
  logLevel?: string;
  echo?: (line: string) => void;
}

export interface RunningHub {
  /** The national gateway, over the regional gateways. */
  gatewayUrl: string;
  regionUrl: string;
  regional: Array<{ codes: string[]; gatewayUrl: string; memberUrl: string; regionUrl: string }>;
  processes: ServiceProcess[];
  /** The national gateway's process. */
  gatewayPid: number;
  stop(): Promise<void>;
}

/**
 * A hub of hubs over a running region's kommun subgraphs: for each group of kommuner a regional
 * gateway (MEMBER_FACE=true) with a region subgraph whose registry lists that group, and a
 * national gateway whose region subgraph lists every kommun with its regional gateway's member
 * face as its subgraph URL. The national registry thus holds as many distinct URLs as there are
 * groups, and fans out to those. Every region subgraph is seeded from the same catalogue, so the
 * national gateway answers what the region's own (flat) gateway answers.
 */
export async function startHubOfHubs(options: HubOptions): Promise<RunningHub> {
  const { region } = options;
  const postgresUrl = region.postgres.url;
  const env = { ...region.serviceEnv, LOG_LEVEL: options.logLevel ?? 'warn', HOST: '127.0.0.1' };
  const processes: ServiceProcess[] = [];
  const databases: string[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'samverkan-hub-'));
  const stop = async () => {
    await Promise.allSettled([...processes].reverse().map((p) => p.stop()));
    await Promise.allSettled(databases.map((db) => dropDatabase(postgresUrl, db)));
  };
  const member = (code: string) => {
    const m = region.manifest.members.find((x) => x.code === code);
    if (!m) throw new Error(`kommun ${code} is not a member of ${region.manifest.id}`);
    return m;
  };
  const portOf = (url: string) => Number(new URL(url).port);

  /** A region subgraph (seeded) and a gateway over it; the gateway answers as a member when `asMember`. */
  const startLevel = async (name: string, manifest: RegionManifest, urlTemplate: string, asMember: boolean) => {
    const database = `${options.databasePrefix}_${name}`;
    databases.push(database);
    await ensureDatabase(postgresUrl, database);
    const file = join(dir, `${name}.json`);
    writeFileSync(file, JSON.stringify(manifest, null, 2));
    const regionPort = await freePort();
    const regionEnv = {
      ...env,
      DATABASE_URL: withDatabase(postgresUrl, database),
      REGION_MANIFEST: file,
      PORT: String(regionPort),
      DB_POOL_SIZE: String(options.regionPoolSize ?? 2),
      KOMMUN_URL_TEMPLATE: urlTemplate,
    };
    await runToCompletion(`${name}-region-seed`, 'services/region/src/cli/seed.ts', regionEnv, options.echo);
    const regionProcess = runService(`${name}-region`, 'services/region/src/index.ts', regionEnv, { echo: options.echo });
    processes.push(regionProcess);
    await Promise.race([waitForHealth(`http://127.0.0.1:${regionPort}/health`, 60_000), regionProcess.ready]);
    const regionUrl = `http://127.0.0.1:${regionPort}/graphql`;
    const gatewayPort = await freePort();
    const gateway = runService(`${name}-gateway`, 'gateway/src/index.ts', {
      ...env,
      PORT: String(gatewayPort),
      REGION_URL: regionUrl,
      SHARD_TIMEOUT_MS: String(options.shardTimeoutMs ?? 2000),
      MEMBERS_REFRESH_MS: String(options.membersRefreshMs ?? 10_000),
      MEMBER_FACE: String(asMember),
      ...options.gatewayEnv,
    }, { echo: options.echo });
    processes.push(gateway);
    await Promise.race([waitForHealth(`http://127.0.0.1:${gatewayPort}/health`, 60_000, true), gateway.ready]);
    return { regionUrl, gatewayUrl: `http://127.0.0.1:${gatewayPort}/graphql`, memberUrl: `http://127.0.0.1:${gatewayPort}${MEMBER_PATH}`, gateway };
  };

  try {
    // The regional gateways, each over its group of the region's kommuner (started together).
    const regional = await Promise.all(
      options.groups.map(async (codes, i) => {
        const members = await Promise.all(codes.map(async (code) => ({ ...member(code), port: options.kommunPort ? await options.kommunPort(code) : portOf(region.kommuner.get(code)!) })));
        const manifest: RegionManifest = { ...region.manifest, id: `${region.manifest.id}-r${i + 1}`, name: `${String(region.manifest.name)}, part ${i + 1}`, members };
        const level = await startLevel(`r${i + 1}`, manifest, 'http://127.0.0.1:{port}/graphql', true);
        return { codes, gatewayUrl: level.gatewayUrl, memberUrl: level.memberUrl, regionUrl: level.regionUrl };
      }),
    );
    // The national gateway: every kommun, registered at its regional gateway's member face.
    const members = await Promise.all(
      regional.map(async (r, i) => {
        const port = options.memberPort ? await options.memberPort(`r${i + 1}`, r.memberUrl) : portOf(r.memberUrl);
        return r.codes.map((code) => ({ ...member(code), port }));
      }),
    );
    // The region's own id and name: the national gateway answers `region` as the flat one does.
    const manifest: RegionManifest = { ...region.manifest, members: members.flat() };
    const national = await startLevel('national', manifest, `http://127.0.0.1:{port}${MEMBER_PATH}`, false);
    return { gatewayUrl: national.gatewayUrl, regionUrl: national.regionUrl, regional, processes, gatewayPid: national.gateway.child.pid!, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

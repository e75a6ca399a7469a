import { stringify } from 'yaml';
import type { RegionManifest } from './manifest';

/** The database of a kommun or of the region, the same names the runner uses. */
export const composeDatabase = (key: string) => (key === 'region' ? 'samverkan_region' : `samverkan_k${key}`);

/**
 * docker-compose.yml for a region: one PostgreSQL with a database per kommun and one for the
 * region, a container per kommun subgraph, the region subgraph and the gateway. Generated from the
 * manifest so the two cannot disagree (`npm run compose`).
 */
export function composeFile(manifest: RegionManifest): string {
  const image = { build: { context: '.', dockerfile: 'packages/region-runner/Dockerfile' }, image: 'samverkan:dev' };
  // Tokens are verified with the identity provider's public keys; no container holds a secret
  // that could mint one. Subgraphs verify the gateway's assertions with the gateway's keys.
  const common = { JWT_JWKS_URL: "${JWT_JWKS_URL:?set JWT_JWKS_URL to the identity provider's JSON Web Key Set}", HOST: '0.0.0.0', LOG_LEVEL: 'info' };
  const subgraph = { ...common, GATEWAY_JWKS_URL: 'http://gateway:4000/.well-known/jwks.json' };
  const pg = (db: string) => `postgres://postgres:samverkan@postgres:5432/${db}`;
  const services: Record<string, unknown> = {
    postgres: {
      image: 'postgres:16',
      environment: { POSTGRES_PASSWORD: 'samverkan' },
      command: ['postgres', '-c', 'max_connections=400'],
      volumes: ['pgdata:/var/lib/postgresql/data', './packages/region-runner/docker/initdb.sql:/docker-entrypoint-initdb.d/initdb.sql:ro'],
      healthcheck: { test: ['CMD', 'pg_isready', '-U', 'postgres'], interval: '2s', retries: 30 },
    },
  };
  for (const m of manifest.members) {
    services[`kommun-${m.code}`] = {
      ...image,
      command: ['npm', 'run', 'kommun'],
      environment: { ...subgraph, KOMMUNKOD: m.code, DATABASE_URL: pg(composeDatabase(m.code)), PORT: String(m.port) },
      depends_on: { postgres: { condition: 'service_healthy' } },
      labels: { 'se.samverkan.kommun': m.name },
    };
  }
  services.region = {
    ...image,
    command: ['npm', 'run', 'region'],
    environment: {
      ...subgraph,
      DATABASE_URL: pg(composeDatabase('region')),
      PORT: '4100',
      REGION_MANIFEST: `schema/regions/${manifest.id}.json`,
      KOMMUN_URL_TEMPLATE: 'http://kommun-{code}:{port}/graphql',
    },
    depends_on: { postgres: { condition: 'service_healthy' } },
  };
  services.gateway = {
    ...image,
    command: ['npm', 'run', 'gateway'],
    environment: { ...common, PORT: '4000', REGION_URL: 'http://region:4100/graphql' },
    ports: ['4000:4000'],
    depends_on: ['region', ...manifest.members.map((m) => `kommun-${m.code}`)],
  };
  const header = `# ${manifest.name}: PostgreSQL, ${manifest.members.length} kommun subgraphs, the region subgraph and the gateway.
# Generated from schema/regions/${manifest.id}.json by \`npm run compose\`; a test checks that the two agree.
# JWT_JWKS_URL=https://<identity provider>/.well-known/jwks.json docker compose up   then   http://localhost:4000/graphql
`;
  return header + stringify({ name: `samverkan-${manifest.id}`, services, volumes: { pgdata: {} } }, { lineWidth: 0, aliasDuplicateObjects: false });
}

/** The SQL that creates every database of the region in the compose file's PostgreSQL. */
export function initdbSql(manifest: RegionManifest): string {
  return ['region', ...manifest.members.map((m) => m.code)].map((k) => `CREATE DATABASE ${composeDatabase(k)};`).join('\n') + '\n';
}

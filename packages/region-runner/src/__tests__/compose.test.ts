import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { composeFile, initdbSql } from '../compose';
import { readManifest } from '../manifest';
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
      expect(service.command).toEqual(['npm', 'run', 'kommun']);
      databases.add(new URL(service.environment.DATABASE_URL).pathname);
    }
    expect(databases.size).toBe(manifest.members.length);
    const created = readFileSync(join(REPO_ROOT, 'packages/region-runner/docker/initdb.sql'), 'utf8');
    for (const db of databases) expect(created).toContain(`CREATE DATABASE ${db.slice(1)};`);
  });

  it('has PostgreSQL, the region subgraph pointing at the kommuner, and the gateway pointing at the region', () => {
    const { postgres, region, gateway } = compose.services;
    expect(postgres.image).toMatch(/^postgres:/);
    expect(region.environment.REGION_MANIFEST).toBe(`schema/regions/${manifest.id}.json`);
    for (const m of manifest.members) {
      const url = region.environment.KOMMUN_URL_TEMPLATE.replace('{code}', m.code).replace('{port}', String(m.port));
      const service = compose.services[new URL(url).hostname];
      expect(service.environment.KOMMUNKOD).toBe(m.code);
    }
    expect(new URL(gateway.environment.REGION_URL).hostname).toBe('region');
    expect(gateway.environment.REGION_URL).toContain(`:${region.environment.PORT}/`);
    expect(gateway.depends_on).toEqual(expect.arrayContaining(['region', ...manifest.members.map((m) => `kommun-${m.code}`)]));
  });
});

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { composeFile, initdbSql } from './compose';
import { readManifest } from './manifest';
import { REPO_ROOT } from './processes';

/** Writes docker-compose.yml and its database init script for REGION_MANIFEST (default GR). */
const manifest = readManifest(process.env.REGION_MANIFEST ?? join(REPO_ROOT, 'schema/regions/gr.json'));
writeFileSync(join(REPO_ROOT, 'docker-compose.yml'), composeFile(manifest));
writeFileSync(join(REPO_ROOT, 'packages/region-runner/docker/initdb.sql'), initdbSql(manifest));
console.log('wrote docker-compose.yml and packages/region-runner/docker/initdb.sql');

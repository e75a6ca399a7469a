/**
 * Builds the schema from the entity classes, which carry TypeORM's decorators (not pg).
 * @unit-tier-loads typeorm
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'graphql';
import { composeServices } from '@apollo/composition';
import { REPO_ROOT } from '../config';
import { REGION_SCHEMA_FILE, regionSubgraphSdl } from '../cli/emit-schema';

describe('schema/region.graphql', () => {
  it('is what the code emits (run `npm run schema` after changing the schema)', async () => {
    expect(readFileSync(REGION_SCHEMA_FILE, 'utf8')).toBe(await regionSubgraphSdl());
  });

  it('composes with the kommun contract without errors or hints', () => {
    const sdl = (file: string) => parse(readFileSync(file, 'utf8'));
    const result = composeServices([
      { name: 'kommun', url: 'http://127.0.0.1:4101/graphql', typeDefs: sdl(join(REPO_ROOT, 'schema/kommun.graphql')) },
      { name: 'region', url: 'http://127.0.0.1:4100/graphql', typeDefs: sdl(REGION_SCHEMA_FILE) },
    ]);
    expect(result.errors?.map((e) => e.message)).toBeUndefined();
    expect((result.hints ?? []).map((h) => h.toString())).toEqual([]);
    // The entities the two share carry fields of both.
    const supergraph = result.supergraphSdl ?? '';
    const municipality = /type Municipality[^{]*\{([^}]*)\}/.exec(supergraph)?.[1] ?? '';
    for (const field of ['code', 'name', 'county', 'population', 'subgraphUrl', 'projects', 'memberships', 'twinTowns', 'strategy']) {
      expect(municipality).toMatch(new RegExp(`\\b${field}\\b`));
    }
  });
});

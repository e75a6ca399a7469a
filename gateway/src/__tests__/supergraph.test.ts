import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { composeCommitted, SCHEMA_DIR, supergraphYaml } from '../supergraph';
import { buildContract } from '../shards/contract';
import { loadDeclaration } from '../routing/declaration';

describe('schema/', () => {
  it('supergraph.graphql is the composition of region.graphql and kommun.graphql (run `npm run supergraph`)', () => {
    expect(readFileSync(join(SCHEMA_DIR, 'supergraph.graphql'), 'utf8')).toBe(composeCommitted());
  });

  it('supergraph.yaml names both subgraph files', () => {
    const text = readFileSync(join(SCHEMA_DIR, 'supergraph.yaml'), 'utf8');
    expect(text).toBe(supergraphYaml());
    const yaml = parseYaml(text);
    expect(Object.keys(yaml.subgraphs).sort()).toEqual(['kommun', 'region']);
    expect(yaml.subgraphs.region.schema.file).toBe('./region.graphql');
    expect(yaml.subgraphs.kommun.schema.file).toBe('./kommun.graphql');
  });

  it('kommun.routing.json fits the contract', () => {
    const contract = buildContract(readFileSync(join(SCHEMA_DIR, 'kommun.graphql'), 'utf8'));
    const decl = loadDeclaration(join(SCHEMA_DIR, 'kommun.routing.json'), contract);
    // Every mutation of the contract is routed: none could reach the wrong kommun.
    for (const name of Object.keys(contract.getMutationType()!.getFields())) expect(decl.route).toHaveProperty([`Mutation.${name}`]);
  });

  it('a routing declaration that names what the contract lacks stops the start', () => {
    const contract = buildContract(readFileSync(join(SCHEMA_DIR, 'kommun.graphql'), 'utf8'));
    const file = join(tmpdir(), `routing-${process.pid}.json`);
    const good = JSON.parse(readFileSync(join(SCHEMA_DIR, 'kommun.routing.json'), 'utf8'));
    writeFileSync(file, JSON.stringify({ ...good, route: { ...good.route, 'Query.nothing': 'id' }, entities: { ...good.entities, Ghost: { key: 'id' } } }));
    expect(() => loadDeclaration(file, contract)).toThrow(/Query\.nothing is not a field of the contract[\s\S]*entity Ghost\.id is not in the contract|entity Ghost\.id is not in the contract[\s\S]*Query\.nothing/);
  });
});

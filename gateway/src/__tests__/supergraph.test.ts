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
    // A kommun's audit log answers according to who asks: its owner is asked, and knows it must know the caller.
    expect(decl.identity).toEqual(['Query.auditLog']);
    expect(decl.route['Query.auditLog']).toBe('municipality');
  });

  it('an identity field must be an owner-routed Query field of the contract', () => {
    const contract = buildContract(readFileSync(join(SCHEMA_DIR, 'kommun.graphql'), 'utf8'));
    const file = join(tmpdir(), `routing-identity-${process.pid}.json`);
    const good = JSON.parse(readFileSync(join(SCHEMA_DIR, 'kommun.routing.json'), 'utf8'));
    const { ['Query.project']: _routed, ...route } = good.route;
    writeFileSync(file, JSON.stringify({ ...good, route, identity: ['Query.auditLog', 'Query.project', 'Query.nothing', 'Mutation.deleteProject', 'auditLog'] }));
    let message = '';
    try {
      loadDeclaration(file, contract);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('identity: Query.project is not routed to its owner (list it under route)');
    expect(message).toContain('Query.nothing is not a field of the contract');
    expect(message).toContain('identity: Mutation.deleteProject is not a Query field');
    expect(message).toContain('identity: auditLog is not a Query field');
    expect(message).not.toContain('Query.auditLog');
    writeFileSync(file, JSON.stringify({ ...good, identity: 'Query.auditLog' }));
    expect(() => loadDeclaration(file, contract)).toThrow(/identity: .*expected array/i);
  });

  it('a routing declaration that names what the contract lacks stops the start', () => {
    const contract = buildContract(readFileSync(join(SCHEMA_DIR, 'kommun.graphql'), 'utf8'));
    const file = join(tmpdir(), `routing-${process.pid}.json`);
    const good = JSON.parse(readFileSync(join(SCHEMA_DIR, 'kommun.routing.json'), 'utf8'));
    writeFileSync(file, JSON.stringify({ ...good, route: { ...good.route, 'Query.nothing': 'id' }, entities: { ...good.entities, Ghost: { key: 'id' } } }));
    expect(() => loadDeclaration(file, contract)).toThrow(/Query\.nothing is not a field of the contract[\s\S]*entity Ghost\.id is not in the contract|entity Ghost\.id is not in the contract[\s\S]*Query\.nothing/);
  });
});

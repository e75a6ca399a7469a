import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { composeCommitted, SCHEMA_DIR, supergraphYaml } from '../supergraph';

/** Writes schema/supergraph.graphql and schema/supergraph.yaml from the committed subgraph SDL. */
writeFileSync(join(SCHEMA_DIR, 'supergraph.graphql'), composeCommitted());
writeFileSync(join(SCHEMA_DIR, 'supergraph.yaml'), supergraphYaml());
console.log('wrote schema/supergraph.graphql and schema/supergraph.yaml');

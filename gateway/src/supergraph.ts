import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'graphql';
import { composeServices } from '@apollo/composition';

export const SCHEMA_DIR = join(__dirname, '../../schema');

/**
 * The kommun contract's routing URL in the supergraph is a placeholder: the gateway never sends
 * to it, it routes each fetch to the member shards named by the region's registry.
 */
export const KOMMUN_SHARDS_URL = 'http://kommun-shards.invalid/graphql';
export const DEFAULT_REGION_URL = 'http://127.0.0.1:4100/graphql';

/** Composes the region subgraph with the kommun contract as one logical subgraph. */
export function composeSupergraph(regionSdl: string, kommunSdl: string, regionUrl = DEFAULT_REGION_URL, kommunUrl = KOMMUN_SHARDS_URL): string {
  const result = composeServices([
    { name: 'region', url: regionUrl, typeDefs: parse(regionSdl) },
    { name: 'kommun', url: kommunUrl, typeDefs: parse(kommunSdl) },
  ]);
  if (result.errors?.length) {
    throw new Error(`The region and the kommun contract do not compose:\n  - ${result.errors.map((e) => e.message).join('\n  - ')}`);
  }
  return result.supergraphSdl!;
}

/** The supergraph of the committed files schema/region.graphql and schema/kommun.graphql. */
export function composeCommitted(): string {
  const read = (name: string) => readFileSync(join(SCHEMA_DIR, name), 'utf8');
  return composeSupergraph(read('region.graphql'), read('kommun.graphql'));
}

/** supergraph.yaml in the format federation tooling reads. */
export function supergraphYaml(): string {
  return `# The subgraphs of a Samverkan region, as federation tooling reads them.
# The kommun contract is one logical subgraph: the Samverkan gateway routes its fetches to the
# member kommuner listed in the region's registry (schema/regions/*.json), so its routing_url is a
# placeholder. Composing a single kommun with the region in any federation gateway works too:
# point kommun.routing_url at that kommun's subgraph.
federation_version: =2.14.4
subgraphs:
  region:
    routing_url: ${DEFAULT_REGION_URL}
    schema:
      file: ./region.graphql
  kommun:
    routing_url: ${KOMMUN_SHARDS_URL}
    schema:
      file: ./kommun.graphql
`;
}

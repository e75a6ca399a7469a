import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildRegionSchema } from '../schema';

/** The committed region SDL; a test fails when code and file drift apart. */
export const REGION_SCHEMA_FILE = join(__dirname, '../../../../schema/region.graphql');

/** The region subgraph's SDL with the file header, exactly as committed. */
export async function regionSubgraphSdl(): Promise<string> {
  const { sdl } = await buildRegionSchema();
  return `# The region subgraph: member registry, development areas, agreements, joint initiatives, networks and funding programmes.\n# Emitted from services/region by \`npm run schema\`; do not edit by hand.\n\n${sdl}`;
}

if (require.main === module) {
  regionSubgraphSdl()
    .then((sdl) => {
      writeFileSync(REGION_SCHEMA_FILE, sdl);
      console.log(`wrote ${REGION_SCHEMA_FILE}`);
    })
    .catch((err) => {
      console.error(err);
      process.exit(1);
    });
}

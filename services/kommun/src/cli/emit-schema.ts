import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildKommunSchema } from '../schema';

/** The committed contract file; tests fail when code and file drift apart. */
export const CONTRACT_FILE = join(__dirname, '../../../../schema/kommun.graphql');

export async function kommunContractSdl(): Promise<string> {
  const { sdl } = await buildKommunSchema();
  return `# The kommun contract: every kommun subgraph implements this schema.\n# Emitted from services/kommun by \`npm run schema\`; do not edit by hand.\n\n${sdl}`;
}

if (require.main === module) {
  kommunContractSdl()
    .then((sdl) => {
      writeFileSync(CONTRACT_FILE, sdl);
      console.log(`wrote ${CONTRACT_FILE}`);
    })
    .catch((err) => {
      console.error(err);
      process.exit(1);
    });
}

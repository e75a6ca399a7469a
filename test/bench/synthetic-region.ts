import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A region manifest of `n` synthetic kommuner (codes 3001…, which no Swedish kommun has), in a temporary file; its path. */
export function syntheticManifest(n: number): string {
  const file = join(mkdtempSync(join(tmpdir(), 'samverkan-bench-')), `synthetic-${n}.json`);
  const members = Array.from({ length: n }, (_, i) => ({ code: String(3001 + i), name: `Syntetisk kommun ${i + 1}`, officialName: `Syntetisk kommun ${i + 1}`, county: 'Syntetiskt län', population: 10_000, port: 0 }));
  writeFileSync(file, JSON.stringify({ id: `synthetic${n}`, name: `Synthetic region of ${n}`, nameShort: `S${n}`, populationYear: 2023, members }));
  return file;
}

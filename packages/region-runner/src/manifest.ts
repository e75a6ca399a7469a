import { readFileSync } from 'node:fs';

/** A region manifest (schema/regions/*.json): the region and its members. */
export interface RegionManifest {
  id: string;
  name: string;
  nameShort?: string;
  members: Array<{ code: string; name: string; port: number } & Record<string, unknown>>;
  [key: string]: unknown;
}

export function readManifest(file: string): RegionManifest {
  const m = JSON.parse(readFileSync(file, 'utf8')) as RegionManifest;
  if (!m.id || !Array.isArray(m.members)) throw new Error(`${file} is not a region manifest (needs id and members)`);
  return m;
}

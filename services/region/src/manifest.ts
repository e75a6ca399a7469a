import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { CATALOGUE_CODE, Fund, KOMMUNKOD } from '@samverkan/contract';
import { CATALOGUE_CODE_RULE } from './graphql/inputs';

/*
 * The committed data files the region is seeded from: a region manifest
 * (schema/regions/<id>.json) and the catalogues (schema/catalogue.json). Both are checked before
 * anything is written, with messages that give the path of the offending entry.
 */

const code = z.string().regex(CATALOGUE_CODE, CATALOGUE_CODE_RULE);
const text = z.string().trim().min(1);
const year = z.number().int().min(1000).max(2200);

const memberSchema = z.object({
  code: z.string().regex(KOMMUNKOD, 'must be a 4-digit SCB kommunkod'),
  name: text,
  officialName: text.optional(),
  county: text,
  population: z.number().int().min(0).optional(),
  /** The local port its demo subgraph listens on; fills {port} of the URL template. */
  port: z.number().int().min(1).max(65535).optional(),
});

export const manifestSchema = z.object({
  id: code,
  name: text,
  nameShort: text,
  populationYear: year.optional(),
  members: z.array(memberSchema).refine((ms) => new Set(ms.map((m) => m.code)).size === ms.length, 'lists a kommunkod twice'),
});

export type RegionManifest = z.infer<typeof manifestSchema>;
export type ManifestMember = RegionManifest['members'][number];

export const catalogueSchema = z.object({
  developmentAreas: z.array(
    z.object({ code, name: text, nameEn: text.optional(), order: z.number().int().optional(), agreement: code.optional() }),
  ),
  agreements: z.array(
    z.object({
      id: code,
      title: text,
      parties: z.array(text).default([]),
      decided: text.optional(),
      signed: text.optional(),
      followUp: text.optional(),
      developmentAreas: z.array(code).default([]),
    }),
  ),
  networks: z.array(
    z.object({
      id: code,
      name: text,
      founded: year.optional(),
      memberCount: z.number().int().min(0).optional(),
      countries: z.number().int().min(0).optional(),
      description: text.optional(),
      forums: z.array(text).default([]),
    }),
  ),
  fundingProgrammes: z.array(
    z.object({ code, name: text, fund: z.enum(Fund), period: z.string().regex(/^\d{4}(-\d{4})?$/).optional() }),
  ),
  jointInitiatives: z.array(
    z.object({
      id: code,
      name: text,
      description: text.optional(),
      started: year.optional(),
      programme: code.optional(),
      developmentAreas: z.array(code).default([]),
      lead: text.optional(),
      partners: z.array(text).default([]),
    }),
  ),
});

export type Catalogue = z.infer<typeof catalogueSchema>;

/** Thrown when a data file is not what the region can be seeded from; lists every problem. */
export class DataFileError extends Error {
  constructor(readonly file: string, readonly problems: string[]) {
    super(`${file} cannot be used:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'DataFileError';
  }
}

function parse<T>(schema: z.ZodType<T>, value: unknown, file: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new DataFileError(file, parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`));
  }
  return parsed.data;
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new DataFileError(file, [err instanceof Error ? err.message : String(err)]);
  }
}

/** Checks a manifest's shape (unknown fields such as `populationNote` are ignored). */
export function parseManifest(value: unknown, file = 'region manifest'): RegionManifest {
  return parse(manifestSchema, value, file);
}

/**
 * Checks a catalogue's shape and that its references hold: every code unique, every area,
 * agreement and programme named exists, and areas and agreements agree about each other.
 */
export function parseCatalogue(value: unknown, file = 'catalogue'): Catalogue {
  const c = parse(catalogueSchema, value, file);
  const problems: string[] = [];
  const unique = (list: string, keys: string[]) => {
    const seen = new Set<string>();
    keys.forEach((k, i) => (seen.has(k) ? problems.push(`${list}.${i}: ${k} appears twice`) : seen.add(k)));
    return seen;
  };
  const areas = unique('developmentAreas', c.developmentAreas.map((a) => a.code));
  const agreements = unique('agreements', c.agreements.map((a) => a.id));
  unique('networks', c.networks.map((n) => n.id));
  const programmes = unique('fundingProgrammes', c.fundingProgrammes.map((p) => p.code));
  unique('jointInitiatives', c.jointInitiatives.map((i) => i.id));
  const listed = new Map(c.agreements.map((a) => [a.id, new Set(a.developmentAreas)]));
  c.developmentAreas.forEach((a, i) => {
    if (!a.agreement) return;
    if (!agreements.has(a.agreement)) problems.push(`developmentAreas.${i}.agreement: there is no agreement ${a.agreement}`);
    else if (!listed.get(a.agreement)!.has(a.code)) problems.push(`developmentAreas.${i}.agreement: agreement ${a.agreement} does not list ${a.code}`);
  });
  const agreementOf = new Map(c.developmentAreas.map((a) => [a.code, a.agreement]));
  c.agreements.forEach((a, i) =>
    a.developmentAreas.forEach((code, j) => {
      if (!areas.has(code)) problems.push(`agreements.${i}.developmentAreas.${j}: there is no development area ${code}`);
      else if (agreementOf.get(code) !== a.id) problems.push(`agreements.${i}.developmentAreas.${j}: area ${code} names another agreement`);
    }),
  );
  c.jointInitiatives.forEach((init, i) => {
    if (init.programme && !programmes.has(init.programme)) problems.push(`jointInitiatives.${i}.programme: there is no funding programme ${init.programme}`);
    init.developmentAreas.forEach((code, j) => {
      if (!areas.has(code)) problems.push(`jointInitiatives.${i}.developmentAreas.${j}: there is no development area ${code}`);
    });
  });
  if (problems.length) throw new DataFileError(file, problems);
  return c;
}

/** Reads and checks a region manifest file. */
export function loadManifest(file: string): RegionManifest {
  return parseManifest(readJson(file), file);
}

/** Reads and checks a catalogue file. */
export function loadCatalogue(file: string): Catalogue {
  return parseCatalogue(readJson(file), file);
}

/**
 * Each member's subgraph URL from a template: `{code}` becomes the kommunkod and `{port}` the
 * member's port. A member without a port gets no URL when the template needs one.
 */
export function subgraphUrlsFrom(manifest: RegionManifest, template: string): Record<string, string> {
  const urls: Record<string, string> = {};
  for (const m of manifest.members) {
    if (template.includes('{port}') && m.port === undefined) continue;
    urls[m.code] = template.replaceAll('{code}', m.code).replaceAll('{port}', String(m.port));
  }
  return urls;
}

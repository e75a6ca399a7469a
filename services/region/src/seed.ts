import type { DataSource, EntityManager } from 'typeorm';
import type { Catalogue, RegionManifest } from './manifest';

/** What a seed wrote. */
export interface RegionSeedSummary {
  region: string;
  members: number;
  developmentAreas: number;
  agreements: number;
  networks: number;
  fundingProgrammes: number;
  jointInitiatives: number;
}

// Concurrent seeds (several replicas starting on one empty database) take turns on this lock.
const SEED_LOCK = 'SELECT pg_advisory_xact_lock(hashtext($1))';
const SEED_LOCK_KEY = 'samverkan-region-seed';

/**
 * Replaces the region, its member registry and its catalogues with the committed data files, in
 * one transaction: a reader sees the old data or the new, never a mix, and running it twice
 * leaves the same rows. A member that stays keeps its `joined_at`. `subgraphUrls` maps a
 * kommunkod to its subgraph URL; members not in it get none.
 */
export async function seedRegion(
  db: DataSource,
  manifest: RegionManifest,
  catalogue: Catalogue,
  subgraphUrls: Record<string, string> = {},
): Promise<RegionSeedSummary> {
  return db.transaction(async (m) => {
    await m.query(SEED_LOCK, [SEED_LOCK_KEY]);
    return replaceEverything(m, manifest, catalogue, subgraphUrls);
  });
}

/**
 * Seeds only when the database holds no region yet (the first start on a fresh machine); answers
 * null and writes nothing otherwise, so an edited registry is never overwritten.
 */
export async function seedRegionIfEmpty(
  db: DataSource,
  manifest: RegionManifest,
  catalogue: Catalogue,
  subgraphUrls: Record<string, string> = {},
): Promise<RegionSeedSummary | null> {
  return db.transaction(async (m) => {
    await m.query(SEED_LOCK, [SEED_LOCK_KEY]);
    const [{ n }]: Array<{ n: number }> = await m.query('SELECT count(*)::int AS n FROM region');
    return n ? null : replaceEverything(m, manifest, catalogue, subgraphUrls);
  });
}

/** Replaces a table's rows with `rows` (objects keyed by column name), in one statement. */
async function replaceRows(m: EntityManager, table: string, rows: Array<Record<string, unknown>>): Promise<void> {
  await m.query(`DELETE FROM ${table}`);
  if (!rows.length) return;
  const columns = Object.keys(rows[0]).join(', ');
  await m.query(`INSERT INTO ${table} (${columns}) SELECT ${columns} FROM jsonb_populate_recordset(NULL::${table}, $1::jsonb)`, [
    JSON.stringify(rows),
  ]);
}

async function replaceEverything(
  m: EntityManager,
  manifest: RegionManifest,
  c: Catalogue,
  urls: Record<string, string>,
): Promise<RegionSeedSummary> {
  // Referrers go first and come back last: initiatives name programmes, areas name agreements.
  await m.query('DELETE FROM joint_initiative');
  await m.query('DELETE FROM development_area');
  await replaceRows(m, 'region', [
    { id: manifest.id, name: manifest.name, name_short: manifest.nameShort, population_year: manifest.populationYear ?? null },
  ]);
  await replaceMembers(m, manifest, urls);
  await replaceRows(
    m,
    'agreement',
    c.agreements.map((a) => ({
      id: a.id,
      title: a.title,
      parties: a.parties,
      decided: a.decided ?? null,
      signed: a.signed ?? null,
      follow_up: a.followUp ?? null,
      development_areas: a.developmentAreas,
    })),
  );
  await replaceRows(
    m,
    'development_area',
    c.developmentAreas.map((a) => ({ code: a.code, name: a.name, name_en: a.nameEn ?? null, ord: a.order ?? null, agreement_id: a.agreement ?? null })),
  );
  await replaceRows(
    m,
    'network',
    c.networks.map((n) => ({
      id: n.id,
      name: n.name,
      founded: n.founded ?? null,
      member_count: n.memberCount ?? null,
      countries: n.countries ?? null,
      description: n.description ?? null,
      forums: n.forums,
    })),
  );
  await replaceRows(m, 'funding_programme', c.fundingProgrammes.map((p) => ({ code: p.code, name: p.name, fund: p.fund, period: p.period ?? null })));
  await replaceRows(
    m,
    'joint_initiative',
    c.jointInitiatives.map((i) => ({
      id: i.id,
      name: i.name,
      description: i.description ?? null,
      started: i.started ?? null,
      programme_code: i.programme ?? null,
      development_areas: i.developmentAreas,
      lead: i.lead ?? null,
      partners: i.partners,
    })),
  );
  return {
    region: manifest.id,
    members: manifest.members.length,
    developmentAreas: c.developmentAreas.length,
    agreements: c.agreements.length,
    networks: c.networks.length,
    fundingProgrammes: c.fundingProgrammes.length,
    jointInitiatives: c.jointInitiatives.length,
  };
}

/** Members are upserted rather than recreated, so that each keeps the date it joined. */
async function replaceMembers(m: EntityManager, manifest: RegionManifest, urls: Record<string, string>): Promise<void> {
  const codes = manifest.members.map((x) => x.code);
  await m.query('DELETE FROM member WHERE NOT (code = ANY($1::char(4)[]))', [codes]);
  if (!codes.length) return;
  const rows = manifest.members.map((x) => ({
    code: x.code,
    name: x.name,
    official_name: x.officialName ?? null,
    county: x.county,
    population: x.population ?? null,
    subgraph_url: urls[x.code] ?? null,
  }));
  await m.query(
    `INSERT INTO member (code, name, official_name, county, population, subgraph_url)
     SELECT code, name, official_name, county, population, subgraph_url FROM jsonb_populate_recordset(NULL::member, $1::jsonb)
     ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, official_name = EXCLUDED.official_name, county = EXCLUDED.county,
       population = EXCLUDED.population, subgraph_url = EXCLUDED.subgraph_url`,
    [JSON.stringify(rows)],
  );
}

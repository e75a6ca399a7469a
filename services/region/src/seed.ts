import { sql } from 'kysely';
import type { DataSource } from 'typeorm';
import { putMembers, regionDb, type RegionDb } from './store/tables';
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
const SEED_LOCK_KEY = 'samverkan-region-seed';
const seedLock = (m: RegionDb) => sql`SELECT pg_advisory_xact_lock(hashtext(${SEED_LOCK_KEY}))`.execute(m);

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
  return regionDb(db)
    .transaction()
    .execute(async (m) => {
      await seedLock(m);
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
  return regionDb(db)
    .transaction()
    .execute(async (m) => {
      await seedLock(m);
      const { n } = await m
        .selectFrom('region')
        .select((eb) => eb.cast<number>(eb.fn.countAll(), 'integer').as('n'))
        .executeTakeFirstOrThrow();
      return n ? null : replaceEverything(m, manifest, catalogue, subgraphUrls);
    });
}

async function replaceEverything(m: RegionDb, manifest: RegionManifest, c: Catalogue, urls: Record<string, string>): Promise<RegionSeedSummary> {
  // Referrers go first and come back last: initiatives name programmes, areas name agreements.
  // Each table is emptied, then filled with one statement (none for an empty list).
  await m.deleteFrom('joint_initiative').execute();
  await m.deleteFrom('development_area').execute();
  await m.deleteFrom('region').execute();
  await m
    .insertInto('region')
    .values({
      id: manifest.id,
      name: manifest.name,
      name_short: manifest.nameShort,
      population_year: manifest.populationYear ?? null,
    })
    .execute();
  await replaceMembers(m, manifest, urls);
  await m.deleteFrom('agreement').execute();
  if (c.agreements.length)
    await m
      .insertInto('agreement')
      .values(
        c.agreements.map((a) => ({
          id: a.id,
          title: a.title,
          parties: a.parties,
          decided: a.decided ?? null,
          signed: a.signed ?? null,
          follow_up: a.followUp ?? null,
          development_areas: a.developmentAreas,
        })),
      )
      .execute();
  if (c.developmentAreas.length)
    await m
      .insertInto('development_area')
      .values(
        c.developmentAreas.map((a) => ({
          code: a.code,
          name: a.name,
          name_en: a.nameEn ?? null,
          ord: a.order ?? null,
          agreement_id: a.agreement ?? null,
        })),
      )
      .execute();
  await m.deleteFrom('network').execute();
  if (c.networks.length)
    await m
      .insertInto('network')
      .values(
        c.networks.map((n) => ({
          id: n.id,
          name: n.name,
          founded: n.founded ?? null,
          member_count: n.memberCount ?? null,
          countries: n.countries ?? null,
          description: n.description ?? null,
          forums: n.forums,
        })),
      )
      .execute();
  await m.deleteFrom('funding_programme').execute();
  if (c.fundingProgrammes.length)
    await m
      .insertInto('funding_programme')
      .values(
        c.fundingProgrammes.map((p) => ({
          code: p.code,
          name: p.name,
          fund: p.fund,
          period: p.period ?? null,
        })),
      )
      .execute();
  if (c.jointInitiatives.length)
    await m
      .insertInto('joint_initiative')
      .values(
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
      )
      .execute();
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
async function replaceMembers(m: RegionDb, manifest: RegionManifest, urls: Record<string, string>): Promise<void> {
  const codes = manifest.members.map((x) => x.code);
  await m
    .deleteFrom('member')
    .where((eb) => eb.not(eb('code', '=', eb.fn.any(sql<string[]>`${codes}::char(4)[]`))))
    .execute();
  if (!codes.length) return;
  const rows = manifest.members.map((x) => ({
    code: x.code,
    name: x.name,
    official_name: x.officialName ?? null,
    county: x.county,
    population: x.population ?? null,
    subgraph_url: urls[x.code] ?? null,
  }));
  await putMembers(m, rows);
}

import DataLoader from 'dataloader';
import type { Agreement, DevelopmentArea, FundingProgramme, JointInitiative, Member, Network, Region } from '../entities';
import { COLUMNS, type RegionDb } from './tables';

/** Swedish alphabetical order (… Å Ä Ö), whatever collations the database server has. */
const swedish = new Intl.Collator('sv', { sensitivity: 'variant' });
function bySwedishName<T extends { name: string }>(rows: T[]): T[] {
  return rows.sort((a, b) => swedish.compare(a.name, b.name));
}

/** A loader by key: `fetch` reads the rows of many keys in one statement. */
function byKey<E>(keyOf: (row: E) => string, fetch: (keys: string[]) => Promise<E[]>) {
  return new DataLoader<string, E | null>(async (keys) => {
    const found = new Map((await fetch([...keys])).map((r) => [keyOf(r), r]));
    return keys.map((k) => found.get(k) ?? null);
  });
}

/** The whole table, read once per request by `fetch`, primed into `loader`, then sorted by `then`. */
function all<E>(loader: DataLoader<string, E | null>, keyOf: (row: E) => string, fetch: () => Promise<E[]>, then?: (rows: E[]) => E[]) {
  let rows: Promise<E[]> | undefined;
  return (): Promise<E[]> =>
    (rows ??= fetch().then((found) => {
      for (const row of found) loader.prime(keyOf(row), row);
      return then ? then(found) : found;
    }));
}

/**
 * One set of DataLoaders per request: each entity type is fetched by key with one statement,
 * however many parents or `_entities` representations ask for it; each whole list is read at
 * most once and primes the by-key loader, so that following a reference back costs nothing.
 */
export function createLoaders(db: RegionDb) {
  const memberByCode = byKey<Member>((m) => m.code, (keys) => db.selectFrom('member').select(COLUMNS.member).where('code', 'in', keys).execute());
  const areaByCode = byKey<DevelopmentArea>((a) => a.code, (keys) =>
    db.selectFrom('development_area').select(COLUMNS.development_area).where('code', 'in', keys).execute(),
  );
  const agreementById = byKey<Agreement>((a) => a.id, (keys) => db.selectFrom('agreement').select(COLUMNS.agreement).where('id', 'in', keys).execute());
  const networkById = byKey<Network>((n) => n.id, (keys) => db.selectFrom('network').select(COLUMNS.network).where('id', 'in', keys).execute());
  const programmeByCode = byKey<FundingProgramme>((p) => p.code, (keys) =>
    db.selectFrom('funding_programme').select(COLUMNS.funding_programme).where('code', 'in', keys).execute(),
  );
  const initiativeById = byKey<JointInitiative>((i) => i.id, (keys) =>
    db.selectFrom('joint_initiative').select(COLUMNS.joint_initiative).where('id', 'in', keys).execute(),
  );
  let region: Promise<Region | null> | undefined;

  return {
    memberByCode,
    areaByCode,
    agreementById,
    networkById,
    programmeByCode,
    initiativeById,
    /** The region's one row; null before the database is seeded. */
    region: () => (region ??= db.selectFrom('region').select(COLUMNS.region).limit(1).executeTakeFirst().then((row) => row ?? null)),
    members: all(memberByCode, (m) => m.code, () => db.selectFrom('member').select(COLUMNS.member).execute(), bySwedishName),
    areas: all(areaByCode, (a) => a.code, () =>
      db.selectFrom('development_area').select(COLUMNS.development_area).orderBy('ord', (o) => o.asc().nullsLast()).orderBy('code').execute(),
    ),
    agreements: all(agreementById, (a) => a.id, () => db.selectFrom('agreement').select(COLUMNS.agreement).orderBy('id').execute()),
    networks: all(networkById, (n) => n.id, () => db.selectFrom('network').select(COLUMNS.network).execute(), bySwedishName),
    programmes: all(programmeByCode, (p) => p.code, () => db.selectFrom('funding_programme').select(COLUMNS.funding_programme).orderBy('code').execute()),
    initiatives: all(initiativeById, (i) => i.id, () => db.selectFrom('joint_initiative').select(COLUMNS.joint_initiative).execute(), bySwedishName),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;

/** Loads several keys at once (one statement) and drops the unknown ones, keeping the given order. */
export async function loadKnown<V>(loader: DataLoader<string, V | null>, keys: readonly string[]): Promise<V[]> {
  const found = await loader.loadMany(keys);
  const failed = found.find((v) => v instanceof Error);
  if (failed) throw failed;
  return found.filter((v): v is V => v !== null);
}

import DataLoader from 'dataloader';
import { In, type DataSource, type EntityTarget, type FindOptionsOrder, type FindOptionsWhere, type ObjectLiteral } from 'typeorm';
import { Agreement, DevelopmentArea, FundingProgramme, JointInitiative, Member, Network, Region } from '../entities';

/** Swedish alphabetical order (… Å Ä Ö), whatever collations the database server has. */
const swedish = new Intl.Collator('sv', { sensitivity: 'variant' });
function bySwedishName<T extends { name: string }>(rows: T[]): T[] {
  return rows.sort((a, b) => swedish.compare(a.name, b.name));
}

/**
 * One set of DataLoaders per request: each entity type is fetched by key with one statement,
 * however many parents or `_entities` representations ask for it; each whole list is read at
 * most once and primes the by-key loader, so that following a reference back costs nothing.
 */
export function createLoaders(db: DataSource) {
  function byKey<E extends ObjectLiteral>(entity: EntityTarget<E>, key: keyof E & string) {
    return new DataLoader<string, E | null>(async (keys) => {
      const rows = await db.getRepository(entity).findBy({ [key]: In([...keys]) } as FindOptionsWhere<E>);
      const found = new Map(rows.map((r) => [String(r[key]), r]));
      return keys.map((k) => found.get(k) ?? null);
    });
  }

  /** The whole table, read once per request, sorted, and primed into `loader`. */
  function all<E extends ObjectLiteral>(
    entity: EntityTarget<E>,
    loader: DataLoader<string, E | null>,
    keyOf: (row: E) => string,
    sort: { order?: FindOptionsOrder<E>; then?: (rows: E[]) => E[] } = {},
  ) {
    let rows: Promise<E[]> | undefined;
    return (): Promise<E[]> =>
      (rows ??= db
        .getRepository(entity)
        .find({ order: sort.order })
        .then((found) => {
          for (const row of found) loader.prime(keyOf(row), row);
          return sort.then ? sort.then(found) : found;
        }));
  }

  const memberByCode = byKey(Member, 'code');
  const areaByCode = byKey(DevelopmentArea, 'code');
  const agreementById = byKey(Agreement, 'id');
  const networkById = byKey(Network, 'id');
  const programmeByCode = byKey(FundingProgramme, 'code');
  const initiativeById = byKey(JointInitiative, 'id');
  let region: Promise<Region | null> | undefined;

  return {
    memberByCode,
    areaByCode,
    agreementById,
    networkById,
    programmeByCode,
    initiativeById,
    /** The region's one row; null before the database is seeded. */
    region: () => (region ??= db.getRepository(Region).find({ take: 1 }).then((rows) => rows[0] ?? null)),
    members: all(Member, memberByCode, (m) => m.code, { then: bySwedishName }),
    areas: all(DevelopmentArea, areaByCode, (a) => a.code, { order: { order: { direction: 'ASC', nulls: 'LAST' }, code: 'ASC' } }),
    agreements: all(Agreement, agreementById, (a) => a.id, { order: { id: 'ASC' } }),
    networks: all(Network, networkById, (n) => n.id, { then: bySwedishName }),
    programmes: all(FundingProgramme, programmeByCode, (p) => p.code, { order: { code: 'ASC' } }),
    initiatives: all(JointInitiative, initiativeById, (i) => i.id, { then: bySwedishName }),
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

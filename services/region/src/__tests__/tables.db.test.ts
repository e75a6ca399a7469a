import { createTestDatabase, type TestDatabase } from '@samverkan/testing';
import { connectAndMigrate, createDataSource } from '../data-source';
import { regionDb, type RegionTables } from '../store/tables';

/**
 * The region's tables as store/tables.ts defines them (the names every statement is built from)
 * and as the migrations create them must agree. The compiler holds DEFINED to tables.ts: a column
 * missing here, or one tables.ts does not have, fails the type check; this test holds both to the
 * migrated database.
 */
const DEFINED: { [T in keyof RegionTables]: Record<keyof RegionTables[T], true> } = {
  region: { id: true, name: true, name_short: true, population_year: true },
  member: { code: true, name: true, official_name: true, county: true, population: true, subgraph_url: true, joined_at: true },
  agreement: { id: true, title: true, parties: true, decided: true, signed: true, follow_up: true, development_areas: true },
  development_area: { code: true, name: true, name_en: true, ord: true, agreement_id: true },
  network: { id: true, name: true, founded: true, member_count: true, countries: true, description: true, forums: true },
  funding_programme: { code: true, name: true, fund: true, period: true },
  joint_initiative: { id: true, name: true, description: true, started: true, programme_code: true, development_areas: true, lead: true, partners: true },
  audit_log: {
    id: true,
    at: true,
    actor_subject: true,
    actor_role: true,
    actor_municipality: true,
    operation: true,
    entity_type: true,
    entity_id: true,
    before: true,
    after: true,
  },
};

let database: TestDatabase;
let ds: ReturnType<typeof createDataSource>;
beforeAll(async () => {
  database = await createTestDatabase();
  ds = createDataSource({ url: database.url, poolSize: 1 });
  await connectAndMigrate(ds);
});
afterAll(async () => {
  await ds.destroy();
  await database.drop();
});

it('names every table and column of the migrated database, and nothing else', async () => {
  const tables = await regionDb(ds).introspection.getTables();
  const migrated = Object.fromEntries(
    tables.filter((t) => t.schema === 'public' && t.name !== 'migrations').map((t) => [t.name, t.columns.map((c) => c.name).sort()]),
  );
  const defined = Object.fromEntries(Object.entries(DEFINED).map(([table, columns]) => [table, Object.keys(columns).sort()]));
  expect(defined).toEqual(migrated);
});

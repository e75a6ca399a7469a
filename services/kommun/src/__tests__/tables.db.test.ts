import { createTestDatabase, type TestDatabase } from '@samverkan/testing';
import { connectAndMigrate, createDataSource } from '../data-source';
import { kommunDb, type KommunTables } from '../store/tables';

/**
 * The kommun's tables as store/tables.ts defines them (the names every statement is built from)
 * and as the migrations create them must agree. The compiler holds DEFINED to tables.ts: a column
 * missing here, or one tables.ts does not have, fails the type check; this test holds both to the
 * migrated database.
 */
const DEFINED: { [T in keyof KommunTables]: Record<keyof KommunTables[T], true> } = {
  project: {
    id: true,
    municipality_code: true,
    title: true,
    summary: true,
    status: true,
    start_date: true,
    end_date: true,
    budget_total: true,
    eu_cofinancing: true,
    currency: true,
    department: true,
    initiative_id: true,
    synthetic: true,
    created_at: true,
    updated_at: true,
    search: true,
  },
  funding: { id: true, project_id: true, programme_code: true, fund: true, amount: true },
  partner: { id: true, project_id: true, name: true, country: true, type: true, role: true, municipality_code: true },
  project_area: { project_id: true, area_code: true },
  membership: { id: true, municipality_code: true, network_id: true, since: true, decided_by: true, decision_date: true, forums: true },
  twin_town: { id: true, municipality_code: true, city: true, country: true, since: true, focus: true },
  strategy: { municipality_code: true, title: true, adopted_by: true, adopted_on: true, priorities: true, summary: true, updated_at: true },
  audit_log: {
    id: true,
    at: true,
    actor_subject: true,
    actor_role: true,
    actor_municipality: true,
    operation: true,
    entity_type: true,
    entity_id: true,
    municipality: true,
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
  const tables = await kommunDb(ds).introspection.getTables();
  const migrated = Object.fromEntries(
    tables.filter((t) => t.schema === 'public' && t.name !== 'migrations').map((t) => [t.name, t.columns.map((c) => c.name).sort()]),
  );
  const defined = Object.fromEntries(Object.entries(DEFINED).map(([table, columns]) => [table, Object.keys(columns).sort()]));
  expect(defined).toEqual(migrated);
});

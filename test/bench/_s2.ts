import { createTestDatabase } from '@samverkan/testing';
import { connectAndMigrate, createDataSource } from '../../services/kommun/src/data-source';
import { seedKommun } from '../../services/kommun/src/seed/seeder';
import { generateProjects } from '../../services/kommun/src/seed/synthetic';
import { kommunDb } from '../../services/kommun/src/store/tables';
import { projectStats } from '../../services/kommun/src/store/stats-query';

async function main() {
  const database = await createTestDatabase();
  const ds = createDataSource({ url: database.url, poolSize: 1 });
  await connectAndMigrate(ds);
  await seedKommun(ds, { code: '1480', projects: generateProjects('1480', 2000), memberships: [], twinTowns: [] });
  const db = kommunDb(ds);
  let captured: any;
  const orig = db.executeQuery.bind(db);
  (db as any).executeQuery = (q: any) => { captured = q; return orig(q); };
  for (const groupBy of [['START_YEAR', 'STATUS']]) {
    await projectStats(db, { status: ['COMPLETED', 'PLANNED', 'ONGOING'], funds: ['ESF'] } as any, groupBy as any);
    const plan = await ds.query(`EXPLAIN (ANALYZE) ${captured.sql}`, [...captured.parameters]);
    const lines = plan.map((r: any) => r['QUERY PLAN']);
    console.log(lines.join('\n'));
  }
  await ds.destroy();
  await database.drop();
}
main();

import { sql, type RawBuilder } from 'kysely';
import type { DataSource } from 'typeorm';
import type { DecidingBody } from '@samverkan/contract';
import { kommunDb, type KommunDb } from '../store/tables';
import { demoSeeds } from './demo';
import { generateProjects } from './synthetic';
import type { KommunSeed, SeedProject } from './types';

export interface SeedSummary {
  code: string;
  projects: number;
  memberships: number;
  twinTowns: number;
  strategy: boolean;
}

/** How many projects the database holds, of every kommun it serves. */
export async function projectCount(ds: DataSource): Promise<number> {
  const { n } = await kommunDb(ds)
    .selectFrom('project')
    .select((eb) => eb.cast<number>(eb.fn.countAll(), 'integer').as('n'))
    .executeTakeFirstOrThrow();
  return n;
}

/**
 * Replaces one kommun's data with `seed`, in one transaction. Projects and their children go in
 * with a handful of set-based INSERTs (unnest of arrays), so 20,000 projects take seconds.
 */
export async function seedKommun(ds: DataSource, seed: KommunSeed): Promise<SeedSummary> {
  const { code } = seed;
  await kommunDb(ds)
    .transaction()
    .execute(async (m) => {
      // A bulk load announces nothing: subscribers hear of edits, not of a database being filled.
      await sql`SELECT set_config('samverkan.quiet', 'on', true)`.execute(m);
      await m.deleteFrom('project').where('municipality_code', '=', code).execute();
      await m.deleteFrom('membership').where('municipality_code', '=', code).execute();
      await m.deleteFrom('twin_town').where('municipality_code', '=', code).execute();
      await m.deleteFrom('strategy').where('municipality_code', '=', code).execute();

      for (let start = 0; start < seed.projects.length; start += 5000) {
        await insertProjects(m, code, seed.projects.slice(start, start + 5000));
      }
      for (const ms of seed.memberships) {
        await m
          .insertInto('membership')
          .values({
            municipality_code: code,
            network_id: ms.network,
            since: ms.since ?? null,
            decided_by: (ms.decidedBy ?? null) as DecidingBody | null,
            decision_date: ms.decisionDate ?? null,
            forums: ms.forums,
          })
          .execute();
      }
      for (const t of seed.twinTowns) {
        await m.insertInto('twin_town').values({ municipality_code: code, city: t.city, country: t.country, since: t.since ?? null, focus: t.focus }).execute();
      }
      if (seed.strategy) {
        const s = seed.strategy;
        await m
          .insertInto('strategy')
          .values({ municipality_code: code, title: s.title, adopted_by: s.adoptedBy as DecidingBody, adopted_on: s.adoptedOn ?? null, priorities: s.priorities, summary: s.summary ?? null })
          .execute();
      }
    });
  // A bulk load leaves the planner's statistics behind until autovacuum comes by (a minute or
  // more). Statements planned meanwhile estimate one row where there are thousands: the stats
  // statement, for one, joined every project to every funding line (70 ms instead of 6).
  await sql`ANALYZE project, funding, partner, project_area, membership, twin_town, strategy`.execute(kommunDb(ds));
  return {
    code,
    projects: seed.projects.length,
    memberships: seed.memberships.length,
    twinTowns: seed.twinTowns.length,
    strategy: Boolean(seed.strategy),
  };
}

/** One array parameter of a column of many rows, with the type its elements take. */
const array = (values: unknown[], type: string): RawBuilder<unknown> => sql`${values}::${sql.raw(type)}[]`;

/**
 * `unnest(<arrays>) WITH ORDINALITY AS t(<columns>, n)`: many rows, a parameter per column, as the
 * table `t` whose `n` keeps the rows' order.
 */
function rows<C extends string>(columns: Record<C, RawBuilder<unknown>>) {
  const names = Object.keys(columns) as C[];
  return sql<Record<C, unknown> & { n: number }>`unnest(${sql.join(names.map((c) => columns[c]))}) WITH ORDINALITY`.as<'t'>(
    sql`t(${sql.join(names.map((c) => sql.id(c)))}, n)`,
  );
}

async function insertProjects(m: KommunDb, code: string, projects: SeedProject[]): Promise<void> {
  if (!projects.length) return;
  const col = <T>(f: (p: SeedProject) => T) => projects.map(f);
  const t = rows({
    title: array(col((p) => p.title), 'text'),
    summary: array(col((p) => p.summary ?? null), 'text'),
    status: array(col((p) => p.status), 'text'),
    start_date: array(col((p) => p.startDate), 'date'),
    end_date: array(col((p) => p.endDate ?? null), 'date'),
    budget_total: array(col((p) => p.budgetTotal ?? null), 'numeric'),
    eu_cofinancing: array(col((p) => p.euCofinancing ?? null), 'numeric'),
    currency: array(col((p) => p.currency), 'text'),
    department: array(col((p) => p.department ?? null), 'text'),
    initiative_id: array(col((p) => p.initiative ?? null), 'text'),
    synthetic: array(col((p) => p.synthetic), 'bool'),
  });
  const columns = ['title', 'summary', 'status', 'start_date', 'end_date', 'budget_total', 'eu_cofinancing', 'currency', 'department', 'initiative_id', 'synthetic'] as const;
  const ids = await m
    .insertInto('project')
    .columns(['municipality_code', ...columns])
    .expression((eb) =>
      eb
        .selectFrom(t)
        .select([sql<string>`${code}`.as('municipality_code'), ...columns.map((c) => `t.${c}` as const)])
        .orderBy('t.n'),
    )
    .returning('id')
    .execute();
  // RETURNING follows the insertion order of the ordered SELECT, so ids[i] belongs to projects[i].
  const funding = projects.flatMap((p, i) => p.funding.map((f) => [ids[i].id, f.programme, f.fund, f.amount] as const));
  if (funding.length) {
    const f = rows({
      project_id: array(funding.map((x) => x[0]), 'int'),
      programme_code: array(funding.map((x) => x[1]), 'text'),
      fund: array(funding.map((x) => x[2]), 'text'),
      amount: array(funding.map((x) => x[3]), 'numeric'),
    });
    await m
      .insertInto('funding')
      .columns(['project_id', 'programme_code', 'fund', 'amount'])
      .expression((eb) => eb.selectFrom(f).select(['t.project_id', 't.programme_code', 't.fund', 't.amount']))
      .execute();
  }
  const partners = projects.flatMap((p, i) => p.partners.map((x) => [ids[i].id, x.name, x.country, x.type, x.role, x.municipality ?? null] as const));
  if (partners.length) {
    const x = rows({
      project_id: array(partners.map((r) => r[0]), 'int'),
      name: array(partners.map((r) => r[1]), 'text'),
      country: array(partners.map((r) => r[2]), 'text'),
      type: array(partners.map((r) => r[3]), 'text'),
      role: array(partners.map((r) => r[4]), 'text'),
      municipality_code: array(partners.map((r) => r[5]), 'text'),
    });
    await m
      .insertInto('partner')
      .columns(['project_id', 'name', 'country', 'type', 'role', 'municipality_code'])
      .expression((eb) => eb.selectFrom(x).select(['t.project_id', 't.name', 't.country', 't.type', 't.role', 't.municipality_code']))
      .execute();
  }
  const areas = projects.flatMap((p, i) => [...new Set(p.developmentAreas)].map((a) => [ids[i].id, a] as const));
  if (areas.length) {
    const a = rows({ project_id: array(areas.map((r) => r[0]), 'int'), area_code: array(areas.map((r) => r[1]), 'text') });
    await m
      .insertInto('project_area')
      .columns(['project_id', 'area_code'])
      .expression((eb) => eb.selectFrom(a).select(['t.project_id', 't.area_code']))
      .execute();
  }
}

/** The demo data of one kommun: its recorded facts plus `synthetic` generated projects. */
export function demoSeedFor(code: string, synthetic: number, seed = 0): KommunSeed {
  const facts = demoSeeds[code] ?? { projects: [], memberships: [], twinTowns: [] };
  return {
    code,
    projects: [...facts.projects, ...generateProjects(code, synthetic, { seed })],
    memberships: facts.memberships,
    twinTowns: facts.twinTowns,
    strategy: facts.strategy,
  };
}

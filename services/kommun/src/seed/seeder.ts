import type { DataSource } from 'typeorm';
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

/**
 * Replaces one kommun's data with `seed`, in one transaction. Projects and their children go in
 * with a handful of set-based INSERTs (unnest of arrays), so 20,000 projects take seconds.
 */
export async function seedKommun(db: DataSource, seed: KommunSeed): Promise<SeedSummary> {
  const { code } = seed;
  await db.transaction(async (m) => {
    // A bulk load announces nothing: subscribers hear of edits, not of a database being filled.
    await m.query(`SELECT set_config('samverkan.quiet', 'on', true)`);
    await m.query('DELETE FROM project WHERE municipality_code = $1', [code]);
    await m.query('DELETE FROM membership WHERE municipality_code = $1', [code]);
    await m.query('DELETE FROM twin_town WHERE municipality_code = $1', [code]);
    await m.query('DELETE FROM strategy WHERE municipality_code = $1', [code]);

    for (let start = 0; start < seed.projects.length; start += 5000) {
      await insertProjects(m.query.bind(m), code, seed.projects.slice(start, start + 5000));
    }
    for (const ms of seed.memberships) {
      await m.query(
        `INSERT INTO membership (municipality_code, network_id, since, decided_by, decision_date, forums) VALUES ($1,$2,$3,$4,$5,$6)`,
        [code, ms.network, ms.since ?? null, ms.decidedBy ?? null, ms.decisionDate ?? null, ms.forums],
      );
    }
    for (const t of seed.twinTowns) {
      await m.query(`INSERT INTO twin_town (municipality_code, city, country, since, focus) VALUES ($1,$2,$3,$4,$5)`, [
        code,
        t.city,
        t.country,
        t.since ?? null,
        t.focus,
      ]);
    }
    if (seed.strategy) {
      const s = seed.strategy;
      await m.query(
        `INSERT INTO strategy (municipality_code, title, adopted_by, adopted_on, priorities, summary) VALUES ($1,$2,$3,$4,$5,$6)`,
        [code, s.title, s.adoptedBy, s.adoptedOn ?? null, s.priorities, s.summary ?? null],
      );
    }
  });
  return {
    code,
    projects: seed.projects.length,
    memberships: seed.memberships.length,
    twinTowns: seed.twinTowns.length,
    strategy: Boolean(seed.strategy),
  };
}

type Query = <T>(sql: string, params: unknown[]) => Promise<T>;

async function insertProjects(query: Query, code: string, projects: SeedProject[]): Promise<void> {
  if (!projects.length) return;
  const col = <T>(f: (p: SeedProject) => T) => projects.map(f);
  const ids: Array<{ id: number }> = await query(
    `INSERT INTO project (municipality_code, title, summary, status, start_date, end_date, budget_total, eu_cofinancing,
                          currency, department, initiative_id, synthetic)
     SELECT $1, title, summary, status, start_date, end_date, budget_total, eu_cofinancing, currency, department,
            initiative_id, synthetic
     FROM unnest($2::text[], $3::text[], $4::text[], $5::date[], $6::date[], $7::numeric[], $8::numeric[],
                              $9::text[], $10::text[], $11::text[], $12::bool[])
     WITH ORDINALITY AS t(title, summary, status, start_date, end_date, budget_total, eu_cofinancing, currency, department,
                          initiative_id, synthetic, n)
     ORDER BY n
     RETURNING id`,
    [
      code,
      col((p) => p.title),
      col((p) => p.summary ?? null),
      col((p) => p.status),
      col((p) => p.startDate),
      col((p) => p.endDate ?? null),
      col((p) => p.budgetTotal ?? null),
      col((p) => p.euCofinancing ?? null),
      col((p) => p.currency),
      col((p) => p.department ?? null),
      col((p) => p.initiative ?? null),
      col((p) => p.synthetic),
    ],
  );
  // RETURNING follows the insertion order of the ordered SELECT, so ids[i] belongs to projects[i].
  const funding = projects.flatMap((p, i) => p.funding.map((f) => [ids[i].id, f.programme, f.fund, f.amount] as const));
  if (funding.length) {
    await query(
      `INSERT INTO funding (project_id, programme_code, fund, amount) SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::numeric[])`,
      [funding.map((f) => f[0]), funding.map((f) => f[1]), funding.map((f) => f[2]), funding.map((f) => f[3])],
    );
  }
  const partners = projects.flatMap((p, i) =>
    p.partners.map((x) => [ids[i].id, x.name, x.country, x.type, x.role, x.municipality ?? null] as const),
  );
  if (partners.length) {
    await query(
      `INSERT INTO partner (project_id, name, country, type, role, municipality_code)
       SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])`,
      [0, 1, 2, 3, 4, 5].map((k) => partners.map((x) => x[k])),
    );
  }
  const areas = projects.flatMap((p, i) => [...new Set(p.developmentAreas)].map((a) => [ids[i].id, a] as const));
  if (areas.length) {
    await query(`INSERT INTO project_area (project_id, area_code) SELECT * FROM unnest($1::int[], $2::text[])`, [
      areas.map((a) => a[0]),
      areas.map((a) => a[1]),
    ]);
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

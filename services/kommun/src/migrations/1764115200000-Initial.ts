import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The kommun contract's tables: projects with their funding, partners and areas; memberships; twin towns; strategy. */
export class Initial1764115200000 implements MigrationInterface {
  name = 'Initial1764115200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE project (
        id serial PRIMARY KEY,
        municipality_code char(4) NOT NULL CHECK (municipality_code ~ '^[0-9]{4}$'),
        title text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
        summary text,
        status text NOT NULL CHECK (status IN ('PLANNED','ONGOING','COMPLETED','CANCELLED')),
        start_date date NOT NULL,
        end_date date,
        budget_total numeric(16,2) CHECK (budget_total >= 0),
        eu_cofinancing numeric(16,2) CHECK (eu_cofinancing >= 0),
        currency char(3) NOT NULL DEFAULT 'SEK',
        department text,
        initiative_id text,
        synthetic boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        search tsvector GENERATED ALWAYS AS (
          to_tsvector('simple', title || ' ' || coalesce(summary, '') || ' ' || coalesce(department, ''))
        ) STORED,
        CHECK (end_date IS NULL OR end_date >= start_date),
        CHECK (eu_cofinancing IS NULL OR budget_total IS NULL OR eu_cofinancing <= budget_total)
      )`);
    // One index per sort key, in the exact shape of the ORDER BY the list queries use.
    await q.query(`CREATE INDEX project_by_start ON project (start_date, municipality_code, id)`);
    await q.query(`CREATE INDEX project_by_budget ON project ((coalesce(budget_total, 0)), municipality_code, id)`);
    await q.query(`CREATE INDEX project_by_eu ON project ((coalesce(eu_cofinancing, 0)), municipality_code, id)`);
    await q.query(`CREATE INDEX project_by_title ON project ((title COLLATE "C"), municipality_code, id)`);
    await q.query(`CREATE INDEX project_by_code ON project (municipality_code, id)`);
    await q.query(`CREATE INDEX project_by_initiative ON project (initiative_id) WHERE initiative_id IS NOT NULL`);
    await q.query(`CREATE INDEX project_search ON project USING gin (search)`);

    await q.query(`
      CREATE TABLE funding (
        id serial PRIMARY KEY,
        project_id integer NOT NULL REFERENCES project(id) ON DELETE CASCADE,
        programme_code text NOT NULL,
        fund text NOT NULL,
        amount numeric(16,2) NOT NULL CHECK (amount >= 0)
      )`);
    await q.query(`CREATE INDEX funding_by_project ON funding (project_id)`);
    await q.query(`CREATE INDEX funding_by_programme ON funding (programme_code, project_id)`);
    await q.query(`CREATE INDEX funding_by_fund ON funding (fund, project_id)`);

    await q.query(`
      CREATE TABLE partner (
        id serial PRIMARY KEY,
        project_id integer NOT NULL REFERENCES project(id) ON DELETE CASCADE,
        name text NOT NULL,
        country char(2) NOT NULL,
        type text NOT NULL,
        role text NOT NULL,
        municipality_code char(4)
      )`);
    await q.query(`CREATE INDEX partner_by_project ON partner (project_id)`);

    await q.query(`
      CREATE TABLE project_area (
        project_id integer NOT NULL REFERENCES project(id) ON DELETE CASCADE,
        area_code text NOT NULL,
        PRIMARY KEY (project_id, area_code)
      )`);
    await q.query(`CREATE INDEX project_area_by_area ON project_area (area_code, project_id)`);

    await q.query(`
      CREATE TABLE membership (
        id serial PRIMARY KEY,
        municipality_code char(4) NOT NULL,
        network_id text NOT NULL,
        since date,
        decided_by text,
        decision_date date,
        forums text[] NOT NULL DEFAULT '{}',
        UNIQUE (municipality_code, network_id)
      )`);
    await q.query(`CREATE INDEX membership_by_network ON membership (network_id)`);

    await q.query(`
      CREATE TABLE twin_town (
        id serial PRIMARY KEY,
        municipality_code char(4) NOT NULL,
        city text NOT NULL,
        country char(2) NOT NULL,
        since integer,
        focus text[] NOT NULL DEFAULT '{}'
      )`);
    await q.query(`CREATE INDEX twin_town_by_code ON twin_town (municipality_code)`);

    await q.query(`
      CREATE TABLE strategy (
        municipality_code char(4) PRIMARY KEY,
        title text NOT NULL,
        adopted_by text NOT NULL,
        adopted_on date,
        priorities text[] NOT NULL DEFAULT '{}',
        summary text,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE strategy, twin_town, membership, project_area, partner, funding, project`);
  }
}

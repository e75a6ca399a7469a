import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The region's own tables: the region itself, its member registry (medlemskommuner) and its
 * catalogues (utvecklingsområden, överenskommelser, nätverk, fondprogram, gemensamma satsningar).
 * Catalogue codes follow the same pattern as the inputs, so a row the API could never have written
 * cannot exist either.
 */
export class Initial1764201600000 implements MigrationInterface {
  name = 'Initial1764201600000';

  async up(q: QueryRunner): Promise<void> {
    const code = (column: string) => `CHECK (${column} ~ '^[A-Za-z0-9][A-Za-z0-9+._-]{0,63}$')`;
    await q.query(`
      CREATE TABLE region (
        id text PRIMARY KEY ${code('id')},
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        name_short text NOT NULL CHECK (length(name_short) BETWEEN 1 AND 50),
        population_year integer CHECK (population_year BETWEEN 1800 AND 2200)
      )`);
    // One database serves one region: a second row would make Query.region ambiguous.
    await q.query(`CREATE UNIQUE INDEX region_single_row ON region ((true))`);

    await q.query(`
      CREATE TABLE member (
        code char(4) PRIMARY KEY CHECK (code ~ '^[0-9]{4}$'),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
        official_name text,
        county text NOT NULL CHECK (length(county) BETWEEN 1 AND 100),
        population integer CHECK (population >= 0),
        subgraph_url text CHECK (subgraph_url ~ '^https?://'),
        joined_at timestamptz NOT NULL DEFAULT now()
      )`);

    await q.query(`
      CREATE TABLE agreement (
        id text PRIMARY KEY ${code('id')},
        title text NOT NULL,
        parties text[] NOT NULL DEFAULT '{}',
        decided text,
        signed text,
        follow_up text,
        development_areas text[] NOT NULL DEFAULT '{}'
      )`);

    await q.query(`
      CREATE TABLE development_area (
        code text PRIMARY KEY ${code('code')},
        name text NOT NULL,
        name_en text,
        ord integer,
        agreement_id text REFERENCES agreement(id)
      )`);
    await q.query(`CREATE INDEX development_area_by_agreement ON development_area (agreement_id)`);

    await q.query(`
      CREATE TABLE network (
        id text PRIMARY KEY ${code('id')},
        name text NOT NULL,
        founded integer,
        member_count integer CHECK (member_count >= 0),
        countries integer CHECK (countries >= 0),
        description text,
        forums text[] NOT NULL DEFAULT '{}'
      )`);

    await q.query(`
      CREATE TABLE funding_programme (
        code text PRIMARY KEY ${code('code')},
        name text NOT NULL,
        fund text NOT NULL CHECK (fund ~ '^[A-Z_]+$'),
        period text
      )`);
    await q.query(`CREATE INDEX funding_programme_by_fund ON funding_programme (fund)`);

    await q.query(`
      CREATE TABLE joint_initiative (
        id text PRIMARY KEY ${code('id')},
        name text NOT NULL,
        description text,
        started integer,
        programme_code text REFERENCES funding_programme(code),
        development_areas text[] NOT NULL DEFAULT '{}',
        lead text,
        partners text[] NOT NULL DEFAULT '{}'
      )`);
    await q.query(`CREATE INDEX joint_initiative_by_programme ON joint_initiative (programme_code)`);
    // Deleting an area asks which initiatives still name it.
    await q.query(`CREATE INDEX joint_initiative_by_area ON joint_initiative USING gin (development_areas)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE joint_initiative, funding_programme, network, development_area, agreement, member, region`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Project changes are announced by the database itself, so a change written by any writer (an
 * import job, another replica, an administrator's SQL) reaches every subscriber, not only one
 * made through this service. One event per project and transaction: a project created with its
 * funding and partners is one CREATED, an update that replaces its children one UPDATED; a child
 * row removed with its project says nothing beyond the project's DELETED. A bulk load can set
 * `samverkan.quiet = 'on'` for its transaction to announce nothing (the seeder does). TRUNCATE
 * fires no row trigger.
 */
export class ProjectChangeEvents1764806400000 implements MigrationInterface {
  name = 'ProjectChangeEvents1764806400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION samverkan_project_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        p_id integer;
        p_code text;
        change text;
        marker text;
      BEGIN
        IF current_setting('samverkan.quiet', true) = 'on' THEN
          RETURN NULL;
        END IF;
        IF TG_TABLE_NAME = 'project' THEN
          IF TG_OP = 'DELETE' THEN
            p_id := OLD.id; p_code := OLD.municipality_code; change := 'DELETED';
          ELSE
            p_id := NEW.id; p_code := NEW.municipality_code;
            change := CASE TG_OP WHEN 'INSERT' THEN 'CREATED' ELSE 'UPDATED' END;
          END IF;
        ELSE
          IF TG_OP = 'DELETE' THEN p_id := OLD.project_id; ELSE p_id := NEW.project_id; END IF;
          SELECT municipality_code INTO p_code FROM project WHERE id = p_id;
          IF p_code IS NULL THEN
            RETURN NULL; -- removed with its project: the project's DELETED says it
          END IF;
          change := 'UPDATED';
        END IF;
        -- Already announced as created or updated in this transaction: nothing new to say.
        marker := 'samverkan.changed_' || p_id;
        IF change = 'UPDATED' AND coalesce(current_setting(marker, true), '') IN ('CREATED', 'UPDATED') THEN
          RETURN NULL;
        END IF;
        PERFORM set_config(marker, change, true);
        PERFORM pg_notify('samverkan_project_changed', json_build_object(
          'kind', change,
          'code', p_code,
          'local', p_id,
          'at', to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
        )::text);
        RETURN NULL;
      END $$`);
    for (const table of ['project', 'funding', 'partner', 'project_area']) {
      await q.query(`CREATE TRIGGER ${table}_changed AFTER INSERT OR UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION samverkan_project_changed()`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['project', 'funding', 'partner', 'project_area']) {
      await q.query(`DROP TRIGGER IF EXISTS ${table}_changed ON ${table}`);
    }
    await q.query(`DROP FUNCTION IF EXISTS samverkan_project_changed()`);
  }
}

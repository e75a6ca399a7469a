import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit trail of writes (see @samverkan/subgraph-kit's audit.ts): one row per entity a mutation
 * changed, written in the mutation's transaction. Append-only in the database itself: statement
 * triggers refuse every UPDATE, DELETE and TRUNCATE, enabled ALWAYS so that not even a session in
 * replica mode (`session_replication_role`) skips them. The project change notifications
 * (ProjectChangeEvents) fire on the project tables only, so audit rows announce nothing.
 */
export class AuditLog1765411200000 implements MigrationInterface {
  name = 'AuditLog1765411200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_log (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        actor_subject text NOT NULL,
        actor_role text NOT NULL CHECK (actor_role IN ('kommun-editor', 'region-editor')),
        actor_municipality char(4),
        operation text NOT NULL,
        entity_type text NOT NULL,
        entity_id text NOT NULL,
        municipality char(4) NOT NULL CHECK (municipality ~ '^[0-9]{4}$'),
        before jsonb,
        after jsonb,
        CHECK (before IS NOT NULL OR after IS NOT NULL),
        CHECK ((actor_role = 'kommun-editor') = (actor_municipality IS NOT NULL))
      )`);
    // The log is read newest first, by kommun, optionally by entity or by who wrote.
    await q.query(`CREATE INDEX audit_log_by_kommun ON audit_log (municipality, id)`);
    await q.query(`CREATE INDEX audit_log_by_entity ON audit_log (entity_id, id)`);
    await q.query(`CREATE INDEX audit_log_by_actor ON audit_log (actor_subject, id)`);
    await q.query(`
      CREATE FUNCTION samverkan_audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_log is append-only: % is refused', TG_OP
          USING ERRCODE = 'insufficient_privilege',
                HINT = 'The audit trail records what was written; it is never changed or removed.';
      END $$`);
    await q.query(`CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION samverkan_audit_log_append_only()`);
    await q.query(`CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION samverkan_audit_log_append_only()`);
    await q.query(`ALTER TABLE audit_log ENABLE ALWAYS TRIGGER audit_log_append_only`);
    await q.query(`ALTER TABLE audit_log ENABLE ALWAYS TRIGGER audit_log_no_truncate`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_log`);
    await q.query(`DROP FUNCTION samverkan_audit_log_append_only()`);
  }
}

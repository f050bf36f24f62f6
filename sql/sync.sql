-- Sync database: the change log every client pulls from, as SPEC §2.2
-- describes production, including its forced row-level security. Used by
-- `mana-auth dev up` and the tests; applying it twice is a no-op.

CREATE TABLE IF NOT EXISTS sync_changes (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    app_id         text NOT NULL,
    table_name     text NOT NULL,
    record_id      text NOT NULL,
    user_id        text NOT NULL,
    op             text NOT NULL CHECK (op IN ('insert', 'update', 'delete')),
    data           jsonb,
    field_meta     jsonb DEFAULT '{}',
    client_id      text NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    schema_version integer NOT NULL DEFAULT 1,
    actor          jsonb,
    origin         text,
    space_id       text
);

CREATE INDEX IF NOT EXISTS sync_changes_user_app_created_idx
    ON sync_changes (user_id, app_id, created_at);
CREATE INDEX IF NOT EXISTS sync_changes_table_record_created_idx
    ON sync_changes (table_name, record_id, created_at);
CREATE INDEX IF NOT EXISTS sync_changes_user_app_table_created_idx
    ON sync_changes (user_id, app_id, table_name, created_at);
CREATE INDEX IF NOT EXISTS sync_changes_user_space_app_created_idx
    ON sync_changes (user_id, space_id, app_id, created_at) WHERE space_id IS NOT NULL;

ALTER TABLE sync_changes ENABLE ROW LEVEL SECURITY;
ALTER TABLE sync_changes FORCE ROW LEVEL SECURITY;

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_policies
                   WHERE schemaname = current_schema() AND tablename = 'sync_changes'
                     AND policyname = 'sync_changes_user_isolation') THEN
        CREATE POLICY sync_changes_user_isolation ON sync_changes
            FOR ALL
            USING (user_id = current_setting('app.current_user_id', true))
            WITH CHECK (user_id = current_setting('app.current_user_id', true));
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_policies
                   WHERE schemaname = current_schema() AND tablename = 'sync_changes'
                     AND policyname = 'sync_changes_space_read') THEN
        CREATE POLICY sync_changes_space_read ON sync_changes
            FOR SELECT
            USING (space_id = ANY (string_to_array(current_setting('app.current_user_space_ids', true), ',')));
    END IF;
END
$$;

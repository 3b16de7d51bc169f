-- Every reference may be checked at commit instead of at each row (`SET CONSTRAINTS ALL
-- DEFERRED`), as `server db copy` needs: a whole site arrives table by table, and a reply may
-- have a lower id than its parent (an imported comment keeps its old id). Every other
-- transaction still checks each row at once (INITIALLY IMMEDIATE).
DO $$
DECLARE r record;
BEGIN
    FOR r IN SELECT conrelid::regclass AS t, conname FROM pg_constraint
             WHERE contype = 'f' AND connamespace = current_schema()::regnamespace
    LOOP
        EXECUTE format('ALTER TABLE %s ALTER CONSTRAINT %I DEFERRABLE INITIALLY IMMEDIATE', r.t, r.conname);
    END LOOP;
END $$;

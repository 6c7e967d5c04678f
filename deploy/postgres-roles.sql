-- The two database roles of a PostgreSQL installation (docs/operations.md, "Two database
-- roles"; decision 0017).
--
--   owner    owns the schema's tables; runs `manage.py migrate` (and `createcachetable`)
--            and nothing else.
--   runtime  what the web server, the worker and the scheduler connect as: reads and
--            writes every table, but may only INSERT and SELECT the audit log. It does not
--            own the audit table, so it can neither UPDATE, DELETE nor TRUNCATE it, nor
--            disable or drop its append-only trigger.
--
-- Create the roles once, as a superuser (passwords: your own):
--   CREATE ROLE camreg_owner LOGIN PASSWORD '...';
--   CREATE ROLE camreg_app LOGIN PASSWORD '...';
--   CREATE DATABASE camreg OWNER camreg_owner;
-- migrate as the owner, then run this as a superuser (or as the owner), again after every
-- `migrate`:
--   psql -v ON_ERROR_STOP=1 -v owner=camreg_owner -v runtime=camreg_app -d camreg \
--        -f deploy/postgres-roles.sql
-- It changes privileges only, never data, and may be run any number of times.

\set ON_ERROR_STOP on
BEGIN;

SELECT set_config('camreg.owner', :'owner', true), set_config('camreg.runtime', :'runtime', true);

-- Refuse a set-up in which the runtime role could still rewrite the audit log.
DO $$
DECLARE
    owner_name text := current_setting('camreg.owner');
    runtime_name text := current_setting('camreg.runtime');
    runtime pg_roles%ROWTYPE;
    audit_owner name;
BEGIN
    SELECT * INTO runtime FROM pg_roles WHERE rolname = runtime_name;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'role % does not exist: create it first', runtime_name;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = owner_name) THEN
        RAISE EXCEPTION 'role % does not exist: create it first', owner_name;
    END IF;
    IF runtime.rolsuper OR runtime.rolbypassrls THEN
        RAISE EXCEPTION 'the runtime role % must not be a superuser (a superuser can disable every trigger)', runtime_name;
    END IF;
    IF pg_has_role(runtime_name, owner_name, 'USAGE') THEN
        RAISE EXCEPTION 'the runtime role % must not be the owner role % nor act as it', runtime_name, owner_name;
    END IF;
    SELECT pg_get_userbyid(relowner) INTO audit_owner FROM pg_class
        WHERE oid = to_regclass('audit_auditevent');
    IF audit_owner IS NULL THEN
        RAISE EXCEPTION 'there is no audit_auditevent table here: run manage.py migrate (as %) first', owner_name;
    END IF;
    IF audit_owner <> owner_name THEN
        RAISE EXCEPTION 'audit_auditevent belongs to %, not to %: migrate as the owner role, or ALTER TABLE audit_auditevent OWNER TO %', audit_owner, owner_name, owner_name;
    END IF;
    IF pg_has_role(runtime_name, audit_owner, 'USAGE') THEN
        RAISE EXCEPTION 'the runtime role % acts as the audit table''s owner %', runtime_name, audit_owner;
    END IF;
END
$$;

-- Only the owner creates objects in the schema.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO :"runtime";

-- Every table and sequence: the normal rights of an application (tables of later
-- migrations too, when the owner creates them).
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO :"runtime";
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO :"runtime";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO :"runtime";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO :"runtime";

-- The audit log: append and read, nothing else.
REVOKE ALL ON TABLE audit_auditevent FROM PUBLIC;
REVOKE ALL ON TABLE audit_auditevent FROM :"runtime";
GRANT SELECT, INSERT ON TABLE audit_auditevent TO :"runtime";

-- The chain of custody of evidence: the same (its trigger refuses UPDATE and DELETE too).
REVOKE ALL ON TABLE evidence_custodyevent FROM PUBLIC;
REVOKE ALL ON TABLE evidence_custodyevent FROM :"runtime";
GRANT SELECT, INSERT ON TABLE evidence_custodyevent TO :"runtime";

COMMIT;

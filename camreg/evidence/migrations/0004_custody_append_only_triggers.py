from django.db import migrations

POSTGRES_CREATE = """
CREATE OR REPLACE FUNCTION evidence_custody_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the chain of custody is append-only: %% is not allowed', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER evidence_custody_append_only
    BEFORE UPDATE OR DELETE ON evidence_custodyevent
    FOR EACH ROW EXECUTE FUNCTION evidence_custody_append_only();
"""
POSTGRES_DROP = """
DROP TRIGGER IF EXISTS evidence_custody_append_only ON evidence_custodyevent;
DROP FUNCTION IF EXISTS evidence_custody_append_only();
"""
SQLITE_CREATE = [
    """
    CREATE TRIGGER IF NOT EXISTS evidence_custody_no_update
    BEFORE UPDATE ON evidence_custodyevent
    BEGIN
        SELECT RAISE(ABORT, 'the chain of custody is append-only: UPDATE is not allowed');
    END
    """,
    """
    CREATE TRIGGER IF NOT EXISTS evidence_custody_no_delete
    BEFORE DELETE ON evidence_custodyevent
    BEGIN
        SELECT RAISE(ABORT, 'the chain of custody is append-only: DELETE is not allowed');
    END
    """,
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS evidence_custody_no_update",
    "DROP TRIGGER IF EXISTS evidence_custody_no_delete",
]


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_CREATE)
    elif vendor == "sqlite":
        for statement in SQLITE_CREATE:
            schema_editor.execute(statement)


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_DROP)
    elif vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    """The database itself refuses to change or delete custody events, as it does for the
    audit log (audit 0002 and 0005): the chain of custody is evidence too.

    TRUNCATE on PostgreSQL and `manage.py flush` on SQLite (which lifts every append-only
    trigger for its whole-database wipe) still empty the table.
    """

    dependencies = [("evidence", "0003_retention_categories")]
    operations = [migrations.RunPython(create, drop)]

from django.db import migrations

# Kept in step with camreg.audit.guard.SQLITE_TRIGGERS.
CREATE = [
    """
    CREATE TRIGGER IF NOT EXISTS audit_event_no_update BEFORE UPDATE ON audit_auditevent
    BEGIN
        SELECT RAISE(ABORT, 'the audit log is append-only: UPDATE is not allowed');
    END
    """,
    """
    CREATE TRIGGER IF NOT EXISTS audit_event_no_delete BEFORE DELETE ON audit_auditevent
    BEGIN
        SELECT RAISE(ABORT, 'the audit log is append-only: DELETE is not allowed');
    END
    """,
]
DROP = [
    "DROP TRIGGER IF EXISTS audit_event_no_update",
    "DROP TRIGGER IF EXISTS audit_event_no_delete",
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in CREATE:
            schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    """On SQLite too the database refuses to change or delete audit rows (0002: PostgreSQL).

    Anyone with the database file can drop these triggers; the keyed chain and the
    checkpoints outside the database still tell (decision 0017). A later migration that
    rebuilds this table on SQLite (most field changes do) drops them with the old table and
    must create them again; `verify_audit_chain` reports them missing.
    `manage.py flush` (also used by the tests) lifts them for its whole-database wipe only.
    """

    dependencies = [("audit", "0004_seal_unkeyed_events")]
    operations = [migrations.RunPython(create, drop)]

"""The database's own refusal to change or delete audit rows, and whether it is in place.

PostgreSQL: the trigger of migration 0002, plus the two database roles (deploy/
postgres-roles.sql): the role the application runs as may only INSERT and SELECT the audit
table, so it can neither disable the trigger nor TRUNCATE. SQLite: the triggers of migration
0005 (anyone with the file can drop them; the keyed chain and the checkpoints still tell).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db.backends.base.base import BaseDatabaseWrapper

TABLE = "audit_auditevent"
POSTGRES_TRIGGER = "audit_event_append_only"
SQLITE_TRIGGERS = ("audit_event_no_update", "audit_event_no_delete")
SQLITE_RESTORE_HINT = "`manage.py migrate audit 0004 && manage.py migrate audit` creates them again"


def problems(connection: BaseDatabaseWrapper) -> list[str]:
    """What is missing of the append-only triggers (an empty list: all in place)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
                [TABLE],
            )
            present = {row[0] for row in cursor.fetchall()}
            missing = [name for name in SQLITE_TRIGGERS if name not in present]
            if missing:
                return [
                    f"The append-only trigger(s) {', '.join(missing)} on {TABLE} are missing: "
                    "UPDATE and DELETE of audit rows are not refused (dropped by someone with "
                    f"the database file, or a migration rebuilt the table); {SQLITE_RESTORE_HINT}."
                ]
        elif connection.vendor == "postgresql":
            cursor.execute(
                "SELECT t.tgenabled FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE c.relname = %s AND t.tgname = %s AND c.relnamespace = "
                "to_regnamespace(current_schema())",
                [TABLE, POSTGRES_TRIGGER],
            )
            row = cursor.fetchone()
            if row is None:
                return [
                    f"The append-only trigger {POSTGRES_TRIGGER} on {TABLE} is missing: UPDATE "
                    "and DELETE of audit rows are not refused; create it again as the table's "
                    "owner with the SQL of camreg/audit/migrations/0002_append_only_trigger.py."
                ]
            if row[0] == "D":
                return [
                    f"The append-only trigger {POSTGRES_TRIGGER} on {TABLE} is disabled: "
                    f"`ALTER TABLE {TABLE} ENABLE TRIGGER {POSTGRES_TRIGGER}` as the table's "
                    "owner, and find out who disabled it."
                ]
    return []


def privilege_warnings(connection: BaseDatabaseWrapper) -> list[str]:
    """PostgreSQL: what the role of this connection may do to the audit table beyond
    INSERT and SELECT (the application's role should have nothing more)."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_user, pg_has_role(c.relowner, 'USAGE'), "
            "has_table_privilege(c.oid, 'UPDATE'), has_table_privilege(c.oid, 'DELETE'), "
            "has_table_privilege(c.oid, 'TRUNCATE'), has_table_privilege(c.oid, 'TRIGGER') "
            "FROM pg_class c WHERE c.oid = to_regclass(%s)",
            [TABLE],
        )
        row = cursor.fetchone()
    if row is None:
        return []
    role, owner, *rights = row
    names = ("UPDATE", "DELETE", "TRUNCATE", "TRIGGER")
    extra = [name for name, granted in zip(names, rights, strict=True) if granted]
    if not owner and not extra:
        return []
    what = "owns the audit table" if owner else f"may {', '.join(extra)} the audit table"
    return [
        f"The database role {role} (this connection) {what}. If the application runs as this "
        "role, it can rewrite the log (the keyed chain still tells): give the application a "
        "role that may only INSERT and SELECT it (docs/operations.md, 'Two database roles')."
    ]


@contextmanager
def sqlite_triggers_lifted(connection: BaseDatabaseWrapper) -> Iterator[None]:
    """For a whole-database wipe (`manage.py flush`): drop the SQLite append-only triggers
    (the audit log's, and those of any other table kept the same way, such as the chain of
    custody of evidence: each raises "... is append-only"), put back exactly the ones there
    were afterwards. Elsewhere: nothing."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
            "AND (tbl_name = %s OR sql LIKE %s)",
            [TABLE, "%is append-only%"],
        )
        saved = cursor.fetchall()
        for name, _sql in saved:
            cursor.execute(f"DROP TRIGGER IF EXISTS {connection.ops.quote_name(name)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for _name, sql in saved:
                cursor.execute(sql)

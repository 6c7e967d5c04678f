"""PostgreSQL: the application's role may only INSERT and SELECT the audit log
(deploy/postgres-roles.sql; docs/operations.md, "Two database roles")."""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from camreg.audit import chain, services
from camreg.audit.models import AuditEvent, Scheme

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL roles"),
    # The roles and grants must be committed for the other connections to see them.
    pytest.mark.django_db(transaction=True),
]

SCRIPT = Path(__file__).resolve().parents[3] / "deploy" / "postgres-roles.sql"


def _settings() -> dict:
    return connection.settings_dict


def _apply_script(owner: str, runtime: str) -> subprocess.CompletedProcess:
    """Run the script exactly as docs/operations.md says, with psql."""
    db = _settings()
    return subprocess.run(  # noqa: S603
        [
            shutil.which("psql") or "psql",
            "-X",
            "-q",
            "-v",
            "ON_ERROR_STOP=1",
            "-v",
            f"owner={owner}",
            "-v",
            f"runtime={runtime}",
            "-h",
            db["HOST"] or "127.0.0.1",
            "-p",
            str(db["PORT"] or 5432),
            "-U",
            db["USER"],
            "-d",
            db["NAME"],
            "-f",
            str(SCRIPT),
        ],
        env={**os.environ, "PGPASSWORD": db["PASSWORD"] or ""},
        capture_output=True,
        text=True,
        timeout=60,
    )


def _connect_as(role: str) -> psycopg.Connection:
    db = _settings()
    return psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        dbname=db["NAME"],
        user=role,
        autocommit=True,
    )


@pytest.fixture
def roles():
    """Two roles in the test database: `owner` owns every table (as if it had run migrate),
    `runtime` is what the application would connect as. Removed afterwards."""
    if shutil.which("psql") is None:
        pytest.skip("needs the psql client")
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if not cursor.fetchone()[0]:
            pytest.skip("needs a superuser to create roles")
    suffix = secrets.token_hex(4)
    owner, runtime = f"camreg_owner_{suffix}", f"camreg_app_{suffix}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {owner} NOLOGIN")
        cursor.execute(f"CREATE ROLE {runtime} LOGIN")
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        for (table,) in cursor.fetchall():
            cursor.execute(f"ALTER TABLE {connection.ops.quote_name(table)} OWNER TO {owner}")
    yield owner, runtime
    with connection.cursor() as cursor:
        cursor.execute(f"REASSIGN OWNED BY {owner} TO CURRENT_USER")
        for role in (owner, runtime):
            cursor.execute(f"DROP OWNED BY {role}")
            cursor.execute(f"DROP ROLE {role}")


def _valid_next_event(cursor) -> list:
    """The values of a correctly chained event, computed as the application would."""
    cursor.execute("SELECT hash FROM audit_auditevent ORDER BY id DESC LIMIT 1")
    key = chain.current_key()
    event = AuditEvent(
        at=timezone.now(),
        actor_type="system",
        action="test.written_by_runtime_role",
        details={},
        prev_hash=cursor.fetchone()[0],
        scheme=Scheme.HMAC_SHA256,
        key_id=key.key_id,
    )
    event.hash = chain.hmac_hash(event, key)
    return [event.at, event.action, event.prev_hash, event.hash, event.key_id]


def test_the_runtime_role_can_only_append_to_and_read_the_audit_log(roles):
    owner, runtime = roles
    first = services.record("auth.sign_in")
    applied = _apply_script(owner, runtime)
    assert applied.returncode == 0, applied.stderr

    with _connect_as(runtime) as conn, conn.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM audit_auditevent")
        assert cursor.fetchone()[0] == 1
        with conn.transaction():
            cursor.execute("SELECT pg_advisory_xact_lock(1)")
            cursor.execute(
                "INSERT INTO audit_auditevent (at, actor_type, actor_id, actor_label, role, "
                "action, target_type, target_id, case_number, reason, outcome, details, "
                "prev_hash, hash, scheme, key_id) VALUES (%s, 'system', '', '', '', %s, '', "
                "'', '', '', 'success', '{}', %s, %s, 2, %s)",
                _valid_next_event(cursor),
            )
        by_id = [first.pk]
        refused = [
            ("UPDATE audit_auditevent SET reason = 'tampered' WHERE id = %s", by_id),
            ("DELETE FROM audit_auditevent WHERE id = %s", by_id),
            ("TRUNCATE audit_auditevent", None),
            ("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only", None),
            ("ALTER TABLE audit_auditevent DISABLE TRIGGER ALL", None),
            ("DROP TRIGGER audit_event_append_only ON audit_auditevent", None),
            ("SET session_replication_role = replica", None),
            ("ALTER TABLE audit_auditevent OWNER TO CURRENT_USER", None),
            ("CREATE TABLE audit_copy (id int)", None),
            # The chain of custody of evidence is kept the same way.
            ("UPDATE evidence_custodyevent SET reason = 'tampered' WHERE false", None),
            ("DELETE FROM evidence_custodyevent WHERE false", None),
            ("TRUNCATE evidence_custodyevent", None),
            ("ALTER TABLE evidence_custodyevent DISABLE TRIGGER ALL", None),
        ]
        for statement, params in refused:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                cursor.execute(statement, params)
        # Every other table: the normal rights of an application.
        cursor.execute("UPDATE django_session SET expire_date = expire_date WHERE false")
        cursor.execute("DELETE FROM django_session WHERE false")

    assert list(AuditEvent.objects.values_list("action", flat=True)) == [
        "auth.sign_in",
        "test.written_by_runtime_role",
    ]
    assert AuditEvent.objects.get(pk=first.pk).reason == ""
    call_command("verify_audit_chain")


def test_the_script_refuses_a_runtime_role_that_is_the_owner(roles):
    owner, _runtime = roles
    applied = _apply_script(owner, owner)
    assert applied.returncode != 0
    assert f"the runtime role {owner} must not be the owner role" in applied.stderr

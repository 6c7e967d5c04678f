"""The database itself refuses to change or delete audit rows, on SQLite as on PostgreSQL."""

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from camreg.audit import guard, services
from camreg.audit.models import AuditEvent

from .conftest import lift_append_only

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite triggers")
def test_sqlite_refuses_update_and_delete():
    event = services.record("auth.sign_in")
    for change in (
        lambda: AuditEvent.objects.filter(pk=event.pk).update(reason="tampered"),
        lambda: AuditEvent.objects.filter(pk=event.pk).delete(),
        lambda: AuditEvent.objects.all().delete(),
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            change()
    assert AuditEvent.objects.get().reason == ""
    assert guard.problems(connection) == []


def test_a_lifted_trigger_is_reported(capsys):
    services.record("auth.sign_in")
    call_command("verify_audit_chain")
    assert "Append-only trigger: in place" in capsys.readouterr().out
    lift_append_only()
    with pytest.raises(CommandError, match="append-only trigger.* (missing|disabled)"):
        call_command("verify_audit_chain")


@pytest.mark.django_db(transaction=True)
def test_flush_empties_the_log_and_keeps_the_triggers():
    """`manage.py flush` (and the tests after a transactional test) may empty the database;
    the triggers are back afterwards."""
    services.record("auth.sign_in")
    call_command("flush", interactive=False, verbosity=0)
    assert not AuditEvent.objects.exists()
    assert guard.problems(connection) == []

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory

from camreg.audit import chain, services
from camreg.audit.models import AuditEvent, Scheme

pytestmark = pytest.mark.django_db


def _three_events(deputy):
    """`deputy`: the root conftest.py's signed-in deputy (staff accounts sit above the audit
    log, so its tests do not build one themselves)."""
    request = RequestFactory().get("/", REMOTE_ADDR="198.51.100.7")
    request.user = deputy.user
    services.record("auth.sign_in", request=request)
    services.record(
        "registrant.view", request=request, target_type="registry.registrant", target_id=42
    )
    services.record("system.purge", details={"count": 3})
    return list(AuditEvent.objects.order_by("pk"))


def test_record_fills_actor_ip_and_links(deputy):
    first, second, third = _three_events(deputy)
    assert first.actor_type == "staff" and first.actor_id == str(deputy.user.pk)
    assert first.actor_label == "Dana Deputy <dana.deputy@example.org>"
    assert first.role == "deputy" and first.ip_address == "198.51.100.7"
    assert first.prev_hash == services.GENESIS
    assert second.prev_hash == first.hash and third.prev_hash == second.hash
    assert (second.target_type, second.target_id) == ("registry.registrant", "42")
    assert third.actor_type == "system" and third.details == {"count": 3}


def test_intact_chain_verifies(deputy, capsys):
    _three_events(deputy)
    call_command("verify_audit_chain")
    out = capsys.readouterr().out
    assert "3 event(s) checked" in out
    assert chain.current_key().key_id in out


def test_edited_row_breaks_the_chain_and_is_named(deputy, attacker):
    events = _three_events(deputy)
    attacker.edit(events[1].pk, target_id="43")
    with pytest.raises(CommandError, match=f"broken at event {events[1].pk}.*changed"):
        call_command("verify_audit_chain")


def test_deleted_row_breaks_the_chain_and_is_named(deputy, attacker):
    events = _three_events(deputy)
    attacker.delete(events[1].pk)
    with pytest.raises(CommandError, match=f"broken at event {events[2].pk}.*removed"):
        call_command("verify_audit_chain")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL trigger")
def test_postgresql_refuses_update_and_delete(deputy):
    events = _three_events(deputy)
    for change in (
        lambda: AuditEvent.objects.filter(pk=events[0].pk).update(reason="tampered"),
        lambda: AuditEvent.objects.filter(pk=events[0].pk).delete(),
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            change()
    call_command("verify_audit_chain")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL trigger")
def test_postgresql_tampering_with_trigger_disabled_is_still_detected(deputy):
    """Someone with owner rights disables the trigger: the chain still tells."""
    events = _three_events(deputy)
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only")
        cursor.execute(
            "UPDATE audit_auditevent SET reason = 'tampered' WHERE id = %s", [events[0].pk]
        )
        cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_append_only")
    with pytest.raises(CommandError, match=f"broken at event {events[0].pk}"):
        call_command("verify_audit_chain")


def test_every_new_event_is_keyed(deputy):
    for event in _three_events(deputy):
        assert event.scheme == Scheme.HMAC_SHA256
        assert event.key_id == chain.current_key().key_id
        assert event.hash == chain.hmac_hash(event, chain.current_key())
        assert event.hash != chain.sha256_hash(event)

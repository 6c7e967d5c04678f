"""Events written before the audit key existed (plain SHA-256): verified as before, and
sealed by the key-change marker of migration 0004 (decision 0017)."""

import hashlib
import importlib
import json
from datetime import UTC, datetime

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from camreg.audit import chain, services
from camreg.audit.models import AuditEvent, Scheme

from .conftest import plain_sha256

pytestmark = pytest.mark.django_db


def _as_the_old_code_did(action: str, **fields) -> AuditEvent:
    """An event exactly as `record` wrote it before the key: its hash computed here the way
    the old code did, so a change to the scheme 1 text would show."""
    last = AuditEvent.objects.order_by("-pk").values_list("hash", flat=True).first()
    event = AuditEvent(
        at=datetime(2026, 11, 30, 12, 0, tzinfo=UTC),
        actor_type="staff",
        actor_id="7",
        actor_label="Dana Deputy <dana@example.org>",
        role="deputy",
        ip_address="198.51.100.7",
        action=action,
        details={"rows": 2, "note": "café"},
        prev_hash=last or chain.GENESIS,
        scheme=Scheme.SHA256,
        **fields,
    )
    old_content = json.dumps(
        {
            name: getattr(event, name)
            for name in (
                "actor_type actor_id actor_label role ip_address action target_type "
                "target_id case_number reason outcome details prev_hash"
            ).split()
        }
        | {"at": event.at.isoformat()},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=str,
    )
    event.hash = hashlib.sha256(old_content.encode()).hexdigest()
    assert chain.sha256_hash(event) == event.hash
    event.save(force_insert=True)
    return event


def _old_log() -> list[AuditEvent]:
    return [_as_the_old_code_did("auth.sign_in"), _as_the_old_code_did("registrant.viewed")]


def _seal_as_migration_0004_does() -> None:
    """Run migration 0004's own function with its historical model."""
    migration = importlib.import_module("camreg.audit.migrations.0004_seal_unkeyed_events")
    state = MigrationExecutor(connection).loader.project_state(
        ("audit", "0004_seal_unkeyed_events")
    )
    migration.seal(state.apps, connection.schema_editor())


def test_unkeyed_events_without_a_seal_prove_nothing():
    events = _old_log()
    with pytest.raises(CommandError, match=f"event {events[0].pk}: it and the 1 event"):
        call_command("verify_audit_chain")


def test_the_migration_seals_them_and_the_chain_goes_on_keyed(capsys):
    old = _old_log()
    _seal_as_migration_0004_does()
    marker = AuditEvent.objects.order_by("-pk").first()
    assert marker.action == "audit.chain_keyed" and marker.actor_type == "system"
    assert marker.scheme == Scheme.HMAC_SHA256 and marker.prev_hash == old[-1].hash
    assert marker.details["unkeyed_events"] == 2
    assert marker.details["last_unkeyed_event_id"] == old[-1].pk
    assert marker.details["unkeyed_chain_intact"] is True
    after = services.record("auth.sign_in")
    assert after.prev_hash == marker.hash

    call_command("verify_audit_chain")
    out = capsys.readouterr().out
    assert "4 event(s) checked" in out and "2 earlier unkeyed SHA-256 event(s), sealed" in out


def test_sealing_twice_or_an_empty_log_adds_nothing():
    assert services.seal_unkeyed_events() is None
    _old_log()
    assert services.seal_unkeyed_events() is not None
    assert services.seal_unkeyed_events() is None
    assert AuditEvent.objects.count() == 3


def test_sealed_events_rewritten_and_rechained_break_at_the_marker(attacker):
    old = _old_log()
    marker = services.seal_unkeyed_events()
    attacker.edit(old[0].pk, actor_label="someone else")
    attacker.rechain(old[0].pk, plain_sha256, up_to=old[-1].pk)
    with pytest.raises(
        CommandError, match=f"broken at event {marker.pk}: its link to the previous event"
    ):
        call_command("verify_audit_chain")


def test_a_changed_unkeyed_event_is_still_found(attacker):
    """The seal records that the unkeyed chain was already broken; verification names it."""
    old = _old_log()
    attacker.edit(old[0].pk, reason="changed before the upgrade")
    marker = services.seal_unkeyed_events()
    assert marker.details["unkeyed_chain_intact"] is False
    assert marker.details["broken_event_id"] == old[0].pk
    with pytest.raises(CommandError, match=f"broken at event {old[0].pk}: .*changed"):
        call_command("verify_audit_chain")

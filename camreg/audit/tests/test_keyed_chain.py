"""The chain is keyed: whoever can write to the database but lacks AUDIT_HMAC_KEY cannot
rewrite events and compute a chain that verifies (decision 0017)."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command

from camreg.audit import chain, services
from camreg.audit.models import AuditEvent

from .conftest import hmac_with, plain_sha256

pytestmark = pytest.mark.django_db

OLD_KEY = "old-audit-key-" + "o" * 40
NEW_KEY = "new-audit-key-" + "n" * 40


def _events(count: int) -> list[AuditEvent]:
    for number in range(count):
        services.record("registrant.viewed", target_type="registry.registrant", target_id=number)
    return list(AuditEvent.objects.order_by("pk"))


def test_a_rewritten_event_rechained_with_plain_sha256_is_detected(attacker):
    """What the old chain could not tell: the event is changed and every hash after it
    recomputed, as anyone can with plain SHA-256 (on PostgreSQL with the trigger disabled)."""
    events = _events(5)
    attacker.edit(events[2].pk, reason="nothing to see")
    attacker.rechain(events[2].pk, plain_sha256)
    with pytest.raises(
        CommandError,
        match=f"broken at event {events[2].pk}: it carries a plain SHA-256 hash after events "
        "made with the audit key",
    ):
        call_command("verify_audit_chain")


def test_a_log_rewritten_entirely_with_plain_sha256_is_detected(attacker):
    """Every event rewritten as if from before the key: nothing keyed seals them."""
    events = _events(4)
    attacker.edit(events[0].pk, actor_label="someone else")
    attacker.rechain(events[0].pk, plain_sha256)
    with pytest.raises(CommandError, match=f"broken at event {events[0].pk}: .*no event made "):
        call_command("verify_audit_chain")


def test_events_rechained_with_a_guessed_key_are_detected(attacker):
    events = _events(4)
    attacker.edit(events[1].pk, case_number="KC2026-999999")
    attacker.rechain(events[1].pk, hmac_with("attacker-guess-" + "g" * 40))
    with pytest.raises(
        CommandError,
        match=f"broken at event {events[1].pk}: its content does not match its keyed hash",
    ):
        call_command("verify_audit_chain")


def test_events_claiming_an_unknown_key_are_named(attacker):
    events = _events(3)
    attacker.rechain(events[2].pk, hmac_with("attacker-key-" + "a" * 40, claim_key_id="f" * 16))
    with pytest.raises(CommandError, match=f"event {events[2].pk}: .*key ffffffffffffffff"):
        call_command("verify_audit_chain")


def test_no_key_no_audit_log(settings):
    settings.AUDIT_HMAC_KEY = ""
    with pytest.raises(ImproperlyConfigured, match="AUDIT_HMAC_KEY"):
        services.record("auth.sign_in")
    assert not AuditEvent.objects.exists()


def test_a_rotated_key_verifies_with_the_retired_one(settings, capsys):
    settings.AUDIT_HMAC_KEY = OLD_KEY
    _events(2)
    settings.AUDIT_HMAC_KEY, settings.AUDIT_HMAC_RETIRED_KEYS = NEW_KEY, [OLD_KEY]
    events = _events(1)
    assert events[-1].key_id == chain.derive(NEW_KEY).key_id != events[0].key_id
    call_command("verify_audit_chain")
    out = capsys.readouterr().out
    assert "3 event(s) checked" in out
    assert chain.derive(OLD_KEY).key_id in out and chain.derive(NEW_KEY).key_id in out

    settings.AUDIT_HMAC_RETIRED_KEYS = []  # the old key lost: its events cannot be verified
    with pytest.raises(CommandError, match=f"event {events[0].pk}: .*not configured"):
        call_command("verify_audit_chain")


def test_an_event_forged_with_a_leaked_retired_key_is_detected(settings, attacker):
    settings.AUDIT_HMAC_KEY = OLD_KEY
    _events(1)
    settings.AUDIT_HMAC_KEY, settings.AUDIT_HMAC_RETIRED_KEYS = NEW_KEY, [OLD_KEY]
    events = _events(2)
    old = chain.derive(OLD_KEY).key_id
    attacker.rechain(events[-1].pk, hmac_with(OLD_KEY, claim_key_id=old))
    with pytest.raises(CommandError, match=f"event {events[-1].pk}: .*retired audit key {old}"):
        call_command("verify_audit_chain")


def test_the_derived_secrets_differ_from_each_other_and_from_the_key():
    key = chain.derive(NEW_KEY)
    assert len({key.chain_secret, key.checkpoint_secret, NEW_KEY.encode()}) == 3
    assert len(key.key_id) == 16 and key.key_id not in NEW_KEY

"""Fixtures of the audit log's tests: checkpoints in a temporary file, and an attacker who
can write to the database (but holds neither the audit key nor the checkpoint file)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection

from camreg.audit import chain, guard
from camreg.audit.models import AuditEvent, Scheme


@pytest.fixture
def checkpoint_file(settings, tmp_path):
    settings.AUDIT_CHECKPOINT_FILE = str(tmp_path / "audit-checkpoints.jsonl")
    return tmp_path / "audit-checkpoints.jsonl"


def lift_append_only() -> None:
    """What an attacker with the database file (SQLite) or the table owner's rights
    (PostgreSQL) does first. Inside the test's transaction: rolled back with it."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for name in guard.SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER {name}")
        else:
            cursor.execute(f"ALTER TABLE {guard.TABLE} DISABLE TRIGGER {guard.POSTGRES_TRIGGER}")


@pytest.fixture
def attacker() -> Attacker:
    """Someone who can write to the database (its triggers lifted) but holds neither the
    audit key nor the checkpoint file."""
    lift_append_only()
    return Attacker()


class Attacker:
    """Rewrites rows with plain SQL, as someone with database access and no key would."""

    def delete(self, *pks: int) -> None:
        AuditEvent.objects.filter(pk__in=pks).delete()

    def edit(self, pk: int, **values) -> None:
        AuditEvent.objects.filter(pk=pk).update(**values)

    def rechain(
        self,
        from_pk: int,
        hasher: Callable[[AuditEvent], tuple[int, str, str]],
        *,
        up_to: int | None = None,
    ) -> None:
        """Recompute the links and hashes of the events from `from_pk` (up to `up_to`) with
        `hasher`, which answers (scheme, key id, hash) for an event."""
        previous = (
            AuditEvent.objects.filter(pk__lt=from_pk)
            .order_by("-pk")
            .values_list("hash", flat=True)
            .first()
        ) or chain.GENESIS
        rows = AuditEvent.objects.filter(pk__gte=from_pk).order_by("pk")
        for event in rows.filter(pk__lte=up_to) if up_to is not None else rows:
            event.prev_hash = previous
            event.scheme, event.key_id, event.hash = hasher(event)
            AuditEvent.objects.filter(pk=event.pk).update(
                prev_hash=event.prev_hash, scheme=event.scheme, key_id=event.key_id, hash=event.hash
            )
            previous = event.hash


def plain_sha256(event: AuditEvent) -> tuple[int, str, str]:
    """The old, unkeyed hash: anyone can compute it."""
    event.scheme, event.key_id = Scheme.SHA256, ""
    return Scheme.SHA256, "", chain.sha256_hash(event)


def hmac_with(key_text: str, *, claim_key_id: str | None = None):
    """HMAC-SHA256 under a key the attacker made up, claiming `claim_key_id` (by default the
    real key's id, as the rows around it carry)."""
    key = chain.derive(key_text)

    def hasher(event: AuditEvent) -> tuple[int, str, str]:
        event.scheme = Scheme.HMAC_SHA256
        event.key_id = claim_key_id if claim_key_id is not None else chain.current_key().key_id
        return Scheme.HMAC_SHA256, event.key_id, chain.hmac_hash(event, key)

    return hasher

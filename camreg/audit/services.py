"""Recording and verifying audit events: the only way anything writes to the audit log."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from .models import ActorType, AuditEvent, Outcome

GENESIS = "0" * 64
# Serialises appends on PostgreSQL (SQLite serialises writers already).
_ADVISORY_LOCK_KEY = 0x4341_4D52  # "CAMR"


def _actor_fields(actor, request) -> dict:
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            actor = user
    if actor is None:
        kind = ActorType.ANONYMOUS if request is not None else ActorType.SYSTEM
        return {"actor_type": kind, "actor_id": "", "actor_label": "", "role": ""}
    if actor._meta.label_lower == "registry.registrant":
        return {
            "actor_type": ActorType.REGISTRANT,
            "actor_id": str(actor.pk),
            "actor_label": "",
            "role": "registrant",
        }
    return {
        "actor_type": ActorType.STAFF,
        "actor_id": str(actor.pk),
        "actor_label": f"{actor.full_name} <{actor.email}>",
        "role": ",".join(sorted(getattr(actor, "roles", []) or [])),
    }


def _content(event: AuditEvent) -> str:
    """The canonical text a row's hash covers."""
    return json.dumps(
        {
            "at": event.at.isoformat(),
            "actor_type": event.actor_type,
            "actor_id": event.actor_id,
            "actor_label": event.actor_label,
            "role": event.role,
            "ip_address": event.ip_address,
            "action": event.action,
            "target_type": event.target_type,
            "target_id": event.target_id,
            "case_number": event.case_number,
            "reason": event.reason,
            "outcome": event.outcome,
            "details": event.details,
            "prev_hash": event.prev_hash,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=str,
    )


def compute_hash(event: AuditEvent) -> str:
    return hashlib.sha256(_content(event).encode()).hexdigest()


def record(
    action: str,
    *,
    actor=None,
    request=None,
    target=None,
    target_type: str = "",
    target_id: str | int = "",
    case_number: str = "",
    reason: str = "",
    outcome: str = Outcome.SUCCESS,
    details: dict | None = None,
) -> AuditEvent:
    """Append one event to the audit log.

    `actor` is a staff user, a registrant, or None (the request's signed-in user, else the
    system or an anonymous visitor). `target` is a model instance (its type and id are
    stored, never its content). Call it inside the transaction of the change it records;
    a failure or denial that rolls back should be recorded after the rollback.
    """
    from camreg.web.http import client_ip

    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or target.pk
    event = AuditEvent(
        at=timezone.now(),
        **_actor_fields(actor, request),
        ip_address=client_ip(request) if request is not None else None,
        action=action,
        target_type=target_type,
        target_id=str(target_id or ""),
        case_number=case_number or "",
        reason=reason or "",
        outcome=outcome,
        details=json.loads(json.dumps(details or {}, default=str)),
    )
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK_KEY])
        last = AuditEvent.objects.order_by("-pk").values_list("hash", flat=True).first()
        event.prev_hash = last or GENESIS
        event.hash = compute_hash(event)
        event.save(force_insert=True)
    return event


@dataclass
class BrokenLink:
    event_id: int
    problem: str


def verify_chain(batch_size: int = 2000) -> tuple[int, BrokenLink | None]:
    """Walk the whole log; return (rows checked, the first broken link or None)."""
    previous = GENESIS
    checked = 0
    for event in _iterate(batch_size):
        if event.prev_hash != previous:
            return checked, BrokenLink(
                event.pk, "its link to the previous row does not match (a row was removed)"
            )
        if compute_hash(event) != event.hash:
            return checked, BrokenLink(event.pk, "its content does not match its hash (changed)")
        previous = event.hash
        checked += 1
    return checked, None


def _iterate(batch_size: int) -> Iterator[AuditEvent]:
    last_pk = 0
    while True:
        batch = list(AuditEvent.objects.filter(pk__gt=last_pk).order_by("pk")[:batch_size])
        if not batch:
            return
        yield from batch
        last_pk = batch[-1].pk

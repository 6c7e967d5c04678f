"""The chain of custody: one function writes every custody event, and the audit log with it.

`record(evidence_file, kind, actor=..., request=..., reason=..., details=...)` appends a
CustodyEvent (who, when, from where, why, the file's SHA-256 as known then) and an audit
event `evidence.<kind>` in the same transaction. Custody events are append-only: the model
refuses updates and deletes, and so does the database (triggers of migration 0004; on
PostgreSQL the application's role may only INSERT and SELECT them, deploy/postgres-roles.sql);
the audit log's keyed hash chain makes a rewrite by the database's owner detectable
(`manage.py verify_audit_chain`).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from camreg.audit import services as audit
from camreg.web.http import client_ip

from ..models import CustodyEvent, CustodyKind, EvidenceFile

SYSTEM = "The system (worker)"


def actor_label(actor) -> str:
    """A staff member's name as it is now, kept on the event as it was then."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return ""
    return actor.get_full_name() or actor.get_username()


def record(
    evidence_file: EvidenceFile,
    kind: CustodyKind | str,
    *,
    actor=None,
    actor_name: str = "",
    request=None,
    reason: str = "",
    details: dict | None = None,
    at=None,
) -> CustodyEvent:
    """Append one custody event, and its audit event, in the caller's transaction.

    `actor` is the staff user (None for the system or an outside party, named by
    `actor_name`: "the owner (request link)", "Another agency (share link 4)"). `request`
    gives the address and browser it came from."""
    kind = CustodyKind(kind)
    staff = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    name = actor_name or actor_label(staff) or SYSTEM
    with transaction.atomic():
        event = CustodyEvent.objects.create(
            evidence_file=evidence_file,
            kind=kind,
            at=at or timezone.now(),
            actor=staff,
            actor_name=name[:200],
            ip=client_ip(request) if request is not None else None,
            user_agent=(request.META.get("HTTP_USER_AGENT", "")[:300] if request else ""),
            reason=reason,
            sha256=evidence_file.sha256,
            details=details or {},
        )
        audit.record(
            f"evidence.{kind.value}",
            actor=staff,
            request=request,
            target=evidence_file,
            case_number=evidence_file.case.case_number,
            reason=reason,
            details={"custody_event": event.pk, "by": name, **(details or {})},
        )
    return event

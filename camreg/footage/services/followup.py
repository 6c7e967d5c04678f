"""Staff follow-up on a request: contacts logged, footage received, closing it."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from camreg.accounts.roles import Permission, check
from camreg.audit import services as audit
from camreg.footage.models import (
    ContactAttempt,
    ContactKind,
    ContactOutcome,
    FootageRequest,
    Status,
)
from camreg.footage.services.common import NOTE_MAX_LENGTH, FootageError
from camreg.footage.services.links import _retire_links
from camreg.footage.services.settling import settle_task


def log_contact(
    footage_request: FootageRequest,
    *,
    actor,
    kind: str,
    outcome: str,
    note: str = "",
    at: datetime | None = None,
    request=None,
) -> ContactAttempt:
    """Log a call, visit, email or text to the registrant about the request."""
    check(actor, Permission.CANVASS)
    if kind not in ContactKind.values:
        raise FootageError("contact_kind_invalid", "Choose how you contacted them.")
    if outcome not in ContactOutcome.values:
        raise FootageError("contact_outcome_invalid", "Choose the outcome.")
    now = timezone.now()
    at = at or now
    if at > now + timedelta(minutes=5):
        raise FootageError("contact_in_future", "The time of the contact is in the future.")
    with transaction.atomic():
        attempt = ContactAttempt.objects.create(
            request=footage_request,
            staff=actor,
            staff_name=actor.full_name,
            at=at,
            kind=kind,
            outcome=outcome,
            note=(note or "").strip()[:NOTE_MAX_LENGTH],
        )
        audit.record(
            "footage.contact_logged",
            actor=actor,
            request=request,
            target=footage_request,
            case_number=footage_request.case.case_number,
            details={"contact_id": attempt.pk, "kind": kind, "outcome": outcome},
        )
    return attempt


def mark_footage_received(
    footage_request: FootageRequest, *, actor, note: str = "", request=None
) -> FootageRequest:
    """The footage has arrived (in person, on a drive, ...): the request is done."""
    check(actor, Permission.CANVASS)
    if footage_request.status in (Status.FOOTAGE_RECEIVED, Status.CLOSED):
        raise FootageError("not_open", "This request is already finished.")
    with transaction.atomic():
        footage_request.status = Status.FOOTAGE_RECEIVED
        footage_request.footage_received_at = timezone.now()
        if note:
            footage_request.close_note = note.strip()[:NOTE_MAX_LENGTH]
        footage_request.save(update_fields=["status", "footage_received_at", "close_note"])
        _retire_links(footage_request)
        settle_task(footage_request)
        audit.record(
            "footage.footage_received",
            actor=actor,
            request=request,
            target=footage_request,
            case_number=footage_request.case.case_number,
        )
    return footage_request


def footage_arrived(footage_request: FootageRequest, *, actor=None, by: str, request=None) -> bool:
    """Evidence files arrived for the request (the owner through the link, or a deputy's
    intake; called by the evidence app): it becomes "footage received". Unlike
    mark_footage_received the owner's link keeps working until it expires, to send more.
    False when the request was already finished (received or closed)."""
    now = timezone.now()
    with transaction.atomic():
        changed = (
            FootageRequest.objects.filter(pk=footage_request.pk)
            .exclude(status__in=(Status.FOOTAGE_RECEIVED, Status.CLOSED))
            .update(status=Status.FOOTAGE_RECEIVED, footage_received_at=now)
        )
        if not changed:
            return False
        footage_request.refresh_from_db()
        settle_task(footage_request)
        audit.record(
            "footage.footage_received",
            actor=actor,
            request=request,
            target=footage_request,
            case_number=footage_request.case.case_number,
            details={"by": by},
        )
    return True


def close(
    footage_request: FootageRequest, *, actor, note: str = "", request=None
) -> FootageRequest:
    """Close the request (nothing more to do); its link stops working."""
    check(actor, Permission.CANVASS)
    if footage_request.status == Status.CLOSED:
        raise FootageError("not_open", "This request is already closed.")
    with transaction.atomic():
        previous = footage_request.status
        footage_request.status = Status.CLOSED
        footage_request.closed_at = timezone.now()
        if note:
            footage_request.close_note = note.strip()[:NOTE_MAX_LENGTH]
        footage_request.save(update_fields=["status", "closed_at", "close_note"])
        _retire_links(footage_request)
        settle_task(footage_request)
        audit.record(
            "footage.closed",
            actor=actor,
            request=request,
            target=footage_request,
            case_number=footage_request.case.case_number,
            reason=footage_request.close_note,
            details={"previous_status": previous},
        )
    return footage_request

"""Staff review: confirming or rejecting registrations waiting for review.

Each function records its audit event in the same transaction as the change.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from camreg.audit import services as audit
from camreg.outreach import services as outreach
from camreg.registry.models import Registrant, RegistrationStatus
from camreg.registry.services.registration import confirm_registration


class NotPending(Exception):
    """The registration is no longer waiting for review (someone may have acted on it)."""


def _pending_for_update(registrant: Registrant) -> Registrant:
    locked = Registrant.objects.select_for_update().get(pk=registrant.pk)
    if locked.status != RegistrationStatus.PENDING_REVIEW:
        raise NotPending(f"Registrant {locked.pk} is {locked.status}, not pending review.")
    return locked


def confirm_reviewed(registrant: Registrant, *, actor, request=None) -> Registrant:
    """A staff member confirms a registration waiting for review.

    The registration becomes active and the confirmation email goes through the outbox.
    Raises NotPending if it is no longer waiting for review.
    """
    with transaction.atomic():
        _pending_for_update(registrant)
        registrant = confirm_registration(registrant)
        audit.record("registration.confirmed", actor=actor, request=request, target=registrant)
    return registrant


@dataclass
class BulkConfirmResult:
    confirmed: list[int]
    skipped: list[int]  # not found, or no longer waiting for review


def bulk_confirm(registrant_ids, *, actor, request=None) -> BulkConfirmResult:
    """Confirm several registrations waiting for review, all in one transaction.

    Ids that are unknown or no longer pending are skipped and reported; any other
    failure confirms none of them.
    """
    wanted = sorted({int(pk) for pk in registrant_ids})
    confirmed: list[int] = []
    with transaction.atomic():
        # Lock in id order so that two bulk confirmations cannot deadlock.
        pending = list(
            Registrant.objects.select_for_update()
            .filter(pk__in=wanted, status=RegistrationStatus.PENDING_REVIEW)
            .order_by("pk")
        )
        for registrant in pending:
            confirm_registration(registrant)
            audit.record(
                "registration.confirmed",
                actor=actor,
                request=request,
                target=registrant,
                details={"bulk": True, "batch_size": len(pending)},
            )
            confirmed.append(registrant.pk)
    return BulkConfirmResult(confirmed, [pk for pk in wanted if pk not in confirmed])


def reject_registration(
    registrant: Registrant, *, reason: str, notify: bool = True, actor, request=None
) -> Registrant:
    """Turn down a registration waiting for review, with a reason.

    With `notify` the registrant gets the reason by email in their language; without it
    (obvious spam) nothing is sent. Raises NotPending if it is no longer waiting for review.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValueError("A rejection needs a reason.")
    with transaction.atomic():
        registrant = _pending_for_update(registrant)
        registrant.status = RegistrationStatus.REJECTED
        registrant.rejection_reason = reason
        registrant.rejected_at = timezone.now()
        registrant.save(update_fields=["status", "rejection_reason", "rejected_at", "updated_at"])
        if notify:
            outreach.queue_email(
                to=registrant.email,
                template="registration_rejected",
                context={"name": registrant.name, "reason": reason},
                language=registrant.language,
                registrant=registrant,
            )
        audit.record(
            "registration.rejected",
            actor=actor,
            request=request,
            target=registrant,
            reason=reason,
            details={"notified": bool(notify)},
        )
    return registrant

"""A request that expired unanswered (or is about to) can be sent again or extended.

- Sending again emails the owner the request once more, with a new private link valid for
  the agency's `footage_request_link_days`; the earlier links stop working, and one
  reminder may follow as after the first email.
- Extending makes the links already emailed work again (or longer) until a new date, with
  no new email: for an owner who said on the phone that they still have the email.

Both put the request back to "sent", are recorded as a RequestRenewal and in the audit log.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from camreg import tokens
from camreg.accounts.roles import Permission, check
from camreg.agency import services as agency_services
from camreg.audit import services as audit
from camreg.footage.models import (
    FootageRequest,
    LinkPurpose,
    RenewalKind,
    RequestRenewal,
    Status,
)
from camreg.footage.services.common import FootageError
from camreg.footage.services.links import _email_context, _new_link
from camreg.outreach import services as outreach
from camreg.registry.models import RegistrationStatus

# Requests that can be renewed: expired, or sent and not answered yet.
RENEWABLE = (Status.SENT, Status.EXPIRED)


def can_renew(footage_request: FootageRequest) -> bool:
    registrant = footage_request.registrant
    return bool(
        footage_request.status in RENEWABLE
        and registrant is not None
        and registrant.email
        and registrant.status == RegistrationStatus.ACTIVE
    )


def _check(footage_request: FootageRequest, actor) -> None:
    check(actor, Permission.CANVASS)
    if footage_request.status not in RENEWABLE:
        raise FootageError(
            "not_renewable", "Only a request that was sent and not answered can be renewed."
        )
    registrant = footage_request.registrant
    if registrant is None or not registrant.email:
        raise FootageError(
            "no_email", "The owner has no email address on file: call them or visit instead."
        )
    if registrant.status != RegistrationStatus.ACTIVE:
        raise FootageError(
            "registration_not_active", "The owner's registration is no longer active."
        )


def _new_expiry():
    agency = agency_services.current()
    return timezone.now() + timedelta(days=agency.footage_request_link_days)


def _renewed(footage_request, kind, previous_status, previous_expiry, actor, request, **details):
    RequestRenewal.objects.create(
        request=footage_request,
        kind=kind,
        staff=actor,
        staff_name=actor.full_name,
        previous_status=previous_status,
        previous_expiry=previous_expiry,
        new_expiry=footage_request.link_expires_at,
    )
    audit.record(
        "footage.request_resent" if kind == RenewalKind.RESENT else "footage.request_extended",
        actor=actor,
        request=request,
        target=footage_request,
        case_number=footage_request.case.case_number,
        details={
            "previous_status": previous_status,
            "previous_expiry": previous_expiry.isoformat() if previous_expiry else None,
            "new_expiry": footage_request.link_expires_at.isoformat(),
            **details,
        },
    )


def resend(footage_request: FootageRequest, *, actor, request=None) -> FootageRequest:
    """Email the request again with a new link; earlier links stop working."""
    _check(footage_request, actor)
    registrant = footage_request.registrant
    previous_status = footage_request.status
    previous_expiry = footage_request.link_expires_at
    now = timezone.now()
    with transaction.atomic():
        tokens.revoke(footage_request.links.all(), now=now)
        footage_request.link_expires_at = _new_expiry()
        footage_request.status = Status.SENT
        footage_request.sent_at = now
        footage_request.reminder_sent_at = None
        footage_request.save(
            update_fields=["link_expires_at", "status", "sent_at", "reminder_sent_at"]
        )
        link = _new_link(footage_request, LinkPurpose.REQUEST)
        outreach.queue_email(
            to=registrant.email,
            template="footage_request",
            context=_email_context(footage_request, link, renewed=True),
            language=footage_request.language,
            registrant=registrant,
        )
        _renewed(
            footage_request,
            RenewalKind.RESENT,
            previous_status,
            previous_expiry,
            actor,
            request,
            registrant_id=registrant.pk,
        )
    return footage_request


def extend(footage_request: FootageRequest, *, actor, request=None) -> FootageRequest:
    """Make the links already emailed work until a new date; no new email."""
    _check(footage_request, actor)
    previous_status = footage_request.status
    previous_expiry = footage_request.link_expires_at
    expiry = _new_expiry()
    with transaction.atomic():
        if not tokens.extend(footage_request.links.all(), expires_at=expiry):
            raise FootageError(
                "no_link", "The links of this request no longer exist: send it again instead."
            )
        footage_request.link_expires_at = expiry
        footage_request.status = Status.SENT
        footage_request.save(update_fields=["link_expires_at", "status"])
        _renewed(
            footage_request, RenewalKind.EXTENDED, previous_status, previous_expiry, actor, request
        )
    return footage_request

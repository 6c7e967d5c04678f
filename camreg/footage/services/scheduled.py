"""Scheduled work: links that expire unanswered, and one reminder to registrants who have
not answered."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from camreg.audit import services as audit
from camreg.footage.models import FootageRequest, LinkPurpose, Status
from camreg.footage.services.links import _email_context, _new_link
from camreg.outreach import services as outreach
from camreg.registry.models import RegistrationStatus

REMINDER_AFTER = timedelta(hours=48)


def expire_links(now: datetime | None = None) -> int:
    """Requests sent but not answered before their link expired become "expired". Their
    links are kept, dead, so that staff can extend them (services.renewal)."""
    now = now or timezone.now()
    expired = 0
    due = FootageRequest.objects.filter(status=Status.SENT, link_expires_at__lte=now)
    for footage_request in due.select_related("case"):
        with transaction.atomic():
            changed = FootageRequest.objects.filter(
                pk=footage_request.pk, status=Status.SENT
            ).update(status=Status.EXPIRED)
            if not changed:
                continue
            # The links stay (dead, since they expired): staff may extend them.
            audit.record(
                "footage.request_expired",
                target=footage_request,
                case_number=footage_request.case.case_number,
            )
            expired += 1
    return expired


def send_reminders(now: datetime | None = None) -> int:
    """One reminder to registrants who have not answered 48 hours after the request, while
    their link works and at least one requested camera still holds the incident's video."""
    now = now or timezone.now()
    due = (
        FootageRequest.objects.filter(
            status=Status.SENT,
            reminder_sent_at__isnull=True,
            sent_at__lte=now - REMINDER_AFTER,
            link_expires_at__gt=now,
            registrant__isnull=False,
        )
        .filter(Q(requested_cameras__overwrite_at__gt=now))
        .distinct()
        .select_related("case", "registrant")
    )
    sent = 0
    for footage_request in due:
        registrant = footage_request.registrant
        if not registrant.email or registrant.status != RegistrationStatus.ACTIVE:
            continue
        with transaction.atomic():
            claimed = FootageRequest.objects.filter(
                pk=footage_request.pk, status=Status.SENT, reminder_sent_at__isnull=True
            ).update(reminder_sent_at=now)
            if not claimed:
                continue
            link = _new_link(footage_request, LinkPurpose.REMINDER)
            outreach.queue_email(
                to=registrant.email,
                template="footage_reminder",
                context=_email_context(footage_request, link),
                language=footage_request.language,
                registrant=registrant,
            )
            audit.record(
                "footage.reminder_sent",
                target=footage_request,
                case_number=footage_request.case.case_number,
                details={"registrant_id": registrant.pk},
            )
            sent += 1
    return sent

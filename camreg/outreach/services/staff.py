"""What staff do with messages that could not be delivered: see them, retry, cancel.

The audit events name the message and its kind, never its address or the server's answer
(which may quote the address): the audit log cannot be redacted later."""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from camreg.audit import services as audit
from camreg.outreach.models import OutboxMessage, OutboxStatus


class NotFailed(Exception):
    """The message is not (or no longer) failed: someone acted on it meanwhile."""


class NotCancellable(Exception):
    """The message was sent, or is being sent right now, or is already cancelled."""


def failed_messages() -> QuerySet[OutboxMessage]:
    """Messages that failed for good and were neither retried nor cancelled, newest first."""
    return OutboxMessage.objects.filter(
        status=OutboxStatus.FAILED, redacted_at__isnull=True
    ).order_by("-failed_at", "-pk")


def retry(message: OutboxMessage, *, actor, request=None, reason: str = "") -> OutboxMessage:
    """Queue a failed message again, with a fresh set of attempts (audited)."""
    from camreg.outreach.tasks import deliver_message

    now = timezone.now()
    with transaction.atomic():
        changed = OutboxMessage.objects.filter(
            pk=message.pk, status=OutboxStatus.FAILED, redacted_at__isnull=True
        ).update(
            status=OutboxStatus.QUEUED,
            attempts=0,
            next_attempt_at=now,
            failed_at=None,
            claimed_at=None,
            claimed_by="",
        )
        if not changed:
            raise NotFailed(f"Outbox message {message.pk} is not failed.")
        audit.record(
            "outbox.retried",
            actor=actor,
            request=request,
            target=message,
            reason=reason,
            details={"template": message.template, "attempts": message.attempts},
        )
        deliver_message.enqueue(message.pk)
    message.refresh_from_db()
    return message


def cancel(message: OutboxMessage, *, actor, request=None, reason: str = "") -> OutboxMessage:
    """Give up on a message that was not sent (failed or still queued); audited."""
    with transaction.atomic():
        changed = OutboxMessage.objects.filter(
            pk=message.pk, status__in=(OutboxStatus.FAILED, OutboxStatus.QUEUED)
        ).update(status=OutboxStatus.CANCELLED, claimed_at=None, claimed_by="")
        if not changed:
            raise NotCancellable(f"Outbox message {message.pk} cannot be cancelled.")
        audit.record(
            "outbox.cancelled",
            actor=actor,
            request=request,
            target=message,
            reason=reason,
            details={"template": message.template, "attempts": message.attempts},
        )
    message.refresh_from_db()
    return message

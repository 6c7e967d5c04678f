"""Erasing email from the outbox: when a registrant leaves or is erased, and after a message
that asked for it (the goodbye email) has gone out or failed for good."""

from __future__ import annotations

from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from .models import ERASED, OutboxMessage, OutboxStatus

# A registry.Registrant: the outbox sits below the registry and does not import it.
Registrant = models.Model

UNSENT = (OutboxStatus.QUEUED, OutboxStatus.SENDING)
FINISHED = (OutboxStatus.SENT, OutboxStatus.FAILED, OutboxStatus.CANCELLED)


def forget_registrant(registrant: Registrant, *, keep_unsent: bool = False) -> int:
    """Erase the registrant's email from the outbox; return how many messages changed.

    Messages already sent, failed or cancelled are redacted at once and detached
    from the registrant. Unsent messages are cancelled and redacted, unless
    `keep_unsent`: then they still go out and are redacted right after (the goodbye
    email after leaving). Messages queued to the registrant's address without a
    link to any registrant are included. Call it before the registrant's email
    address is erased.
    """
    now = timezone.now()
    mine = Q(registrant=registrant)
    if registrant.email:
        mine |= Q(registrant__isnull=True, to_address__iexact=registrant.email)
    messages = OutboxMessage.objects.filter(mine)
    with transaction.atomic():
        count = messages.count()
        if keep_unsent:
            messages.filter(status__in=UNSENT).update(redact_after_send=True)
        else:
            # A message being sent right now is cancelled too: the worker only
            # marks a message sent while it is still "sending", so it stays cancelled.
            messages.filter(status__in=UNSENT).update(
                status=OutboxStatus.CANCELLED, claimed_at=None
            )
        redact(messages.filter(status__in=FINISHED), now=now)
    return count


def redact(messages, *, now) -> None:
    """Replace address and contents of `messages` by the erased marker, and detach them."""
    messages.filter(redacted_at__isnull=False).update(registrant=None)
    messages.filter(redacted_at__isnull=True).update(
        to_address="",
        subject=ERASED,
        body_text=ERASED,
        body_html="",
        last_error="",
        registrant=None,
        redacted_at=now,
    )


def redact_finished_if_asked() -> None:
    redact(
        OutboxMessage.objects.filter(
            status__in=FINISHED, redact_after_send=True, redacted_at__isnull=True
        ),
        now=timezone.now(),
    )

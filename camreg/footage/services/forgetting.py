"""Leaving the program: what a registrant's requests hold about them is erased."""

from __future__ import annotations

from django.utils import timezone

from camreg.footage.models import CallTask, FootageLink, FootageRequest, Status, TaskStatus
from camreg.registry.models import Registrant


def forget_registrant(registrant: Registrant) -> int:
    """Erase what a leaving registrant's requests hold about them; the rows stay.

    Call it where the registry erases a registrant's personal data.
    """
    requests = FootageRequest.objects.filter(registrant=registrant)
    FootageLink.objects.filter(request__in=requests).delete()
    CallTask.objects.filter(request__in=requests, status=TaskStatus.OPEN).update(
        status=TaskStatus.CANCELLED, done_at=timezone.now()
    )
    changed = 0
    for footage_request in requests:
        footage_request.registrant = None
        footage_request.answer_note = ""
        if footage_request.status in (Status.DRAFT, Status.SENT, Status.EXPIRED):
            footage_request.status = Status.CLOSED
            footage_request.closed_at = timezone.now()
            footage_request.close_note = "The registrant left the program."
        footage_request.save()
        changed += 1
    return changed

"""A deputy's footage work for their home page: requests waiting for an answer (soonest
overwrite deadline first), answers that came in, and calls to make.

Not audited here: the page that shows it records the view (the console's home page).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Prefetch
from django.utils import timezone

from camreg.accounts.roles import Permission, check
from camreg.footage.models import (
    CallTask,
    FootageRequest,
    RequestedCamera,
    Status,
    TaskStatus,
)
from camreg.footage.services.reading import days_left

RECENT_ANSWERS = timedelta(days=14)
LIMIT = 50


@dataclass
class WorkItem:
    r: FootageRequest
    days_left: int | None


@dataclass
class DeputyWork:
    waiting: list[WorkItem] = field(default_factory=list)  # soonest deadline first
    answers: list[WorkItem] = field(default_factory=list)  # newest answer first
    calls: list[CallTask] = field(default_factory=list)  # soonest deadline first

    @property
    def registrant_ids(self) -> list[int]:
        requests = [i.r for i in (*self.waiting, *self.answers)] + [t.request for t in self.calls]
        return sorted({r.registrant_id for r in requests if r.registrant_id})

    @property
    def request_ids(self) -> list[int]:
        requests = [i.r for i in (*self.waiting, *self.answers)] + [t.request for t in self.calls]
        return sorted({r.pk for r in requests})


def _mine(actor):
    return (
        FootageRequest.objects.filter(requested_by=actor)
        .select_related("case", "registrant")
        .prefetch_related(
            Prefetch("requested_cameras", queryset=RequestedCamera.objects.order_by("overwrite_at"))
        )
    )


def work_of(actor, now: datetime | None = None) -> DeputyWork:
    """The footage requests `actor` made that need them, and the answers that came in."""
    check(actor, Permission.CANVASS)
    now = now or timezone.now()
    waiting = _mine(actor).filter(status__in=(Status.DRAFT, Status.SENT, Status.EXPIRED))
    answers = (
        _mine(actor).filter(answered_at__gte=now - RECENT_ANSWERS).order_by("-answered_at", "-pk")
    )
    calls = (
        CallTask.objects.filter(request__requested_by=actor, status=TaskStatus.OPEN)
        .select_related("request", "request__case", "request__registrant")
        .order_by("request__overwrite_deadline", "pk")
    )
    return DeputyWork(
        waiting=[
            WorkItem(r, days_left(r, now))
            for r in waiting.order_by(*FootageRequest._meta.ordering)[:LIMIT]
        ],
        answers=[WorkItem(r, days_left(r, now)) for r in answers[:LIMIT]],
        calls=list(calls[:LIMIT]),
    )

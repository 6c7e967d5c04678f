"""Reading requests: one for staff (audited), lists by deadline, the days left."""

from __future__ import annotations

import math
from datetime import datetime

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from camreg.accounts.roles import Permission, check
from camreg.audit import services as audit
from camreg.canvass.models import Case
from camreg.footage.models import OPEN_STATUSES, FootageRequest, RequestedCamera


def _with_related(queryset: QuerySet) -> QuerySet:
    return queryset.select_related("case", "registrant", "requested_by").prefetch_related(
        Prefetch("requested_cameras", queryset=RequestedCamera.objects.order_by("overwrite_at"))
    )


def get_request(request_id: int, actor, *, request=None) -> FootageRequest:
    """One request for staff (audited as a view); FootageRequest.DoesNotExist if there is none."""
    check(actor, Permission.CANVASS)
    footage_request = _with_related(FootageRequest.objects).get(pk=request_id)
    audit.record(
        "footage.request_viewed",
        actor=actor,
        request=request,
        target=footage_request,
        case_number=footage_request.case.case_number,
    )
    return footage_request


def list_requests(
    actor,
    *,
    mine: bool = False,
    case: Case | None = None,
    open_only: bool = False,
    limit: int | None = 500,
) -> list[FootageRequest]:
    """Requests sorted by overwrite deadline, soonest first (no deadline last).

    Not audited here: the caller records the view it shows (the console's dashboard does).
    """
    check(actor, Permission.CANVASS)
    queryset = _with_related(FootageRequest.objects.all())
    if mine:
        queryset = queryset.filter(requested_by=actor)
    if case is not None:
        queryset = queryset.filter(case=case)
    if open_only:
        queryset = queryset.filter(status__in=OPEN_STATUSES)
    queryset = queryset.order_by(*FootageRequest._meta.ordering)
    return list(queryset[:limit] if limit else queryset)


def days_left(footage_request: FootageRequest, now: datetime | None = None) -> int | None:
    """Whole days before the first requested camera overwrites the video; negative: gone."""
    if footage_request.overwrite_deadline is None:
        return None
    now = now or timezone.now()
    return math.floor((footage_request.overwrite_deadline - now).total_seconds() / 86_400)

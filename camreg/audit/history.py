"""The audit events about one record, newest first: "who viewed this registrant"."""

from __future__ import annotations

from django.db.models import Q

from .models import AuditEvent

LIMIT = 50


def about(target_type: str, target_id, *, detail_key: str = "", limit: int = LIMIT):
    """(the newest `limit` events about the record, how many there are in all).

    An event is about the record when it targets it, or (with `detail_key`) when its
    details name it under that key (a footage request names its registrant_id).
    """
    match = Q(target_type=target_type, target_id=str(target_id))
    if detail_key:
        match |= Q(**{f"details__{detail_key}": int(target_id)})
    events = AuditEvent.objects.filter(match)
    return list(events.order_by("-pk")[:limit]), events.count()

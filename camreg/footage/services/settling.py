"""Call tasks a request no longer needs: the owner answered online, the request is finished,
or the owner left the program. A module of its own so that every service that finishes a
request can use it (the call tasks themselves are in calls.py)."""

from __future__ import annotations

from django.utils import timezone

from camreg.footage.models import CallTask, FootageRequest, TaskStatus


def settle_task(footage_request: FootageRequest) -> int:
    """The request's open call task is no longer needed; call it inside the change's
    transaction. Returns how many tasks changed (0 or 1)."""
    return CallTask.objects.filter(request=footage_request, status=TaskStatus.OPEN).update(
        status=TaskStatus.CANCELLED, done_at=timezone.now()
    )

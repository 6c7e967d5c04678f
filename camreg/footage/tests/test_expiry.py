"""Expiry: an unanswered request's link stops working and the request shows as expired."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from camreg.audit.models import AuditEvent
from camreg.footage import services, tasks
from camreg.footage.models import FootageLink, FootageRequest, Status

from .conftest import NOW, camera_ids

pytestmark = pytest.mark.django_db


def test_unanswered_requests_expire_with_their_link(now, case, deputy, owner):
    waiting, answered = services.create_requests(
        case,
        camera_ids(owner(cameras=[{"retention_days": 5}]), owner(cameras=[{"retention_days": 9}])),
        actor=deputy.user,
        message="",
    )
    FootageRequest.objects.filter(pk=answered.pk).update(
        status=Status.ANSWERED, answer="no_footage"
    )
    with time_machine.travel(NOW + timedelta(days=6, hours=23), tick=False):
        assert services.expire_links() == 0
    with time_machine.travel(NOW + timedelta(days=7), tick=False):
        assert tasks.expire_footage_links.call() == 1
        assert services.expire_links() == 0
    waiting.refresh_from_db()
    answered.refresh_from_db()
    assert waiting.status == Status.EXPIRED
    assert answered.status == Status.ANSWERED
    # The link no longer works; it is kept (dead) so that staff can extend it.
    later = NOW + timedelta(days=7)
    assert not FootageLink.objects.filter(request=waiting).usable(now=later).exists()
    assert FootageLink.objects.filter(request=waiting).exists()
    event = AuditEvent.objects.get(action="footage.request_expired")
    assert event.target_id == str(waiting.pk)


def test_jobs_are_scheduled():
    from camreg.scheduling import JOBS

    paths = {job.task_path for job in JOBS}
    assert "camreg.footage.tasks.expire_footage_links" in paths
    assert "camreg.footage.tasks.send_footage_reminders" in paths

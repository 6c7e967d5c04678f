"""Reminders: one, 48 hours after an unanswered request, while the video is still kept."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core import mail

from camreg.audit.models import AuditEvent
from camreg.footage import services, tasks
from camreg.footage.models import FootageLink
from camreg.outreach.models import OutboxMessage

from .conftest import NOW, camera_ids

pytestmark = pytest.mark.django_db


@pytest.fixture
def request_to(now, case, deputy, owner):
    def send(**owner_kwargs):
        (request,) = services.create_requests(
            case, camera_ids(owner(**owner_kwargs)), actor=deputy.user, message=""
        )
        mail.outbox.clear()
        return request

    return send


def test_no_reminder_before_48_hours(request_to):
    request_to()
    with time_machine.travel(NOW + timedelta(hours=47, minutes=59), tick=False):
        assert services.send_reminders() == 0
    assert not mail.outbox


def test_one_reminder_after_48_hours(request_to):
    request = request_to(language="es")
    later = NOW + timedelta(hours=48, minutes=1)
    with time_machine.travel(later, tick=False):
        assert tasks.send_footage_reminders.call() == 1
        assert services.send_reminders() == 0  # only one
    with time_machine.travel(later + timedelta(days=2), tick=False):
        assert services.send_reminders() == 0
    request.refresh_from_db()
    assert request.reminder_sent_at == later
    message = OutboxMessage.objects.get(template="footage_reminder")
    assert message.language == "es"
    assert message.to_address == request.registrant.email
    assert len(mail.outbox) == 1
    # A second link for the reminder; both work until the same moment.
    links = FootageLink.objects.filter(request=request)
    assert links.count() == 2
    assert {link.expires_at for link in links} == {request.link_expires_at}
    event = AuditEvent.objects.get(action="footage.reminder_sent")
    assert event.actor_type == "system" and event.case_number == "KC2026-004711"


def test_no_reminder_once_answered(request_to):
    request = request_to()
    token_message = OutboxMessage.objects.get(template="footage_request")
    raw = token_message.body_text.split("/footage/")[1].split("/")[0]
    services.answer(raw, "no_footage")
    with time_machine.travel(NOW + timedelta(hours=49), tick=False):
        assert services.send_reminders() == 0
    request.refresh_from_db()
    assert request.reminder_sent_at is None


def test_no_reminder_when_the_video_is_already_overwritten(request_to):
    # The incident began two days before NOW; 2-day retention: gone at NOW.
    request_to(cameras=[{"retention_days": 2}])
    with time_machine.travel(NOW + timedelta(hours=49), tick=False):
        assert services.send_reminders() == 0
    assert not mail.outbox


def test_reminder_while_one_camera_still_keeps_it(request_to):
    request_to(cameras=[{"retention_days": 2}, {"retention_days": 30}])
    with time_machine.travel(NOW + timedelta(hours=49), tick=False):
        assert services.send_reminders() == 1


def test_no_reminder_after_the_link_expired(request_to):
    request_to()
    with time_machine.travel(NOW + timedelta(days=8), tick=False):
        assert services.send_reminders() == 0


def _raw(template: str) -> str:
    body = OutboxMessage.objects.get(template=template).body_text
    return body.split("/footage/")[1].split("/")[0]


def test_the_reminder_does_not_stop_the_first_link_and_one_answer_stops_both(request_to):
    request = request_to()
    with time_machine.travel(NOW + timedelta(hours=49), tick=False):
        assert services.send_reminders() == 1
        first, reminder = _raw("footage_request"), _raw("footage_reminder")
        assert first != reminder
        assert services.open_link(first) == request
        assert services.open_link(reminder) == request
        services.answer(reminder, "no_footage")
        for raw in (first, reminder):
            with pytest.raises(services.LinkInvalid):
                services.open_link(raw)
    assert {link.purpose for link in FootageLink.objects.filter(request=request)} == {
        "request",
        "reminder",
    }

"""Staff sessions end after 30 idle minutes and 12 hours after signing in at the latest
(registrants' portal sessions: registry/tests/test_portal_session_limits.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from camreg.testing.audit import events, one_event
from camreg.testing.staff import sign_in

from .conftest import CONSOLE, SIGN_IN

pytestmark = pytest.mark.django_db


def test_idle_timeout_after_30_minutes(client, dana):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        sign_in(client, dana)
        traveller.shift(timedelta(minutes=29))
        assert client.get(CONSOLE).status_code == 200  # activity: the clock starts again
        traveller.shift(timedelta(minutes=29))
        assert client.get(CONSOLE).status_code == 200
        traveller.shift(timedelta(minutes=30, seconds=1))
        response = client.get(CONSOLE)
        assert response.status_code == 302
        assert response["Location"] == f"{SIGN_IN}?next={CONSOLE}"
        notice = [str(m) for m in get_messages(response.wsgi_request)]
        assert any("30 minutes without activity" in m for m in notice), notice
        # Signed out for good, not only for that request.
        assert client.get(CONSOLE).status_code == 302
    event = one_event("auth.session_timeout")
    assert event.details["reason"] == "idle"
    assert event.actor_id == str(dana.pk)


def test_absolute_lifetime_of_12_hours(client, dana):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        sign_in(client, dana)
        for _ in range(35):  # busy all day: a request every 20 minutes
            traveller.shift(timedelta(minutes=20))
            assert client.get(CONSOLE).status_code == 200
        traveller.shift(timedelta(minutes=20))  # 12 hours after signing in
        assert client.get(CONSOLE).status_code == 302
    assert one_event("auth.session_timeout").details["reason"] == "absolute"


def test_limits_come_from_settings(client, dana, settings):
    settings.STAFF_IDLE_MINUTES = 5
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        sign_in(client, dana)
        traveller.shift(timedelta(minutes=5, seconds=1))
        assert client.get(CONSOLE).status_code == 302


def test_a_timed_out_post_goes_to_sign_in_without_next(client, dana):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        sign_in(client, dana)
        traveller.shift(timedelta(hours=1))
        response = client.post(reverse("staff:invite"), {})
        assert response.status_code == 302 and response["Location"] == SIGN_IN


def test_public_pages_carry_on_for_a_timed_out_staff_member(client, dana):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        sign_in(client, dana)
        traveller.shift(timedelta(hours=1))
        response = client.get(reverse("public:home"))
        assert response.status_code == 200
        assert not response.wsgi_request.user.is_authenticated
    assert len(events("auth.session_timeout")) == 1

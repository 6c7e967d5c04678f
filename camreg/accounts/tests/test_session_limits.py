"""Staff sessions end after 30 idle minutes and 12 hours after signing in at the latest;
registrants' portal sessions and anonymous visitors are not concerned."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from camreg.accounts import services

from .conftest import CONSOLE, SIGN_IN, events, sign_in

pytestmark = pytest.mark.django_db


def test_idle_timeout_after_30_minutes(client, deputy):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        sign_in(client, deputy)
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
    event = events("auth.session_timeout").get()
    assert event.details["reason"] == "idle"
    assert event.actor_id == str(deputy.pk)


def test_absolute_lifetime_of_12_hours(client, deputy):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        sign_in(client, deputy)
        for _ in range(35):  # busy all day: a request every 20 minutes
            traveller.shift(timedelta(minutes=20))
            assert client.get(CONSOLE).status_code == 200
        traveller.shift(timedelta(minutes=20))  # 12 hours after signing in
        assert client.get(CONSOLE).status_code == 302
    assert events("auth.session_timeout").get().details["reason"] == "absolute"


def test_limits_come_from_settings(client, deputy, settings):
    settings.STAFF_IDLE_MINUTES = 5
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        sign_in(client, deputy)
        traveller.shift(timedelta(minutes=5, seconds=1))
        assert client.get(CONSOLE).status_code == 302


def test_a_timed_out_post_goes_to_sign_in_without_next(client, deputy):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        sign_in(client, deputy)
        traveller.shift(timedelta(hours=1))
        response = client.post(reverse("staff:invite"), {})
        assert response.status_code == 302 and response["Location"] == SIGN_IN


def test_public_pages_carry_on_for_a_timed_out_staff_member(client, deputy):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        sign_in(client, deputy)
        traveller.shift(timedelta(hours=1))
        response = client.get(reverse("web:home"))
        assert response.status_code == 200
        assert not response.wsgi_request.user.is_authenticated
    assert events("auth.session_timeout").count() == 1


def test_portal_sessions_and_visitors_are_not_concerned(db):
    from camreg.registry import portal
    from camreg.web.tests.test_permission_matrix import _portal_client, _registrant

    registrant, _camera = _registrant("Alice")
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        resident = _portal_client(registrant)
        visitor = Client()
        assert visitor.get(reverse("web:home")).status_code == 200
        traveller.shift(timedelta(hours=13))
        assert visitor.get(reverse("web:home")).status_code == 200
        session = resident.session
        assert services.SIGNED_IN_AT_KEY not in session
        assert portal.SESSION_KEY in session
        assert resident.get(reverse("registry:portal")).status_code == 200
    assert not events("auth.session_timeout").exists()

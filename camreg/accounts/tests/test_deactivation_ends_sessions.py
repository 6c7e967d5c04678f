"""Deactivation ends every session of the person for good: the session rows are deleted, and
reactivating the account brings none of them back."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from camreg.accounts import services
from camreg.accounts.models import StaffSession
from camreg.testing.audit import one_event
from camreg.testing.staff import sign_in, signed_in

from .conftest import CONSOLE

pytestmark = pytest.mark.django_db


def session_key(client: Client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def test_every_session_row_is_deleted_and_none_comes_back(administrator, dana):
    office, phone = Client(), Client()
    sign_in(office, dana)  # through the sign-in pages
    with time_machine.travel(timezone.now() + timedelta(seconds=31)):
        sign_in(phone, dana)
    laptop = signed_in(dana)
    clients = (office, phone, laptop)
    keys = [session_key(c) for c in clients]
    assert all(c.get(CONSOLE).status_code == 200 for c in clients)
    assert set(StaffSession.objects.filter(user=dana).values_list("session_key", flat=True)) == (
        set(keys)
    )

    response = administrator.post(
        reverse("staff:deactivate", args=[dana.pk]), {"reason": "Left the agency"}
    )
    assert response.status_code == 302
    assert not Session.objects.filter(session_key__in=keys).exists()
    assert not StaffSession.objects.filter(user=dana).exists()
    assert one_event("staff.deactivated").details == {"sessions_ended": 3}

    administrator.post(reverse("staff:reactivate", args=[dana.pk]))
    dana.refresh_from_db()
    assert dana.is_active
    for client in clients:
        assert client.get(CONSOLE).status_code == 302


def test_a_session_nobody_listed_does_not_come_back_either(administrator, dana):
    """A session from before the list existed (its row missing) is still ended for good."""
    client = signed_in(dana)
    StaffSession.objects.filter(user=dana).delete()
    services.deactivate(dana, actor=administrator.user, request=None)
    services.reactivate(dana, actor=administrator.user, request=None)
    assert client.get(CONSOLE).status_code == 302
    # Signing in anew works.
    assert sign_in(Client(), dana)["Location"] == CONSOLE


def test_disabling_an_inactive_account_ends_its_sessions(dana):
    client = signed_in(dana)
    key = session_key(client)
    later = timezone.now() + timedelta(days=settings.STAFF_INACTIVE_DAYS + 1)
    with time_machine.travel(later):
        assert services.disable_inactive_staff() == 1
    assert not Session.objects.filter(session_key=key).exists()
    assert one_event("staff.disabled_inactive").details["sessions_ended"] == 1


def test_signing_out_forgets_the_session(dana):
    client = Client()
    sign_in(client, dana)
    assert StaffSession.objects.filter(user=dana).count() == 1
    client.post(reverse("accounts:sign-out"))
    assert not StaffSession.objects.filter(user=dana).exists()


def test_old_entries_of_the_list_are_dropped(dana):
    signed_in(dana)
    later = timezone.now() + timedelta(hours=settings.STAFF_SESSION_HOURS, minutes=1)
    assert services.forget_old_sessions(now=later) == 1
    assert not StaffSession.objects.exists()

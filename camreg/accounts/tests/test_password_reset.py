"""Password reset by a single-use, expiring email link; the second factor stays required."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from camreg.accounts.models import StaffToken
from camreg.audit.models import Outcome
from camreg.testing.audit import events, one_event
from camreg.testing.mail import link_in_last_email
from camreg.testing.staff import device_of, make_staff, signed_in, totp_now

from .conftest import CODE, CONSOLE, SIGN_IN

pytestmark = pytest.mark.django_db
REQUEST = reverse("accounts:password-reset")
SENT = reverse("accounts:password-reset-sent")
NEW_PASSWORD = "quiet harbor lamp 77"


def test_same_answer_whether_or_not_the_address_exists(client, dana):
    known = client.post(REQUEST, {"email": dana.email.upper()})
    unknown = client.post(REQUEST, {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == SENT
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [dana.email]
    requested = list(events("auth.password_reset_requested"))
    assert [e.outcome for e in requested] == [Outcome.SUCCESS, Outcome.FAILURE]
    assert requested[0].target_id == str(dana.pk) and requested[1].target_id == ""


def test_reset_sets_the_password_but_the_code_is_still_required(client, dana):
    elsewhere = signed_in(dana)  # a session on another computer
    assert elsewhere.get(CONSOLE).status_code == 200

    client.post(REQUEST, {"email": dana.email})
    path = link_in_last_email("/staff/password-reset/")
    assert client.get(path).status_code == 200
    weak = client.post(path, {"new_password1": "password1234", "new_password2": "password1234"})
    assert weak.status_code == 400
    response = client.post(path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302 and response["Location"] == SIGN_IN
    assert mail.outbox[-1].subject.startswith("Your staff password")

    # Not signed in by the reset, and the other session has ended.
    assert client.get(CONSOLE).status_code == 302
    assert elsewhere.get(CONSOLE).status_code == 302

    response = client.post(SIGN_IN, {"email": dana.email, "password": NEW_PASSWORD})
    assert response["Location"] == CODE  # the second factor, not the console
    assert client.get(CONSOLE).status_code == 302
    assert client.post(CODE, {"code": totp_now(device_of(dana))})["Location"] == CONSOLE
    assert one_event("auth.password_reset_completed").target_id == str(dana.pk)


def test_the_link_works_once(client, dana):
    client.post(REQUEST, {"email": dana.email})
    path = link_in_last_email("/staff/password-reset/")
    client.post(path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    again = Client().post(
        path, {"new_password1": "another long phrase 9", "new_password2": "another long phrase 9"}
    )
    assert again.status_code == 410
    assert Client().get(path).status_code == 410


def test_the_link_expires_after_an_hour(client, dana):
    client.post(REQUEST, {"email": dana.email})
    path = link_in_last_email("/staff/password-reset/")
    with time_machine.travel(timezone.now() + timedelta(minutes=61)):
        response = client.post(path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 410
    dana.refresh_from_db()
    assert not dana.check_password(NEW_PASSWORD)


def test_a_new_request_replaces_the_previous_link(client, dana):
    client.post(REQUEST, {"email": dana.email})
    first = link_in_last_email("/staff/password-reset/")
    client.post(REQUEST, {"email": dana.email})
    second = link_in_last_email("/staff/password-reset/")
    assert first != second
    assert client.get(first).status_code == 410
    assert client.get(second).status_code == 200


def test_only_the_hash_of_the_token_is_stored(client, dana):
    client.post(REQUEST, {"email": dana.email})
    token = link_in_last_email("/staff/password-reset/").rstrip("/").rsplit("/", 1)[1]
    stored = StaffToken.objects.get()
    assert token not in stored.token_hash and len(stored.token_hash) == 64


def test_deactivated_and_invited_accounts_get_no_email(client, dana):
    dana.is_active = False
    dana.save()
    invited = make_staff("deputy", email="new.person@example.org", enrolled=False, password=None)
    assert client.post(REQUEST, {"email": dana.email})["Location"] == SENT
    assert client.post(REQUEST, {"email": invited.email})["Location"] == SENT
    assert not mail.outbox


def test_requests_are_rate_limited_per_address(client, dana):
    for _ in range(7):
        assert client.post(REQUEST, {"email": dana.email})["Location"] == SENT
    assert len(mail.outbox) == 5

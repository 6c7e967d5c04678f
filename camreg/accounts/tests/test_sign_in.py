"""Password, then a mandatory second factor: set up by QR code on the first sign-in."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from camreg.accounts import services
from camreg.audit.models import Outcome

from .conftest import (
    CODE,
    CONSOLE,
    ENROL,
    PASSWORD,
    SIGN_IN,
    actions,
    device_of,
    events,
    make_staff,
    recovery_codes,
    sign_in,
    totp_now,
)

pytestmark = pytest.mark.django_db
RECOVERY_CODES_PAGE = reverse("accounts:recovery-codes")


def test_first_sign_in_enrols_an_authenticator_then_shows_recovery_codes_once(client):
    user = make_staff(enrolled=False)
    response = client.post(SIGN_IN, {"email": "Dana.Deputy@example.org", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == ENROL
    # Nobody is signed in before the second factor.
    assert client.get(CONSOLE).status_code == 302

    page = client.get(ENROL)
    assert page.status_code == 200
    html = page.content.decode()
    device = TOTPDevice.objects.get(user=user)
    assert not device.confirmed
    assert '<svg role="img"' in html and "<title>QR code" in html
    assert "<script" not in html.split("<main", 1)[1].split("</main>", 1)[0]
    assert services.grouped_secret(device) in html  # for people who cannot scan
    # Reloading shows the same key: an app that scanned it keeps working.
    client.get(ENROL)
    assert TOTPDevice.objects.filter(user=user).count() == 1

    wrong = client.post(ENROL, {"code": "000000"})
    assert wrong.status_code == 400
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed

    with time_machine.travel(timezone.now() + timedelta(seconds=5)):  # after the throttle pause
        response = client.post(ENROL, {"code": totp_now(device)})
        assert response.status_code == 302 and response["Location"] == RECOVERY_CODES_PAGE
        assert TOTPDevice.objects.get(pk=device.pk).confirmed

        codes_page = client.get(RECOVERY_CODES_PAGE)
        assert codes_page.status_code == 200
        codes = recovery_codes(user)
        assert len(codes) == 10
        for code in codes:
            assert services.format_recovery_code(code) in codes_page.content.decode()
        # Shown once only.
        assert client.get(RECOVERY_CODES_PAGE).status_code == 302

        console = client.get(CONSOLE)
        assert console.status_code == 200
        assert console.wsgi_request.user.is_verified()
    assert actions()[-2:] == ["auth.mfa_enrolled", "auth.sign_in"]
    assert events("auth.sign_in").get().details == {"method": "totp_enrolment"}


def test_later_sign_in_asks_for_the_code(client, deputy):
    response = client.post(SIGN_IN, {"email": deputy.email, "password": PASSWORD})
    assert response["Location"] == CODE
    assert client.get(CONSOLE).status_code == 302
    response = client.post(CODE, {"code": totp_now(device_of(deputy))})
    assert response.status_code == 302 and response["Location"] == CONSOLE
    assert client.get(CONSOLE).status_code == 200
    event = events("auth.sign_in").get()
    assert event.actor_id == str(deputy.pk) and event.ip_address == "127.0.0.1"
    deputy.refresh_from_db()
    assert deputy.last_login is not None


def test_code_with_spaces_works_and_a_code_cannot_be_used_twice(client, deputy):
    code = totp_now(device_of(deputy))
    response = sign_in(client, deputy, code=f"{code[:3]} {code[3:]}")
    assert response["Location"] == CONSOLE
    client.post(reverse("accounts:sign-out"))
    other = client.__class__()
    replay = sign_in(other, deputy, code=code)
    assert replay.status_code == 400
    assert other.get(CONSOLE).status_code == 302


def test_wrong_password_says_so_and_is_audited(client, deputy):
    response = client.post(SIGN_IN, {"email": deputy.email, "password": "not the password"})
    assert response.status_code == 400
    assert "email address or password is not right" in response.content.decode()
    event = events("auth.sign_in_failed").get()
    assert event.outcome == Outcome.FAILURE
    assert event.target_id == str(deputy.pk)
    assert event.details["stage"] == "password"


def test_unknown_address_gets_the_same_answer(client, deputy):
    unknown = client.post(SIGN_IN, {"email": "nobody@example.org", "password": PASSWORD})
    known = client.post(SIGN_IN, {"email": deputy.email, "password": "wrong password!"})
    assert unknown.status_code == known.status_code == 400
    assert events("auth.sign_in_failed").count() == 2


def test_wrong_code_is_refused_and_audited(client, deputy):
    client.post(SIGN_IN, {"email": deputy.email, "password": PASSWORD})
    response = client.post(CODE, {"code": "123456"})
    assert response.status_code == 400
    assert "code is not right" in response.content.decode()
    assert events("auth.sign_in_failed").get().details["stage"] == "second_factor"
    assert client.get(CONSOLE).status_code == 302


def test_deactivated_staff_cannot_sign_in(client, deputy):
    deputy.is_active = False
    deputy.save()
    response = client.post(SIGN_IN, {"email": deputy.email, "password": PASSWORD})
    assert response.status_code == 400


def test_next_is_followed_only_within_the_site(client, deputy):
    response = client.post(
        SIGN_IN + "?next=/console/staff/",
        {"email": deputy.email, "password": PASSWORD, "next": "/console/staff/"},
    )
    assert response["Location"] == CODE
    response = client.post(CODE, {"code": totp_now(device_of(deputy))})
    assert response["Location"] == "/console/staff/"

    other = client.__class__()
    other.post(
        SIGN_IN, {"email": deputy.email, "password": PASSWORD, "next": "https://evil.example/"}
    )
    with time_machine.travel(timezone.now() + timedelta(seconds=31)):
        response = other.post(CODE, {"code": totp_now(device_of(deputy))})
    assert response["Location"] == CONSOLE


def test_the_code_step_must_follow_the_password_soon(client, deputy):
    assert client.get(CODE)["Location"] == SIGN_IN
    assert client.get(ENROL)["Location"] == SIGN_IN
    client.post(SIGN_IN, {"email": deputy.email, "password": PASSWORD})
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        response = client.post(CODE, {"code": totp_now(device_of(deputy))})
    assert response.status_code == 302 and response["Location"] == SIGN_IN
    assert client.get(CONSOLE).status_code == 302


def test_sign_out_is_post_only_and_audited(client, deputy):
    sign_in(client, deputy)
    assert client.get(reverse("accounts:sign-out")).status_code == 405
    response = client.post(reverse("accounts:sign-out"))
    assert response.status_code == 302 and response["Location"] == SIGN_IN
    assert client.get(CONSOLE).status_code == 302
    assert events("auth.sign_out").get().actor_id == str(deputy.pk)


def test_signing_in_without_the_second_factor_gives_no_access(client, deputy):
    client.force_login(deputy)  # a password-only session, however it came about
    assert client.get(CONSOLE).status_code == 302

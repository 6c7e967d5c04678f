"""Password, then a mandatory second factor: set up by QR code on the first sign-in."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from camreg.accounts import services
from camreg.accounts.models import AuthenticatorDevice
from camreg.audit.models import Outcome
from camreg.testing.audit import actions, events, one_event
from camreg.testing.staff import PASSWORD, device_of, make_staff, sign_in, totp_now

from .conftest import CODE, CONSOLE, ENROL, SIGN_IN

pytestmark = pytest.mark.django_db
RECOVERY_CODES_PAGE = reverse("accounts:recovery-codes")


def test_first_sign_in_enrols_an_authenticator_then_shows_recovery_codes_once(client):
    user = make_staff(
        "deputy", email="dana.deputy@example.org", enrolled=False, full_name="Dana Deputy"
    )
    response = client.post(SIGN_IN, {"email": "Dana.Deputy@example.org", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == ENROL
    # Nobody is signed in before the second factor.
    assert client.get(CONSOLE).status_code == 302

    page = client.get(ENROL)
    assert page.status_code == 200
    html = page.content.decode()
    device = AuthenticatorDevice.objects.get(user=user)
    assert not device.confirmed
    assert '<svg role="img"' in html and "<title>QR code" in html
    assert "<script" not in html.split("<main", 1)[1].split("</main>", 1)[0]
    assert services.grouped_secret(device) in html  # for people who cannot scan
    # Reloading shows the same key: an app that scanned it keeps working.
    client.get(ENROL)
    assert AuthenticatorDevice.objects.filter(user=user).count() == 1

    wrong = client.post(ENROL, {"code": "000000"})
    assert wrong.status_code == 400
    assert not AuthenticatorDevice.objects.get(pk=device.pk).confirmed

    with time_machine.travel(timezone.now() + timedelta(seconds=5)):  # after the throttle pause
        response = client.post(ENROL, {"code": totp_now(device)})
        assert response.status_code == 302 and response["Location"] == RECOVERY_CODES_PAGE
        assert AuthenticatorDevice.objects.get(pk=device.pk).confirmed

        codes_page = client.get(RECOVERY_CODES_PAGE)
        assert codes_page.status_code == 200
        codes = codes_page.context["codes"]
        assert len(set(codes)) == 10 and services.recovery_codes_left(user) == 10
        for code in codes:
            assert code in codes_page.content.decode()
        # Shown once only.
        assert client.get(RECOVERY_CODES_PAGE).status_code == 302

        console = client.get(CONSOLE)
        assert console.status_code == 200
        assert console.wsgi_request.user.is_verified()
    assert actions()[-2:] == ["auth.mfa_enrolled", "auth.sign_in"]
    assert one_event("auth.sign_in").details == {"method": "totp_enrolment"}


def test_later_sign_in_asks_for_the_code(client, dana):
    response = client.post(SIGN_IN, {"email": dana.email, "password": PASSWORD})
    assert response["Location"] == CODE
    assert client.get(CONSOLE).status_code == 302
    response = client.post(CODE, {"code": totp_now(device_of(dana))})
    assert response.status_code == 302 and response["Location"] == CONSOLE
    assert client.get(CONSOLE).status_code == 200
    event = one_event("auth.sign_in")
    assert event.actor_id == str(dana.pk) and event.ip_address == "127.0.0.1"
    dana.refresh_from_db()
    assert dana.last_login is not None


def test_code_with_spaces_works_and_a_code_cannot_be_used_twice(client, dana):
    code = totp_now(device_of(dana))
    response = sign_in(client, dana, code=f"{code[:3]} {code[3:]}")
    assert response["Location"] == CONSOLE
    client.post(reverse("accounts:sign-out"))
    other = client.__class__()
    replay = sign_in(other, dana, code=code)
    assert replay.status_code == 400
    assert other.get(CONSOLE).status_code == 302


def test_wrong_password_says_so_and_is_audited(client, dana):
    response = client.post(SIGN_IN, {"email": dana.email, "password": "not the password"})
    assert response.status_code == 400
    assert "email address or password is not right" in response.content.decode()
    event = one_event("auth.sign_in_failed")
    assert event.outcome == Outcome.FAILURE
    assert event.target_id == str(dana.pk)
    assert event.details["stage"] == "password"


def test_unknown_address_gets_the_same_answer(client, dana):
    unknown = client.post(SIGN_IN, {"email": "nobody@example.org", "password": PASSWORD})
    known = client.post(SIGN_IN, {"email": dana.email, "password": "wrong password!"})
    assert unknown.status_code == known.status_code == 400
    assert len(events("auth.sign_in_failed")) == 2


def test_wrong_code_is_refused_and_audited(client, dana):
    client.post(SIGN_IN, {"email": dana.email, "password": PASSWORD})
    response = client.post(CODE, {"code": "123456"})
    assert response.status_code == 400
    assert "code is not right" in response.content.decode()
    assert one_event("auth.sign_in_failed").details["stage"] == "second_factor"
    assert client.get(CONSOLE).status_code == 302


def test_deactivated_staff_cannot_sign_in(client, dana):
    dana.is_active = False
    dana.save()
    response = client.post(SIGN_IN, {"email": dana.email, "password": PASSWORD})
    assert response.status_code == 400


def test_next_is_followed_only_within_the_site(client, dana):
    response = client.post(
        SIGN_IN + "?next=/console/staff/",
        {"email": dana.email, "password": PASSWORD, "next": "/console/staff/"},
    )
    assert response["Location"] == CODE
    response = client.post(CODE, {"code": totp_now(device_of(dana))})
    assert response["Location"] == "/console/staff/"

    other = client.__class__()
    other.post(
        SIGN_IN, {"email": dana.email, "password": PASSWORD, "next": "https://evil.example/"}
    )
    with time_machine.travel(timezone.now() + timedelta(seconds=31)):
        response = other.post(CODE, {"code": totp_now(device_of(dana))})
    assert response["Location"] == CONSOLE


def test_the_code_step_must_follow_the_password_soon(client, dana):
    assert client.get(CODE)["Location"] == SIGN_IN
    assert client.get(ENROL)["Location"] == SIGN_IN
    client.post(SIGN_IN, {"email": dana.email, "password": PASSWORD})
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        response = client.post(CODE, {"code": totp_now(device_of(dana))})
    assert response.status_code == 302 and response["Location"] == SIGN_IN
    assert client.get(CONSOLE).status_code == 302


def test_sign_out_is_post_only_and_audited(client, dana):
    sign_in(client, dana)
    assert client.get(reverse("accounts:sign-out")).status_code == 405
    response = client.post(reverse("accounts:sign-out"))
    assert response.status_code == 302 and response["Location"] == SIGN_IN
    assert client.get(CONSOLE).status_code == 302
    assert one_event("auth.sign_out").actor_id == str(dana.pk)


def test_signing_in_without_the_second_factor_gives_no_access(client, dana):
    client.force_login(dana)  # a password-only session, however it came about
    assert client.get(CONSOLE).status_code == 302

"""The demo staff account: signs in with the secret and codes `make run` prints."""

from __future__ import annotations

import io

import pyotp
import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from camreg.demo import registrations as demo
from camreg.testing.staff import device_of, sign_in, totp_now

pytestmark = pytest.mark.django_db

SIGN_IN = reverse("accounts:sign-in")
CONSOLE = reverse("console:home")


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_demo_account_signs_in_with_the_printed_secret(settings):
    user = demo.ensure_staff_account()
    demo.ensure_staff_account()  # idempotent
    assert set(user.roles) == {
        "deputy",
        "supervisor",
        "program_coordinator",
        "auditor",
        "administrator",
    }
    with time_machine.travel(timezone.now(), tick=False):
        client = Client()
        response = client.post(
            SIGN_IN, {"email": demo.DEMO_STAFF_EMAIL, "password": demo.DEMO_STAFF_PASSWORD}
        )
        assert response.status_code == 302
        code = pyotp.TOTP(demo.DEMO_TOTP_SECRET).now()
        assert code == totp_now(device_of(user))
        settings.DEMO_MODE = True
        assert run("demo_totp_code").startswith(code)
        settings.DEMO_MODE = False
        with pytest.raises(CommandError):
            run("demo_totp_code")
        assert client.post(response["Location"], {"code": code})["Location"] == CONSOLE

    recovery = demo.DEMO_RECOVERY_CODES[0]
    response = sign_in(Client(), user, password=demo.DEMO_STAFF_PASSWORD, code=recovery)
    assert response["Location"] == CONSOLE


def test_one_demo_account_per_role_signs_in_with_the_demo_secrets(settings):
    with pytest.raises(RuntimeError):
        demo.ensure_role_accounts()  # never outside demo mode
    settings.DEMO_MODE = True
    users = demo.ensure_role_accounts()
    demo.ensure_role_accounts()  # idempotent
    assert [u.roles for u in users] == [[role] for role, _e, _n in demo.DEMO_ROLE_ACCOUNTS]
    assert {r for r, _e, _n in demo.DEMO_ROLE_ACCOUNTS} == {
        "deputy",
        "investigator",
        "supervisor",
        "evidence_custodian",
        "program_coordinator",
        "auditor",
        "administrator",
    }
    for user in users:
        with time_machine.travel(timezone.now(), tick=False):
            code = pyotp.TOTP(demo.DEMO_TOTP_SECRET).now()
            response = sign_in(Client(), user, password=demo.DEMO_STAFF_PASSWORD, code=code)
        assert response["Location"] == CONSOLE, user.email


def test_the_readme_lists_every_demo_account():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text()
    for _role, email, _name in demo.DEMO_ROLE_ACCOUNTS:
        assert f"**{email}**" in readme, email

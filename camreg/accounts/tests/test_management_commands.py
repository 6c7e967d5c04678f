"""Commands for operators: the first administrator, break-glass recovery, the demo account."""

from __future__ import annotations

import io
import re

import pyotp
import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from camreg.accounts.models import User
from camreg.audit.models import ActorType

from .conftest import CONSOLE, ENROL, SIGN_IN, device_of, events, sign_in, totp_now

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def path_in(output: str) -> str:
    match = re.search(r"https?://[^/\s]+(/\S+)", output)
    assert match, output
    return match.group(1)


def test_invite_staff_creates_the_first_administrator():
    output = run(
        "invite_staff", "Chief.IT@example.org", "--name", "Chris IT", "--role", "administrator"
    )
    user = User.objects.get(email="chief.it@example.org")
    assert user.roles == ["administrator"]
    client = Client()
    password = "copper window falcon 8"
    response = client.post(path_in(output), {"new_password1": password, "new_password2": password})
    assert response["Location"] == ENROL
    event = events("staff.invited").get()
    assert event.actor_type == ActorType.SYSTEM
    with pytest.raises(CommandError):
        run("invite_staff", "chief.it@example.org", "--name", "X", "--role", "deputy")


def test_recover_staff_account_gets_a_locked_out_administrator_back(admin):
    admin.is_active = False
    admin.save()
    output = run("recover_staff_account", admin.email)
    admin.refresh_from_db()
    assert admin.is_active
    assert not admin.totpdevice_set.exists()
    password = "copper window falcon 9"
    client = Client()
    response = client.post(path_in(output), {"new_password1": password, "new_password2": password})
    assert response["Location"] == ENROL
    event = events("staff.account_recovered").get()
    assert event.actor_type == ActorType.SYSTEM and event.details["reactivated"] is True


def test_demo_account_signs_in_with_the_printed_secret(settings):
    from camreg.registry import demo

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

"""Commands for operators: the first administrator, break-glass recovery."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from camreg.accounts.models import User
from camreg.audit.models import ActorType
from camreg.testing.audit import one_event

from .conftest import ENROL

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
    event = one_event("staff.invited")
    assert event.actor_type == ActorType.SYSTEM
    with pytest.raises(CommandError):
        run("invite_staff", "chief.it@example.org", "--name", "X", "--role", "deputy")


def test_recover_staff_account_gets_a_locked_out_administrator_back(administrator):
    administrator.user.is_active = False
    administrator.user.save()
    output = run("recover_staff_account", administrator.user.email)
    administrator.user.refresh_from_db()
    assert administrator.user.is_active
    assert not administrator.user.authenticatordevice_set.exists()
    password = "copper window falcon 9"
    client = Client()
    response = client.post(path_in(output), {"new_password1": password, "new_password2": password})
    assert response["Location"] == ENROL
    event = one_event("staff.account_recovered")
    assert event.actor_type == ActorType.SYSTEM and event.details["reactivated"] is True

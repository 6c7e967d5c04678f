"""Recovery codes replace the authenticator code when the phone is not at hand, once each."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from camreg.accounts import services

from .conftest import CONSOLE, events, recovery_codes, sign_in

pytestmark = pytest.mark.django_db


def test_a_recovery_code_works_once(deputy):
    codes = recovery_codes(deputy)
    assert len(codes) == 10
    code = codes[0]

    first = Client()
    response = sign_in(first, deputy, code=services.format_recovery_code(code).upper())
    assert response.status_code == 302 and response["Location"] == CONSOLE
    assert first.get(CONSOLE).status_code == 200
    assert code not in recovery_codes(deputy)
    assert services.recovery_codes_left(deputy) == 9
    used = events("auth.recovery_code_used").get()
    assert used.details == {"remaining": 9}
    assert events("auth.sign_in").get().details == {"method": "recovery_code"}

    second = Client()
    with time_machine.travel(timezone.now() + timedelta(seconds=5)):
        again = sign_in(second, deputy, code=code)
    assert again.status_code == 400
    assert second.get(CONSOLE).status_code == 302
    assert events("auth.sign_in_failed").get().details["stage"] == "second_factor"

    # Another code still works.
    third = Client()
    with time_machine.travel(timezone.now() + timedelta(seconds=30)):
        assert sign_in(third, deputy, code=codes[1])["Location"] == CONSOLE


def test_the_signed_in_person_is_told_how_many_codes_are_left(deputy):
    client = Client()
    sign_in(client, deputy, code=recovery_codes(deputy)[0])
    page = client.get(CONSOLE)
    assert "9 left" in page.content.decode()


def test_another_persons_code_does_not_work(deputy):
    from .conftest import make_staff

    other = make_staff("sam.supervisor@example.org", roles=("supervisor",))
    client = Client()
    assert sign_in(client, deputy, code=recovery_codes(other)[0]).status_code == 400
    assert services.recovery_codes_left(other) == 10


def test_recovery_codes_page_needs_fresh_codes(client, deputy):
    assert client.get(reverse("accounts:recovery-codes"))["Location"] == reverse("accounts:sign-in")
    sign_in(client, deputy)
    assert client.get(reverse("accounts:recovery-codes"))["Location"] == CONSOLE

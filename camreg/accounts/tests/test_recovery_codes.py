"""Recovery codes replace the authenticator code when the phone is not at hand, once each."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from camreg.accounts import services
from camreg.testing.audit import one_event
from camreg.testing.staff import make_staff, recovery_codes, sign_in

from .conftest import CONSOLE

pytestmark = pytest.mark.django_db


def test_a_recovery_code_works_once(dana):
    codes = recovery_codes(dana)
    assert len(codes) == 10
    code = codes[0]

    first = Client()
    response = sign_in(first, dana, code=services.format_recovery_code(code).upper())
    assert response.status_code == 302 and response["Location"] == CONSOLE
    assert first.get(CONSOLE).status_code == 200
    assert code not in recovery_codes(dana)
    assert services.recovery_codes_left(dana) == 9
    used = one_event("auth.recovery_code_used")
    assert used.details == {"remaining": 9}
    assert one_event("auth.sign_in").details == {"method": "recovery_code"}

    second = Client()
    with time_machine.travel(timezone.now() + timedelta(seconds=5)):
        again = sign_in(second, dana, code=code)
    assert again.status_code == 400
    assert second.get(CONSOLE).status_code == 302
    assert one_event("auth.sign_in_failed").details["stage"] == "second_factor"

    # Another code still works.
    third = Client()
    with time_machine.travel(timezone.now() + timedelta(seconds=30)):
        assert sign_in(third, dana, code=codes[1])["Location"] == CONSOLE


def test_the_signed_in_person_is_told_how_many_codes_are_left(dana):
    client = Client()
    sign_in(client, dana, code=recovery_codes(dana)[0])
    page = client.get(CONSOLE)
    assert "9 left" in page.content.decode()


def test_another_persons_code_does_not_work(dana):
    other = make_staff("supervisor", email="sam.supervisor@example.org")
    client = Client()
    assert sign_in(client, dana, code=recovery_codes(other)[0]).status_code == 400
    assert services.recovery_codes_left(other) == 10


def test_recovery_codes_page_needs_fresh_codes(client, dana):
    assert client.get(reverse("accounts:recovery-codes"))["Location"] == reverse("accounts:sign-in")
    sign_in(client, dana)
    assert client.get(reverse("accounts:recovery-codes"))["Location"] == CONSOLE

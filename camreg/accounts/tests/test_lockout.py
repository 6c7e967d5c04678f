"""Five failed attempts lock sign-in for 15 minutes, per account and per network address."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from camreg.audit.models import Outcome
from camreg.testing.audit import events, one_event
from camreg.testing.staff import PASSWORD, device_of, make_staff, totp_now

from .conftest import CODE, CONSOLE, SIGN_IN

pytestmark = pytest.mark.django_db


def attempt(client: Client, email: str, password: str, ip: str = "198.51.100.7"):
    return client.post(SIGN_IN, {"email": email, "password": password}, REMOTE_ADDR=ip)


def test_five_failures_lock_the_account_for_15_minutes(client, dana):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for _ in range(4):
            assert attempt(client, dana.email, "wrong password!").status_code == 400
        fifth = attempt(client, dana.email, "wrong password!")
        assert fifth.status_code == 429
        assert "Sign-in locked" in fifth.content.decode()
        assert "15 minutes" in fifth.content.decode()

        # The right password does not help while locked, and does not extend the lock.
        traveller.shift(timedelta(minutes=10))
        assert attempt(client, dana.email, PASSWORD).status_code == 429
        traveller.shift(timedelta(minutes=4, seconds=50))
        assert attempt(client, dana.email, PASSWORD).status_code == 429

        traveller.shift(timedelta(seconds=15))  # 15 minutes after the fifth failure
        response = attempt(client, dana.email, PASSWORD)
        assert response.status_code == 302 and response["Location"] == CODE
        assert client.post(CODE, {"code": totp_now(device_of(dana))})["Location"] == CONSOLE

    assert len(events("auth.sign_in_failed")) == 5
    locked = one_event("auth.locked_out")
    assert locked.outcome == Outcome.DENIED and locked.target_id == str(dana.pk)
    assert locked.ip_address == "198.51.100.7"
    assert len(events("auth.sign_in_blocked")) == 2
    assert len(events("auth.sign_in")) == 1


def test_the_account_is_locked_from_every_address(dana):
    with time_machine.travel(timezone.now(), tick=False):
        for n in range(5):
            attempt(Client(), dana.email, "wrong password!", ip=f"198.51.100.{n + 1}")
        assert attempt(Client(), dana.email, PASSWORD, ip="203.0.113.9").status_code == 429
        # Someone else signs in from that address without trouble.
        other = make_staff("supervisor", email="sam.supervisor@example.org")
        assert attempt(Client(), other.email, PASSWORD, ip="203.0.113.9").status_code == 302


def test_an_address_is_locked_for_every_account(dana):
    client = Client()
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for n in range(5):
            attempt(client, f"guess{n}@example.org", "wrong password!", ip="192.0.2.50")
        # Even a correct password for an account nobody attacked is refused from there...
        assert attempt(client, dana.email, PASSWORD, ip="192.0.2.50").status_code == 429
        # ...but works from another address.
        assert attempt(Client(), dana.email, PASSWORD, ip="192.0.2.51").status_code == 302
        traveller.shift(timedelta(minutes=15, seconds=1))
        assert attempt(client, dana.email, PASSWORD, ip="192.0.2.50").status_code == 302


def test_wrong_codes_count_towards_the_lockout(client, dana):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        attempt(client, dana.email, "wrong password!")
        attempt(client, dana.email, PASSWORD)
        for _ in range(3):
            traveller.shift(timedelta(seconds=20))  # past the authenticator's own back-off
            assert (
                client.post(CODE, {"code": "000000"}, REMOTE_ADDR="198.51.100.7").status_code == 400
            )
        traveller.shift(timedelta(seconds=20))
        locked = client.post(CODE, {"code": "000000"}, REMOTE_ADDR="198.51.100.7")
        assert locked.status_code == 429
        # The half-finished sign-in is gone: the code step sends back to the start.
        assert client.get(CODE)["Location"] == SIGN_IN
        traveller.shift(timedelta(minutes=1))
        assert attempt(client, dana.email, PASSWORD).status_code == 429
    assert [e.details["stage"] for e in events("auth.sign_in_failed")] == [
        "password",
        "second_factor",
        "second_factor",
        "second_factor",
        "second_factor",
    ]
    assert len(events("auth.locked_out")) == 1


def test_a_successful_sign_in_clears_earlier_failures(client, dana):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for _ in range(4):
            attempt(client, dana.email, "wrong password!")
        attempt(client, dana.email, PASSWORD)
        assert client.post(CODE, {"code": totp_now(device_of(dana))})["Location"] == CONSOLE
        traveller.shift(timedelta(minutes=1))
        other = Client()
        for _ in range(4):
            assert attempt(other, dana.email, "wrong password!").status_code == 400

"""A lockout is never silent: the owner and the administrators are emailed once per lockout,
the staff list shows the locked account, and an administrator can unlock it (audited)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from camreg.outreach.models import OutboxMessage
from camreg.testing.audit import events, one_event
from camreg.testing.staff import PASSWORD, make_staff, signed_in

from .conftest import CODE, SIGN_IN

pytestmark = pytest.mark.django_db

LOCKED = "staff_account_locked"
LOCKED_ADMIN = "staff_account_locked_admin"


WRONG = "wrong password!"  # noqa: S105


def attempt(email: str, password: str = WRONG, ip: str = "198.51.100.7"):
    return Client().post(SIGN_IN, {"email": email, "password": password}, REMOTE_ADDR=ip)


def lock(email: str) -> None:
    """Five failures from five addresses: the account locks, no address does."""
    for n in range(5):
        attempt(email, ip=f"198.51.100.{n + 1}")


def outbox(template: str) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(template=template).order_by("pk"))


@pytest.fixture
def admins(administrator):
    second = make_staff("administrator", email="bea.admin@example.org", full_name="Bea Admin")
    gone = make_staff("administrator", email="gone.admin@example.org")
    gone.is_active = False  # a deactivated administrator is not told
    gone.save()
    return [administrator.user, second]


def test_the_owner_and_every_administrator_are_told_once(admins, dana):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        lock(dana.email)
        owner = outbox(LOCKED)
        assert [m.to_address for m in owner] == [dana.email]
        assert "locked until" in owner[0].body_text and "198.51.100.5" in owner[0].body_text
        told = outbox(LOCKED_ADMIN)
        assert sorted(m.to_address for m in told) == sorted(a.email for a in admins)
        assert "Dana Deputy" in told[0].subject and dana.email in told[0].body_text
        assert reverse("staff:detail", args=[dana.pk]) in told[0].body_text
        assert one_event("auth.lockout_notified").details == {
            "failures": 5,
            "owner": True,
            "administrators": 2,
        }

        # Further attempts during the lockout, from anywhere, tell nobody again.
        for n in range(3):
            traveller.shift(timedelta(minutes=1))
            assert attempt(dana.email, ip=f"203.0.113.{n + 1}").status_code == 429
            assert attempt(dana.email, PASSWORD, ip="203.0.113.9").status_code == 429
        assert len(outbox(LOCKED)) == 1 and len(outbox(LOCKED_ADMIN)) == 2

        # A new lockout after this one ended is a new notice.
        traveller.shift(timedelta(minutes=15))
        lock(dana.email)
        assert len(outbox(LOCKED)) == 2 and len(outbox(LOCKED_ADMIN)) == 4
        assert len(events("auth.lockout_notified")) == 2


def test_wrong_codes_that_lock_tell_them_too(administrator, dana):
    client = Client()
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client.post(SIGN_IN, {"email": dana.email, "password": PASSWORD})
        for _ in range(5):
            traveller.shift(timedelta(seconds=20))
            client.post(CODE, {"code": "000000"})
    assert len(outbox(LOCKED)) == 1 and len(outbox(LOCKED_ADMIN)) == 1


def test_a_locked_administrator_is_told_as_the_owner_only(administrator):
    other = make_staff("administrator", email="bea.admin@example.org")
    with time_machine.travel(timezone.now(), tick=False):
        lock(administrator.user.email)
    assert [m.to_address for m in outbox(LOCKED)] == [administrator.user.email]
    assert [m.to_address for m in outbox(LOCKED_ADMIN)] == [other.email]


def test_an_address_locked_for_guessing_many_accounts_tells_nobody(administrator, dana):
    with time_machine.travel(timezone.now(), tick=False):
        for n in range(4):
            attempt(f"guess{n}@example.org", ip="192.0.2.50")
        assert attempt(dana.email, ip="192.0.2.50").status_code == 429  # the address locks
        assert attempt(dana.email, PASSWORD, ip="192.0.2.51").status_code == 302
    assert not outbox(LOCKED) and not outbox(LOCKED_ADMIN)
    assert not events("auth.lockout_notified")


def test_unknown_addresses_tell_nobody(administrator):
    with time_machine.travel(timezone.now(), tick=False):
        lock("nobody@example.org")
    assert not OutboxMessage.objects.filter(template__startswith="staff_account_locked").exists()


def test_the_staff_list_shows_the_lock_and_an_administrator_lifts_it(administrator, dana):
    with time_machine.travel(timezone.now(), tick=False):
        lock(dana.email)
        listing = administrator.get(reverse("staff:list"))
        assert [p.pk for p in listing.context["locked"]] == [dana.pk]
        html = listing.content.decode()
        assert "Sign-in locked" in html and reverse("staff:unlock", args=[dana.pk]) in html
        detail = administrator.get(reverse("staff:detail", args=[dana.pk])).content.decode()
        assert "Unlock sign-in" in detail

        # Only administrators unlock.
        deputy = signed_in(make_staff("deputy", email="other.deputy@example.org"))
        assert deputy.post(reverse("staff:unlock", args=[dana.pk])).status_code == 403
        assert attempt(dana.email, PASSWORD, ip="203.0.113.9").status_code == 429

        response = administrator.post(reverse("staff:unlock", args=[dana.pk]), {"next": "list"})
        assert response.status_code == 302 and response["Location"] == reverse("staff:list")
        event = one_event("staff.unlocked")
        assert event.actor_id == str(administrator.user.pk) and event.target_id == str(dana.pk)
        assert event.details == {"failures": 5}
        assert not administrator.get(reverse("staff:list")).context["locked"]
        assert attempt(dana.email, PASSWORD, ip="203.0.113.9").status_code == 302

        # Unlocking an account that is not locked records nothing.
        administrator.post(reverse("staff:unlock", args=[dana.pk]))
        assert len(events("staff.unlocked")) == 1

        # Locked again right away: a new lockout, a new notice.
        lock(dana.email)
    assert len(outbox(LOCKED)) == 2

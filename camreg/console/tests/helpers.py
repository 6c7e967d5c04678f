"""Helpers for the console tests."""

from __future__ import annotations

import itertools

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from camreg.accounts.models import User
from camreg.audit.models import AuditEvent
from camreg.registry.tests.factories import form_post  # noqa: F401 - shared with the portal tests

_numbers = itertools.count(1)


def next_number() -> int:
    """A number not used before in this test run, for unique emails."""
    return next(_numbers)


def sign_in_staff(client: Client, user: User) -> Client:
    """Sign `user` in on `client` with the second factor done, as after a TOTP code."""
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def create_staff(*roles: str, full_name: str | None = None, email: str | None = None) -> User:
    number = next_number()
    return User.objects.create_user(
        email or f"staff{number}@example.org",
        "correct-horse-battery-staple",
        full_name=full_name or f"Staff Member {number}",
        roles=list(roles),
    )


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("pk"))

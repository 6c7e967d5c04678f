"""Helpers for the staff account tests: staff members with an authenticator, codes computed
the way a phone computes them (pyotp), and the two-step sign-in."""

from __future__ import annotations

import base64
import re

import pyotp
import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from camreg.accounts import services
from camreg.accounts.models import User
from camreg.audit.models import AuditEvent

PASSWORD = "plain lantern orchard 42"
SIGN_IN = reverse("accounts:sign-in")
CODE = reverse("accounts:sign-in-code")
ENROL = reverse("accounts:sign-in-enrol")
CONSOLE = reverse("console:home")


def make_staff(
    email: str = "dana.deputy@example.org",
    *,
    roles=("deputy",),
    full_name: str = "Dana Deputy",
    enrolled: bool = True,
    password: str = PASSWORD,
) -> User:
    user = User.objects.create_user(email, password, full_name=full_name, roles=list(roles))
    if enrolled:
        TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
        services.new_recovery_codes(user)
    return user


def device_of(user: User, *, confirmed: bool = True) -> TOTPDevice:
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).latest("pk")


def totp_now(device: TOTPDevice) -> str:
    """The code an authenticator app shows now for `device`."""
    return pyotp.TOTP(base64.b32encode(device.bin_key).decode()).now()


def recovery_codes(user: User) -> list[str]:
    from django_otp.plugins.otp_static.models import StaticToken

    return list(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))


def sign_in(
    client: Client, user: User, *, password: str = PASSWORD, code: str | None = None, **extra
):
    """Both steps of the sign-in; returns the response to the second one."""
    first = client.post(SIGN_IN, {"email": user.email, "password": password}, **extra)
    assert first.status_code == 302 and first["Location"] == CODE, first
    return client.post(CODE, {"code": code or totp_now(device_of(user))}, **extra)


def verified_client(user: User) -> Client:
    """A client signed in with the second factor, without going through the pages."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or (
        TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    )
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def actions() -> list[str]:
    return list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))


def events(action: str):
    return AuditEvent.objects.filter(action=action).order_by("pk")


def link_in_last_email(path_start: str) -> str:
    assert mail.outbox, "no email was sent"
    match = re.search(rf"https?://[^/\s]+({re.escape(path_start)}\S+)", mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(1)


@pytest.fixture
def deputy(db) -> User:
    return make_staff()


@pytest.fixture
def admin(db) -> User:
    return make_staff("alex.admin@example.org", roles=("administrator",), full_name="Alex Admin")


@pytest.fixture
def admin_client(admin) -> Client:
    return verified_client(admin)

"""Staff members in tests: the one way to make one, to sign one in (in a test client, through
the sign-in pages, or in a browser), and the codes their authenticator shows.

Imports accounts (and the apps below it) only. The role fixtures of the root conftest.py
(`deputy`, `supervisor`, `coordinator`, `auditor`, `administrator`, `staff_client`) are built
on `staff_client` here.
"""

from __future__ import annotations

import base64
import itertools

import pyotp
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY

from camreg.accounts import services
from camreg.accounts.models import AuthenticatorDevice, RecoveryCodeDevice, User

PASSWORD = "plain lantern orchard 42"  # noqa: S105 - every test staff member's

_numbers = itertools.count(1)
# The recovery codes handed out by `make_staff`, by (device id, salt): only their hashes are
# in the database, so tests remember them here.
_issued_codes: dict[tuple[int, str], list[str]] = {}


class StaffClient(Client):
    """A test client signed in as a staff member, who is `user`."""

    user: User


def make_staff(
    *roles: str,
    email: str | None = None,
    full_name: str | None = None,
    password: str | None = PASSWORD,
    enrolled: bool = True,
) -> User:
    """A new staff member with `roles`, who signs in with `password`. `enrolled`: an
    authenticator (TOTP device) and recovery codes are set up, as after the first sign-in."""
    number = next(_numbers)
    user = User.objects.create_user(
        email or f"staff{number}@example.org",
        password,
        full_name=full_name or f"Staff Member {number}",
        roles=list(roles),
    )
    if enrolled:
        AuthenticatorDevice.objects.create(user=user, name="phone", confirmed=True)
        remember_recovery_codes(user, services.new_recovery_codes(user))
    return user


def make_service_account(*roles: str, name: str | None = None) -> User:
    """A new service account (decision 0019) with `roles` (default: deputy), as an
    administrator creates one in the console."""
    return services.create_service_account(
        name=name or f"Dispatch System {next(_numbers)}",
        roles=list(roles or ["deputy"]),
        actor=None,
    )


def verified(user: User, yes: bool = True) -> User:
    """Mark `user` as having passed the second factor, as django-otp's middleware does for each
    request, so that services can be called with it directly."""
    user.is_verified = lambda: yes
    return user


def signed_in(user: User, client: StaffClient | None = None) -> StaffClient:
    """`client` (a new one by default) signed in as `user`, second factor done, as after
    entering a code; the user is `client.user`."""
    device = AuthenticatorDevice.objects.filter(user=user, confirmed=True).first() or (
        AuthenticatorDevice.objects.create(user=user, name="phone", confirmed=True)
    )
    client = client or StaffClient()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    client.user = verified(user)
    return client


def staff_client(
    *roles: str, email: str | None = None, full_name: str | None = None
) -> StaffClient:
    """A test client signed in (second factor done) as a new staff member with `roles`; the
    member is `client.user`."""
    return signed_in(make_staff(*roles, email=email, full_name=full_name))


def sign_in_browser(page, who: StaffClient | User) -> User:
    """Put a signed-in staff session in a browser page's context (see `new_page`). `who`: a
    client from `staff_client`/`signed_in`, or a staff member to sign in."""
    client = who if isinstance(who, StaffClient) else signed_in(who)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": page.context_options["base_url"],
            }
        ]
    )
    return client.user


# The sign-in pages and the authenticator ---------------------------------------------------


def device_of(user: User, *, confirmed: bool = True) -> AuthenticatorDevice:
    return AuthenticatorDevice.objects.filter(user=user, confirmed=confirmed).latest("pk")


def totp_now(device: AuthenticatorDevice) -> str:
    """The code an authenticator app shows now for `device` (its key decrypted)."""
    return pyotp.TOTP(base64.b32encode(device.bin_key).decode()).now()


def remember_recovery_codes(user: User, codes: list[str]) -> list[str]:
    """Remember codes just made for `user` (shown once, stored hashed) for `recovery_codes`."""
    device = RecoveryCodeDevice.objects.filter(user=user).latest("pk")
    _issued_codes[(device.pk, device.salt)] = list(codes)
    return codes


def recovery_codes(user: User) -> list[str]:
    """The remembered recovery codes of `user` that still work (unused)."""
    device = RecoveryCodeDevice.objects.filter(user=user).order_by("-pk").first()
    if device is None:
        return []
    remembered = _issued_codes.get((device.pk, device.salt), [])
    return [code for code in remembered if device.matching_code(code) is not None]


def sign_in(
    client: Client, user: User, *, password: str = PASSWORD, code: str | None = None, **extra
):
    """Both steps of the sign-in pages; returns the response to the second one."""
    sign_in_url, code_url = reverse("accounts:sign-in"), reverse("accounts:sign-in-code")
    first = client.post(sign_in_url, {"email": user.email, "password": password}, **extra)
    assert first.status_code == 302 and first["Location"] == code_url, first
    return client.post(code_url, {"code": code or totp_now(device_of(user))}, **extra)

"""Setting up the second factor: an authenticator app (its key stored encrypted) and recovery
codes (stored hashed; shown once)."""

from __future__ import annotations

import base64
import re
import secrets

import segno
from django.db import transaction
from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe

from camreg.audit.services import record

from ..models import AuthenticatorDevice, RecoveryCodeDevice, User
from .sign_in import complete_sign_in, normalize_code

# Session key: the new recovery codes, shown once, right after enrolment.
NEW_RECOVERY_CODES_KEY = "staff_new_recovery_codes"

RECOVERY_CODE_COUNT = 10
TOTP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"


def enrolment_device(user: User) -> AuthenticatorDevice:
    """The authenticator being set up: unconfirmed until a correct code is entered.

    Reloading the page shows the same secret, so a code from an app that already scanned
    it still works.
    """
    device = AuthenticatorDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = AuthenticatorDevice.objects.create(
            user=user, name=TOTP_DEVICE_NAME, confirmed=False
        )
    return device


def base32_secret(device: AuthenticatorDevice) -> str:
    return base64.b32encode(device.bin_key).decode("ascii").rstrip("=")


def grouped_secret(device: AuthenticatorDevice) -> str:
    secret = base32_secret(device)
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(device: AuthenticatorDevice) -> SafeString:
    """The setup QR code as inline SVG (no script, no inline style)."""
    svg = segno.make(device.config_url, error="m").svg_inline(
        scale=5,
        border=4,
        dark="#1b1b1b",
        light="#ffffff",
        title="QR code to add this account to an authenticator app",
        svgclass="otp-qr",
        lineclass=None,
    )
    svg = svg.replace("<svg ", '<svg role="img" focusable="false" ', 1)
    # The SVG is generated here from our own data, not from input.
    return mark_safe(svg)  # noqa: S308  # nosec B308 B703


def confirm_enrolment(
    request: HttpRequest, user: User, device: AuthenticatorDevice, code: str
) -> bool:
    """Confirm the new authenticator with a correct code, make recovery codes, sign in.

    The new recovery codes wait in the session to be shown once.
    """
    code = normalize_code(code)
    if not re.fullmatch(r"\d{6}", code):
        return False
    with transaction.atomic():
        device = AuthenticatorDevice.objects.select_for_update().get(pk=device.pk)
        if device.confirmed or not device.verify_token(code):
            return False
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        # Only one authenticator per person: an earlier one (after a reset) is gone.
        AuthenticatorDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        codes = new_recovery_codes(user)
        record(
            "auth.mfa_enrolled",
            actor=user,
            request=request,
            target=user,
            details={"device": "totp", "recovery_codes": len(codes)},
        )
    complete_sign_in(request, user, device, method="totp_enrolment")
    request.session[NEW_RECOVERY_CODES_KEY] = codes
    return True


def new_recovery_codes(user: User, codes: list[str] | None = None) -> list[str]:
    """Replace the user's recovery codes by RECOVERY_CODE_COUNT new ones; return them.

    Only their hashes are stored: this is the one moment the codes exist. `codes` gives
    known codes instead (the demo account's)."""
    RecoveryCodeDevice.objects.filter(user=user).delete()
    device = RecoveryCodeDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    if codes is None:
        codes = []
        while len(codes) < RECOVERY_CODE_COUNT:
            code = random_recovery_code()
            if code not in codes:
                codes.append(code)
    codes = [normalize_code(c) for c in codes]
    device.add_codes(codes)
    return codes


def random_recovery_code() -> str:
    """Eight characters of base32 (40 random bits), as django-otp's static tokens."""
    return base64.b32encode(secrets.token_bytes(5)).decode("ascii").lower()


def set_authenticator(
    user: User, key: bytes, *, name: str = TOTP_DEVICE_NAME
) -> AuthenticatorDevice:
    """Give `user` a confirmed authenticator with a known key (the demo account's), replacing
    any other; the key is stored encrypted. Keeps the device when it has that key already."""
    for device in AuthenticatorDevice.objects.filter(user=user, confirmed=True):
        if device.bin_key == key:
            AuthenticatorDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
            return device
    AuthenticatorDevice.objects.filter(user=user).delete()
    device = AuthenticatorDevice(user=user, name=name, confirmed=True)
    device.set_key(key)
    device.save()
    return device


def format_recovery_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}" if len(code) == 8 else code

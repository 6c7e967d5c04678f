"""Setting up the second factor: an authenticator app and recovery codes."""

from __future__ import annotations

import base64
import re

import segno
from django.db import transaction
from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from camreg.audit.services import record

from ..models import User
from .sign_in import complete_sign_in, normalize_code

# Session key: the new recovery codes, shown once, right after enrolment.
NEW_RECOVERY_CODES_KEY = "staff_new_recovery_codes"

RECOVERY_CODE_COUNT = 10
TOTP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"


def enrolment_device(user: User) -> TOTPDevice:
    """The authenticator being set up: unconfirmed until a correct code is entered.

    Reloading the page shows the same secret, so a code from an app that already scanned
    it still works.
    """
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def base32_secret(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode("ascii").rstrip("=")


def grouped_secret(device: TOTPDevice) -> str:
    secret = base32_secret(device)
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(device: TOTPDevice) -> SafeString:
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


def confirm_enrolment(request: HttpRequest, user: User, device: TOTPDevice, code: str) -> bool:
    """Confirm the new authenticator with a correct code, make recovery codes, sign in.

    The new recovery codes wait in the session to be shown once.
    """
    code = normalize_code(code)
    if not re.fullmatch(r"\d{6}", code):
        return False
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        if device.confirmed or not device.verify_token(code):
            return False
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        # Only one authenticator per person: an earlier one (after a reset) is gone.
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
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


def new_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes by RECOVERY_CODE_COUNT new ones; return them."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes: list[str] = []
    while len(codes) < RECOVERY_CODE_COUNT:
        code = StaticToken.random_token()
        if code not in codes:
            codes.append(code)
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


def format_recovery_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}" if len(code) == 8 else code

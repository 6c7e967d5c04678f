"""Signing in: the password step, failures and lockout, the second factor.

Sign-in happens in two steps. The password step only remembers, in the session, who has
given a correct password (`start_pending`); nobody is signed in until the second factor
(an authenticator code or a recovery code) is correct, and only then does Django's
`login` run, followed by django-otp's, so `request.user.is_verified()` is true for every
signed-in staff member. Failed codes count towards the same lockout as failed passwords.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.contrib import auth
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login

from camreg.audit.models import Outcome
from camreg.audit.services import record

from ..models import AccountKind, AuthenticatorDevice, RecoveryCode, RecoveryCodeDevice, User
from .lockout import notify_lockout
from .sessions import now_ts, start_session_clock

# Session key: password given, second factor still to come.
PENDING_KEY = "staff_sign_in_pending"

# How long the second step may wait after a correct password.
PENDING_SECONDS = 10 * 60


# The password step ------------------------------------------------------------------


def safe_next(request: HttpRequest, candidate: str | None) -> str:
    """`candidate` when it is a path on this site, else the console's start page."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(settings.LOGIN_REDIRECT_URL)


def start_pending(request: HttpRequest, user: User, next_url: str) -> None:
    """Remember that `user` gave a correct password; the second factor comes next."""
    if user.is_service_account:  # the authentication backend refuses them already
        raise ValueError("A service account never signs in.")
    request.session.cycle_key()  # a new session id once the password is right
    request.session[PENDING_KEY] = {
        "user": user.pk,
        "backend": getattr(user, "backend", settings.AUTHENTICATION_BACKENDS[-1]),
        "since": now_ts(),
        "next": next_url,
    }


def pending_user(request: HttpRequest) -> tuple[User, dict] | None:
    """The user who is between password and second factor, if that began recently."""
    data = request.session.get(PENDING_KEY)
    if not isinstance(data, dict):
        return None
    if now_ts() - float(data.get("since", 0)) > PENDING_SECONDS:
        clear_pending(request)
        return None
    user = User.objects.filter(pk=data.get("user"), is_active=True, kind=AccountKind.PERSON).first()
    if user is None:
        clear_pending(request)
        return None
    return user, data


def clear_pending(request: HttpRequest) -> None:
    request.session.pop(PENDING_KEY, None)


def has_authenticator(user: User) -> bool:
    return AuthenticatorDevice.objects.filter(user=user, confirmed=True).exists()


# Failures and lockout -----------------------------------------------------------------


def _known_user(email: str) -> User | None:
    return User.objects.filter(email__iexact=email).first() if email else None


def record_failure(request: HttpRequest, email: str, *, stage: str) -> bool:
    """Audit a failed sign-in (after django-axes counted it); True when it locked sign-in.

    When the failure locked the account itself, its owner and the administrators are
    emailed (once per lockout)."""
    locked = bool(getattr(request, "axes_locked_out", False))
    user = _known_user(email)
    details = {"email": email[:254], "stage": stage}
    failures = getattr(request, "axes_failures_since_start", None)
    if failures is not None:
        details["failures"] = failures
    record(
        "auth.sign_in_failed",
        request=request,
        target=user,
        outcome=Outcome.FAILURE,
        details=details,
    )
    if locked:
        record(
            "auth.locked_out",
            request=request,
            target=user,
            outcome=Outcome.DENIED,
            details={
                "email": email[:254],
                "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
            },
        )
        if user is not None:
            notify_lockout(request, user)
    return locked


def record_blocked(request: HttpRequest, email: str, *, stage: str) -> None:
    """Audit an attempt refused because sign-in is locked for the account or the address."""
    user = _known_user(email)
    record(
        "auth.sign_in_blocked",
        request=request,
        target=user,
        outcome=Outcome.DENIED,
        details={"email": email[:254], "stage": stage},
    )


def count_code_failure(request: HttpRequest, user: User) -> bool:
    """A wrong second-factor code counts like a wrong password; True when it locked."""
    # Sent as "camreg.accounts.services", the sender it had before services became a package.
    user_login_failed.send(
        sender=__package__, credentials={"username": user.email}, request=request
    )
    return record_failure(request, user.email, stage="second_factor")


# The second factor ------------------------------------------------------------------------


@dataclass
class CodeCheck:
    device: AuthenticatorDevice | RecoveryCodeDevice | None = None
    method: str = ""  # "totp" or "recovery_code"
    throttled: bool = False  # a recent failure asks to wait a moment first


_SEPARATORS = re.compile(r"[\s-]+")


def normalize_code(code: str) -> str:
    return _SEPARATORS.sub("", code or "").lower()


def check_code(user: User, code: str) -> CodeCheck:
    """Verify an authenticator code, or else a recovery code (which is then used up)."""
    code = normalize_code(code)
    if re.fullmatch(r"\d{6}", code):
        return _check_totp(AuthenticatorDevice.objects.filter(user=user, confirmed=True), code)
    if re.fullmatch(r"[a-z0-9]{6,16}", code):
        return _check_recovery_code(user, code)
    return CodeCheck()


def _check_totp(devices, code: str) -> CodeCheck:
    throttled = False
    for pk in devices.values_list("pk", flat=True):
        with transaction.atomic():
            # Locked so that one code cannot be used twice by two requests at once.
            device = AuthenticatorDevice.objects.select_for_update().get(pk=pk)
            allowed, _info = device.verify_is_allowed()
            if not allowed:
                throttled = True
                continue
            if device.verify_token(code):
                return CodeCheck(device=device, method="totp")
    return CodeCheck(throttled=throttled)


def _check_recovery_code(user: User, code: str) -> CodeCheck:
    with transaction.atomic():
        device = (
            RecoveryCodeDevice.objects.select_for_update()
            .filter(user=user, confirmed=True)
            .order_by("pk")
            .first()
        )
        if device is None:
            return CodeCheck()
        allowed, _info = device.verify_is_allowed()
        if not allowed:
            return CodeCheck(throttled=True)
        # Only the code's hash is stored; the device uses a matching code up, or counts the
        # failure towards its throttle.
        if device.verify_token(code):
            return CodeCheck(device=device, method="recovery_code")
    return CodeCheck()


def recovery_codes_left(user: User) -> int:
    return RecoveryCode.objects.filter(device__user=user, device__confirmed=True).count()


def complete_sign_in(request: HttpRequest, user: User, device, *, method: str) -> None:
    """Sign `user` in, verified by `device`; start the session clocks; audit it."""
    pending = request.session.get(PENDING_KEY) or {}
    backend = pending.get("backend") or settings.AUTHENTICATION_BACKENDS[-1]
    clear_pending(request)
    auth.login(request, user, backend=backend)
    otp_login(request, device)
    start_session_clock(request)
    record("auth.sign_in", actor=user, request=request, target=user, details={"method": method})
    if method == "recovery_code":
        record(
            "auth.recovery_code_used",
            actor=user,
            request=request,
            target=user,
            details={"remaining": recovery_codes_left(user)},
        )

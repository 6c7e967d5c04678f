"""Staff accounts: sign-in with a second factor, session limits, invitations, password
resets, roles and deactivation. Every change is written to the audit log here.

Sign-in happens in two steps. The password step only remembers, in the session, who has
given a correct password (`start_pending`); nobody is signed in until the second factor
(an authenticator code or a recovery code) is correct, and only then does Django's
`login` run, followed by django-otp's, so `request.user.is_verified()` is true for every
signed-in staff member. Failed codes count towards the same lockout as failed passwords.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

import segno
from django.conf import settings
from django.contrib import auth
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from camreg import tokens
from camreg.audit.models import Outcome
from camreg.audit.services import record
from camreg.outreach.services import queue_email

from .models import DeactivationReason, StaffToken, TokenPurpose, User
from .roles import Role

# Session keys.
PENDING_KEY = "staff_sign_in_pending"  # password given, second factor still to come
SIGNED_IN_AT_KEY = "staff_signed_in_at"  # epoch seconds
LAST_SEEN_KEY = "staff_last_seen"  # epoch seconds
NEW_RECOVERY_CODES_KEY = "staff_new_recovery_codes"  # shown once, right after enrolment

# How long the second step may wait after a correct password.
PENDING_SECONDS = 10 * 60
RECOVERY_CODE_COUNT = 10
TOTP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"
STAFF_EMAIL_LANGUAGE = "en"  # the console and staff emails are in English


def now_ts() -> float:
    return timezone.now().timestamp()


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
    user = User.objects.filter(pk=data.get("user"), is_active=True).first()
    if user is None:
        clear_pending(request)
        return None
    return user, data


def clear_pending(request: HttpRequest) -> None:
    request.session.pop(PENDING_KEY, None)


def has_authenticator(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


# Failures and lockout -----------------------------------------------------------------


def _known_user(email: str) -> User | None:
    return User.objects.filter(email__iexact=email).first() if email else None


def record_failure(request: HttpRequest, email: str, *, stage: str) -> bool:
    """Audit a failed sign-in (after django-axes counted it); True when it locked sign-in."""
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
    user_login_failed.send(sender=__name__, credentials={"username": user.email}, request=request)
    return record_failure(request, user.email, stage="second_factor")


# The second factor ------------------------------------------------------------------------


@dataclass
class CodeCheck:
    device: TOTPDevice | StaticDevice | None = None
    method: str = ""  # "totp" or "recovery_code"
    throttled: bool = False  # a recent failure asks to wait a moment first


_SEPARATORS = re.compile(r"[\s-]+")


def normalize_code(code: str) -> str:
    return _SEPARATORS.sub("", code or "").lower()


def check_code(user: User, code: str) -> CodeCheck:
    """Verify an authenticator code, or else a recovery code (which is then used up)."""
    code = normalize_code(code)
    if re.fullmatch(r"\d{6}", code):
        return _check_totp(TOTPDevice.objects.filter(user=user, confirmed=True), code)
    if re.fullmatch(r"[a-z0-9]{6,16}", code):
        return _check_recovery_code(user, code)
    return CodeCheck()


def _check_totp(devices, code: str) -> CodeCheck:
    throttled = False
    for pk in devices.values_list("pk", flat=True):
        with transaction.atomic():
            # Locked so that one code cannot be used twice by two requests at once.
            device = TOTPDevice.objects.select_for_update().get(pk=pk)
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
            StaticDevice.objects.select_for_update()
            .filter(user=user, confirmed=True)
            .order_by("pk")
            .first()
        )
        if device is None:
            return CodeCheck()
        allowed, _info = device.verify_is_allowed()
        if not allowed:
            return CodeCheck(throttled=True)
        token_pk = device.token_set.filter(token=code).values_list("pk", flat=True).first()
        # Deleting by primary key: of two requests with the same code only one deletes it.
        if token_pk is not None and StaticToken.objects.filter(pk=token_pk).delete()[0]:
            device.throttle_reset(commit=False)
            device.set_last_used_timestamp(commit=False)
            device.save()
            return CodeCheck(device=device, method="recovery_code")
        device.throttle_increment()
    return CodeCheck()


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


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


# Enrolment -------------------------------------------------------------------------


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
    import base64

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


# Session limits -------------------------------------------------------------------------


def start_session_clock(request: HttpRequest) -> None:
    now = now_ts()
    request.session[SIGNED_IN_AT_KEY] = now
    request.session[LAST_SEEN_KEY] = now
    request.session.set_expiry(settings.STAFF_SESSION_HOURS * 3600)


def session_expiry(request: HttpRequest) -> str | None:
    """Why the staff session is over ("idle" or "absolute"), or None while it may go on.

    Also records this request as activity.
    """
    session = request.session
    now = now_ts()
    started = session.get(SIGNED_IN_AT_KEY)
    last_seen = session.get(LAST_SEEN_KEY)
    if not isinstance(started, (int, float)) or not isinstance(last_seen, (int, float)):
        start_session_clock(request)  # a session from before these limits existed
        return None
    if now - started >= settings.STAFF_SESSION_HOURS * 3600:
        return "absolute"
    if now - last_seen >= settings.STAFF_IDLE_MINUTES * 60:
        return "idle"
    if now - last_seen >= 30:  # fewer session writes; idle time is measured to the minute
        session[LAST_SEEN_KEY] = now
    return None


# Session keys of other audiences that a staff session timeout keeps: apps above add
# theirs in their AppConfig.ready() (the registry adds its self-service portal's key).
KEPT_ON_STAFF_TIMEOUT: set[str] = set()


def end_session(request: HttpRequest, *, reason: str) -> None:
    """Sign out the staff member of this request because a session limit was reached."""
    user = request.user
    session = request.session
    record(
        "auth.session_timeout",
        actor=user,
        request=request,
        target=user,
        details={
            "reason": reason,
            "signed_in_at": session.get(SIGNED_IN_AT_KEY),
            "last_seen": session.get(LAST_SEEN_KEY),
        },
    )
    # Other sessions in the same browser (a registrant's self-service) are not the staff's.
    kept = {key: session[key] for key in KEPT_ON_STAFF_TIMEOUT if key in session}
    auth.logout(request)
    request.session.update(kept)


def sign_out(request: HttpRequest) -> None:
    user = request.user
    if user.is_authenticated:
        record("auth.sign_out", actor=user, request=request, target=user)
    auth.logout(request)


# Single-use email links ---------------------------------------------------------------


def issue_token(
    user: User, purpose: str, *, lifetime: timedelta, created_by: User | None = None
) -> str:
    """A new link token; earlier unused tokens of the same purpose stop working (the
    revocation rule, camreg.tokens)."""
    _row, token = tokens.issue(
        StaffToken,
        purpose=purpose,
        lifetime=lifetime,
        revoke_earlier_for="user",
        user=user,
        created_by=created_by,
    )
    return token


def find_token(token: str, purpose: str) -> StaffToken | None:
    """The unused, unexpired token of an active account, or None."""
    return tokens.find_usable(
        StaffToken.objects.select_related("user").filter(user__is_active=True),
        token,
        purpose=purpose,
    )


def _use_token(staff_token: StaffToken) -> bool:
    """Mark the token used; False when another request used it first."""
    return tokens.use(staff_token)


def _link(name: str, token: str) -> str:
    return settings.SITE_URL + reverse(name, kwargs={"token": token})


# Invitations -----------------------------------------------------------------------------


def _clean_roles(roles) -> list[str]:
    return sorted({r for r in roles if r in Role.values})


def invite(
    *,
    email: str,
    full_name: str,
    roles: list[str],
    actor: User | None,
    request: HttpRequest | None = None,
) -> tuple[User, str]:
    """Create a staff account without a password and email the invitation link."""
    with transaction.atomic():
        user = User.objects.create_user(
            email, None, full_name=full_name.strip(), roles=_clean_roles(roles)
        )
        link = _send_invitation(user, actor=actor)
        record(
            "staff.invited",
            actor=actor,
            request=request,
            target=user,
            details={"email": user.email, "roles": user.roles},
        )
    return user, link


def resend_invitation(user: User, *, actor: User, request: HttpRequest) -> str:
    with transaction.atomic():
        link = _send_invitation(user, actor=actor)
        record(
            "staff.invited",
            actor=actor,
            request=request,
            target=user,
            details={"email": user.email, "roles": user.roles, "resent": True},
        )
    return link


def _send_invitation(user: User, *, actor: User | None) -> str:
    days = settings.STAFF_INVITATION_DAYS
    token = issue_token(
        user, TokenPurpose.INVITATION, lifetime=timedelta(days=days), created_by=actor
    )
    link = _link("accounts:invitation", token)
    queue_email(
        to=user.email,
        template="staff_invitation",
        context={
            "name": user.full_name,
            "link": link,
            "days": days,
            "invited_by": actor.full_name if actor else "",
            "roles": user.role_labels,
        },
        language=STAFF_EMAIL_LANGUAGE,
    )
    return link


def accept_invitation(request: HttpRequest, staff_token: StaffToken, password: str) -> bool:
    """Set the invitee's password; the second factor is set up next. False if already used."""
    user = staff_token.user
    with transaction.atomic():
        if not _use_token(staff_token):
            return False
        user.set_password(password)
        user.save(update_fields=["password"])
        record("staff.invite_accepted", actor=user, request=request, target=user)
    return True


# Password reset -------------------------------------------------------------------------


def request_password_reset(request: HttpRequest, email: str) -> bool:
    """Email a reset link if `email` belongs to an active account with a password.

    The caller answers the same either way; the return value is for tests and logs.
    """
    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email, is_active=True).first()
    sendable = user is not None and user.has_usable_password()
    with transaction.atomic():
        record(
            "auth.password_reset_requested",
            request=request,
            target=user,
            outcome=Outcome.SUCCESS if sendable else Outcome.FAILURE,
            details={"email": email[:254], "sent": sendable},
        )
        if not sendable:
            return False
        minutes = settings.STAFF_PASSWORD_RESET_MINUTES
        token = issue_token(user, TokenPurpose.PASSWORD_RESET, lifetime=timedelta(minutes=minutes))
        queue_email(
            to=user.email,
            template="staff_password_reset",
            context={
                "name": user.full_name,
                "link": _link("accounts:password-reset-confirm", token),
                "minutes": minutes,
            },
            language=STAFF_EMAIL_LANGUAGE,
        )
    return True


def complete_password_reset(request: HttpRequest, staff_token: StaffToken, password: str) -> bool:
    """Set the new password. Nobody is signed in: the second factor is still required.

    Changing the password ends the person's other sessions (Django checks a hash of the
    password on every request).
    """
    user = staff_token.user
    with transaction.atomic():
        if not _use_token(staff_token):
            return False
        user.set_password(password)
        user.save(update_fields=["password"])
        tokens.revoke(StaffToken.objects.filter(user=user, purpose=TokenPurpose.PASSWORD_RESET))
        record("auth.password_reset_completed", request=request, target=user)
        queue_email(
            to=user.email,
            template="staff_password_changed",
            context={"name": user.full_name, "when": timezone.now()},
            language=STAFF_EMAIL_LANGUAGE,
        )
    return True


# Administration ---------------------------------------------------------------------------


class StaffChangeRefused(Exception):
    """An administrator asked for something that is not allowed (e.g. on themselves)."""


def change_roles(user: User, roles: list[str], *, actor: User, request: HttpRequest) -> bool:
    """Set `user`'s roles; False when nothing changed."""
    new = _clean_roles(roles)
    if not new:
        raise StaffChangeRefused("Choose at least one role.")
    if user.pk == actor.pk and Role.ADMINISTRATOR not in new:
        raise StaffChangeRefused(
            "You cannot remove your own administrator role. Ask another administrator."
        )
    old = sorted(user.roles or [])
    if new == old:
        return False
    with transaction.atomic():
        user.roles = new
        user.save(update_fields=["roles"])
        record(
            "staff.roles_changed",
            actor=actor,
            request=request,
            target=user,
            details={
                "before": old,
                "after": new,
                "added": sorted(set(new) - set(old)),
                "removed": sorted(set(old) - set(new)),
            },
        )
    return True


def deactivate(user: User, *, actor: User, request: HttpRequest, reason: str = "") -> None:
    if user.pk == actor.pk:
        raise StaffChangeRefused("You cannot deactivate your own account.")
    if not user.is_active:
        return
    with transaction.atomic():
        _disable(user, DeactivationReason.ADMINISTRATOR)
        record("staff.deactivated", actor=actor, request=request, target=user, reason=reason)


def _disable(user: User, why: str) -> None:
    user.is_active = False
    user.deactivated_at = timezone.now()
    user.deactivated_reason = why
    user.save(update_fields=["is_active", "deactivated_at", "deactivated_reason"])
    # Unused links stop working; sessions end because inactive users are never loaded.
    tokens.revoke(StaffToken.objects.filter(user=user))


def reactivate(user: User, *, actor: User, request: HttpRequest) -> None:
    if user.is_active:
        return
    with transaction.atomic():
        previous = user.deactivated_reason
        user.is_active = True
        user.deactivated_at = None
        user.deactivated_reason = ""
        user.reactivated_at = timezone.now()
        user.save(
            update_fields=["is_active", "deactivated_at", "deactivated_reason", "reactivated_at"]
        )
        record(
            "staff.reactivated",
            actor=actor,
            request=request,
            target=user,
            details={"was": previous},
        )


def reset_mfa(user: User, *, actor: User | None, request: HttpRequest | None) -> None:
    """Remove the authenticator and recovery codes; the person sets up new ones next time."""
    if actor is not None and user.pk == actor.pk:
        raise StaffChangeRefused("Ask another administrator to reset your own second factor.")
    with transaction.atomic():
        totp = TOTPDevice.objects.filter(user=user).delete()[0]
        static = StaticDevice.objects.filter(user=user).delete()[0]
        record(
            "staff.mfa_reset",
            actor=actor,
            request=request,
            target=user,
            details={"devices_removed": totp + static},
        )


def disable_inactive_staff(*, now=None) -> int:
    """Disable accounts nobody signed in to for STAFF_INACTIVE_DAYS; return how many."""
    days = settings.STAFF_INACTIVE_DAYS
    if days <= 0:
        return 0
    cutoff = (now or timezone.now()) - timedelta(days=days)
    stale = (
        User.objects.filter(is_active=True)
        .filter(Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff))
        .filter(Q(reactivated_at__isnull=True) | Q(reactivated_at__lt=cutoff))
    )
    count = 0
    for user in stale:
        with transaction.atomic():
            last_used = max(
                d for d in (user.last_login, user.date_joined, user.reactivated_at) if d
            )
            _disable(user, DeactivationReason.INACTIVE)
            record(
                "staff.disabled_inactive",
                target=user,
                details={"days": days, "last_used": last_used.isoformat()},
            )
        count += 1
    # Expired links are of no use to anyone.
    StaffToken.objects.filter(expires_at__lt=cutoff).delete()
    return count


def recover_account(user: User) -> str:
    """Break-glass recovery from the command line; returns a single-use set-password link.

    Reactivates the account, removes its second factor and lifts a sign-in lockout.
    """
    from axes.handlers.proxy import AxesProxyHandler

    with transaction.atomic():
        was_active = user.is_active
        if not was_active:
            user.is_active = True
            user.deactivated_at = None
            user.deactivated_reason = ""
            user.reactivated_at = timezone.now()
            user.save(
                update_fields=[
                    "is_active",
                    "deactivated_at",
                    "deactivated_reason",
                    "reactivated_at",
                ]
            )
        devices = (
            TOTPDevice.objects.filter(user=user).delete()[0]
            + StaticDevice.objects.filter(user=user).delete()[0]
        )
        AxesProxyHandler.reset_attempts(username=user.email)
        token = issue_token(user, TokenPurpose.INVITATION, lifetime=timedelta(days=1))
        record(
            "staff.account_recovered",
            target=user,
            details={
                "reactivated": not was_active,
                "devices_removed": devices,
                "via": "manage.py recover_staff_account",
            },
        )
    return _link("accounts:invitation", token)

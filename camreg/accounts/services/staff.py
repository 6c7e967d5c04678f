"""Administering staff accounts: roles, deactivation and reactivation, second-factor
resets, disabling inactive accounts, and break-glass recovery."""

from __future__ import annotations

from datetime import timedelta

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from camreg import tokens
from camreg.audit.services import record

from ..models import DeactivationReason, StaffToken, TokenPurpose, User
from ..roles import Role
from .links import _link, issue_token


class StaffChangeRefused(Exception):
    """An administrator asked for something that is not allowed (e.g. on themselves)."""


def _clean_roles(roles) -> list[str]:
    return sorted({r for r in roles if r in Role.values})


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

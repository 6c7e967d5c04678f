"""Administering staff accounts: roles, deactivation and reactivation, second-factor
resets, disabling inactive accounts, and break-glass recovery.

Nobody changes their own roles (separation of duties: an administrator cannot make
themselves an auditor or a deputy); deactivation ends every session and, through the
`staff_deactivated` signal, revokes every API token of the account, for good."""

from __future__ import annotations

from datetime import timedelta

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from camreg import tokens
from camreg.audit.services import record

from ..models import (
    AuthenticatorDevice,
    DeactivationReason,
    RecoveryCodeDevice,
    StaffToken,
    TokenPurpose,
    User,
)
from ..roles import SERVICE_ACCOUNT_ROLES, Role
from ..signals import staff_deactivated
from .links import _link, issue_token
from .sessions import end_all_sessions, forget_old_sessions


class StaffChangeRefused(Exception):
    """An administrator asked for something that is not allowed (e.g. on themselves)."""


def _clean_roles(roles) -> list[str]:
    return sorted({r for r in roles if r in Role.values})


def service_account_roles_message() -> str:
    labels = ", ".join(Role(r).label for r in SERVICE_ACCOUNT_ROLES)
    return f"A service account can only have the roles the API uses: {labels}."


def check_service_account_roles(roles: list[str]) -> None:
    if not set(roles) <= set(SERVICE_ACCOUNT_ROLES):
        raise StaffChangeRefused(service_account_roles_message())


def change_roles(user: User, roles: list[str], *, actor: User, request: HttpRequest) -> bool:
    """Set `user`'s roles; False when nothing changed.

    Refused for the actor's own account, whatever the change: nobody grants themselves a
    role (or takes one away) without a second administrator."""
    if user.pk == actor.pk:
        raise StaffChangeRefused("You cannot change your own roles. Ask another administrator.")
    new = _clean_roles(roles)
    if not new:
        raise StaffChangeRefused("Choose at least one role.")
    if user.is_service_account:
        check_service_account_roles(new)
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
        ended = _disable(user, DeactivationReason.ADMINISTRATOR, actor=actor, request=request)
        record(
            "staff.deactivated",
            actor=actor,
            request=request,
            target=user,
            reason=reason,
            details={"sessions_ended": ended},
        )


def _disable(
    user: User, why: str, *, actor: User | None = None, request: HttpRequest | None = None
) -> int:
    """Deactivate `user`: unused links stop working, every session ends for good, and the
    apps above revoke what else the account holds (API tokens). Returns the sessions ended."""
    user.is_active = False
    user.deactivated_at = timezone.now()
    user.deactivated_reason = why
    user.save(update_fields=["is_active", "deactivated_at", "deactivated_reason"])
    tokens.revoke(StaffToken.objects.filter(user=user))
    ended = end_all_sessions(user)
    staff_deactivated.send(sender=User, user=user, actor=actor, request=request)
    return ended


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
        totp = AuthenticatorDevice.objects.filter(user=user).delete()[0]
        static = RecoveryCodeDevice.objects.filter(user=user).delete()[0]
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
            ended = _disable(user, DeactivationReason.INACTIVE)
            record(
                "staff.disabled_inactive",
                target=user,
                details={
                    "days": days,
                    "last_used": last_used.isoformat(),
                    "sessions_ended": ended,
                },
            )
        count += 1
    # Expired links are of no use to anyone, nor are entries of sessions that have ended.
    StaffToken.objects.filter(expires_at__lt=cutoff).delete()
    forget_old_sessions(now=now)
    return count


def recover_account(user: User) -> str:
    """Break-glass recovery from the command line; returns a single-use set-password link.

    Reactivates the account, removes its second factor and lifts a sign-in lockout. Not for
    service accounts, which never sign in.
    """
    if user.is_service_account:
        raise StaffChangeRefused(
            f"{user} is a service account: it never signs in, so there is nothing to recover. "
            "An administrator reactivates it and creates a new API token in the console."
        )
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
            AuthenticatorDevice.objects.filter(user=user).delete()[0]
            + RecoveryCodeDevice.objects.filter(user=user).delete()[0]
        )
        AxesProxyHandler.reset_attempts(username=user.email)
        user.lockout_notified_at = None
        user.save(update_fields=["lockout_notified_at"])
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

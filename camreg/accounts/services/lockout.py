"""Sign-in lockouts seen from the account: which accounts are locked, telling their owner and
the administrators once per lockout, and administrators lifting one.

django-axes counts failures per account and per network address (settings AXES_*). Anyone
who knows an address can lock its account for AXES_COOLOFF_TIME; the lock stays (it is
what stops guessing), but it is never silent: the owner and every administrator are emailed
when it starts, and the staff list shows it with an unlock button.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q, Sum
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from camreg.audit.services import record
from camreg.outreach.services import queue_email
from camreg.web.http import client_ip

from ..models import AccountKind, User
from ..roles import Role
from .links import STAFF_EMAIL_LANGUAGE


def _cooloff() -> timedelta:
    return settings.AXES_COOLOFF_TIME


def lockout_minutes() -> int:
    return max(1, int(_cooloff().total_seconds() // 60))


def locked_accounts(*, now: datetime | None = None) -> dict[str, datetime]:
    """Addresses whose sign-in is locked now (failures of the account itself, from any
    network address), with the time the lock ends at the latest."""
    now = now or timezone.now()
    rows = (
        AccessAttempt.objects.filter(attempt_time__gte=now - _cooloff())
        .exclude(username__isnull=True)
        .exclude(username="")
        .values("username")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
    )
    return {row["username"]: row["last"] + _cooloff() for row in rows}


def locked_until(user: User, *, now: datetime | None = None) -> datetime | None:
    return locked_accounts(now=now).get(user.email)


def _failures(email: str, *, now: datetime | None = None) -> int:
    now = now or timezone.now()
    total = AccessAttempt.objects.filter(
        username=email, attempt_time__gte=now - _cooloff()
    ).aggregate(total=Sum("failures_since_start"))["total"]
    return int(total or 0)


def _administrators() -> list[User]:
    """Active people with the administrator role (roles are a JSON list: filtered here, as
    SQLite has no JSON containment lookup)."""
    people = User.objects.filter(is_active=True, kind=AccountKind.PERSON).order_by("pk")
    return [person for person in people if Role.ADMINISTRATOR in (person.roles or [])]


def notify_lockout(request: HttpRequest, user: User) -> int:
    """Email the owner of `user` and the administrators that sign-in to it is locked, once per
    lockout; returns how many emails were queued (0 when already told or not locked).

    Called after a failure that django-axes answered with a lockout. An address locked for
    every account (too many failures from it) is not an account lockout and tells nobody.
    """
    now = timezone.now()
    failures = _failures(user.email, now=now)
    if failures < settings.AXES_FAILURE_LIMIT:
        return 0
    with transaction.atomic():
        # One conditional UPDATE: of two failures that lock at once, one tells.
        claimed = (
            User.objects.filter(pk=user.pk)
            .filter(
                Q(lockout_notified_at__isnull=True) | Q(lockout_notified_at__lt=now - _cooloff())
            )
            .update(lockout_notified_at=now)
        )
        if not claimed:
            return 0
        until = now + _cooloff()
        common = {
            "failures": failures,
            "minutes": lockout_minutes(),
            "until": until,
            "ip": client_ip(request) or "",
        }
        # One email per lockout and recipient (the UPDATE above makes the lockout's one call).
        lockout = f"staff_lockout:{user.pk}:{secrets.token_hex(8)}"
        recipients: list[str] = []
        owner_told = user.is_active and user.kind == AccountKind.PERSON
        if owner_told:
            queue_email(
                to=user.email,
                template="staff_account_locked",
                context={**common, "name": user.full_name},
                language=STAFF_EMAIL_LANGUAGE,
                idempotency_key=f"{lockout}:owner",
            )
            recipients.append(user.email)
        link = settings.SITE_URL + reverse("staff:detail", kwargs={"pk": user.pk})
        for admin in _administrators():
            if admin.pk == user.pk:
                continue
            queue_email(
                to=admin.email,
                template="staff_account_locked_admin",
                context={
                    **common,
                    "name": admin.full_name,
                    "person": user.full_name or user.email,
                    "email": user.email,
                    "service_account": user.is_service_account,
                    "link": link,
                },
                language=STAFF_EMAIL_LANGUAGE,
                idempotency_key=f"{lockout}:{admin.pk}",
            )
            recipients.append(admin.email)
        record(
            "auth.lockout_notified",
            request=request,
            target=user,
            details={
                "failures": failures,
                "owner": owner_told,
                "administrators": len(recipients) - int(owner_told),
            },
        )
    return len(recipients)


def unlock(user: User, *, actor: User, request: HttpRequest | None) -> int:
    """Lift the lockout of `user`'s account (its failures are forgotten); audited. Returns how
    many failures were forgotten (0: it was not locked, nothing recorded)."""
    if user.email not in locked_accounts():
        return 0
    failures = _failures(user.email)
    with transaction.atomic():
        AxesProxyHandler.reset_attempts(username=user.email)
        User.objects.filter(pk=user.pk).update(lockout_notified_at=None)
        user.lockout_notified_at = None
        record(
            "staff.unlocked",
            actor=actor,
            request=request,
            target=user,
            details={"failures": failures},
        )
    return failures

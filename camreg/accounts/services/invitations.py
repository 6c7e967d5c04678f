"""Inviting staff: an account without a password, and a link to choose one."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest

from camreg.audit.services import record
from camreg.outreach.services import queue_email

from ..models import StaffToken, TokenPurpose, User
from .links import STAFF_EMAIL_LANGUAGE, _link, _use_token, issue_token
from .staff import StaffChangeRefused, _clean_roles


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
    if user.is_service_account:
        raise StaffChangeRefused("A service account never signs in: there is nothing to invite.")
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
    """Set the invitee's password; the second factor is set up next. False if already used
    (or, whatever the link, for a service account)."""
    user = staff_token.user
    if user.is_service_account:
        return False
    with transaction.atomic():
        if not _use_token(staff_token):
            return False
        user.set_password(password)
        user.save(update_fields=["password"])
        record("staff.invite_accepted", actor=user, request=request, target=user)
    return True

"""Password resets by email link. The second factor is still required afterwards."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from camreg import tokens
from camreg.audit.models import Outcome
from camreg.audit.services import record
from camreg.outreach.services import queue_email

from ..models import AccountKind, StaffToken, TokenPurpose, User
from .links import STAFF_EMAIL_LANGUAGE, _link, _use_token, issue_token


def request_password_reset(request: HttpRequest, email: str) -> bool:
    """Email a reset link if `email` belongs to an active person's account with a password
    (never a service account's).

    The caller answers the same either way; the return value is for tests and logs.
    """
    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email, is_active=True, kind=AccountKind.PERSON).first()
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

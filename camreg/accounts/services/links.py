"""Single-use email links for staff (invitations, password resets), and the language of
staff emails."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.urls import reverse

from camreg import tokens

from ..models import AccountKind, StaffToken, User

STAFF_EMAIL_LANGUAGE = "en"  # the console and staff emails are in English


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
    """The unused, unexpired token of an active person's account, or None (a service account
    never signs in, so no link works for one)."""
    return tokens.find_usable(
        StaffToken.objects.select_related("user").filter(
            user__is_active=True, user__kind=AccountKind.PERSON
        ),
        token,
        purpose=purpose,
    )


def _use_token(staff_token: StaffToken) -> bool:
    """Mark the token used; False when another request used it first."""
    return tokens.use(staff_token)


def _link(name: str, token: str) -> str:
    return settings.SITE_URL + reverse(name, kwargs={"token": token})

"""Creating, revoking and checking API tokens: every rule about them lives here.

A token is `crk_` followed by 43 random URL-safe characters (256 bits). It is returned once
by `create_token`; the database keeps its SHA-256 hash (a lookup key that cannot be turned
back into the token) and its first characters for display. See
docs/decisions/0008-api-bearer-tokens.md.

Tokens belong to service accounts only (decision 0019): a system's calls are audited in the
system's name with the token's id, never in a person's, and no administrator can act as a
deputy through a token made for that deputy.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from camreg import tokens
from camreg.accounts.models import AccountKind, User
from camreg.accounts.roles import Permission, can
from camreg.audit import services as audit

from .models import PURPOSE, ApiToken

TOKEN_PREFIX = "crk_"  # noqa: S105 - not a secret: the start of every token
PREFIX_LENGTH = len(TOKEN_PREFIX) + 8
# Writing the last-used time on every call would make each call a write; once a minute
# is precise enough to see whether a token is in use.
LAST_USED_PRECISION = timedelta(minutes=1)


NOT_A_SERVICE_ACCOUNT = (
    "API tokens belong to service accounts only, never to a person: create a service account "
    "with the roles the system needs (Staff, Create a service account), then a token for it."
)


def create_token(*, user, name: str, actor=None, request=None) -> tuple[ApiToken, str]:
    """A new token for the service account `user`; returns the row and the raw token (shown
    once, never stored).

    `actor` must be an administrator (Permission.USERS), or None for the management
    command run on the server. Refused for a person's account (ValidationError). Audited as
    "api.token_created".
    """
    if actor is not None and not can(actor, Permission.USERS):
        raise PermissionDenied(Permission.USERS.value)
    name = (name or "").strip()
    if not name:
        raise ValidationError("Give the token a name, such as the system that will use it.")
    if not user.is_service_account:
        raise ValidationError(NOT_A_SERVICE_ACCOUNT)
    if not user.is_active:
        raise ValidationError("This service account is deactivated; a token would not work.")
    raw = tokens.new_secret(TOKEN_PREFIX)
    with transaction.atomic():
        # API tokens do not expire and a new one never revokes the others (decision 0011).
        token, raw = tokens.issue(
            ApiToken,
            purpose=PURPOSE,
            revoke_earlier_for=None,
            secret=raw,
            user=user,
            name=name[:100],
            prefix=raw[:PREFIX_LENGTH],
            created_by=actor,
        )
        audit.record(
            "api.token_created",
            actor=actor,
            request=request,
            target=token,
            details={
                "user_id": user.pk,
                "service_account": user.full_name,
                "roles": sorted(user.roles or []),
                "name": token.name,
                "prefix": token.prefix,
            },
        )
    return token, raw


def revoke(token: ApiToken, *, actor=None, request=None) -> ApiToken:
    """Revoke `token` at once (an administrator, or None for the system). Audited as
    "api.token_revoked"; revoking a revoked token changes nothing."""
    if actor is not None and not can(actor, Permission.USERS):
        raise PermissionDenied(Permission.USERS.value)
    _revoke(token, actor=actor, request=request, reason="revoked")
    return token


def _revoke(token: ApiToken, *, actor, request, reason: str) -> bool:
    with transaction.atomic():
        if not tokens.revoke(token, revoked_by=actor):
            token.refresh_from_db()
            return False
        audit.record(
            "api.token_revoked",
            actor=actor,
            request=request,
            target=token,
            details={
                "user_id": token.user_id,
                "name": token.name,
                "prefix": token.prefix,
                "reason": reason,
            },
        )
    return True


def revoke_all_of(user: User, *, actor=None, request=None, reason: str) -> int:
    """Revoke every live token of `user`, for good (each audited); return how many.

    Called when the account is deactivated (`accounts.signals.staff_deactivated`), which
    the caller was allowed to do: a reactivated account needs new tokens."""
    revoked = 0
    for token in ApiToken.objects.filter(user=user).usable().order_by("pk"):
        revoked += _revoke(token, actor=actor, request=request, reason=reason)
    return revoked


def authenticate(raw: str) -> ApiToken | None:
    """The live token matching `raw` (its service account active), with its last-used time
    (and the account's) updated; None for an unknown or revoked token, a deactivated account,
    or a token of a person's account (from before decision 0019)."""
    if not isinstance(raw, str) or not raw.startswith(TOKEN_PREFIX):
        return None
    token = tokens.find_usable(
        ApiToken.objects.select_related("user").filter(
            user__is_active=True, user__kind=AccountKind.SERVICE
        ),
        raw,
        purpose=PURPOSE,
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
        # A service account's "last sign-in" is its last call: it keeps the account from
        # being disabled for inactivity while the system uses it.
        User.objects.filter(pk=token.user_id).update(last_login=now)
        token.user.last_login = now
    return token

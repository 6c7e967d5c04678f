"""The one helper for every single-use or expiring link and every API token.

A token is a random secret given to a person (in an email, or shown once on screen) and a
row that keeps only the SHA-256 of that secret. Apps define their own token model by
inheriting the abstract `Token` (adding the subject it belongs to: a registrant, a staff
member, a footage request) and call these functions; none of them generates, hashes,
checks or uses a secret by hand.

- `issue(model, purpose=..., lifetime=..., revoke_earlier_for=..., **fields)` stores a new
  row and returns it with the secret (the only time the secret exists in the program).
- `find_usable(model_or_queryset, secret, purpose=...)` returns the row the secret opens
  if it can be used now (not used, not revoked, not expired), otherwise None. Any string is
  accepted: unknown, empty, overlong or malformed input finds nothing and never raises.
- `use(row)` uses a single-use token up. It is one conditional UPDATE (`... WHERE used_at
  IS NULL AND revoked_at IS NULL AND not expired`), so when two requests use the same link
  at once exactly one of them succeeds, on SQLite and on PostgreSQL.
- `revoke(row_or_queryset)` makes tokens stop working without deleting them.
- `extend(queryset, expires_at=...)` gives expiring tokens that were neither used nor
  revoked a new expiry, also after they expired (a footage request's link extended by
  staff); the secret stays the one the person already has.

The revocation rule (docs/decisions/0011-one-token-helper.md): issuing a link revokes the
earlier unused links of the same subject and purpose (`revoke_earlier_for` names the
subject's field), so a subject has at most one live link per purpose. API tokens are never
revoked by issuing another (`revoke_earlier_for=None`): only explicitly, and they do not
work while their owner's account is deactivated.

Rows are found by the hash of the secret, so a lookup's timing can tell an attacker at
most something about a hash, never about a secret. The secret is random (256 bits), not
chosen by a person, so a fast hash is enough: it cannot be guessed back from the hash.

This module is a bottom-layer helper: it imports only Django and the standard library.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Any, TypeVar

from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

SECRET_BYTES = 32  # 256 bits; token_urlsafe makes 43 characters of them
MIN_SECRET_LENGTH = 43
# Longer input is not one of our secrets; it is refused before hashing.
MAX_SECRET_LENGTH = 200

T = TypeVar("T", bound="Token")


def new_secret(prefix: str = "") -> str:
    """A new random secret (256 bits, URL-safe), after `prefix` if given."""
    return prefix + secrets.token_urlsafe(SECRET_BYTES)


def hash_secret(secret: str) -> str:
    """The SHA-256 (hex) of `secret`: what the database stores and looks rows up by.

    Lone surrogates (possible in hostile input) are hashed too instead of raising.
    """
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def usable_q(now: datetime | None = None) -> Q:
    """The condition for a token that works now: not used, not revoked, not expired."""
    now = now or timezone.now()
    return Q(used_at__isnull=True, revoked_at__isnull=True) & (
        Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    )


class TokenQuerySet(models.QuerySet):
    def usable(self, now: datetime | None = None) -> TokenQuerySet:
        return self.filter(usable_q(now))


class Token(models.Model):
    """Fields every token has. Subclasses add their subject (a foreign key) and may narrow a
    field: the purposes as choices, `expires_at = models.DateTimeField()` for links that
    must always expire."""

    token_hash = models.CharField(max_length=64, unique=True)
    purpose = models.CharField(max_length=20)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField(null=True, blank=True)  # None: does not expire
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = TokenQuerySet.as_manager()

    class Meta:
        abstract = True

    def is_usable(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return (
            self.used_at is None
            and self.revoked_at is None
            and (self.expires_at is None or self.expires_at > now)
        )


def _queryset(model_or_queryset) -> models.QuerySet:
    if isinstance(model_or_queryset, models.QuerySet):
        return model_or_queryset
    return model_or_queryset._default_manager.all()


def issue(
    model: type[T],
    *,
    purpose: str,
    revoke_earlier_for: str | None,
    lifetime: timedelta | None = None,
    expires_at: datetime | None = None,
    secret: str | None = None,
    **fields: Any,
) -> tuple[T, str]:
    """Store a new token and return `(row, secret)`.

    `revoke_earlier_for` names the field in `fields` that is the token's subject (for
    example "registrant"): the subject's earlier unused tokens of the same purpose are
    revoked, as the revocation rule says for every single-use link. Pass None only for
    tokens that are never replaced by a new one (API tokens).

    The token expires after `lifetime`, or at `expires_at`; with neither it never expires.
    `secret` is for callers that must store something derived from the secret (the API
    token's display prefix): make it with `new_secret`. `fields` are the model's other
    fields (the subject, who created it, ...).
    """
    if lifetime is not None and expires_at is not None:
        raise ValueError("Give a lifetime or an expiry time, not both.")
    if secret is None:
        secret = new_secret()
    elif len(secret) < MIN_SECRET_LENGTH:
        raise ValueError("A token secret must come from new_secret().")
    now = timezone.now()
    if lifetime is not None:
        expires_at = now + lifetime
    with transaction.atomic():
        if revoke_earlier_for is not None:
            if revoke_earlier_for not in fields:
                raise ValueError(f"revoke_earlier_for={revoke_earlier_for!r} is not in fields.")
            revoke(
                model._default_manager.filter(
                    purpose=purpose, **{revoke_earlier_for: fields[revoke_earlier_for]}
                ),
                now=now,
            )
        row = model._default_manager.create(
            token_hash=hash_secret(secret),
            purpose=purpose,
            created_at=now,
            expires_at=expires_at,
            **fields,
        )
    return row, secret


def find_usable(
    model_or_queryset,
    secret: Any,
    *,
    purpose: str | Collection[str],
    now: datetime | None = None,
):
    """The token `secret` opens, if it has (one of) `purpose` and works now; else None.

    Pass a queryset to add conditions or `select_related` (e.g. only active accounts).
    Never raises for bad input: anything that is not one of our secrets finds nothing.
    """
    if not isinstance(secret, str) or not secret or len(secret) > MAX_SECRET_LENGTH:
        return None
    queryset = _queryset(model_or_queryset).filter(usable_q(now), token_hash=hash_secret(secret))
    if isinstance(purpose, str):
        queryset = queryset.filter(purpose=purpose)
    else:
        queryset = queryset.filter(purpose__in=list(purpose))
    return queryset.first()


def use(row: Token, *, now: datetime | None = None) -> bool:
    """Use a single-use token up; False when it no longer works (used a moment ago by
    another request, revoked or expired). Exactly one of two concurrent calls succeeds."""
    now = now or timezone.now()
    used = type(row)._default_manager.filter(usable_q(now), pk=row.pk).update(used_at=now)
    if used:
        row.used_at = now
    return bool(used)


def revoke(target, *, now: datetime | None = None, **fields: Any) -> int:
    """Make a token, or every token in a queryset, stop working; return how many changed.

    Used and already revoked tokens are left as they are. `fields` are set on the revoked
    rows too (e.g. `revoked_by=actor`).
    """
    now = now or timezone.now()
    if isinstance(target, Token):
        queryset = type(target)._default_manager.filter(pk=target.pk)
    else:
        queryset = target
    changed = queryset.filter(used_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=now, **fields
    )
    if changed and isinstance(target, Token):
        target.revoked_at = now
        for name, value in fields.items():
            setattr(target, name, value)
    return changed


def extend(target, *, expires_at: datetime) -> int:
    """Give tokens that were neither used nor revoked (expired or not) a new expiry; return
    how many changed. Used and revoked tokens stay dead."""
    if isinstance(target, Token):
        queryset = type(target)._default_manager.filter(pk=target.pk)
    else:
        queryset = target
    changed = queryset.filter(used_at__isnull=True, revoked_at__isnull=True).update(
        expires_at=expires_at
    )
    if changed and isinstance(target, Token):
        target.expires_at = expires_at
    return changed

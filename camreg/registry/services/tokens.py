"""Single-use links for registrants: verifying the email address, opening the portal."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.urls import reverse

from camreg import tokens
from camreg.registry.models import AccessToken, Registrant


class TokenInvalid(Exception):
    """The link is unknown, used, expired, or for something else."""


def issue_token(registrant: Registrant, purpose: str, lifetime: timedelta) -> str:
    """A new single-use link secret; the registrant's earlier unused links for the same
    purpose stop working (the revocation rule, camreg.tokens)."""
    _token, raw = tokens.issue(
        AccessToken,
        purpose=purpose,
        lifetime=lifetime,
        revoke_earlier_for="registrant",
        registrant=registrant,
    )
    return raw


def peek_token(raw: str, purpose: str) -> AccessToken:
    """The token, if it could still be used; does not use it up."""
    token = tokens.find_usable(
        AccessToken.objects.select_related("registrant"), raw, purpose=purpose
    )
    if token is None:
        raise TokenInvalid
    return token


def consume_token(raw: str, purpose: str) -> Registrant:
    """Use a single-use token; raise TokenInvalid if it cannot be used."""
    token = peek_token(raw, purpose)
    if not tokens.use(token):  # someone else used it a moment ago
        raise TokenInvalid
    return token.registrant


def _link(name: str, raw: str, language: str = "") -> str:
    """The full address of a link in an email. `language` (the registrant's) rides along as
    ?lang=, so the page opens in it whatever the browser prefers (registry.views)."""
    url = settings.SITE_URL + reverse(name, kwargs={"token": raw})
    return f"{url}?lang={language}" if language else url

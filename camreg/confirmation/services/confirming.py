"""The one-click confirmation: the link in the cycle's emails, its page, its button."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from camreg import tokens
from camreg.registry import services as registry
from camreg.registry.models import Registrant, TermsVersion

from ..models import ConfirmationLink, LinkPurpose


class LinkInvalid(Exception):
    """The link is unknown, used, revoked or expired, or its registration can no longer be
    confirmed (left, erased)."""


class TermsNotAccepted(Exception):
    """Newer terms are published and the registrant has not accepted them yet."""


@dataclass
class LinkState:
    link: ConfirmationLink
    registrant: Registrant
    needs_terms: bool
    terms: TermsVersion | None


def _usable(secret: str) -> ConfirmationLink | None:
    return tokens.find_usable(
        ConfirmationLink.objects.select_related("registrant", "cycle"),
        secret,
        purpose=LinkPurpose.values,
    )


def open_link(secret: str) -> LinkState:
    """What the link's page shows; changes nothing (mail scanners follow links)."""
    link = _usable(secret)
    if link is None or not _confirmable(link.registrant):
        raise LinkInvalid
    needs_terms = registry.needs_terms_acceptance(link.registrant)
    return LinkState(
        link=link,
        registrant=link.registrant,
        needs_terms=needs_terms,
        terms=registry.current_terms() if needs_terms else None,
    )


def confirm(secret: str, *, accepts_terms: bool, client: registry.Client) -> Registrant:
    """Everything is still correct: use the link up, accept newer terms when the registrant
    ticked them (required when there are newer terms), and confirm the registration, which
    restarts the year (and brings a lapsed registration back). All in one transaction."""
    with transaction.atomic():
        link = _usable(secret)
        if link is None:
            raise LinkInvalid
        registrant = Registrant.objects.select_for_update().get(pk=link.registrant_id)
        if not _confirmable(registrant):
            raise LinkInvalid
        if registry.needs_terms_acceptance(registrant):
            if not accepts_terms:
                raise TermsNotAccepted
            registry.accept_terms(registrant, client)
        if not tokens.use(link):
            raise LinkInvalid  # used a moment ago by another request
        return registry.record_confirmation(registrant, via="link")


def _confirmable(registrant: Registrant) -> bool:
    return registrant.status in registry.CONFIRMABLE and registrant.erased_at is None

"""Terms of participation: the current version, registrants' consent, drafts and publishing."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from camreg import caching
from camreg.audit import services as audit
from camreg.registry.models import (
    Consent,
    Registrant,
    RegistrationStatus,
    TermsText,
    TermsVersion,
)
from camreg.registry.services.common import Client

TERMS_CACHE_KEY = "registry:terms:current:v1"
TERMS_CACHE_SECONDS = 300


def current_terms() -> TermsVersion | None:
    """The latest published terms version, with its texts (cached; read once per request)."""
    return caching.shared(TERMS_CACHE_KEY, _load_current_terms, TERMS_CACHE_SECONDS)


def _load_current_terms() -> TermsVersion | None:
    return (
        TermsVersion.objects.filter(published_at__isnull=False)
        .order_by("-number")
        .prefetch_related("texts")
        .first()
    )


def terms_text(version: TermsVersion | None, language: str) -> TermsText | None:
    if version is None:
        return None
    texts = {t.language: t for t in version.texts.all()}
    return texts.get(language) or texts.get(settings.LANGUAGE_CODE)


def needs_terms_acceptance(registrant: Registrant) -> bool:
    terms = current_terms()
    if terms is None:
        return False
    return not registrant.consents.filter(terms_version__number__gte=terms.number).exists()


def accept_terms(registrant: Registrant, client: Client) -> Consent:
    terms = current_terms()
    if terms is None:
        raise ValueError("No terms version is published.")
    with transaction.atomic():
        consent = Consent.objects.create(
            registrant=registrant,
            terms_version=terms,
            accepted_at=timezone.now(),
            ip_address=client.ip,
            user_agent=client.user_agent[:500],
            language=client.language,
        )
        audit.record(
            "registration.terms_accepted",
            actor=registrant,
            target=registrant,
            details={"terms_version": terms.pk, "language": client.language},
        )
    return consent


class TermsError(ValueError):
    """A terms change that is not allowed (a published version, a missing language...)."""


def terms_draft() -> TermsVersion | None:
    """The version being prepared, if any (there is at most one)."""
    return (
        TermsVersion.objects.filter(published_at__isnull=True)
        .order_by("-number")
        .prefetch_related("texts")
        .first()
    )


def _check_terms_texts(texts: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    """Title and body for every language in settings.LANGUAGES, trimmed; else TermsError."""
    cleaned: dict[str, dict[str, str]] = {}
    for code, _name in settings.LANGUAGES:
        entry = texts.get(code) or {}
        title = (entry.get("title") or "").strip()
        body = (entry.get("body") or "").strip()
        if not title or not body:
            raise TermsError(f"The terms need a title and a text in every language ({code}).")
        if len(title) > TermsText._meta.get_field("title").max_length:
            raise TermsError(f"The title ({code}) is too long.")
        cleaned[code] = {"title": title, "body": body.replace("\r\n", "\n")}
    return cleaned


def create_terms_draft(
    texts: dict[str, dict[str, str]], *, request=None, actor=None
) -> TermsVersion:
    """Start the next terms version as a draft: {language: {"title", "body"}}, audited.

    Only one draft exists at a time; registrants see nothing of it until it is published.
    """
    cleaned = _check_terms_texts(texts)
    with transaction.atomic():
        if TermsVersion.objects.select_for_update().filter(published_at__isnull=True).exists():
            raise TermsError("A draft exists already: edit it, publish it or discard it first.")
        last = TermsVersion.objects.order_by("-number").values_list("number", flat=True).first()
        version = TermsVersion.objects.create(number=(last or 0) + 1)
        TermsText.objects.bulk_create(
            TermsText(terms_version=version, language=code, **text)
            for code, text in cleaned.items()
        )
        audit.record(
            "terms.draft_created",
            actor=actor,
            request=request,
            target=version,
            details={"number": version.number, "languages": sorted(cleaned)},
        )
    return version


def update_draft(
    version: TermsVersion, texts: dict[str, dict[str, str]], *, request=None, actor=None
) -> list[str]:
    """Change a draft's texts; the changed fields ("es.body", ...), audited when any."""
    cleaned = _check_terms_texts(texts)
    with transaction.atomic():
        version = TermsVersion.objects.select_for_update().get(pk=version.pk)
        if version.published_at is not None:
            raise TermsError("A published terms version cannot be changed.")
        existing = {t.language: t for t in version.texts.all()}
        changed: list[str] = []
        for code, text in cleaned.items():
            row = existing.get(code) or TermsText(terms_version=version, language=code)
            fields = [name for name in ("title", "body") if getattr(row, name) != text[name]]
            if row.pk is None or fields:
                row.title, row.body = text["title"], text["body"]
                row.save()
                changed.extend(f"{code}.{name}" for name in (fields or ["title", "body"]))
        if changed:
            audit.record(
                "terms.draft_updated",
                actor=actor,
                request=request,
                target=version,
                details={"number": version.number, "changed": changed},
            )
    return changed


def discard_draft(version: TermsVersion, *, request=None, actor=None) -> None:
    """Delete a draft that will not be published, audited."""
    with transaction.atomic():
        version = TermsVersion.objects.select_for_update().get(pk=version.pk)
        if version.published_at is not None:
            raise TermsError("A published terms version cannot be discarded.")
        audit.record(
            "terms.draft_discarded",
            actor=actor,
            request=request,
            target=version,
            details={"number": version.number},
        )
        version.delete()


def publish_terms(version: TermsVersion, *, request=None, actor=None) -> TermsVersion:
    """Publish a draft: it becomes the current terms, and every active registrant is asked
    to accept it at their next visit (needs_terms_acceptance). Audited."""
    with transaction.atomic():
        version = TermsVersion.objects.select_for_update().get(pk=version.pk)
        if version.published_at is not None:
            raise TermsError("This terms version is published already.")
        texts = {t.language: {"title": t.title, "body": t.body} for t in version.texts.all()}
        _check_terms_texts(texts)
        latest = (
            TermsVersion.objects.filter(published_at__isnull=False)
            .order_by("-number")
            .values_list("number", flat=True)
            .first()
        )
        if latest is not None and version.number <= latest:
            highest = TermsVersion.objects.order_by("-number").values_list("number", flat=True)
            version.number = (highest.first() or 0) + 1
        version.published_at = timezone.now()
        version.save(update_fields=["number", "published_at"])
        caching.forget(TERMS_CACHE_KEY)
        audit.record(
            "terms.published",
            actor=actor,
            request=request,
            target=version,
            details={
                "number": version.number,
                "languages": sorted(texts),
                "active_registrants": Registrant.objects.filter(
                    status=RegistrationStatus.ACTIVE
                ).count(),
            },
        )
    return version

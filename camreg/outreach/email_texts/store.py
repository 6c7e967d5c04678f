"""The agency's texts in the database: looked up (cached) by the outbox, saved and restored
by staff in program settings, every change audited."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from camreg import caching
from camreg.audit import services as audit
from camreg.outreach.models import EmailText

from .catalogue import kind
from .rendering import validate

OVERRIDES_CACHE_KEY = "outreach:email-texts:v1"
OVERRIDES_CACHE_SECONDS = 300


def override_for(template: str, language: str) -> EmailText | None:
    """The agency's own text for this email and language, if it has one (cached)."""
    return caching.shared(OVERRIDES_CACHE_KEY, _load_overrides, OVERRIDES_CACHE_SECONDS).get(
        (template, language)
    )


def _load_overrides() -> dict[tuple[str, str], EmailText]:
    return {(text.template, text.language): text for text in EmailText.objects.all()}


def save(
    key: str, language: str, subject: str, body_text: str, *, request=None, actor=None
) -> EmailText:
    """Store the agency's text for one email and language (after checking it), audited."""
    if language not in dict(settings.LANGUAGES):
        raise LookupError(f"unknown language {language!r}")
    validate(key, language, subject, body_text)
    user = actor or (getattr(request, "user", None) if request is not None else None)
    with transaction.atomic():
        text = EmailText.objects.select_for_update().filter(template=key, language=language).first()
        created = text is None
        if text is None:
            text = EmailText(template=key, language=language)
        changed = [
            name
            for name, value in (("subject", subject), ("body_text", body_text))
            if getattr(text, name) != value
        ]
        if not created and not changed:
            return text
        text.subject, text.body_text = subject, body_text
        text.updated_by = user if getattr(user, "is_authenticated", False) else None
        text.save()
        caching.forget(OVERRIDES_CACHE_KEY)
        audit.record(
            "email_text.updated",
            actor=actor,
            request=request,
            target_type="outreach.emailtext",
            target_id=f"{key}:{language}",
            details={
                "template": key,
                "language": language,
                "created": created,
                "changed": changed if not created else ["subject", "body_text"],
            },
        )
    return text


def restore_default(key: str, language: str, *, request=None, actor=None) -> bool:
    """Delete the agency's text so the shipped one is used again; whether there was one."""
    kind(key)
    with transaction.atomic():
        deleted, _detail = EmailText.objects.filter(template=key, language=language).delete()
        caching.forget(OVERRIDES_CACHE_KEY)
        if deleted:
            audit.record(
                "email_text.restored",
                actor=actor,
                request=request,
                target_type="outreach.emailtext",
                target_id=f"{key}:{language}",
                details={"template": key, "language": language},
            )
    return bool(deleted)

"""Terms versions: draft, preview, publish; publishing asks active registrants to accept."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from camreg.audit.models import AuditEvent
from camreg.registry import services as registry
from camreg.registry.models import Consent, RegistrationStatus, TermsVersion
from camreg.testing.registrants import make_registrant

pytestmark = pytest.mark.django_db

TEXTS = {
    "en_title": "Camera Registry Terms",
    "en_body": "1. Taking part is voluntary.\n\n2. Footage may be used as evidence.",
    "es_title": "Términos del Registro de Cámaras",
    "es_body": "1. Participar es voluntario.\n\n2. El video puede usarse como evidencia.",
}


def create_draft(client, **changes):
    return client.post(reverse("settings:terms-create"), {**TEXTS, **changes})


def test_draft_preview_publish_asks_active_registrants_to_accept(coordinator):
    registrant = make_registrant(status=RegistrationStatus.ACTIVE)
    Consent.objects.create(
        registrant=registrant,
        terms_version=registry.current_terms(),
        accepted_at=timezone.now(),
        language="en",
    )
    assert not registry.needs_terms_acceptance(registrant)

    response = create_draft(coordinator)
    draft = TermsVersion.objects.get(published_at__isnull=True)
    assert response.status_code == 302
    assert response["Location"] == reverse("settings:terms-version", args=[draft.number])
    assert draft.number == 2
    assert {t.language: t.title for t in draft.texts.all()} == {
        "en": TEXTS["en_title"],
        "es": TEXTS["es_title"],
    }
    created = AuditEvent.objects.get(action="terms.draft_created")
    assert created.target_id == str(draft.pk) and created.details["number"] == 2
    # A draft changes nothing for registrants or on the public page.
    assert not registry.needs_terms_acceptance(registrant)
    assert registry.current_terms().number == 1
    assert TEXTS["en_title"] not in coordinator.get(reverse("public:terms")).content.decode()

    preview = coordinator.get(reverse("settings:terms-version", args=[2])).content.decode()
    assert "Terms version 2 (draft)" in preview
    assert '<section lang="es"' in preview
    assert "<p>1. Participar es voluntario.</p>" in preview
    assert "Publish version 2" in preview

    response = coordinator.post(reverse("settings:terms-publish", args=[2]))
    assert response.status_code == 302
    published = TermsVersion.objects.get(number=2)
    assert published.published_at is not None
    assert registry.current_terms().number == 2
    assert registry.needs_terms_acceptance(registrant)
    event = AuditEvent.objects.get(action="terms.published")
    assert event.details == {"number": 2, "languages": ["en", "es"], "active_registrants": 1}
    assert event.actor_id == str(coordinator.user.pk)
    assert TEXTS["en_title"] in coordinator.get(reverse("public:terms")).content.decode()


def test_every_language_is_required(coordinator):
    response = create_draft(coordinator, es_title="", es_body="   ")
    assert response.status_code == 400
    body = response.content.decode()
    assert "Title (Spanish): This field is required." in body
    assert "Text (Spanish): This field is required." in body
    assert not TermsVersion.objects.filter(published_at__isnull=True).exists()
    assert not AuditEvent.objects.filter(action__startswith="terms.").exists()


def test_the_new_version_starts_from_the_current_text(coordinator):
    body = coordinator.get(reverse("settings:terms-create")).content.decode()
    current = registry.terms_text(registry.current_terms(), "es")
    assert current.title in body


def test_only_one_draft_at_a_time(coordinator):
    create_draft(coordinator)
    response = coordinator.get(reverse("settings:terms-create"))
    assert response.status_code == 302
    assert response["Location"] == reverse("settings:terms-edit", args=[2])
    with pytest.raises(registry.TermsError):
        registry.create_terms_draft(
            {"en": {"title": "a", "body": "b"}, "es": {"title": "c", "body": "d"}}
        )


def test_editing_a_draft_records_the_changed_fields(coordinator):
    create_draft(coordinator)
    response = coordinator.post(
        reverse("settings:terms-edit", args=[2]), {**TEXTS, "es_body": "Nuevo texto."}
    )
    assert response.status_code == 302
    assert TermsVersion.objects.get(number=2).texts.get(language="es").body == "Nuevo texto."
    event = AuditEvent.objects.get(action="terms.draft_updated")
    assert event.details == {"number": 2, "changed": ["es.body"]}
    # Saving the same text again changes and records nothing.
    coordinator.post(reverse("settings:terms-edit", args=[2]), {**TEXTS, "es_body": "Nuevo texto."})
    assert AuditEvent.objects.filter(action="terms.draft_updated").count() == 1


def test_published_versions_are_read_only(coordinator):
    version = registry.current_terms()
    assert coordinator.get(reverse("settings:terms-edit", args=[version.number])).status_code == 404
    page = coordinator.get(reverse("settings:terms-version", args=[version.number]))
    assert page.status_code == 200
    assert "Published versions cannot be changed" in page.content.decode()
    response = coordinator.post(reverse("settings:terms-publish", args=[1]), follow=True)
    assert "published already" in response.content.decode()
    response = coordinator.post(reverse("settings:terms-discard", args=[1]), follow=True)
    assert "cannot be discarded" in response.content.decode()
    assert TermsVersion.objects.get(number=1).published_at == version.published_at
    with pytest.raises(registry.TermsError):
        registry.update_draft(version, {"en": {"title": "x", "body": "y"}, "es": TEXTS_ES})
    assert not AuditEvent.objects.filter(action__startswith="terms.").exists()


TEXTS_ES = {"title": "x", "body": "y"}


def test_a_draft_can_be_discarded(coordinator):
    create_draft(coordinator)
    response = coordinator.post(reverse("settings:terms-discard", args=[2]))
    assert response.status_code == 302
    assert not TermsVersion.objects.filter(number=2).exists()
    assert AuditEvent.objects.get(action="terms.draft_discarded").details == {"number": 2}


def test_the_list_shows_current_and_draft(coordinator):
    create_draft(coordinator)
    body = coordinator.get(reverse("settings:terms")).content.decode()
    assert "Draft" in body and "Current, published" in body
    assert "Edit draft version 2" in body


def test_a_deputy_cannot_touch_the_terms(deputy):
    assert deputy.get(reverse("settings:terms")).status_code == 403
    assert create_draft(deputy).status_code == 403
    assert deputy.post(reverse("settings:terms-publish", args=[1])).status_code == 403
    assert not TermsVersion.objects.filter(number=2).exists()

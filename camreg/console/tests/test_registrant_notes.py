"""The notes log: append-only, with author and time, audited, erased when the registrant
leaves."""

from __future__ import annotations

import pytest
from django.urls import reverse

from camreg.registry import services as registry
from camreg.registry.models import RegistrantNote, RegistrationStatus
from camreg.testing.audit import events

pytestmark = pytest.mark.django_db


def _url(registrant) -> str:
    return reverse("console:registrant-note", kwargs={"pk": registrant.pk})


@pytest.fixture
def ana(make_registrant):
    return make_registrant("Ana Ruiz", status=RegistrationStatus.ACTIVE)


def test_add_a_note(deputy, ana):
    response = deputy.post(_url(ana), {"body": "  Called about the alley camera; no answer.  "})

    assert response.status_code == 302
    assert response["Location"].endswith(f"/registrants/{ana.pk}/#notes")
    note = RegistrantNote.objects.get()
    assert note.body == "Called about the alley camera; no answer."
    assert note.author == deputy.user
    assert note.author_name == "Dana Deputy"
    assert note.created_at is not None
    [event] = events("registrant.note_added")
    assert event.actor_id == str(deputy.user.pk)
    assert event.target_id == str(ana.pk)
    assert event.details == {"note_id": note.pk}

    page = deputy.get(reverse("console:registrant", kwargs={"pk": ana.pk})).content.decode()
    assert "Called about the alley camera; no answer." in page
    assert "Dana Deputy" in page


def test_notes_are_listed_oldest_first(deputy, ana):
    deputy.post(_url(ana), {"body": "First note"})
    deputy.post(_url(ana), {"body": "Second note"})
    page = deputy.get(reverse("console:registrant", kwargs={"pk": ana.pk})).content.decode()
    assert page.index("First note") < page.index("Second note")


def test_an_empty_note_is_refused(deputy, ana):
    response = deputy.post(_url(ana), {"body": "   "})
    assert response.status_code == 400
    assert "Write the note before adding it." in response.content.decode()
    assert not RegistrantNote.objects.exists()
    assert events("registrant.note_added") == []


def test_notes_are_append_only(deputy, ana):
    note = registry.add_note(ana, author=deputy.user, body="Original")
    note.body = "Rewritten"
    with pytest.raises(ValueError, match="append-only"):
        note.save()
    assert RegistrantNote.objects.get().body == "Original"


def test_leaving_erases_notes(deputy, ana):
    registry.add_note(ana, author=deputy.user, body="Lives alone; call first.")
    registry.leave(ana)
    assert not RegistrantNote.objects.exists()
    with pytest.raises(registry.NotEditable):
        registry.add_note(ana, author=deputy.user, body="Too late")


def test_get_is_not_allowed(deputy, ana):
    assert deputy.get(_url(ana)).status_code == 405


def test_auditors_cannot_add_notes(staff_client, ana):
    auditor = staff_client("auditor")
    assert auditor.post(_url(ana), {"body": "Hello"}).status_code == 403
    assert not RegistrantNote.objects.exists()

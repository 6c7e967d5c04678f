"""The registrant detail page: everything on file, and every view in the audit log."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from camreg.registry import services as registry
from camreg.registry.models import Consent, RegistrationStatus, TermsVersion
from camreg.testing.audit import events

pytestmark = pytest.mark.django_db


def _url(registrant) -> str:
    return reverse("console:registrant", kwargs={"pk": registrant.pk})


@pytest.fixture
def ana(make_registrant, coordinator):
    registrant = make_registrant(
        "Ana Ruiz",
        email="ana@example.com",
        phone="+16615550123",
        status=RegistrationStatus.ACTIVE,
        confirmed_at=timezone.now(),
        cameras=[{"label": "Driveway cam", "direction": 180, "coverage": ["street", "alley"]}],
    )
    Consent.objects.create(
        registrant=registrant,
        terms_version=TermsVersion.objects.get(number=1),
        accepted_at=timezone.now(),
        ip_address="203.0.113.9",
        language="en",
    )
    registry.add_note(registrant, author=coordinator.user, body="Prefers calls after 6 pm.")
    return registrant


def test_detail_shows_everything_on_file(deputy, ana):
    response = deputy.get(_url(ana))

    assert response.status_code == 200
    page = response.content.decode()
    for text in (
        "Ana Ruiz",
        "ana@example.com",
        "(661) 555-0123",
        "1200 Truxtun Ave, Bakersfield, CA 93301",
        "Driveway cam",
        "Faces S (180°)",
        "Street, Alley",
        "Version 1",  # terms accepted
        "Prefers calls after 6 pm.",
        "Carla Coordinator",  # the note's author
        "Last confirmed",
    ):
        assert text in page, text
    assert response["Cache-Control"].startswith("max-age=0")
    # A deputy may add notes but not edit or review.
    assert "Add note" in page
    assert "Edit on the registrant" not in page


def test_every_view_is_audited_with_the_viewer(staff_client, ana):
    viewer = staff_client("investigator", full_name="Ivy Investigator")
    viewer.get(_url(ana))
    viewer.get(_url(ana))

    viewed = events("registrant.viewed")
    assert len(viewed) == 2
    for event in viewed:
        assert event.actor_type == "staff"
        assert event.actor_id == str(viewer.user.pk)
        assert event.actor_label.startswith("Ivy Investigator <")
        assert event.role == "investigator"
        assert event.target_type == "registry.registrant"
        assert event.target_id == str(ana.pk)
        assert event.ip_address == "127.0.0.1"
        # The audit log names the registrant by id only.
        assert "Ana" not in str(event.details)


def test_pending_registrant_offers_review_to_reviewers(coordinator, make_registrant):
    registrant = make_registrant()
    page = coordinator.get(_url(registrant)).content.decode()
    assert "Confirm registration" in page
    assert reverse("console:review-reject", kwargs={"pk": registrant.pk}) in page
    assert reverse("console:registrant-edit", kwargs={"pk": registrant.pk}) in page


def test_tombstone_shows_no_personal_data(deputy, ana):
    registry.leave(ana)

    response = deputy.get(_url(ana))

    assert response.status_code == 200
    page = response.content.decode()
    assert f"Registrant #{ana.pk}" in page
    assert "left the program" in page
    for text in ("Ana Ruiz", "ana@example.com", "Truxtun", "Prefers calls", "Add note"):
        assert text not in page, text
    assert "Version 1" in page  # the consent record stays
    assert len(events("registrant.viewed")) == 1


def test_unknown_registrant_is_not_found_and_not_audited(deputy):
    response = deputy.get(reverse("console:registrant", kwargs={"pk": 999999}))
    assert response.status_code == 404
    assert events("registrant.viewed") == []

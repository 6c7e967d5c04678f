"""The review queue: registrations waiting for review, oldest first, with duplicate hints."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from camreg.registry import services
from camreg.registry.models import RegistrationStatus
from camreg.testing.audit import events

pytestmark = pytest.mark.django_db


def test_queue_lists_pending_registrations_oldest_first(coordinator, make_registrant):
    now = timezone.now()
    newer = make_registrant("Newer Person", created_at=now - timedelta(days=1))
    older = make_registrant("Older Person", created_at=now - timedelta(days=3))
    make_registrant("Active Person", status=RegistrationStatus.ACTIVE, street="9 Elm St")
    make_registrant("Unverified Person", status=RegistrationStatus.UNVERIFIED, street="7 Oak St")

    response = coordinator.get(reverse("console:review"))

    assert response.status_code == 200
    page = response.content.decode()
    assert [row.registrant.pk for row in response.context["rows"]] == [older.pk, newer.pk]
    assert page.index("Older Person") < page.index("Newer Person")
    assert "Active Person" not in page
    assert "Unverified Person" not in page
    assert "2 registrations waiting for review" in page
    assert response["Cache-Control"].startswith("max-age=0")


def test_queue_shows_duplicate_hints(coordinator, make_registrant):
    existing = make_registrant(
        "Existing Person",
        status=RegistrationStatus.ACTIVE,
        email="same@example.com",
        phone="+16615550199",
        street="1200 TRUXTUN AVENUE",
        postcode="93301-1234",
    )
    by_address = make_registrant("Address Twin", street="1200 truxtun ave.", postcode="93301")
    # One registration per email: an email is shared only with one turned down, not yet erased.
    turned_down = make_registrant(
        "Turned Down", status=RegistrationStatus.REJECTED, email="again@example.com", sites=False
    )
    by_email = make_registrant("Email Twin", email="again@example.com", street="5300 White Ln")
    by_phone = make_registrant(
        "Phone Twin", alternate_phone="+16615550199", street="2400 Ming Ave", postcode="93304"
    )
    unrelated = make_registrant(
        "Someone Else", street="1200 Truxtun Ave", postcode="93304"
    )  # same street, another ZIP code: not the same address

    response = coordinator.get(reverse("console:review"))

    hints = {row.registrant.pk: row.hints for row in response.context["rows"]}
    assert [(h.kind, h.other_id) for h in hints[by_address.pk]] == [("address", existing.pk)]
    assert [(h.kind, h.other_id) for h in hints[by_email.pk]] == [("email", turned_down.pk)]
    assert [(h.kind, h.other_id) for h in hints[by_phone.pk]] == [("phone", existing.pk)]
    assert hints[unrelated.pk] == []
    page = response.content.decode()
    detail = reverse("console:registrant", kwargs={"pk": existing.pk})
    assert f'Same address as <a href="{detail}">registrant #{existing.pk}</a> (Active)' in page
    rejected = reverse("console:registrant", kwargs={"pk": turned_down.pk})
    assert f'Same email as <a href="{rejected}">registrant #{turned_down.pk}</a>' in page
    assert f'Same phone as <a href="{detail}">registrant #{existing.pk}</a>' in page


def test_pending_duplicates_point_at_each_other(make_registrant):
    # One registration per email (the database refuses a second): the phone is shared here.
    first = make_registrant("First", phone="+16615550142")
    second = make_registrant("Second", phone="+16615550142", street="9 Elm St")
    hints = services.duplicate_hints_for([first, second])
    assert [(h.kind, h.other_id) for h in hints[first.pk]] == [("phone", second.pk)]
    assert [(h.kind, h.other_id) for h in hints[second.pk]] == [("phone", first.pk)]


def test_people_who_left_are_no_duplicates(make_registrant):
    gone = make_registrant("Gone", status=RegistrationStatus.ACTIVE, email="x@example.com")
    services.leave(gone)
    pending = make_registrant("New", email="x@example.com")
    assert services.duplicate_hints(pending) == []


def test_viewing_the_queue_is_audited(coordinator, make_registrant):
    first = make_registrant("First")
    second = make_registrant("Second", street="9 Elm St")

    coordinator.get(reverse("console:review"))

    [event] = events("review.queue_viewed")
    assert event.actor_id == str(coordinator.user.pk)
    assert "Carla Coordinator" in event.actor_label
    assert event.role == "program_coordinator"
    assert event.details["shown"] == [first.pk, second.pk]
    assert event.details["pending"] == 2


def test_empty_queue(coordinator):
    response = coordinator.get(reverse("console:review"))
    assert response.status_code == 200
    assert "No registrations are waiting for review." in response.content.decode()

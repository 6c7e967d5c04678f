"""The searchable registrant list."""

from __future__ import annotations

import pytest
from django.urls import reverse

from camreg.console import services
from camreg.registry.models import RegistrationStatus
from camreg.testing.audit import events

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(make_registrant):
    return {
        "ana": make_registrant(
            "Ana Ruiz",
            email="ana.ruiz@example.com",
            phone="+16615550123",
            status=RegistrationStatus.ACTIVE,
        ),
        "bob": make_registrant(
            "Bob Stone",
            email="bob@example.com",
            alternate_phone="+16615550777",
            street="2400 Ming Avenue",
            postcode="93304",
            status=RegistrationStatus.LAPSED,
        ),
        "shop": make_registrant(
            "Carmen Diaz",
            kind="business",
            business_name="Oildale Hardware",
            street="900 N Chester Ave",
            city="Oildale",
            postcode="93308",
        ),
    }


def _found(client, **params) -> list[int]:
    response = client.get(reverse("console:registrants"), params)
    assert response.status_code == 200
    return sorted(r.pk for r in response.context["page"].object_list)


@pytest.mark.parametrize(
    ("query", "who"),
    [
        ("ana", ["ana"]),
        ("ruiz ana", ["ana"]),
        ("bob@example.com", ["bob"]),
        ("(661) 555-0123", ["ana"]),
        ("661.555.0777", ["bob"]),  # the other phone number
        ("2400 Ming Ave", ["bob"]),
        ("Ming Avenue", ["bob"]),
        ("Truxtun Avenue", ["ana"]),
        ("93308", ["shop"]),
        ("oildale", ["shop"]),
        ("Hardware", ["shop"]),
        ("nobody-like-this", []),
    ],
)
def test_search(deputy, people, query, who):
    assert _found(deputy, q=query) == sorted(people[name].pk for name in who)


def test_filter_by_status(deputy, people):
    assert _found(deputy, status="lapsed") == [people["bob"].pk]
    assert _found(deputy, status="pending_review", q="carmen") == [people["shop"].pk]
    assert _found(deputy) == sorted(p.pk for p in people.values())


def test_list_shows_contact_details(deputy, people):
    page = deputy.get(reverse("console:registrants"), {"q": "ana"}).content.decode()
    assert "Ana Ruiz" in page
    assert "(661) 555-0123" in page
    assert "1200 Truxtun Ave, Bakersfield, CA 93301" in page
    assert "1 registrant matches." in page


def test_pagination(deputy, make_registrant, monkeypatch):
    monkeypatch.setattr(services, "PAGE_SIZE", 2)
    for number in range(5):
        make_registrant(f"Walker {number}", street=f"{number} Elm St")
    first = deputy.get(reverse("console:registrants"), {"q": "walker"})
    assert len(first.context["page"].object_list) == 2
    page = first.content.decode()
    assert "Page 1 of 3" in page
    assert "?q=walker&amp;page=2" in page
    last = deputy.get(reverse("console:registrants"), {"q": "walker", "page": "3"})
    assert len(last.context["page"].object_list) == 1
    # Out of range pages show the last page rather than an error.
    assert deputy.get(reverse("console:registrants"), {"page": "99"}).status_code == 200


def test_search_is_audited(deputy, people):
    deputy.get(reverse("console:registrants"), {"q": " Ana ", "status": "active"})

    [event] = events("registry.searched")
    assert event.actor_id == str(deputy.user.pk)
    assert event.details["query"] == "Ana"
    assert event.details["status"] == "active"
    assert event.details["results"] == 1
    assert event.details["shown"] == [people["ana"].pk]


def test_tombstones_are_listed_without_data(deputy, make_registrant):
    from camreg.registry import services as registry

    gone = make_registrant("Gone Person", status=RegistrationStatus.ACTIVE)
    registry.leave(gone)
    page = deputy.get(reverse("console:registrants"), {"status": "left"}).content.decode()
    assert f"Registrant #{gone.pk} (left)" in page
    assert "Gone Person" not in page

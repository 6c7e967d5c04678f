"""The registrant page's "Who viewed or changed this registration", in a real browser:
for a supervisor, on a phone and a desktop, axe-core finds no violation; a deputy sees none."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from camreg.audit import services
from camreg.registry.models import RegistrationStatus
from camreg.testing.browser import VIEWPORTS, assert_accessible
from camreg.testing.registrants import make_registrant
from camreg.testing.staff import make_staff, sign_in_browser

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]

NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth <= window.innerWidth + 1"


def history():
    registrant = make_registrant("Rosa Fuentes", status=RegistrationStatus.ACTIVE)
    dana = make_staff("deputy", email="dana@example.org", full_name="Dana Deputy")
    request = RequestFactory().get("/", REMOTE_ADDR="198.51.100.7")
    request.user = dana
    services.record(
        "registrant.viewed",
        request=request,
        target=registrant,
        case_number="KC2026-000123",
        reason="Burglary on Truxtun Ave; calling the owner about footage of the street",
    )
    services.record("registration.updated", actor=registrant, target=registrant)
    return registrant


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_a_supervisor_sees_who_viewed_the_registrant(new_page, supervisor, viewport):
    registrant = history()
    page = new_page(viewport)
    sign_in_browser(page, supervisor)
    response = page.goto(f"/console/registrants/{registrant.pk}/")
    assert response is not None and response.status == 200
    section = page.locator(".access-history")
    text = section.inner_text()
    assert "Dana Deputy" in text and "Viewed a registrant's details" in text
    assert "case KC2026-000123" in text and "Burglary on Truxtun Ave" in text
    assert "The registrant" in text and "Changed their registration" in text
    assert "Sue Supervisor" in text  # this very view is recorded and shown first
    heading = page.get_by_role("heading", name="Who viewed or changed this registration")
    assert heading.is_visible()
    assert_accessible(page, f"registrant access history ({viewport})")
    assert page.evaluate(NO_SIDEWAYS_SCROLL), f"registrant page scrolls sideways at {viewport}"
    assert not page.csp_violations, page.csp_violations


def test_a_deputy_does_not_see_the_history(new_page, deputy):
    registrant = history()
    page = new_page("phone")
    sign_in_browser(page, deputy)
    page.goto(f"/console/registrants/{registrant.pk}/")
    assert "Rosa Fuentes" in page.locator("main").inner_text()
    assert page.locator(".access-history").count() == 0
    assert "Who viewed" not in page.locator("main").inner_text()

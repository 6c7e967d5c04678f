"""The auditor's screen in a real browser: axe-core (WCAG 2.1 A/AA) on a phone and a desktop,
no sideways scrolling, and filtering by keyboard alone."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from camreg.audit import services
from camreg.testing.browser import VIEWPORTS, assert_accessible
from camreg.testing.staff import make_staff, sign_in_browser

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]

NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth <= window.innerWidth + 1"


def some_events() -> None:
    deputy = make_staff("deputy", email="dana@example.org", full_name="Dana Deputy")
    request = RequestFactory().get("/", REMOTE_ADDR="198.51.100.7")
    request.user = deputy
    services.record("auth.sign_in", request=request)
    for target_id in range(1, 60):
        services.record(
            "registrant.viewed",
            request=request,
            target_type="registry.registrant",
            target_id=target_id,
            case_number="KC2026-000123",
            reason="Calling the owner about a burglary nearby; a long reason that must wrap",
            details={"fields": ["name", "email", "phone", "sites"], "note": "x" * 120},
        )


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_audit_pages_are_accessible(new_page, auditor, viewport):
    some_events()
    page = new_page(viewport)
    sign_in_browser(page, auditor)
    for path in ("/console/audit/", "/console/audit/?page=2", "/console/audit/verify/"):
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        assert_accessible(page, f"{path} ({viewport})")
        assert page.evaluate(NO_SIDEWAYS_SCROLL), f"{path} scrolls sideways at {viewport} width"
    with page.expect_navigation():
        page.get_by_role("button", name="Verify the hash chain now").click()
    assert "The hash chain verifies" in page.locator("main").inner_text()
    assert_accessible(page, f"verification result ({viewport})")
    # An error state: the dates the wrong way round.
    page.goto("/console/audit/?date_from=2026-03-02&date_to=2026-03-01")
    assert page.locator("#error-summary").is_visible()
    assert_accessible(page, f"filters with an error ({viewport})")
    assert not page.csp_violations, page.csp_violations


def test_filtering_by_keyboard(new_page, auditor):
    """Actions are chosen by their plain names (checkboxes grouped by area), by keyboard."""
    some_events()
    page = new_page("desktop")
    sign_in_browser(page, auditor)
    page.goto("/console/audit/")
    summary = page.locator("summary", has_text="Sign-in, sessions and the console")
    summary.focus()
    page.keyboard.press("Enter")  # opens the area
    box = page.get_by_label("Signed in to the console")
    box.focus()
    page.keyboard.press("Space")
    assert box.is_checked()
    with page.expect_navigation():
        page.get_by_role("button", name="Show matching events").click()
    assert "action=auth.sign_in" in page.url
    assert page.locator("#results-heading").inner_text() == "1 event"
    rows = page.locator("table.audit-table tbody tr")
    assert rows.count() == 1
    text = rows.first.inner_text()
    assert "Signed in to the console" in text and "auth.sign_in" in text
    # The ticked action's area stays open and ticked after the search.
    assert page.get_by_label("Signed in to the console").is_checked()
    # The table scrolls inside its own region, which the keyboard can reach.
    region = page.locator(".table-scroll")
    assert region.get_attribute("tabindex") == "0"


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_events_read_in_plain_words(new_page, auditor, viewport):
    some_events()
    page = new_page(viewport)
    sign_in_browser(page, auditor)
    page.goto("/console/audit/?action=registrant.viewed&action=auth.sign_in")
    main = page.locator("main").inner_text()
    assert "Viewed a registrant's details" in main
    assert "Registrant #59" in main
    assert "Case KC2026-000123" in main
    assert "Deputy" in main  # the role by name
    details = page.locator(".audit-detail-list").first
    assert "Fields" in details.inner_text() and "name, email, phone, sites" in details.inner_text()
    assert "{" not in details.inner_text()  # no JSON
    assert page.locator(".audit-action-group[open]").count() == 2
    assert_accessible(page, f"audit log in plain words ({viewport})")
    assert page.evaluate(NO_SIDEWAYS_SCROLL), f"the audit log scrolls sideways at {viewport}"
    assert not page.csp_violations, page.csp_violations

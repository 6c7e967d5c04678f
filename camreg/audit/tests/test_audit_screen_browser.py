"""The auditor's screen in a real browser: axe-core (WCAG 2.1 A/AA) on a phone and a desktop,
no sideways scrolling, and filtering by keyboard alone."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client, RequestFactory
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from camreg.accounts.models import User
from camreg.audit import services
from camreg.web.tests.browser import VIEWPORTS, assert_accessible

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]

NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth <= window.innerWidth + 1"


def sign_in_auditor(page, live_server) -> User:
    user = User.objects.create_user(
        "olive@example.org", "correct-horse-battery", full_name="Olive Auditor", roles=["auditor"]
    )
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return user


def some_events() -> None:
    deputy = User.objects.create_user(
        "dana@example.org", "x" * 16, full_name="Dana Deputy", roles=["deputy"]
    )
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
def test_audit_pages_are_accessible(new_page, live_server, viewport):  # noqa: F811
    some_events()
    page = new_page(viewport)
    sign_in_auditor(page, live_server)
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


def test_filtering_by_keyboard(new_page, live_server):  # noqa: F811
    some_events()
    page = new_page("desktop")
    sign_in_auditor(page, live_server)
    page.goto("/console/audit/")
    page.locator("#id_action").focus()
    page.keyboard.type("auth.")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "action=auth." in page.url
    assert page.locator("#results-heading").inner_text() == "1 event"
    rows = page.locator("table.audit-table tbody tr")
    assert rows.count() == 1 and "auth.sign_in" in rows.first.inner_text()
    # The table scrolls inside its own region, which the keyboard can reach.
    region = page.locator(".table-scroll")
    assert region.get_attribute("tabindex") == "0"

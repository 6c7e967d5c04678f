"""Program settings in a real browser: every page passes axe-core (WCAG 2.1 A/AA) on a phone
and a desktop without a Content-Security-Policy violation or sideways scrolling, error
states included, and a setting can be changed with the keyboard alone."""

from __future__ import annotations

import pytest

from camreg.agency import services
from camreg.agency.models import ConfirmMode
from camreg.outreach import email_texts
from camreg.registry import services as registry
from camreg.testing.browser import VIEWPORTS, assert_accessible
from camreg.testing.staff import sign_in_browser

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]

PAGES = [
    "/console/settings/",
    "/console/settings/profile/",
    "/console/settings/boundary/",
    "/console/settings/terms/",
    "/console/settings/terms/new/",
    "/console/settings/terms/1/",
    "/console/settings/terms/2/",
    "/console/settings/terms/2/edit/",
    "/console/settings/emails/",
    "/console/settings/emails/registration_confirmed/es/",
    "/console/settings/emails/goodbye/es/",
    "/console/settings/confirm-mode/",
    "/console/settings/limits/",
]
NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth <= window.innerWidth + 1"


@pytest.fixture(autouse=True)
def published_terms(transactional_db):
    """Version 1 of the terms (the sample terms migration's rows do not survive a flush)."""
    from django.utils import timezone

    from camreg.registry.models import TermsText, TermsVersion

    version, created = TermsVersion.objects.get_or_create(
        number=1, defaults={"published_at": timezone.now()}
    )
    if created:
        for language, title in (("en", "Terms"), ("es", "Términos")):
            TermsText.objects.create(
                terms_version=version, language=language, title=title, body="1. Voluntary."
            )
    return version


def open_page(page, path: str) -> None:
    response = page.goto(path)
    assert response is not None and response.status == 200, (path, response and response.status)


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_settings_pages_are_accessible(new_page, coordinator, viewport):
    page = new_page(viewport)
    sign_in_browser(page, coordinator)
    texts = {"en": {"title": "Terms", "body": "1. New."}, "es": {"title": "Términos", "body": "1."}}
    registry.create_terms_draft(texts)
    email_texts.save("goodbye", "es", "Adiós", "Hola {{ name }}.\n\n{{ site_url }}/register/")
    for path in PAGES:
        open_page(page, path)
        assert page.locator("h1").count() == 1, path
        assert_accessible(page, f"{path} ({viewport})")
        assert page.evaluate(NO_SIDEWAYS_SCROLL), f"{path} scrolls sideways at {viewport} width"
    # The full HTML email is its own (sandboxed) document, with the email's own layout.
    open_page(page, "/console/settings/emails/goodbye/es/html/")
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    # Its sandbox keeps axe out, so the same markup is checked in a page of its own.
    email_page = new_page(viewport)
    email_page.set_content(page.content())
    assert_accessible(email_page, f"full HTML email ({viewport})")
    # Error states: a limit out of range, and an email text with a syntax error.
    open_page(page, "/console/settings/limits/")
    page.fill('[name="canvass_max_radius_m"]', "5")
    with page.expect_navigation():
        page.get_by_role("button", name="Save the limits").click()
    assert page.locator("#error-summary").is_visible()
    assert_accessible(page, f"limits with an error ({viewport})")
    open_page(page, "/console/settings/emails/goodbye/en/")
    page.fill('[name="body_text"]', "Hello {% if name %}")
    with page.expect_navigation():
        page.get_by_role("button", name="Preview without saving").click()
    assert "syntax error" in page.locator("#error-summary").inner_text()
    assert_accessible(page, f"email text with an error ({viewport})")
    # A preview of an unsaved text.
    page.fill('[name="body_text"]', "Goodbye {{ name }}, see {{ site_url }}/")
    with page.expect_navigation():
        page.get_by_role("button", name="Preview without saving").click()
    assert "Goodbye Ana Ruiz" in page.locator(".email-preview").inner_text()
    assert_accessible(page, f"email preview ({viewport})")
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    assert not page.csp_violations, page.csp_violations


def test_the_confirm_mode_can_be_changed_with_the_keyboard(new_page, coordinator):
    page = new_page("desktop")
    sign_in_browser(page, coordinator)
    open_page(page, "/console/settings/confirm-mode/")
    page.locator('input[name="confirm_mode"][value="review"]').focus()
    page.keyboard.press("ArrowDown")  # moves to and selects "automatic"
    assert page.locator('input[name="confirm_mode"][value="automatic"]').is_checked()
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.textContent.trim()")
    assert focused == "Save the confirm mode"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Confirm mode saved." in page.locator(".site-messages").inner_text()
    assert services.current().confirm_mode == ConfirmMode.AUTOMATIC

"""The one-click confirmation page, in each of its states, passes axe-core (WCAG 2.1 A and AA)
in English and Spanish, on a phone and a desktop (issue 13, acceptance 5; the emails are in
test_browser_emails.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from camreg.confirmation import services
from camreg.registry.models import TermsText, TermsVersion
from camreg.testing.browser import LANGUAGES, VIEWPORTS, assert_accessible, tick
from camreg.testing.mail import link_path

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]


def published_terms() -> None:
    """Terms the registrant has not accepted (a transactional test may find none left)."""
    if TermsVersion.objects.filter(published_at__isnull=False).exists():
        return
    version = TermsVersion.objects.create(number=1, published_at=timezone.now())
    for language in LANGUAGES:
        TermsText.objects.create(
            terms_version=version, language=language, title="Terms", body="The terms."
        )


def annual_link(make_registrant, language: str, **fields) -> str:
    """A registration last confirmed a year ago; the daily run sends its annual email."""
    make_registrant(
        "Ana Ruiz",
        email=f"ana.{language}@example.com",
        status="active",
        language=language,
        confirmed_at=timezone.now() - timedelta(days=400),
        phone="+16615550134",
        **fields,
    )
    mail.outbox.clear()
    services.run()
    (email,) = mail.outbox
    return link_path(email, "/confirm/")


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_confirmation_page_and_its_answers_are_accessible(
    new_page, make_registrant, language, viewport
):
    published_terms()
    path = annual_link(make_registrant, language)
    page = new_page(viewport)
    response = page.goto(path)
    assert response is not None and response.status == 200
    assert page.locator("html").get_attribute("lang") == language
    # A registrant made in a test accepted no terms: the page asks for the new ones.
    assert page.locator("input[type=checkbox]").count() == 1
    assert_accessible(page, f"confirmation page ({language}, {viewport})")

    # Without ticking the terms: the error, named on its field.
    with page.expect_navigation():
        page.locator("button[type=submit]").last.click()
    assert page.locator(".usa-error-message, .usa-alert--error").count() >= 1
    assert_accessible(page, f"confirmation page with an error ({language}, {viewport})")

    tick(page, "accept_terms")
    with page.expect_navigation():
        page.locator("button[type=submit]").last.click()
    assert page.locator("h1").count() == 1
    assert_accessible(page, f"confirmed ({language}, {viewport})")
    assert not page.csp_violations, page.csp_violations

    # The same link again: used up.
    response = page.goto(path)
    assert response is not None and response.status == 410
    assert_accessible(page, f"link no longer works ({language}, {viewport})")

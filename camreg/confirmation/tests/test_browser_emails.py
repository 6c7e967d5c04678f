"""Every email, the yearly cycle's first, is an accessible HTML page (axe-core, WCAG 2.1 A and
AA) in English and Spanish, and has a plain-text part (issue 13, acceptance 5)."""

from __future__ import annotations

import pytest

from camreg.outreach import email_texts
from camreg.outreach import services as outreach
from camreg.testing.browser import LANGUAGES, assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser"), pytest.mark.django_db]

CYCLE_EMAILS = [
    "annual_confirmation",
    "confirmation_reminder",
    "registration_lapsed",
    "purge_notice",
]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("key", CYCLE_EMAILS + sorted(set(email_texts.EMAILS) - set(CYCLE_EMAILS)))
def test_every_email_is_an_accessible_html_page_with_a_text_part(browser, key, language):
    rendered = outreach.render_email(
        template=key, context=email_texts.EMAILS[key].sample(), language=language
    )
    assert rendered["body_text"].strip() and rendered["body_html"].strip()
    assert f'<html lang="{language}"' in rendered["body_html"]
    context = browser.new_context()
    try:
        page = context.new_page()
        page.set_content(rendered["body_html"])
        assert_accessible(page, f"{key} email ({language})")
    finally:
        context.close()

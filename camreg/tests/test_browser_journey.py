"""A registrant's whole journey in a real browser, in English and Spanish, on a phone and a
desktop: register two places and three cameras, confirm the email, manage the
registration from an emailed link, change a camera, and leave the program. Every page and
every error state on the way is checked with axe-core."""

from __future__ import annotations

import re

import pytest

from camreg.registry.models import Camera, Registrant, RegistrationStatus
from camreg.testing.browser import (
    LANGUAGES,
    VIEWPORTS,
    assert_accessible,
    choose,
    fill_camera,
    fill_contact,
    fill_site,
    press,
    submit_registration,
    tick,
)
from camreg.testing.mail import emails_to, link_path

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]

# Fixed English wording of each email the registrant receives (subject, then body).
ENGLISH_EMAIL = {
    "verify": ("Confirm your email to finish registering", "Please confirm your email address"),
    "confirmed": ("is confirmed", "What we have on file"),
    "manage": ("Your link to manage your registration", "Here is the link you asked for"),
    "goodbye": ("You have left the", "We have erased your personal details"),
}
# Short words that the Spanish text of every email contains and the English text does not.
SPANISH_WORDS = re.compile(r"\b(de|del|la|el|los|las|su|para|usted|correo|inscripción|Hola)\b")


def check_email_language(problems: list[str], message, kind: str, language: str) -> None:
    """Note (without stopping the journey) an email that is not in the registrant's language."""
    subject_en, body_en = ENGLISH_EMAIL[kind]
    if language == "en":
        assert subject_en in message.subject, message.subject
        assert body_en in message.body, message.body
        return
    text = f"{message.subject}\n{message.body}"
    english = [phrase for phrase in (subject_en, body_en, "Hello ") if phrase in text]
    if english or not SPANISH_WORDS.search(message.body):
        problems.append(
            f"the {kind!r} email to a Spanish-speaking registrant is not in Spanish "
            f"(English text found: {english}); subject: {message.subject!r}"
        )


def goto(page, path: str):
    response = page.goto(path)
    assert response is not None
    return response


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("language", LANGUAGES)
def test_registrant_journey(new_page, address_points, auto_confirm, language, viewport):
    page = new_page(viewport)
    email = f"journey-{language}-{viewport}@example.com"
    problems: list[str] = []

    # Home page, then (for Spanish) the language switch in the header.
    goto(page, "/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert_accessible(page, "home")
    if language == "es":
        with page.expect_navigation():
            page.locator('header button[name="language"][value="es"]').click()
        page.wait_for_selector("html[lang=es]")
        assert page.locator('header button[name="language"][value="en"]').is_visible()
        assert_accessible(page, "home in Spanish")

    # The registration form, empty.
    goto(page, "/register/")
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator('[name="contact-language"]').input_value() == language
    assert_accessible(page, "registration form")

    # Submitted with the required fields empty: an error summary that links to the fields.
    submit_registration(page)
    assert page.url.endswith("/register/")
    summary = page.locator("#error-summary")
    assert summary.is_visible()
    assert summary.get_attribute("role") == "alert"
    links = summary.locator("a[href^='#']")
    assert links.count() >= 5, summary.inner_text()
    targets = [links.nth(i).get_attribute("href") for i in range(links.count())]
    for target in targets:
        assert page.locator(target).count() == 1, f"error summary link {target} has no target"
    assert page.locator('[name="contact-name"]').get_attribute("aria-invalid") == "true"
    assert page.locator('[name="terms-accept_terms"]').get_attribute("aria-invalid") == "true"
    assert_accessible(page, "registration form with errors")

    # Contact details, then two places and three cameras (two at place 1).
    fill_contact(page, name="Ana Ruiz", email=email, language=language)
    press(page, "add-site")
    assert page.locator("fieldset.site-fieldset").count() == 2
    assert page.locator("#error-summary").count() == 0, "adding a place must not show errors"
    assert page.locator('[name="contact-email"]').input_value() == email, "typed values are kept"
    press(page, "add-camera-0")
    cameras = 'fieldset.site-fieldset[data-site-index="{}"] fieldset.camera-fieldset'
    assert page.locator(cameras.format(0)).count() == 2
    assert page.locator(cameras.format(1)).count() == 1
    assert page.locator('[name="contact-name"]').input_value() == "Ana Ruiz"
    assert_accessible(page, "registration form with two places and three cameras")

    # First with place 1 outside the county: the address gets its own message.
    fill_site(page, 0, label="Home", street="200 N Spring St", city="Los Angeles", postcode="90012")
    fill_camera(page, 0, 0, label="Front door", direction=90)
    fill_camera(
        page, 0, 1, label="Driveway", direction=180, recording_mode="motion", system_type="dvr_nvr"
    )
    fill_site(page, 1, label="Store", street="2400 Ming Ave", city="Bakersfield", postcode="93304")
    fill_camera(
        page,
        1,
        0,
        label="Parking lot",
        direction=270,
        placement="outdoor",
        system_type="cloud_camera",
    )
    tick(page, "terms-accept_terms")
    submit_registration(page)
    assert page.url.endswith("/register/")
    street = page.locator('[name="s0-street"]')
    assert street.get_attribute("aria-invalid") == "true"
    street_error = page.locator(f"#{street.get_attribute('id')}-error-1")
    assert street_error.is_visible()
    assert "Kern County" in street_error.inner_text()
    if language == "en":
        assert "outside Kern County" in street_error.inner_text()
    assert page.locator("#error-summary").is_visible()
    assert page.locator('[name="s1-street"]').get_attribute("aria-invalid") is None
    assert Registrant.objects.filter(email=email).count() == 0
    assert_accessible(page, "registration form with an address outside the county")

    # Fixed: the registration goes through.
    fill_site(page, 0, street="1200 Truxtun Ave", city="Bakersfield", postcode="93301")
    if not page.locator('[name="terms-accept_terms"]').is_checked():
        tick(page, "terms-accept_terms")
    submit_registration(page)
    assert page.url.endswith("/register/sent/"), page.url
    assert email in page.locator("main").inner_text()
    assert_accessible(page, "check your email")

    registrant = Registrant.objects.get(email=email)
    assert registrant.status == RegistrationStatus.UNVERIFIED
    assert registrant.language == language
    sites = list(registrant.sites.order_by("pk"))
    assert [s.street for s in sites] == ["1200 Truxtun Ave", "2400 Ming Ave"]
    assert [s.cameras.count() for s in sites] == [2, 1]

    # The verification email, in the registrant's language.
    (verify_message,) = emails_to(email)
    check_email_language(problems, verify_message, "verify", language)
    goto(page, link_path(verify_message, "/verify/"))
    assert_accessible(page, "confirm your email")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.locator("main h1").is_visible()
    if not page.locator("main .usa-alert--success").is_visible():
        problems.append(
            "the page after confirming the email does not say the registration is confirmed "
            "(agency confirms automatically); it shows: "
            + page.locator("main [role=status]").inner_text()
        )
    assert_accessible(page, "email confirmed")

    registrant.refresh_from_db()
    assert registrant.status == RegistrationStatus.ACTIVE
    confirmed = emails_to(email)[1:]
    assert len(confirmed) == 1, [m.subject for m in emails_to(email)]
    assert "1200 Truxtun Ave" in confirmed[0].body
    check_email_language(problems, confirmed[0], "confirmed", language)

    # Manage: an invalid address first, then a link by email.
    goto(page, "/manage/")
    assert_accessible(page, "manage my registration")
    page.fill('[name="email"]', "not-an-email")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.locator("#error-summary").is_visible()
    assert page.locator('[name="email"]').get_attribute("aria-invalid") == "true"
    assert_accessible(page, "manage my registration with an invalid email")
    page.fill('[name="email"]', email)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.url.endswith("/manage/sent/"), page.url
    assert_accessible(page, "manage link sent")

    manage_message = emails_to(email)[-1]
    check_email_language(problems, manage_message, "manage", language)
    goto(page, link_path(manage_message, "/manage/link/"))
    assert_accessible(page, "open your registration")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.url.endswith("/my-registration/"), page.url
    assert "1200 Truxtun Ave" in page.locator("main").inner_text()
    assert_accessible(page, "your registration")

    # Change camera 1's direction.
    with page.expect_navigation():
        page.locator('main a[href$="/my-registration/edit/"]').click()
    direction = page.locator('[name="s0-c0-direction"]')
    assert direction.input_value() == "90"
    assert page.locator('[name="contact-email"]').input_value() == email
    assert_accessible(page, "update your registration")
    # A camera on file shows folded, as one line: open it to change it.
    assert not direction.is_visible()
    page.locator("#camera-0-0 > details > summary").click()
    direction.fill("215")
    submit_registration(page)
    assert page.url.endswith("/my-registration/"), page.url
    assert page.locator(".site-messages [role=status]").is_visible()
    assert "215°" in page.locator("main").inner_text()
    changed = Camera.objects.get(site__registrant=registrant, label="Front door")
    assert changed.direction == 215
    assert_accessible(page, "your registration, updated")

    # Leave the program: first without the confirmation box, then for real.
    goto(page, "/my-registration/leave/")
    assert_accessible(page, "leave the program")
    choose(page, "reason", "no_system")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.locator("#error-summary").is_visible()
    assert page.locator('[name="confirm"]').get_attribute("aria-invalid") == "true"
    assert_accessible(page, "leave the program without confirming")
    before = len(emails_to(email))
    choose(page, "reason", "no_system")
    tick(page, "confirm")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.url.endswith("/goodbye/"), page.url
    assert_accessible(page, "goodbye")

    registrant.refresh_from_db()
    assert registrant.status == RegistrationStatus.LEFT
    assert registrant.leave_reason == "no_system"
    assert registrant.name == "" and registrant.email == ""
    assert not registrant.sites.exists()
    after = emails_to(email)
    assert len(after) == before + 1, [m.subject for m in after]
    goodbye = after[-1]
    assert "/manage/link/" not in goodbye.body and "/verify/" not in goodbye.body
    check_email_language(problems, goodbye, "goodbye", language)

    # The portal is closed after leaving.
    goto(page, "/my-registration/")
    assert page.url.endswith("/manage/"), page.url
    assert not page.csp_violations, page.csp_violations
    assert not problems, "\n".join(problems)

"""The residents' side in a real browser (issue 10), in English and Spanish, on a phone and a
desktop, with axe-core finding no WCAG 2.1 A/AA problem in any state the tests reach: one
registration per person, photos and focus that survive "add another camera", addresses
that are found (or say why not), links that open in the registrant's language, sentences
for errors in the order of the form, the limit said alone, the layout and the menu."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from PIL import Image

from camreg.registry.models import AccessToken, Camera, PendingPhoto, Registrant, Site
from camreg.testing.browser import (
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
COMBOS = [
    pytest.param(viewport, language, id=f"{language}-{viewport}")
    for viewport in ("phone", "desktop")
    for language in ("en", "es")
]
TEXT = {
    "en": {
        "did_you_mean": "Did you mean one of these addresses?",
        "kept": "is kept for this camera",
        "choose": "from folder",
        "limit": "Too many registrations",
        "outside": "is outside Kern County",
        "portal": "Your registration",
        "again_subject": "You are already registered",
        "open": "Open your registration",
    },
    "es": {
        "did_you_mean": "¿Quiso decir una de estas direcciones?",
        "kept": "se guarda para esta cámara",
        "choose": "de una carpeta",
        "limit": "Llegaron demasiadas inscripciones",
        "outside": "está fuera de Kern County",
        "portal": "Su inscripción",
        "again_subject": "Ya está inscrito",
        "open": "Abra su inscripción",
    },
}


@pytest.fixture
def demo_points(transactional_db, demo_address_points):
    """The demo's address points (root conftest.py)."""


def _photo(tmp_path, name="view.jpg"):
    path = tmp_path / name
    buffer = io.BytesIO()
    Image.new("RGB", (80, 60), (30, 120, 200)).save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())
    return str(path)


def _active_id(page) -> str:
    return page.evaluate("() => document.activeElement && document.activeElement.id")


def _summary_messages(page) -> list[str]:
    return [text.strip() for text in page.locator("#error-summary li").all_inner_texts()]


@pytest.mark.parametrize(("viewport", "language"), COMBOS)
def test_a_resident_registers_once_with_a_photo_and_a_near_miss_address(
    new_page, demo_points, tmp_path, viewport, language
):
    words = TEXT[language]
    page = new_page(viewport, language)
    page.goto("/register/")
    assert page.locator("html").get_attribute("lang") == language
    # Layout: on a phone the menu folds the navigation and the first field shows on the first
    # screen; on a desktop the form uses most of the width.
    first_field = page.locator('[name="contact-kind"]').first.bounding_box()
    width = page.viewport_size["width"]
    if viewport == "phone":
        assert page.locator(".usa-menu-btn").is_visible()
        assert not page.locator("#site-nav a").first.is_visible()
        assert first_field["y"] < page.viewport_size["height"]
    else:
        form_box = page.locator("form.registration-form").bounding_box()
        assert form_box["width"] > 0.6 * width
    # USWDS's file input speaks the page's language.
    page.locator(".usa-file-input__choose").first.wait_for()
    file_input = page.locator(".usa-file-input").first.inner_text().lower()
    assert words["choose"] in file_input
    if language == "es":
        assert "no file selected" not in file_input and "folder" not in file_input
    assert_accessible(page, "registration form")

    fill_contact(page, name="Ana Ruiz", email="ana@example.com", language=language)
    fill_site(page, 0, street="1701 Mng Ave", city="Bakersfeld", postcode="93304")
    fill_camera(page, 0, 0, label="Front door", direction=90)
    page.set_input_files('[name="s0-c0-photo"]', _photo(tmp_path))

    # Another camera: the photo stays, the page comes back to the new camera, focused.
    press(page, "add-camera-0")
    assert page.url.endswith("#camera-0-1")
    page.wait_for_function("() => document.activeElement && document.activeElement.id")
    assert _active_id(page) == "camera-0-1"
    assert words["kept"] in page.locator("#camera-0-0").inner_text()
    assert PendingPhoto.objects.count() == 1
    # The filled camera folds to one line; the new one is open.
    assert not page.locator('[name="s0-c0-label"]').is_visible()
    assert page.locator('[name="s0-c1-label"]').is_visible()
    assert_accessible(page, "registration form after adding a camera")

    # A mistake in the phone number, the camera name left out, and an address not found:
    # all in one round, in the order of the form, as sentences; and address choices.
    page.fill('[name="contact-phone"]', "12")
    fill_camera(page, 0, 1, label="", direction=180)
    tick(page, "terms-accept_terms")
    submit_registration(page)
    messages = _summary_messages(page)
    assert len(messages) == 3, messages
    links = page.locator("#error-summary a")
    targets = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert targets == ["#id_contact-phone", "#id_s0-street", "#id_s0-c1-label"]
    assert not any(re.match(r"^[^.?]+[?.]?: ", message) for message in messages), messages
    assert words["did_you_mean"] in page.locator("#site-0").inner_text()
    assert words["kept"] in page.locator("#camera-0-0").inner_text()
    assert_accessible(page, "registration form with three problems and address choices")

    first_choice = page.locator('[name="s0-suggestion"]').first.get_attribute("value")
    choose(page, "s0-suggestion", first_choice)
    assert page.locator('[name="s0-street"]').input_value() == "1701 Ming Ave"
    page.fill('[name="contact-phone"]', "(661) 555-0123")
    page.fill('[name="s0-c1-label"]', "Driveway")
    submit_registration(page)
    assert page.url.endswith("/register/sent/"), page.url
    assert_accessible(page, "check your email")

    registrant = Registrant.objects.get()
    site = Site.objects.get()
    assert (site.street, site.city, site.postcode) == ("1701 Ming Ave", "Bakersfield", "93304")
    assert Camera.objects.exclude(photo="").count() == 1
    assert not PendingPhoto.objects.exists()
    assert len(emails_to("ana@example.com")) == 1

    # Registering again with the same address (another spelling): the same page, nothing
    # stored, and the registrant gets a link to the registration there is.
    registrant.status = "pending_review"
    registrant.save()
    # Minutes later (a link that went out moments ago is not sent again).
    AccessToken.objects.update(created_at=timezone.now() - timedelta(minutes=5))
    page.goto("/register/")
    fill_contact(page, name="Ana R.", email="ANA@example.com", language=language)
    fill_site(page, 0, street="1701 Ming Ave", city="Bakersfield", postcode="93304")
    fill_camera(page, 0, 0, label="Garage", direction=0)
    tick(page, "terms-accept_terms")
    submit_registration(page)
    assert page.url.endswith("/register/sent/"), page.url
    assert Registrant.objects.count() == 1 and Site.objects.count() == 1
    again = emails_to("ana@example.com")[-1]
    assert words["again_subject"] in again.subject
    assert_accessible(page, "check your email, registered again")

    # The link opens in the registrant's language in a browser that prefers the other one.
    other = "es" if language == "en" else "en"
    browser = new_page(viewport, other)
    browser.goto(link_path(again, "/manage/link/"))
    assert browser.locator("html").get_attribute("lang") == language
    assert words["open"] in browser.locator("main").inner_text()
    assert_accessible(browser, "open your registration from the email")
    with browser.expect_navigation():
        browser.locator("main form button[type=submit]").click()
    assert browser.locator("html").get_attribute("lang") == language
    assert words["portal"] in browser.locator("h1").inner_text()
    assert_accessible(browser, "your registration")


@pytest.mark.parametrize(("viewport", "language"), COMBOS)
def test_magic_link_of_a_spanish_registrant_in_an_english_browser(
    new_page, make_registrant, viewport, language
):
    """Acceptance 4: a registrant who registered in Spanish opens their link in a browser
    set to English (and the other way round) and sees their own language."""
    from camreg.registry import services

    make_registrant("Eva", email="eva@example.com", status="active", language=language)
    services.send_manage_link("eva@example.com")
    other = "es" if language == "en" else "en"
    page = new_page(viewport, other)
    page.goto(link_path(mail.outbox[-1], "/manage/link/"))
    assert page.locator("html").get_attribute("lang") == language
    assert_accessible(page, "manage link")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.locator("html").get_attribute("lang") == language
    assert TEXT[language]["portal"] in page.locator("h1").inner_text()
    # The filled camera shows as one line until opened.
    summary = page.locator("main")
    assert summary.is_visible()
    assert_accessible(page, "portal in the registrant's language")


@pytest.mark.parametrize(("viewport", "language"), COMBOS)
def test_without_javascript_the_page_returns_to_the_new_camera(
    new_page, demo_points, tmp_path, viewport, language
):
    page = new_page(viewport, language, javascript=False)
    page.goto("/register/")
    fill_contact(page, name="Noé", email="noe@example.com", language=language)
    page.set_input_files('[name="s0-c0-photo"]', _photo(tmp_path))
    press(page, "add-camera-0")
    assert page.url.endswith("#camera-0-1")
    assert page.locator("#camera-0-1").get_attribute("autofocus") is not None
    assert TEXT[language]["kept"] in page.locator("#camera-0-0").inner_text()
    assert_accessible(page, "after adding a camera without JavaScript")
    press(page, "add-site")
    assert page.url.endswith("#site-1")
    assert TEXT[language]["kept"] in page.locator("#camera-0-0").inner_text()
    # On a phone without JavaScript the navigation is shown in the page.
    if viewport == "phone":
        assert page.locator("#site-nav a").first.is_visible()
    assert_accessible(page, "after adding a place without JavaScript")


@pytest.mark.parametrize(("viewport", "language"), COMBOS)
def test_an_address_in_another_county_and_the_limit(
    new_page, demo_points, settings, viewport, language
):
    words = TEXT[language]
    page = new_page(viewport, language)
    page.goto("/register/")
    fill_contact(page, name="Lou", email="lou@example.com", language=language)
    fill_site(page, 0, street="200 N Spring St", city="Los Angeles", postcode="90012")
    fill_camera(page, 0, 0, label="Door", direction=90)
    tick(page, "terms-accept_terms")
    submit_registration(page)
    assert words["outside"] in page.locator("#error-summary").inner_text()
    assert "Los Angeles County" in page.locator("#site-0").inner_text()
    assert_accessible(page, "an address in another county")

    settings.RATE_LIMIT_REGISTER_PER_IP = "1/h"
    fill_site(page, 0, street="1701 Ming Ave", city="Bakersfield", postcode="93304")
    submit_registration(page)
    assert page.url.endswith("/register/sent/")
    page.goto("/register/")
    fill_contact(page, name="Lou", email="lou2@example.com", language=language)
    page.fill('[name="contact-phone"]', "12")
    submit_registration(page)
    alert = page.locator("#rate-limited")
    assert words["limit"] in alert.inner_text()
    assert page.locator("#error-summary").count() == 0
    assert page.locator(".usa-error-message").count() == 0
    assert_accessible(page, "the registration limit, alone")


@pytest.mark.parametrize(("viewport", "language"), COMBOS)
def test_menu_and_home_page_promise(new_page, auto_confirm, viewport, language):
    page = new_page(viewport, language)
    page.goto("/")
    main = page.locator("main").inner_text()
    if language == "en":
        assert "Once you confirm your email, your registration is complete" in main
        assert "a member of the agency confirms" not in main
    else:
        assert "Programa de Registro de Cámaras" in page.locator("h1").inner_text()
        assert "Llamadas de servicio" not in main
    assert_accessible(page, "home page, automatic confirmation")
    if viewport == "phone":
        button = page.locator(".usa-menu-btn")
        button.click()
        page.locator("#site-nav a").first.wait_for(state="visible")
        assert button.get_attribute("aria-expanded") == "true"
        assert_accessible(page, "menu open")
        page.keyboard.press("Escape")
        page.locator("#site-nav a").first.wait_for(state="hidden")
    else:
        assert page.locator("#site-nav a").first.is_visible()

"""Links in emails open in the registrant's language, whatever the browser prefers."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from camreg.registry import services
from camreg.testing.mail import link_path

pytestmark = pytest.mark.django_db


def _english_browser() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")


def test_magic_link_of_a_spanish_registrant_opens_in_spanish(make_registrant):
    make_registrant("Ana Ruiz", email="ana@example.com", status="active", language="es")
    assert services.send_manage_link("ana@example.com")
    path = link_path(mail.outbox[-1], "/manage/link/")
    assert path.endswith("?lang=es")

    browser = _english_browser()
    page = browser.get(path)
    assert page.status_code == 200
    assert '<html lang="es">' in page.content.decode()
    assert "Abra su inscripción" in page.content.decode()
    # Even without ?lang= (a mail program that cut it off): the link knows its registrant.
    assert '<html lang="es">' in browser.get(path.split("?")[0]).content.decode()

    opened = browser.post(path)
    assert opened.status_code == 302
    portal = browser.get(opened["Location"])
    assert '<html lang="es">' in portal.content.decode()
    assert "Su inscripción" in portal.content.decode()


def test_verification_link_opens_in_the_registrants_language(client, address_points):
    from camreg.testing.registrants import registration_post

    client.post("/register/", registration_post(email="eva@example.com", language="es"))
    path = link_path(mail.outbox[-1], "/verify/")
    assert path.endswith("?lang=es")
    browser = _english_browser()
    page = browser.get(path).content.decode()
    assert '<html lang="es">' in page and "Confirme su correo electrónico" in page
    done = browser.post(path).content.decode()
    assert '<html lang="es">' in done


def test_confirmation_email_links_to_the_manage_page_in_its_language(make_registrant):
    ana = make_registrant("Ana Ruiz", email="ana@example.com", language="es")
    services.confirm_registration(ana)
    path = link_path(mail.outbox[-1], "/manage/")
    assert path.endswith("?lang=es")
    assert '<html lang="es">' in _english_browser().get(path).content.decode()


def test_english_registrant_with_a_spanish_browser_gets_english(make_registrant):
    make_registrant("Bo", email="bo@example.com", status="active", language="en")
    services.send_manage_link("bo@example.com")
    path = link_path(mail.outbox[-1], "/manage/link/")
    page = Client(HTTP_ACCEPT_LANGUAGE="es").get(path).content.decode()
    assert '<html lang="en">' in page

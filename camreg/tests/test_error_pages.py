"""Error pages (400, 403, 404, 413, 500) in the site's layout and the visitor's language.

The 500 page renders while the database does not answer at all.
"""

from __future__ import annotations

import re

import pytest
from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, connection
from django.test import Client, RequestFactory
from django.urls import reverse

from camreg.agency import services as agency_services
from camreg.web import errors

pytestmark = pytest.mark.django_db

SPANISH = {"HTTP_ACCEPT_LANGUAGE": "es"}


def assert_layout(response, status: int, language: str) -> str:
    """The page is the site's layout in `language`, with exactly one h1; returns its HTML."""
    assert response.status_code == status
    page = response.content.decode()
    assert f'<html lang="{language}">' in page
    assert '<a class="usa-skipnav" href="#main-content">' in page
    assert '<main id="main-content"' in page
    assert 'class="usa-header' in page and 'class="usa-footer' in page
    assert len(re.findall(r"<h1[ >]", page)) == 1
    assert response["Content-Language"] == language
    assert "no-store" in response["Cache-Control"]
    return page


def test_404_in_english_with_the_agency(client):
    page = assert_layout(client.get("/no-such-page/"), 404, "en")
    assert "Page not found" in page
    assert agency_services.current().short_name in page
    assert 'name="language" value="es"' in page  # the language switch is there


def test_404_in_spanish_from_accept_language(client):
    page = assert_layout(client.get("/no-such-page/", **SPANISH), 404, "es")
    assert "Página no encontrada" in page


def test_404_in_spanish_from_the_language_cookie(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    page = assert_layout(client.get("/no-such-page/"), 404, "es")
    assert "Página no encontrada" in page


def test_403_for_a_role_without_the_permission(deputy):
    response = deputy.get(reverse("settings:settings"), **SPANISH)
    page = assert_layout(response, 403, "en")  # the console is in English
    assert "You may not open this page" in page
    assert "ask an administrator" in page
    assert reverse("console:home") in page  # the console menu, not the public one
    assert 'name="language"' not in page


def test_403_page_in_spanish_on_a_public_path():
    request = RequestFactory().get("/manage/", **SPANISH)
    response = errors.permission_denied(request, None)
    assert response.status_code == 403
    page = response.content.decode()
    assert '<html lang="es">' in page and '<main id="main-content"' in page
    assert "No puede abrir esta página" in page


def test_a_form_without_its_csrf_token_gets_a_styled_403(settings):
    client = Client(enforce_csrf_checks=True)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    page = assert_layout(client.post("/manage/", {"email": "a@example.org"}), 403, "es")
    assert "No se pudo enviar su formulario" in page


def test_413_in_spanish(client):
    response = client.generic("POST", "/manage/", b"", CONTENT_LENGTH=str(10**12), **SPANISH)
    page = assert_layout(response, 413, "es")
    assert "Lo que envió es demasiado grande" in page


def test_400_for_a_host_we_do_not_serve(client):
    page = assert_layout(client.get("/", HTTP_HOST="evil.example", **SPANISH), 400, "es")
    assert "No se pudo atender esta solicitud" in page


@pytest.fixture
def database_down():
    """Every query fails, as when the database server is gone; the shared cache is empty so
    nothing is answered from it."""

    def refuse(execute, sql, params, many, context):
        raise OperationalError("the database does not answer")

    for alias in ("default", "local"):
        caches[alias].clear()
    with connection.execute_wrapper(refuse):
        yield


@pytest.mark.parametrize(
    ("headers", "language", "text"),
    [({}, "en", "Something went wrong"), (SPANISH, "es", "Algo salió mal")],
)
def test_500_renders_without_the_database(database_down, headers, language, text):
    client = Client(raise_request_exception=False)
    # Any database use while rendering the 500 page would raise again, and the test client
    # would raise instead of answering.
    page = assert_layout(client.get("/", **headers), 500, language)
    assert text in page


def test_500_on_a_staff_page_is_in_english(database_down):
    client = Client(raise_request_exception=False)
    page = assert_layout(client.get(reverse("accounts:sign-in"), **SPANISH), 500, "en")
    assert "Something went wrong" in page


def test_too_many_files_says_how_many_photos_fit(client, settings):
    # Django's parser refuses the body before any form runs: the 400 page says why.
    files = {
        f"photo-{n}": SimpleUploadedFile(f"{n}.jpg", b"x", content_type="image/jpeg")
        for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FILES + 1)
    }
    response = client.post("/register/", files, **SPANISH)
    page = assert_layout(response, 400, "es")
    assert "adjunte como máximo 10 fotos" in page

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = [
    "public:home",
    "public:faq",
    "public:terms",
    "public:privacy",
    "registry:register",
    "registry:manage-request",
    "registry:goodbye",
]


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_public_pages_in_both_languages(client, name):
    english = client.get(reverse(name))
    assert english.status_code == 200
    assert '<html lang="en">' in english.content.decode()
    client.cookies["camreg_language"] = "es"
    spanish = client.get(reverse(name))
    assert spanish.status_code == 200
    body = spanish.content.decode()
    assert '<html lang="es">' in body
    assert "Manage my registration" not in body
    assert "Administrar mi inscripción" in body


def test_language_switch_is_remembered(client):
    response = client.post(reverse("public:set-language"), {"language": "es", "next": "/faq/"})
    assert response.status_code == 302 and response["Location"] == "/faq/"
    assert response.cookies["camreg_language"].value == "es"
    assert '<html lang="es">' in client.get("/").content.decode()


def test_terms_page_shows_the_seven_points(client):
    body = client.get(reverse("public:terms")).content.decode()
    for number in range(1, 8):
        assert f"{number}. " in body
    client.cookies["camreg_language"] = "es"
    assert "Términos y condiciones" in client.get(reverse("public:terms")).content.decode()


def test_security_headers(client):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_times_are_shown_in_the_agency_time_zone(client):
    from datetime import UTC, datetime

    from django.core.cache import cache

    from camreg.registry.models import TermsVersion

    TermsVersion.objects.filter(number=1).update(
        published_at=datetime(2026, 1, 1, 3, 0, tzinfo=UTC)
    )
    cache.clear()  # changed behind the services' back: drop the cached current terms
    body = client.get(reverse("public:terms")).content.decode()
    # 03:00 UTC on January 1 is still December 31 in Bakersfield.
    assert "Dec. 31, 2025" in body


def test_agency_logo_shown_when_configured(client):
    from django.core.files.base import ContentFile

    from camreg.agency import services as agency_services

    assert client.get(reverse("public:agency-logo")).status_code == 404
    agency = agency_services.current()
    agency.logo.save("badge.png", ContentFile(b"\x89PNG\r\n\x1a\nfake"), save=False)
    agency_services.update(agency, logo=agency.logo)
    assert 'class="site-logo"' in client.get("/").content.decode()
    response = client.get(reverse("public:agency-logo"))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")

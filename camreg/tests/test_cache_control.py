"""Nothing the app answers is stored by browsers or proxies (`Cache-Control: no-store`): not
the consoles, the portal, footage answers, staff sign-in, the API, error pages, nor the
public pages (they carry a per-visitor CSRF token and messages). Only static files and
what a view marks `public` (the agency logo) may be cached. Decision 0018."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from camreg.agency import services as agency_services
from camreg.api import services as api_services
from camreg.testing.access import documented, url_names
from camreg.testing.staff import make_service_account

pytestmark = pytest.mark.django_db


def _no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def test_every_url_answers_no_store_to_every_kind_of_visitor(visitors):
    fixtures, clients = visitors
    table = documented()
    wrong = []
    for name in url_names():
        access = table[name]
        url = reverse(name, kwargs=access.kwargs(fixtures) if access.kwargs else None)
        for visitor in ("anonymous", "registrant_a", "deputy", "administrator"):
            response = clients[visitor].get(url)
            if not _no_store(response):
                wrong.append(f"{name} as {visitor}: {response.get('Cache-Control')!r}")
    assert not wrong, "\n".join(wrong)


def test_api_answers_are_not_stored(db):
    _token, raw = api_services.create_token(user=make_service_account(), name="Dispatch")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    for url in ("/api/v1/footage-requests/999999", "/api/v1/cameras/nearby", "/api/v1/nope"):
        response = client.get(url)
        assert _no_store(response), (url, response.status_code, response.get("Cache-Control"))
    response = client.post(
        "/api/v1/footage-requests", {"case_id": 999999}, content_type="application/json"
    )
    assert _no_store(response), response.status_code


def test_static_files_and_public_content_may_be_cached(client):
    response = client.get("/static/web/css/site.css")
    assert response.status_code == 200
    assert not _no_store(response)

    agency = agency_services.current()
    agency.logo.save("logo.png", SimpleUploadedFile("logo.png", b"\x89PNG\r\n\x1a\n"))
    response = client.get(reverse("public:agency-logo"))
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=3600"

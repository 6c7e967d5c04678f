"""A new installation (no agency yet): nothing creates one, every page says that setup is
pending (503, English and Spanish), /healthz still answers, and the site opens once the
agency is set up."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from camreg.agency import services as agency_services
from camreg.agency.models import Agency

ROOT = Path(__file__).resolve().parents[3]
ENGLISH = "This registry is being set up"
SPANISH = "Este registro se está configurando"
PAGES = ["/", "/register/", "/faq/", "/manage/", "/staff/sign-in/", "/console/", "/nowhere/"]

pytestmark = [pytest.mark.django_db, pytest.mark.no_agency]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_says_setup_is_pending(client, path):
    response = client.get(path)
    assert response.status_code == 503
    assert response["Retry-After"]
    assert response["Cache-Control"] == "no-store"
    body = response.content.decode()
    assert f"<h1>{ENGLISH}</h1>" in body
    assert SPANISH in body  # the other language too, below
    assert 'href="/static/vendor/uswds/css/uswds.min.css"' in body
    assert not Agency.objects.exists(), "nothing may create the agency by itself"


def test_the_pending_page_in_spanish(client):
    response = client.get("/register/", HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 503
    body = response.content.decode()
    assert '<html lang="es">' in body
    assert f"<h1>{SPANISH}</h1>" in body
    assert 'lang="en"' in body and ENGLISH in body
    assert response["Content-Language"] == "es"


def test_a_form_post_is_not_taken_either(client):
    response = client.post("/register/", {"contact-name": "Ana"})
    assert response.status_code == 503
    assert not Agency.objects.exists()


def test_the_api_answers_json(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 503
    assert response.json()["code"] == "setup_pending"


def test_healthz_and_static_files_still_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"
    assert client.get("/static/web/css/site.css").status_code == 200
    assert not Agency.objects.exists()


def test_services_say_what_to_do():
    with pytest.raises(agency_services.AgencyNotSetUp, match="setup_agency"):
        agency_services.current()
    assert agency_services.current_or_none() is None
    assert not Agency.objects.exists()


def test_the_site_opens_as_soon_as_the_agency_is_set_up(client):
    assert client.get("/").status_code == 503
    agency_services.create(
        {
            "name": "Example County Sheriff's Office",
            "short_name": "ECSO",
            "program_name": "Camera Registry Program",
            "contact_email": "cameras@example.org",
            "contact_phone": "(775) 555-0100",
            "time_zone": "America/Los_Angeles",
            "jurisdiction_name": "Example County",
            "states": "NV",
            "boundary": {
                "type": "Polygon",
                "coordinates": [[[-120, 39], [-119, 39], [-119, 40], [-120, 40], [-120, 39]]],
            },
        }
    )
    response = client.get("/")
    assert response.status_code == 200
    assert "ECSO" in response.content.decode()


def _production(*args: str, var_dir: Path) -> subprocess.CompletedProcess:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "camreg.settings.production",
        "SECRET_KEY": "k" * 20 + "-production-test-secret-" + "q7" * 20,
        "AUDIT_HMAC_KEY": "production-test-audit-key-" + "a3" * 16,
        "MFA_ENCRYPTION_KEY": "cHJvZHVjdGlvbi10ZXN0LW1mYS1rZXktMDEyMzQ1Njc=",
        "ALLOWED_HOSTS": "registry.example.org",
        "SITE_URL": "https://registry.example.org",
        "CAMREG_VAR_DIR": str(var_dir),
        "CACHE_URL": "locmemcache://",
    }
    environment.pop("DATABASE_URL", None)
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser fixtures
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )


REQUESTS = """
import json
from django.test import Client
from camreg.agency.models import Agency
client = Client(HTTP_HOST="registry.example.org")
answers = {}
for path, language in [("/", "en"), ("/register/", "es"), ("/healthz", "en")]:
    response = client.get(path, secure=True, HTTP_ACCEPT_LANGUAGE=language)
    answers[path] = [response.status_code, response.content.decode()]
answers["agencies"] = Agency.objects.count()
print(json.dumps(answers))
"""


def test_production_settings_on_a_fresh_database(tmp_path):
    migrated = _production("migrate", "--noinput", var_dir=tmp_path)
    assert migrated.returncode == 0, migrated.stdout + migrated.stderr
    result = _production("shell", "-c", REQUESTS, var_dir=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    answers = json.loads(result.stdout.strip().splitlines()[-1])
    assert answers["agencies"] == 0
    status, body = answers["/"]
    assert status == 503 and f"<h1>{ENGLISH}</h1>" in body
    status, body = answers["/register/"]
    assert status == 503 and f"<h1>{SPANISH}</h1>" in body
    status, body = answers["/healthz"]
    assert status == 200 and json.loads(body)["database"] == "ok"

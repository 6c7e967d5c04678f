import pytest
from django.db import OperationalError, connection

from camreg.agency import services as agency_services


@pytest.mark.django_db
def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "agency": "ok"}


@pytest.mark.django_db
@pytest.mark.no_agency
def test_healthz_says_when_setup_is_pending(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["agency"] == "missing"


@pytest.mark.django_db
def test_healthz_reports_database_failure(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise OperationalError("down")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "error"


@pytest.mark.django_db
def test_healthz_reports_an_unmigrated_database(client, monkeypatch):
    def no_table():
        raise OperationalError("no such table: agency_agency")

    monkeypatch.setattr(agency_services, "current_or_none", no_table)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["agency"] == "error"

import pytest
from django.db import OperationalError, connection


@pytest.mark.django_db
def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


@pytest.mark.django_db
def test_healthz_reports_database_failure(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise OperationalError("down")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "error"

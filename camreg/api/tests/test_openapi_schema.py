"""schemathesis against /api/v1/openapi.json: no 500s, every answer matches the schema.

Requests go through the Django WSGI application with a verified deputy's bearer token,
over a registry with cameras, a case and a footage request to find.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from camreg.api import services
from camreg.api.api import api
from camreg.canvass.models import Case
from camreg.testing.canvass import CASE_NUMBER, SCENE, place, register
from camreg.testing.staff import make_service_account, make_staff

# The document /api/v1/openapi.json serves (test_the_served_schema_is_the_one_tested checks
# that), built without a request: serving it reads the agency from the test database,
# which does not exist yet when tests are collected.
schema = schemathesis.openapi.from_dict(json.loads(json.dumps(api.get_openapi_schema())))
schema.app = get_wsgi_application()

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def keep_connection():
    """As Django's test client does: the WSGI application must not close the test
    transaction's connection at the end of each request (PostgreSQL would lose it)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(db, keep_connection) -> str:
    deputy = make_staff("deputy")
    register("Fay Facing", place(-40, 0), {"direction": 0, "range_m": 60})
    register("Al Away", place(20, 0), {"direction": 180})
    start = timezone.now() - timedelta(days=1)
    Case.objects.create(
        case_number=CASE_NUMBER,
        incident_type="Burglary",
        latitude=SCENE[0],
        longitude=SCENE[1],
        radius_m=300,
        start=start,
        end=start + timedelta(hours=1),
        created_by=deputy,
    )
    _token, raw = services.create_token(user=make_service_account("deputy"), name="schemathesis")
    return raw


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_the_api_answers_as_its_schema_says(case, token):
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)


def test_the_served_schema_is_the_one_tested(db):
    assert Client().get(reverse("api:openapi-json")).json() == json.loads(
        json.dumps(api.get_openapi_schema())
    )


def test_the_schema_and_its_docs_page_are_public(db):
    client = Client()
    schema_json = client.get(reverse("api:openapi-json")).json()
    assert set(schema_json["paths"]) == {
        "/api/v1/cameras/nearby",
        "/api/v1/footage-requests",
        "/api/v1/footage-requests/{request_id}",
    }
    assert schema_json["info"]["version"] == "1"
    page = client.get(reverse("api:openapi-view"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "GET /api/v1/cameras/nearby" in text
    assert "<script>" not in text and "cdn" not in text.lower()

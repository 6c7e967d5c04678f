"""schemathesis over /api/v1/openapi.json, all its checks: no 5xx, every answer as the
schema says, no request the schema allows refused, none it forbids accepted.

The schema is the one served (with the agency's limits declared), loaded through the Django
WSGI application; requests go the same way with a deputy service account's bearer token,
over a registry with cameras, a case and a footage request to find. The agency's boundary is
made its own bounding box first: the schema declares the box (`minimum`/`maximum` of `lat`
and `lon`), and a point inside the box but outside a boundary of any other shape answers 422
`outside_jurisdiction`, the one refusal JSON Schema cannot express (test_nearby and
test_cases check it).

Sized to run in well under a minute on two shared cores (`max_examples` per operation).
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

from camreg.agency import services as agency_services
from camreg.agency.models import Agency
from camreg.api import services
from camreg.api.api import api
from camreg.canvass.limits import CanvassLimits
from camreg.canvass.models import Case
from camreg.footage import services as footage
from camreg.testing.canvass import CASE_NUMBER, SCENE, place, register
from camreg.testing.staff import make_service_account, make_staff, verified

MAX_EXAMPLES = 15
# The agency's boundary during the run: a box around Bakersfield, whose bounds the schema
# declares as the range of `lat` and `lon`.
SOUTH, WEST, NORTH, EAST = 35.0, -119.5, 35.7, -118.5
BOX = {
    "type": "Polygon",
    "coordinates": [[[WEST, SOUTH], [EAST, SOUTH], [EAST, NORTH], [WEST, NORTH], [WEST, SOUTH]]],
}

# The document /api/v1/openapi.json serves under that boundary and the default limits
# (test_the_served_schema_is_the_one_tested checks it), built without a request: the test
# database does not exist yet when tests are collected (and schemathesis's lazy loading from
# a fixture does not work with this pytest).
schema = schemathesis.openapi.from_dict(
    json.loads(
        json.dumps(
            api.get_openapi_schema(limits=CanvassLimits(), bounds=[[SOUTH, WEST], [NORTH, EAST]])
        )
    )
)
schema.app = get_wsgi_application()


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
def box(db):
    agency_services.update(Agency.objects.get(), boundary=BOX)


@pytest.fixture
def token(box, keep_connection) -> str:
    """A deputy service account's token, over cameras, a case and a footage request."""
    deputy = verified(make_staff("deputy"))
    fay = register("Fay Facing", place(-40, 0), {"direction": 0, "range_m": 60})
    register("Al Away", place(20, 0), {"direction": 180})
    start = timezone.now() - timedelta(days=1)
    case = Case.objects.create(
        case_number=CASE_NUMBER,
        incident_type="Burglary",
        latitude=SCENE[0],
        longitude=SCENE[1],
        radius_m=300,
        start=start,
        end=start + timedelta(hours=1),
        created_by=deputy,
    )
    cameras = [c.pk for site in fay.sites.all() for c in site.cameras.all()]
    footage.create_requests(case, cameras, actor=deputy, message="")
    _token, raw = services.create_token(user=make_service_account("deputy"), name="schemathesis")
    return raw


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_the_api_answers_as_its_schema_says(case, token):
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"})


def test_the_served_schema_is_the_one_tested(box):
    served = Client().get(reverse("api:openapi-json")).json()
    assert served == schema.raw_schema


def nearby_parameters(document: dict) -> dict:
    operation = document["paths"]["/api/v1/cameras/nearby"]["get"]
    return {p["name"]: p["schema"] for p in operation["parameters"]}


def test_the_served_schema_declares_the_agencys_limits(db):
    document = Client().get(reverse("api:openapi-json")).json()
    assert document == json.loads(json.dumps(api.get_openapi_schema()))
    parameters = {
        p["name"]: p["schema"]
        for p in document["paths"]["/api/v1/cameras/nearby"]["get"]["parameters"]
    }
    assert parameters["case_number"]["pattern"] == r"^KC\d{4}-\d{6}$"
    assert parameters["radius_m"]["maximum"] == 640
    assert (parameters["minutes"]["minimum"], parameters["minutes"]["maximum"]) == (15, 720)
    assert parameters["purpose_statement"]["enum"] == [True]
    assert parameters["start"]["pattern"].startswith("^(19[7-9]")
    assert -119 > parameters["lon"]["minimum"] > -121
    components = document["components"]["schemas"]
    assert components["CaseWithinLimits"]["properties"]["radius_m"]["maximum"] == 640
    assert components["CaseWithOverride"]["properties"]["radius_m"]["maximum"] == 100_000
    assert "override_reason" in components["CaseWithOverride"]["required"]
    answers = document["paths"]["/api/v1/cases"]["post"]["responses"]
    assert set(answers) >= {"201", "401", "403", "409", "422"}
    assert "case_number_in_use" in answers["409"]["content"]["application/json"]["examples"]


def test_a_changed_limit_is_in_the_schema(db):
    agency_services.update(
        Agency.objects.get(),
        canvass_max_radius_m=300,
        case_number_pattern=r"^\d{8}$",
        case_number_example="20260001",
    )
    document = Client().get(reverse("api:openapi-json")).json()
    parameters = {
        p["name"]: p["schema"]
        for p in document["paths"]["/api/v1/cameras/nearby"]["get"]["parameters"]
    }
    assert parameters["radius_m"]["maximum"] == 300
    assert parameters["case_number"]["pattern"] == r"^\d{8}$"


def test_the_schema_and_its_docs_page_are_public(db):
    client = Client()
    schema_json = client.get(reverse("api:openapi-json")).json()
    assert set(schema_json["paths"]) == {
        "/api/v1/cameras/nearby",
        "/api/v1/cases",
        "/api/v1/cases/{case_id}",
        "/api/v1/footage-requests",
        "/api/v1/footage-requests/{request_id}",
    }
    assert schema_json["info"]["version"] == "1"
    page = client.get(reverse("api:openapi-view"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "vendor/swagger-ui/swagger-ui-bundle.js" in text
    assert 'data-schema-url="/api/v1/openapi.json"' in text
    assert "<script>" not in text and "cdn" not in text.lower()

"""POST /api/v1/footage-requests and GET /api/v1/footage-requests/{id}."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from camreg.accounts.models import User
from camreg.api import services
from camreg.audit.models import AuditEvent
from camreg.canvass.models import Case
from camreg.testing.canvass import CASE_NUMBER, SCENE, place, register

from .conftest import bearer

pytestmark = pytest.mark.django_db

CREATE = reverse("api:footage-requests")


@pytest.fixture
def case(deputy):
    start = timezone.now() - timedelta(days=1)
    return Case.objects.create(
        case_number=CASE_NUMBER,
        incident_type="Burglary",
        latitude=SCENE[0],
        longitude=SCENE[1],
        radius_m=300,
        start=start,
        end=start + timedelta(hours=1),
        created_by=deputy.user,
    )


def camera_ids(registrant) -> list[int]:
    return [c.pk for site in registrant.sites.all() for c in site.cameras.all()]


def test_a_system_requests_footage_and_follows_the_request(api_client, service_account, case):
    fay = register("Fay Facing", place(-40, 0), {"direction": 0})
    al = register("Al Away", place(20, 0), {"direction": 180}, language="es")
    response = api_client.post(
        CREATE,
        {"case_id": case.pk, "camera_ids": camera_ids(fay) + camera_ids(al), "message": "Hi"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    created = response.json()["requests"]
    assert {r["registrant_id"] for r in created} == {fay.pk, al.pk}
    assert {r["status"] for r in created} == {"sent"}
    assert {r["language"] for r in created} == {"en", "es"}
    sent = AuditEvent.objects.filter(action="footage.request_sent")
    assert sent.count() == 2
    # Audited as the service account, naming the token it used.
    token = service_account.api_tokens.get()
    for event in sent:
        assert event.actor_id == str(service_account.pk)
        assert event.details["via"]["api_token"] == token.pk

    one = created[0]
    response = api_client.get(reverse("api:footage-request", args=[one["id"]]))
    assert response.status_code == 200
    assert response.json()["id"] == one["id"]
    assert response.json()["case_number"] == CASE_NUMBER
    assert response.json()["cameras"]
    viewed = AuditEvent.objects.get(action="footage.request_viewed")
    assert viewed.details["via"]["api_token"] == token.pk


def test_refusals_are_json_with_a_code(api_client, case):
    unknown_case = api_client.post(
        CREATE, {"case_id": case.pk + 100, "camera_ids": [1]}, content_type="application/json"
    )
    assert unknown_case.status_code == 404 and unknown_case.json()["code"] == "case_not_found"
    no_cameras = api_client.post(
        CREATE, {"case_id": case.pk, "camera_ids": [999999]}, content_type="application/json"
    )
    assert no_cameras.status_code == 404
    assert no_cameras.json()["code"] == "cameras_not_found"
    missing = api_client.get(reverse("api:footage-request", args=[424242]))
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    broken = api_client.post(CREATE, "{not json", content_type="application/json")
    assert broken.status_code == 400 and broken.json()["code"] == "bad_request"


def test_footage_requests_need_the_canvass_role(case):
    account = User.objects.create_user(
        "auditor-like@service-account.invalid", None, kind="service", roles=["auditor"]
    )
    _token, raw = services.create_token(user=account, name="CAD")
    client = Client(**bearer(raw))
    response = client.post(
        CREATE, {"case_id": case.pk, "camera_ids": [1]}, content_type="application/json"
    )
    assert response.status_code == 403 and response.json()["code"] == "forbidden"
    assert client.get(reverse("api:footage-request", args=[1])).status_code == 403
    assert Client().post(CREATE, {}, content_type="application/json").status_code == 401

"""POST /api/v1/cases, GET /api/v1/cases and GET /api/v1/cases/{id}: a case opened through
the API with the console's guardrails, read back with its searches, requests and answers."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from camreg.audit.models import AuditEvent
from camreg.canvass.models import Case
from camreg.testing.canvass import CASE_NUMBER, SCENE, place, register

from .conftest import bearer, token_for

pytestmark = pytest.mark.django_db

CASES = reverse("api:cases")
LIST = reverse("api:case-list")
REQUESTS = reverse("api:footage-requests")


def body(**changes) -> dict:
    start = timezone.now().replace(microsecond=0) - timedelta(days=1)
    values = {
        "case_number": CASE_NUMBER,
        "incident_type": "Burglary",
        "lat": SCENE[0],
        "lon": SCENE[1],
        "radius_m": 300,
        "start": start.isoformat(),
        "minutes": 60,
        "purpose_statement": True,
        "address": "1200 Truxtun Ave, Bakersfield",
    }
    values.update(changes)
    return values


def post(client: Client, url: str, data: dict):
    return client.post(url, data, content_type="application/json")


def test_a_system_opens_a_case_as_the_console_does(api_client, service_account):
    response = post(api_client, CASES, body())
    assert response.status_code == 201, response.content
    created = response.json()
    case = Case.objects.get(pk=created["id"])
    assert case.case_number == CASE_NUMBER and case.created_by == service_account
    assert case.radius_m == 300 and case.end - case.start == timedelta(minutes=60)
    assert case.purpose_statement  # the statement affirmed, kept with the case
    assert created["status"] == "open" and created["searches"][0]["number"] == 1
    assert created["requests"] == []
    event = AuditEvent.objects.get(action="canvass.case_created")
    assert event.actor_id == str(service_account.pk) and "api_token" in event.details["via"]


def test_a_number_in_use_is_a_409_naming_the_case(api_client):
    first = post(api_client, CASES, body()).json()
    again = post(api_client, CASES, body(case_number=f" {CASE_NUMBER}", radius_m=100))
    assert again.status_code == 409
    assert again.json()["code"] == "case_number_in_use"
    assert again.json()["case_id"] == first["id"]
    assert Case.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "status", "code"),
    [
        ({"case_number": "2026-1"}, 422, "case_number_invalid"),
        ({"purpose_statement": False}, 422, "purpose_statement_missing"),
        ({"radius_m": 700}, 422, "radius_too_large"),
        ({"minutes": 5}, 422, "time_window_too_short"),
        ({"minutes": 13 * 60}, 422, "time_window_too_long"),
        ({"incident_type": "   "}, 422, "incident_type_missing"),
        ({"start": 1_700_000_000}, 422, "invalid_request"),
        ({"purpose_statement": 1}, 422, "invalid_request"),
        ({"lat": 34.0537, "lon": -118.2427}, 422, "outside_jurisdiction"),
        ({"radius_m": 700, "override_reason": "Shooting; wide scene"}, 403, "override_not_allowed"),
    ],
)
def test_the_consoles_limits_apply(api_client, changes, status, code):
    response = post(api_client, CASES, body(**changes))
    assert response.status_code == status, response.content
    assert response.json()["code"] == code
    assert not Case.objects.exists()


def test_a_supervisor_exceeds_a_limit_with_a_written_reason(db):
    client = Client(**bearer(token_for("supervisor")))
    assert post(client, CASES, body(radius_m=700)).json()["code"] == "radius_too_large"
    response = post(client, CASES, body(radius_m=700, override_reason="Shooting; wide scene"))
    assert response.status_code == 201, response.content
    override = AuditEvent.objects.get(action="canvass.limit_overridden")
    assert override.reason == "Shooting; wide scene"
    assert [v["code"] for v in override.details["limits"]] == ["radius_too_large"]


def test_cases_are_listed_a_page_at_a_time_and_filtered(api_client):
    for n in range(3):
        post(api_client, CASES, body(case_number=f"KC2026-00000{n}"))
    Case.objects.filter(case_number="KC2026-000000").update(closed_at=timezone.now())
    page = api_client.get(LIST, {"page_size": 2}).json()
    assert page["count"] == 3 and len(page["cases"]) == 2
    assert page["cases"][0]["case_number"] == "KC2026-000002"  # newest first
    second = api_client.get(LIST, {"page": 2, "page_size": 2}).json()
    assert [c["case_number"] for c in second["cases"]] == ["KC2026-000000"]
    open_ = api_client.get(LIST, {"status": "open"}).json()
    assert {c["case_number"] for c in open_["cases"]} == {"KC2026-000001", "KC2026-000002"}
    closed = api_client.get(LIST, {"status": "closed"}).json()
    assert [c["status"] for c in closed["cases"]] == ["closed"]
    one = api_client.get(LIST, {"case_number": "kc2026-000001"}).json()
    assert one["count"] == 1
    assert api_client.get(LIST, {"mine": "true"}).json()["count"] == 3
    assert Client(**bearer(token_for("deputy"))).get(LIST, {"mine": "true"}).json()["count"] == 0
    assert api_client.get(LIST, {"page": 9}).json()["cases"] == []


def test_a_case_is_read_with_its_requests_and_answers_and_asking_again_needs_repeat(
    api_client,
):
    case = post(api_client, CASES, body()).json()
    fay = register("Fay Facing", place(-40, 0), {"direction": 0})
    cameras = [c.pk for site in fay.sites.all() for c in site.cameras.all()]
    asked = post(api_client, REQUESTS, {"case_id": case["id"], "camera_ids": cameras})
    assert asked.status_code == 201, asked.content

    again = post(api_client, REQUESTS, {"case_id": case["id"], "camera_ids": cameras})
    assert again.status_code == 409 and again.json()["code"] == "already_asked"
    confirmed = post(
        api_client, REQUESTS, {"case_id": case["id"], "camera_ids": cameras, "repeat": True}
    )
    assert confirmed.status_code == 201, confirmed.content

    read = api_client.get(reverse("api:case", args=[case["id"]]))
    assert read.status_code == 200
    requests = read.json()["requests"]
    assert len(requests) == 2 and {r["registrant_id"] for r in requests} == {fay.pk}
    assert {"status", "answer", "answer_note", "contact_attempts"} <= set(requests[0])
    assert AuditEvent.objects.filter(action="canvass.case_viewed").count() == 1
    missing = api_client.get(reverse("api:case", args=[case["id"] + 100]))
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"


def test_cases_need_a_token_and_the_canvass_role(db):
    assert Client().get(LIST).status_code == 401
    assert post(Client(), CASES, body()).json()["code"] == "unauthorized"

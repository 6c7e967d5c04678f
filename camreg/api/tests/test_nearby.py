"""GET /api/v1/cameras/nearby: the console's search, limits and audit, as JSON."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from camreg.accounts.models import User
from camreg.agency import services as agency_services
from camreg.api import services
from camreg.api.models import ApiToken
from camreg.audit.models import AuditEvent
from camreg.canvass import services as canvass
from camreg.canvass.limits import PURPOSE_STATEMENT
from camreg.registry.models import RegistrationStatus
from camreg.testing.canvass import CASE_NUMBER, SCENE, place, register
from camreg.testing.staff import staff_client

from .conftest import bearer, token_for

pytestmark = pytest.mark.django_db

NEARBY = reverse("api:cameras-nearby")


def query(**changes) -> dict:
    start = timezone.now().replace(microsecond=0) - timedelta(days=2)
    values = {
        "lat": SCENE[0],
        "lon": SCENE[1],
        "radius_m": 300,
        "start": start.isoformat(),
        "minutes": 60,
        "case_number": CASE_NUMBER,
        "purpose_statement": "true",
    }
    values.update(changes)
    return {k: v for k, v in values.items() if v is not None}


@pytest.fixture
def cameras(db):
    return {
        # Faces the scene from 40 m south, long retention.
        "facing": register("Fay Facing", place(-40, 0), {"direction": 0, "range_m": 60}),
        # 20 m away, but looking away and with video already overwritten.
        "away": register("Al Away", place(20, 0), {"direction": 0, "retention_days": 1}),
        "far": register("Fran Far", place(0, 250), {"direction": 270, "retention_days": 14}),
        "lapsed": register(
            "Lou Lapsed", place(0, -60), {"direction": 90}, status=RegistrationStatus.LAPSED
        ),
        "outside": register("Otto Outside", place(900, 0), {"direction": 180}),
    }


def test_results_are_the_services_in_the_same_order(api_client, deputy, cameras):
    params = query()
    response = api_client.get(NEARBY, params)
    assert response.status_code == 200, response.content
    body = response.json()

    expected = canvass.search(
        canvass.SearchParams(
            case_number=CASE_NUMBER,
            start=timezone.datetime.fromisoformat(params["start"]),
            end=timezone.datetime.fromisoformat(params["start"]) + timedelta(hours=1),
            latitude=SCENE[0],
            longitude=SCENE[1],
            radius_m=300,
            purpose_statement=PURPOSE_STATEMENT,
        ),
        limits=canvass.CanvassLimits.from_agency(agency_services.current()),
        actor=deputy.user,
    )
    got = [(c["camera_id"], c["rank"], c["reason"]) for c in body["cameras"]]
    assert got == [(c.camera_id, c.rank, c.reason) for c in expected.cameras]
    assert [c["camera_id"] for c in body["apart"]] == [c.camera_id for c in expected.apart]
    assert body["counts"] == expected.counts
    first = body["cameras"][0]
    assert first["registrant_id"] == cameras["facing"].pk
    assert first["faces_scene"] is True and first["video_retained"] is True
    for name in (
        "distance_m",
        "days_left",
        "overwrite_at",
        "recording_mode",
        "owner_can_export",
        "preferred_contact",
        "contact_hours",
        "language",
        "site_id",
        "phone",
        "email",
    ):
        assert name in first
    assert body["apart"][0]["registration_status"] == RegistrationStatus.LAPSED
    assert body["apart"][0]["listed_apart"] is True
    assert body["counts"]["lapsed"] == 1


def test_each_search_is_audited_as_the_service_account_with_the_token(
    api_client, service_account, cameras
):
    api_client.get(NEARBY, query())
    event = AuditEvent.objects.get(action="canvass.searched")
    assert event.actor_id == str(service_account.pk)
    assert event.actor_label.startswith("Kern CAD <")
    token = ApiToken.objects.get(user=service_account)
    assert event.details["via"] == {"api_token": token.pk, "prefix": token.prefix}
    assert event.case_number == CASE_NUMBER
    assert event.details["results"]["total"] == 4


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"radius_m": 700}, "radius_too_large"),
        ({"case_number": ""}, "case_number_missing"),
        ({"case_number": "2026-1"}, "case_number_invalid"),
        ({"purpose_statement": "false"}, "purpose_statement_missing"),
        ("short", "time_window_too_short"),
        ("long", "time_window_too_long"),
    ],
)
def test_each_limit_is_a_422_naming_it(api_client, changes, code):
    if changes in ("short", "long"):
        changes = {"minutes": 5 if changes == "short" else 13 * 60}
    response = api_client.get(NEARBY, query(**changes))
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == code
    assert body["message"]
    assert "limit" in body
    assert code in [v["code"] for v in body["violations"]]
    refused = AuditEvent.objects.get(action="canvass.searched")
    assert refused.outcome == "denied"


def test_the_radius_limit_names_its_value(api_client):
    body = api_client.get(NEARBY, query(radius_m=700)).json()
    assert body["limit"] == 640 and body["value"] == 700 and body["overridable"] is True


def test_a_supervisor_overrides_a_limit_with_a_reason(db, cameras):
    client = Client(**bearer(token_for("supervisor")))
    assert client.get(NEARBY, query(radius_m=700)).status_code == 422
    response = client.get(NEARBY, query(radius_m=700, override_reason="Shooting; wide scene"))
    assert response.status_code == 200, response.content
    assert [v["code"] for v in response.json()["overridden"]] == ["radius_too_large"]
    assert AuditEvent.objects.filter(action="canvass.limit_overridden").count() == 1


def test_a_deputy_cannot_override(api_client):
    response = api_client.get(NEARBY, query(radius_m=700, override_reason="Please"))
    assert response.status_code == 422 and response.json()["code"] == "radius_too_large"


def test_a_service_account_without_the_canvass_role_is_403(db):
    # Made directly: the console offers a service account only roles the API uses.
    account = User.objects.create_user(
        "no-role@service-account.invalid", None, full_name="No role", kind="service"
    )
    for roles in ([], ["administrator"], ["auditor"], ["program_coordinator"]):
        User.objects.filter(pk=account.pk).update(roles=roles)
        _token, raw = services.create_token(user=account, name="CAD")
        response = Client(**bearer(raw)).get(NEARBY, query())
        assert response.status_code == 403
        assert response.json()["code"] == "forbidden"


@pytest.mark.parametrize(
    "changes",
    [
        {"lat": "north"},
        {"lat": 91},
        {"radius_m": -5},
        {"start": "2026-11-20T10:00:00"},  # no offset
        {"start": "yesterday"},
        {"purpose_statement": "maybe"},
        {"case_number": "KC2026\x00"},
        {"lon": None},
    ],
)
def test_malformed_queries_are_422_invalid_request(api_client, changes):
    response = api_client.get(NEARBY, query(**changes))
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == "invalid_request"
    assert body["errors"] and body["errors"][0]["loc"]


@pytest.mark.parametrize(
    "changes", [{"minutes": 0}, {"minutes": 10_081}, {"start": "1969-12-31T12:00:00Z"}]
)
def test_a_window_out_of_bounds_is_a_422(api_client, changes):
    response = api_client.get(NEARBY, query(**changes))
    assert response.status_code == 422 and response.json()["code"] == "invalid_request"


def test_a_scene_outside_the_jurisdiction_is_a_422_and_audited(api_client, cameras):
    # Los Angeles City Hall: in California, outside Kern County.
    response = api_client.get(NEARBY, query(lat=34.0537, lon=-118.2427))
    assert response.status_code == 422, response.content
    assert response.json()["code"] == "outside_jurisdiction"
    refused = AuditEvent.objects.get(action="canvass.searched")
    assert refused.outcome == "denied"
    assert refused.details["refused"] == ["outside_jurisdiction"]


def test_the_session_is_not_enough(administrator):
    client = staff_client("deputy")
    assert client.get(NEARBY, query()).status_code == 401

"""The registry map page and its data endpoint: filters, no names, one query, audited."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from camreg.console import services
from camreg.console.forms import MapFilterForm
from camreg.registry.models import RegistrationStatus
from camreg.testing.audit import events

pytestmark = pytest.mark.django_db


@pytest.fixture
def cameras(make_registrant):
    now = timezone.now()
    recent = make_registrant(
        "Recent Active",
        status=RegistrationStatus.ACTIVE,
        confirmed_at=now - timedelta(days=30),
        cameras=[
            {"label": "Door", "direction": 45, "field_of_view": 120, "range_m": 15},
            {"label": "Yard", "system_type": "dvr_nvr"},
        ],
    )
    old = make_registrant(
        "Old Active",
        status=RegistrationStatus.ACTIVE,
        confirmed_at=now - timedelta(days=400),
        street="2400 Ming Ave",
        latitude=35.352,
        longitude=-119.04,
        cameras=[{"system_type": "standalone"}],
    )
    pending = make_registrant("Pending Person", street="9 Elm St")
    lapsed = make_registrant(
        "Lapsed Person",
        status=RegistrationStatus.LAPSED,
        confirmed_at=now - timedelta(days=500),
        street="7 Oak St",
    )
    rejected = make_registrant("Rejected Person", status=RegistrationStatus.REJECTED)
    return {"recent": recent, "old": old, "pending": pending, "lapsed": lapsed, "rej": rejected}


def _data(client, query: str = "") -> dict:
    response = client.get(reverse("console:registry-map-data") + query)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    return response.json()


def _owners(data: dict) -> set[int]:
    column = data["fields"].index("registrant_id")
    return {row[column] for row in data["cameras"]}


def test_map_page(deputy, cameras):
    response = deputy.get(reverse("console:registry-map"))
    assert response.status_code == 200
    page = response.content.decode()
    assert f'data-data-url="{reverse("console:registry-map-data")}"' in page
    assert 'data-tile-url=""' in page  # no tiles in the tests
    assert "vendor/leaflet.markercluster/leaflet.markercluster.js" in page
    assert "console/registry-map.js" in page
    assert "<script>" not in page  # the CSP allows no inline scripts
    # The page itself shows no registrant data (the map loads points only).
    assert "Recent Active" not in page
    # The filters show the defaults: active only, any confirmation age.
    assert 'value="active" checked' in page
    assert 'value="any" checked' in page


def test_data_defaults_to_active_cameras(deputy, cameras):
    data = _data(deputy)

    assert data["fields"] == list(services.MAP_FIELDS)
    assert data["count"] == 3
    assert _owners(data) == {cameras["recent"].pk, cameras["old"].pk}
    assert data["filters"] == {"status": ["active"], "confirmed": "any", "system_type": []}
    row = next(r for r in data["cameras"] if r[data["fields"].index("direction")] == 45)
    facts = dict(zip(data["fields"], row, strict=True))
    assert facts["field_of_view"] == 120
    assert facts["range_m"] == 15
    assert facts["system_type"] == "cloud_doorbell"
    assert facts["status"] == "active"
    assert (facts["lat"], facts["lon"]) == (35.3733, -119.021)
    assert data["registrant_url"] == reverse("console:registrant", kwargs={"pk": 0})
    # No names, emails or addresses in the map data.
    body = json.dumps(data)
    for text in ("Recent Active", "Old Active", "@example.com", "Truxtun", "Ming"):
        assert text not in body


def test_status_filters(deputy, cameras):
    data = _data(deputy, "?status=pending_review&status=lapsed")
    assert _owners(data) == {cameras["pending"].pk, cameras["lapsed"].pk}
    # Rejected registrations are never on the map.
    response = deputy.get(reverse("console:registry-map-data") + "?status=rejected")
    assert response.status_code == 400


def test_confirmation_age_filters(deputy, cameras):
    assert _owners(_data(deputy, "?status=active&confirmed=within_year")) == {cameras["recent"].pk}
    assert _owners(_data(deputy, "?status=active&confirmed=over_year")) == {cameras["old"].pk}
    all_statuses = "?status=active&status=pending_review&status=lapsed"
    assert _owners(_data(deputy, all_statuses + "&confirmed=never")) == {cameras["pending"].pk}


def test_system_type_filter(deputy, cameras):
    data = _data(deputy, "?system_type=dvr_nvr&system_type=standalone")
    assert data["count"] == 2
    column = data["fields"].index("system_type")
    assert {row[column] for row in data["cameras"]} == {"dvr_nvr", "standalone"}


def test_map_data_is_audited_with_the_filters(deputy, cameras):
    _data(deputy, "?status=lapsed&confirmed=over_year")

    [event] = events("registry.map_viewed")
    assert event.actor_id == str(deputy.user.pk)
    assert event.details == {
        "filters": {"status": ["lapsed"], "confirmed": "over_year", "system_type": []},
        "count": 1,
    }


def test_map_data_reads_cameras_in_one_query(make_registrant, rf, deputy):
    for number in range(5):
        make_registrant(
            f"Person {number}",
            status=RegistrationStatus.ACTIVE,
            street=f"{number} Elm St",
            cameras=[{}, {}, {}],
        )
    request = rf.get("/")
    request.user = deputy.user
    form = MapFilterForm.from_query({})
    with CaptureQueriesContext(connection) as queries:
        rows = services.map_points(form.filters(), request=request)
    assert len(rows) == 15
    camera_queries = [q["sql"] for q in queries if '"registry_camera"' in q["sql"]]
    assert len(camera_queries) == 1

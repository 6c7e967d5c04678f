"""The registry map page and its data endpoint: one viewport at a time, clusters from the
maintained map cells when zoomed out, cameras when zoomed in; filters, no names, a bounded
answer, audited."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from camreg.canvass import index, map_cells
from camreg.console import services
from camreg.console.forms import MapFilterForm
from camreg.registry.models import RegistrationStatus
from camreg.testing.audit import events

pytestmark = pytest.mark.django_db

# Around 1200 Truxtun Ave, Bakersfield, where make_registrant puts its sites.
HERE = (35.3733, -119.021)
ZOOMED_IN = f"&south=35.34&west=-119.06&north=35.39&east=-119.00&zoom={map_cells.CAMERA_ZOOM}"
COUNTY = "&south=34.7&west=-120.2&north=35.9&east=-117.6&zoom=8"


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
    made = {"recent": recent, "old": old, "pending": pending, "lapsed": lapsed, "rej": rejected}
    for registrant in made.values():
        index.index_registrant(registrant)  # as the registry's sites_changed signal does
    return made


def _data(client, query: str = "") -> dict:
    response = client.get(reverse("console:registry-map-data") + "?" + query.lstrip("?&"))
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
    # The map's scripts, deferred, on this page only.
    assert 'defer src="/static/vendor/leaflet/leaflet.js"' in page
    assert "vendor/leaflet.markercluster/leaflet.markercluster.js" in page
    assert 'defer src="/static/console/registry-map.js"' in page
    assert "<script>" not in page  # the CSP allows no inline scripts
    # The list alternative to the map, and the registrant list without JavaScript.
    assert 'id="map-list"' in page
    assert reverse("console:registrants") in page
    # The page itself shows no registrant data (the map loads points only).
    assert "Recent Active" not in page
    # The filters show the defaults: active only, any confirmation age.
    assert 'value="active" checked' in page
    assert 'value="any" checked' in page


def test_zoomed_in_the_data_lists_active_cameras_by_default(deputy, cameras):
    data = _data(deputy, ZOOMED_IN)

    assert data["mode"] == "cameras"
    assert data["clusters"] == []
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
    assert (facts["lat"], facts["lon"]) == HERE
    assert data["registrant_url"] == reverse("console:registrant", kwargs={"pk": 0})
    # No names, emails or addresses in the map data.
    body = json.dumps(data)
    for text in ("Recent Active", "Old Active", "@example.com", "Truxtun", "Ming"):
        assert text not in body


def test_zoomed_out_the_data_counts_the_same_cameras_in_clusters(deputy, cameras):
    data = _data(deputy, COUNTY)

    assert data["mode"] == "clusters"
    assert data["cameras"] == []
    assert data["cluster_fields"] == ["lat", "lon", "count"]
    assert data["level"] == map_cells.level_for_zoom(8)
    assert data["cell_degrees"] == pytest.approx(map_cells.cell_degrees(data["level"]))
    assert sum(count for _lat, _lon, count in data["clusters"]) == data["count"] == 3
    lat, lon, count = data["clusters"][0]
    assert 35.35 < lat < 35.38 and -119.05 < lon < -119.02  # the centre of the cameras
    # Without a viewport: the jurisdiction, zoomed out.
    whole = _data(deputy)
    assert whole["mode"] == "clusters" and whole["count"] == 3
    assert whole["view"]["zoom"] == services.DEFAULT_MAP_ZOOM


@pytest.mark.parametrize(
    "filters",
    [
        "status=pending_review&status=lapsed",
        "status=active&confirmed=within_year",
        "status=active&confirmed=over_year",
        "status=active&status=pending_review&status=lapsed&confirmed=never",
        "system_type=dvr_nvr&system_type=standalone",
        "status=active&status=pending_review&status=lapsed",
    ],
)
def test_clusters_count_exactly_the_cameras_the_filters_list(deputy, cameras, filters):
    listed = _data(deputy, filters + ZOOMED_IN)
    counted = _data(deputy, filters + COUNTY)
    assert listed["mode"] == "cameras" and counted["mode"] == "clusters"
    assert counted["count"] == sum(c[2] for c in counted["clusters"]) == listed["count"] > 0


def test_status_filters(deputy, cameras):
    data = _data(deputy, "status=pending_review&status=lapsed" + ZOOMED_IN)
    assert _owners(data) == {cameras["pending"].pk, cameras["lapsed"].pk}
    # Rejected registrations are never on the map.
    response = deputy.get(reverse("console:registry-map-data") + "?status=rejected")
    assert response.status_code == 400


def test_confirmation_age_filters(deputy, cameras):
    within = _data(deputy, "status=active&confirmed=within_year" + ZOOMED_IN)
    assert _owners(within) == {cameras["recent"].pk}
    over = _data(deputy, "status=active&confirmed=over_year" + ZOOMED_IN)
    assert _owners(over) == {cameras["old"].pk}
    all_statuses = "status=active&status=pending_review&status=lapsed"
    never = _data(deputy, all_statuses + "&confirmed=never" + ZOOMED_IN)
    assert _owners(never) == {cameras["pending"].pk}


def test_system_type_filter(deputy, cameras):
    data = _data(deputy, "system_type=dvr_nvr&system_type=standalone" + ZOOMED_IN)
    assert data["count"] == 2
    column = data["fields"].index("system_type")
    assert {row[column] for row in data["cameras"]} == {"dvr_nvr", "standalone"}


@pytest.mark.parametrize(
    "query",
    [
        "south=35&west=-119&north=36&east=-118",  # no zoom
        "south=35&west=-119&north=36&east=-118&zoom=many",
        "south=36&west=-119&north=35&east=-118&zoom=9",  # south of north
        "south=35&west=-119&north=36&east=-118&zoom=99",
    ],
)
def test_a_wrong_viewport_is_refused(deputy, cameras, query):
    response = deputy.get(reverse("console:registry-map-data") + "?" + query)
    assert response.status_code == 400
    assert "view" in response.json()["errors"]
    assert events("registry.map_viewed") == []


def test_map_data_is_audited_with_the_filters_and_the_view(deputy, cameras):
    _data(deputy, "status=lapsed&confirmed=over_year" + ZOOMED_IN)
    _data(deputy, "status=lapsed&confirmed=over_year" + COUNTY)

    zoomed_in, zoomed_out = events("registry.map_viewed")
    for event in (zoomed_in, zoomed_out):
        assert event.actor_id == str(deputy.user.pk)
        assert event.details["filters"] == {
            "status": ["lapsed"],
            "confirmed": "over_year",
            "system_type": [],
        }
        assert event.details["count"] == 1
    assert zoomed_in.details["mode"] == "cameras"
    assert zoomed_in.details["view"] == {
        "south": 35.34,
        "west": -119.06,
        "north": 35.39,
        "east": -119.0,
        "zoom": map_cells.CAMERA_ZOOM,
    }
    assert zoomed_out.details["mode"] == "clusters"
    assert zoomed_out.details["view"]["zoom"] == 8


def test_the_answer_stays_small_however_many_cameras(deputy, make_registrant, monkeypatch):
    """Past MAX_CAMERAS in view, even zoomed in, the answer is clusters; clusters are at
    most one per cell in view, and the cells in view at most MAX_CELLS."""
    monkeypatch.setattr(map_cells, "MAX_CAMERAS", 20)
    monkeypatch.setattr(map_cells, "MAX_CELLS", 30)
    for number in range(60):
        registrant = make_registrant(
            f"Person {number}",
            status=RegistrationStatus.ACTIVE,
            street=f"{number} Elm St",
            latitude=35.36 + (number % 10) * 0.003,
            longitude=-119.05 + (number // 10) * 0.003,
        )
        index.index_registrant(registrant)

    zoomed_in = _data(deputy, "south=35.35&west=-119.06&north=35.40&east=-119.02&zoom=17")
    assert zoomed_in["mode"] == "clusters"  # 60 cameras in view: too many to list
    assert zoomed_in["count"] == 60
    world = _data(deputy, "south=-90&west=-180&north=90&east=180&zoom=19")
    assert world["mode"] == "clusters" and world["count"] == 60
    assert world["level"] == map_cells.MAX_LEVEL
    few = _data(deputy, "south=35.359&west=-119.051&north=35.367&east=-119.047&zoom=17")
    assert few["mode"] == "cameras" and 0 < few["count"] <= 20
    for data in (zoomed_in, world, few):
        assert len(json.dumps(data)) < 4000


def test_zoomed_in_map_data_reads_cameras_in_one_query(make_registrant, rf, deputy):
    for number in range(5):
        registrant = make_registrant(
            f"Person {number}",
            status=RegistrationStatus.ACTIVE,
            street=f"{number} Elm St",
            cameras=[{}, {}, {}],
        )
        index.index_registrant(registrant)
    request = rf.get("/")
    request.user = deputy.user
    form = MapFilterForm.from_query({})
    view = map_cells.Viewport(35.36, -119.03, 35.38, -119.01, map_cells.CAMERA_ZOOM)
    with CaptureQueriesContext(connection) as queries:
        answer = services.map_points(form.filters(), view, request=request)
    assert answer.mode == "cameras" and len(answer.cameras) == 15
    # One query, on the canvass index's camera rows (decision 0027), none on the registry's.
    camera_queries = [
        q["sql"]
        for q in queries
        if '"registry_camera"' in q["sql"] or '"canvass_indexedcamera"' in q["sql"]
    ]
    assert len(camera_queries) == 1 and '"registry_camera"' not in camera_queries[0]

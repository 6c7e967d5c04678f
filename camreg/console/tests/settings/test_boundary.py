"""Jurisdiction boundary upload: validated, must keep every registered site inside, audited."""

from __future__ import annotations

import json

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from camreg.agency import services
from camreg.audit.models import AuditEvent
from camreg.registry.models import RegistrationStatus
from camreg.testing.registrants import make_registrant

pytestmark = pytest.mark.django_db

URL = reverse("settings:boundary")
# A box around Kern County (and Bakersfield, where the test registrants live).
BIG_BOX = [[[-121.0, 34.5], [-117.0, 34.5], [-117.0, 36.5], [-121.0, 36.5], [-121.0, 34.5]]]
# A box around Ridgecrest, in the east of the county: Bakersfield lies outside it.
RIDGECREST = [[[-117.8, 35.5], [-117.5, 35.5], [-117.5, 35.7], [-117.8, 35.7], [-117.8, 35.5]]]
# The county boundary the test agency (the demo's Kern County profile) starts with.
KERN_COUNTY_FILE = django_settings.BASE_DIR / "camreg" / "demo" / "data" / "kern-county.geojson"


def upload(client, document, name="boundary.geojson"):
    content = document if isinstance(document, bytes) else json.dumps(document).encode()
    return client.post(URL, {"file": SimpleUploadedFile(name, content)})


def polygon(coordinates) -> dict:
    return {"type": "Polygon", "coordinates": coordinates}


def assert_unchanged(response, message: str) -> None:
    assert response.status_code == 400
    assert message in response.content.decode(), response.content.decode()[-3000:]
    kern_county = json.loads(KERN_COUNTY_FILE.read_text())["features"][0]["geometry"]
    assert services.current().boundary == kern_county
    assert not AuditEvent.objects.filter(action="settings.boundary_replaced").exists()


@pytest.mark.parametrize(
    "wrap",
    [
        lambda g: g,
        lambda g: {"type": "Feature", "properties": {"NAME": "Kern"}, "geometry": g},
        lambda g: {
            "type": "FeatureCollection",
            "features": [{"type": "Feature", "properties": {}, "geometry": g}],
        },
    ],
    ids=["geometry", "feature", "feature-collection"],
)
def test_a_valid_boundary_replaces_the_old_one_and_is_audited(coordinator, wrap):
    make_registrant(status=RegistrationStatus.ACTIVE)
    response = upload(coordinator, wrap(polygon(BIG_BOX)))
    assert response.status_code == 302
    agency = services.current()
    assert agency.boundary == polygon(BIG_BOX)
    # Los Angeles is still outside, a point east of the county but inside the box is in.
    assert services.contains(35.0, -117.2)
    assert not services.contains(34.0537, -118.2427)
    event = AuditEvent.objects.get(action="settings.boundary_replaced")
    assert event.details["changed"] == ["boundary"]
    assert event.details["file_name"] == "boundary.geojson"
    assert len(event.details["sha256"]) == 64
    assert event.details["after"]["bbox"] == [-121.0, 34.5, -117.0, 36.5]
    assert event.details["before"]["type"] == "Polygon"
    assert event.actor_id == str(coordinator.user.pk)


def test_a_multipolygon_is_accepted(coordinator):
    make_registrant(status=RegistrationStatus.ACTIVE)
    multi = {"type": "MultiPolygon", "coordinates": [BIG_BOX, RIDGECREST_FAR]}
    response = upload(coordinator, multi)
    assert response.status_code == 302
    assert services.current().boundary["type"] == "MultiPolygon"


RIDGECREST_FAR = [[[-110.0, 35.0], [-109.0, 35.0], [-109.0, 36.0], [-110.0, 36.0], [-110.0, 35.0]]]


def test_the_shipped_county_file_is_accepted(coordinator, settings):
    make_registrant(status=RegistrationStatus.ACTIVE)
    with open(KERN_COUNTY_FILE, "rb") as f:
        response = upload(coordinator, f.read(), name="kern-county.geojson")
    assert response.status_code == 302


def test_not_geojson_is_refused(coordinator):
    assert_unchanged(upload(coordinator, b"this is not json"), "The file is not GeoJSON")
    assert_unchanged(upload(coordinator, {"hello": "world"}), "has no GeoJSON")
    assert_unchanged(upload(coordinator, b"\xff\xfe\x00garbage"), "not UTF-8 text")
    assert_unchanged(
        upload(coordinator, {"type": "Polygon", "coordinates": "nope"}),
        "coordinates are not lists of [longitude, latitude] positions",
    )


def test_a_linestring_is_refused(coordinator):
    line = {"type": "LineString", "coordinates": [[-119.0, 35.0], [-118.0, 35.5]]}
    assert_unchanged(
        upload(coordinator, line), "The boundary is a LineString; it must be a Polygon or a"
    )


def test_coordinates_out_of_range_are_refused(coordinator):
    # Latitude and longitude swapped: a common mistake.
    swapped = [[[y, x] for x, y in BIG_BOX[0]]]
    assert_unchanged(upload(coordinator, polygon(swapped)), "The coordinates are out of range")


def test_an_invalid_polygon_is_refused(coordinator):
    bowtie = [[[-120.0, 35.0], [-118.0, 36.0], [-118.0, 35.0], [-120.0, 36.0], [-120.0, 35.0]]]
    assert_unchanged(upload(coordinator, polygon(bowtie)), "The polygon is not valid (Self")


def test_a_collection_of_several_features_is_refused(coordinator):
    feature = {"type": "Feature", "properties": {}, "geometry": polygon(BIG_BOX)}
    document = {"type": "FeatureCollection", "features": [feature, feature]}
    assert_unchanged(upload(coordinator, document), "has 2 features; it must have exactly one")


def test_a_boundary_that_leaves_out_registered_sites_is_refused(coordinator):
    make_registrant("Ana Ruiz", status=RegistrationStatus.ACTIVE)
    make_registrant("Ben Pending", status=RegistrationStatus.PENDING_REVIEW)
    # Registrations that left or never verified do not hold the boundary back.
    make_registrant("Cy Gone", status=RegistrationStatus.LEFT)
    make_registrant("Di Unverified", status=RegistrationStatus.UNVERIFIED)
    make_registrant("Ed Inside", status=RegistrationStatus.ACTIVE, latitude=35.6, longitude=-117.65)
    assert_unchanged(
        upload(coordinator, polygon(RIDGECREST)),
        "2 registered sites (active or waiting for review) would fall outside this boundary. "
        "The boundary must contain every registered site; nothing was changed.",
    )


def test_in_demo_mode_the_demo_addresses_must_be_inside(coordinator, settings):
    settings.DEMO_MODE = True
    make_registrant("Ed Inside", status=RegistrationStatus.ACTIVE, latitude=35.6, longitude=-117.65)
    response = upload(coordinator, polygon(RIDGECREST))
    assert response.status_code == 400
    assert "demo addresses would fall outside" in response.content.decode()
    assert services.points_outside(polygon(BIG_BOX)) == []


def test_the_page_describes_the_current_boundary(coordinator):
    body = coordinator.get(URL).content.decode()
    summary = services.summarize(services.current().boundary)
    # The simplified census outline of Kern County: about 8,100 square miles.
    assert 7_900 < summary.area_sq_miles < 8_400
    assert "square miles" in body and "Kern County" in body
    assert '<svg class="boundary-outline"' in body and "<title id=" in body
    assert f"{summary.west:.5f}" in body and f"{summary.north:.5f}" in body


def test_the_current_boundary_can_be_downloaded(coordinator):
    response = coordinator.get(reverse("settings:boundary-geojson"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    assert 'filename="kern-county-boundary.geojson"' in response["Content-Disposition"]
    feature = json.loads(response.content)
    assert feature["geometry"] == services.current().boundary

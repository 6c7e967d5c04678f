"""The registration map starts on the agency's jurisdiction: its bounds come from the
boundary, and follow it when the boundary changes."""

from __future__ import annotations

import html
import json
import re

import pytest
from django.urls import reverse

from camreg.agency import services as agency_services

pytestmark = pytest.mark.django_db

BOX = [[[-120.0, 39.0], [-119.0, 39.0], [-119.0, 40.5], [-120.0, 40.5], [-120.0, 39.0]]]


def map_bounds_on(client, url: str) -> list[list[float]]:
    page = client.get(url).content.decode()
    match = re.search(r'<form[^>]*class="[^"]*registration-form[^>]*data-bounds="([^"]+)"', page)
    assert match, "the registration form has no data-bounds"
    return json.loads(html.unescape(match.group(1)))


def boundary_bounds(geometry: dict) -> list[list[float]]:
    rings = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    points = [point for polygon in rings for ring in polygon for point in ring]
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    return [[min(lats), min(lons)], [max(lats), max(lons)]]


def test_the_register_map_bounds_come_from_the_boundary(client):
    url = reverse("registry:register")
    agency = agency_services.current()
    south_west, north_east = map_bounds_on(client, url)
    expected_south_west, expected_north_east = boundary_bounds(agency.boundary)
    assert south_west == pytest.approx(expected_south_west, abs=1e-6)
    assert north_east == pytest.approx(expected_north_east, abs=1e-6)
    assert south_west[0] < north_east[0] and south_west[1] < north_east[1]

    agency_services.update(agency, boundary={"type": "Polygon", "coordinates": BOX})
    assert map_bounds_on(client, url) == [[39.0, -120.0], [40.5, -119.0]]

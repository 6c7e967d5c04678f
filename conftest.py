"""Fixtures shared by every app's tests."""

from __future__ import annotations

import csv

import pytest

# A few real-looking Bakersfield addresses (inside Kern County) and one outside it.
ADDRESS_POINTS = [
    # LON, LAT, NUMBER, STREET, UNIT, CITY, DISTRICT, REGION, POSTCODE
    (-119.0210, 35.3733, "1200", "Truxtun Ave", "", "Bakersfield", "Kern", "CA", "93301"),
    (-119.0400, 35.3520, "2400", "Ming Ave", "", "Bakersfield", "Kern", "CA", "93304"),
    (-119.0900, 35.3300, "5300", "White Ln", "", "Bakersfield", "Kern", "CA", "93309"),
    (-119.0180, 35.3950, "900", "N Chester Ave", "", "Bakersfield", "Kern", "CA", "93308"),
    # Los Angeles City Hall: outside the jurisdiction.
    (-118.2427, 34.0537, "200", "N Spring St", "", "Los Angeles", "", "CA", "90012"),
]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded files go to a per-test folder, never into the project."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def address_points(db, tmp_path):
    """The address-points table loaded the way an operator loads it."""
    from django.core.management import call_command

    path = tmp_path / "points.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["LON", "LAT", "NUMBER", "STREET", "UNIT", "CITY", "DISTRICT", "REGION", "POSTCODE"]
        )
        writer.writerows(ADDRESS_POINTS)
    call_command("import_address_points", str(path), verbosity=0)
    return ADDRESS_POINTS


@pytest.fixture
def auto_confirm(db):
    from camreg.agency import services as agency_services
    from camreg.agency.models import ConfirmMode

    return agency_services.update(agency_services.current(), confirm_mode=ConfirmMode.AUTOMATIC)

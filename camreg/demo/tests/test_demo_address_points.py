import csv
import json
import statistics
from collections import defaultdict
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from shapely import prepared
from shapely.geometry import Point, box, shape

from camreg.demo import address_generator as demo_generator
from camreg.demo.address_points import DEMO_ADDRESS_POINTS, load_demo_address_points
from camreg.demo.agency import BOUNDARY_FILE
from camreg.geo import services
from camreg.geo.geocoders import AddressQuery
from camreg.geo.models import AddressPoint

BAKERSFIELD_CENTER = (35.3733, -119.0187)
OTHER_TOWNS = {
    "Delano",
    "Wasco",
    "Shafter",
    "Tehachapi",
    "Ridgecrest",
    "Arvin",
    "Lamont",
    "Taft",
    "McFarland",
}


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as stream:
        return list(csv.DictReader(stream))


@pytest.fixture(scope="module")
def rows():
    return read_rows(DEMO_ADDRESS_POINTS)


def test_the_file_is_what_the_generator_makes(rows):
    generated = demo_generator.generate_rows()
    assert [list(row.values()) for row in rows] == generated


def test_about_4000_distinct_addresses(rows):
    assert list(rows[0]) == list(services.COLUMNS)
    assert len(rows) == 4000
    keys = {(r["CITY"], r["STREET"], r["NUMBER"], r["UNIT"]) for r in rows}
    assert len(keys) == len(rows)


def test_every_point_is_in_kern_county(rows):
    county = shape(json.loads(BOUNDARY_FILE.read_text())["features"][0]["geometry"])
    outside = [r for r in rows if not county.covers(Point(float(r["LON"]), float(r["LAT"])))]
    assert outside == []


def test_bakersfield_streets_zip_codes_and_extent(rows):
    bakersfield = [r for r in rows if r["CITY"] == "Bakersfield"]
    assert len(bakersfield) > 3000
    streets = {r["STREET"] for r in bakersfield}
    assert {"Truxtun Ave", "California Ave", "Ming Ave", "White Ln", "Chester Ave"} <= streets
    assert {"Stockdale Hwy", "Coffee Rd", "Mount Vernon Ave", "24th St"} <= streets
    assert {r["POSTCODE"] for r in bakersfield} <= {str(z) for z in range(93301, 93315)}
    farthest = max(
        services.distance_m(*BAKERSFIELD_CENTER, float(r["LAT"]), float(r["LON"]))
        for r in bakersfield
    )
    assert farthest < 13_000


def test_other_kern_towns_have_their_own_streets(rows):
    by_town = defaultdict(set)
    for r in rows:
        by_town[r["CITY"]].add((r["STREET"], r["POSTCODE"]))
    assert OTHER_TOWNS < set(by_town)
    assert sum(1 for r in rows if r["CITY"] in OTHER_TOWNS) >= 300
    assert ("Tehachapi Blvd", "93561") in by_town["Tehachapi"]
    assert ("China Lake Blvd", "93555") in by_town["Ridgecrest"]


def test_house_numbers_increase_along_each_street(rows):
    by_street = defaultdict(list)
    for r in rows:
        by_street[(r["CITY"], r["STREET"])].append(r)
    for street_rows in by_street.values():
        if len({r["NUMBER"] for r in street_rows}) < 3:
            continue
        lats = [float(r["LAT"]) for r in street_rows]
        lons = [float(r["LON"]) for r in street_rows]
        along = lons if max(lons) - min(lons) > max(lats) - min(lats) else lats
        numbers = [int(r["NUMBER"]) for r in street_rows]
        assert abs(statistics.correlation(numbers, along)) > 0.99


def test_generator_command_is_deterministic(tmp_path):
    def generate(name, *options):
        call_command(
            "generate_demo_address_points", str(tmp_path / name), *options, stdout=StringIO()
        )
        return (tmp_path / name).read_text()

    first = generate("a.csv", "--count", "60", "--seed", "7")
    assert first == generate("b.csv", "--count", "60", "--seed", "7")
    assert first != generate("c.csv", "--count", "60", "--seed", "8")
    assert len(first.splitlines()) == 61


def test_generator_keeps_points_inside_the_boundary(monkeypatch):
    north_of_truxtun = prepared.prep(box(-119.2, 35.3735, -118.8, 35.5))
    monkeypatch.setattr(demo_generator, "_kern_boundary", lambda: north_of_truxtun)
    monkeypatch.setattr(demo_generator, "TOWN_SHARE", 0)
    generated = demo_generator.generate_rows(300, seed=1)
    assert len(generated) == 300
    assert all(float(row[1]) >= 35.3735 for row in generated)


@pytest.mark.django_db
def test_load_demo_address_points_once_and_geocode_them(rows):
    assert load_demo_address_points() == 4000
    assert load_demo_address_points() == 0
    assert AddressPoint.objects.count() == 4000
    house = next(r for r in rows if r["CITY"] == "Bakersfield" and not r["UNIT"])
    result = services.geocode(
        AddressQuery(f"{house['NUMBER']} {house['STREET']}", city="Bakersfield")
    )
    assert result is not None
    assert (result.latitude, result.longitude) == (float(house["LAT"]), float(house["LON"]))

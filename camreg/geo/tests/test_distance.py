import math

import pytest
from pyproj import Geod

from camreg.geo.services import EARTH_RADIUS_M, bearing_deg, distance_m

ONE_DEGREE_M = EARTH_RADIUS_M * math.pi / 180  # 111,195.08 m


def test_distance_to_itself_is_zero():
    assert distance_m(35.3733, -119.0187, 35.3733, -119.0187) == 0


def test_one_degree_along_a_meridian_and_the_equator():
    assert distance_m(35.0, -119.0, 36.0, -119.0) == pytest.approx(111_195.08, abs=0.01)
    assert distance_m(0.0, 10.0, 0.0, 11.0) == pytest.approx(ONE_DEGREE_M, abs=0.01)


def test_one_degree_of_longitude_at_60_north():
    # Haversine by hand: a = cos(60)^2 sin(0.5)^2, d = 2R asin(sqrt a) = 2R asin(0.5 sin 0.5).
    assert distance_m(60.0, 0.0, 60.0, 1.0) == pytest.approx(55_597.01, abs=0.01)


def test_quarter_and_half_of_a_great_circle():
    assert distance_m(0.0, 0.0, 90.0, 0.0) == pytest.approx(10_007_557.22, abs=0.01)
    assert distance_m(0.0, 0.0, 0.0, 180.0) == pytest.approx(20_015_114.44, abs=0.01)


def test_distance_is_symmetric_and_close_to_the_ellipsoid():
    bakersfield, tehachapi = (35.3733, -119.0187), (35.1322, -118.4490)
    there = distance_m(*bakersfield, *tehachapi)
    assert there == distance_m(*tehachapi, *bakersfield)
    _, _, geodesic = Geod(ellps="WGS84").inv(-119.0187, 35.3733, -118.4490, 35.1322)
    assert there == pytest.approx(geodesic, rel=0.005)
    # Flat estimate: 0.5697 deg east x cos(35.25) and 0.2411 deg south, x 111.195 km:
    # sqrt(51.73^2 + 26.81^2) = 58.27 km.
    assert there == pytest.approx(58_270, abs=20)


@pytest.mark.parametrize(
    ("to", "bearing"),
    [((1.0, 0.0), 0.0), ((0.0, 1.0), 90.0), ((-1.0, 0.0), 180.0), ((0.0, -1.0), 270.0)],
)
def test_bearing_to_the_four_compass_points(to, bearing):
    assert bearing_deg(0.0, 0.0, *to) == pytest.approx(bearing, abs=1e-9)


def test_bearing_by_hand():
    # y = sin 1 cos 36 = 0.0141193, x = cos 35 sin 36 - sin 35 cos 36 cos 1 = 0.0175231,
    # atan2(y, x) = 38.8603 degrees.
    assert bearing_deg(35.0, -119.0, 36.0, -118.0) == pytest.approx(38.8603, abs=1e-4)
    # Going back is not the reverse bearing on a sphere, but close to it here.
    back = bearing_deg(36.0, -118.0, 35.0, -119.0)
    assert 180 + 38 < back < 180 + 40


def test_bearing_is_in_range():
    assert bearing_deg(35.0, -119.0, 35.0, -119.0) == 0.0
    assert 0 <= bearing_deg(35.0, -119.0, 35.0001, -119.0000001) < 360
    # A hair west of north is just under 360, never negative.
    assert 359.99 < bearing_deg(35.0, -119.0, 36.0, -119.0001) < 360

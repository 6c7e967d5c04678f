"""Shapes for canvass searches, against cases computed by hand.

On the sphere the geo module uses (R = 6,371,008.8 m) one degree of a great circle is
R * pi / 180 = 111,195.08 m; at the equator that is one degree of latitude or longitude.
From a camera at (0, 0), a point due north (0, d) has a bearing of exactly 0 and a point
due east (d, 0) exactly 90, so cone edges can be put exactly on those bearings.
"""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st
from shapely.geometry import Point

from camreg.geo import shapes
from camreg.geo.services import EARTH_RADIUS_M, bearing_deg, distance_m
from camreg.geo.shapes import CameraView, in_view_cone

ONE_DEGREE_M = EARTH_RADIUS_M * math.pi / 180  # 111,195.08 m
SQ_MI = 1609.344**2
STEP = 1e-4  # degrees: 11.12 m at the equator


def degrees(metres: float) -> float:
    return metres / ONE_DEGREE_M


def camera(direction, fov, range_m=30, lat=0.0, lon=0.0):
    return CameraView(lat, lon, direction, fov, range_m)


NORTH, EAST, SOUTH, WEST = (STEP, 0.0), (0.0, STEP), (-STEP, 0.0), (0.0, -STEP)


# Bearings and angles -------------------------------------------------------------------


def test_due_north_and_due_east_are_exact_bearings():
    assert bearing_deg(0, 0, *NORTH) == 0.0
    assert bearing_deg(0, 0, *EAST) == 90.0
    assert bearing_deg(0, 0, *SOUTH) == 180.0
    assert bearing_deg(0, 0, *WEST) == 270.0
    assert distance_m(0, 0, *EAST) == pytest.approx(11.1195, abs=1e-4)


@pytest.mark.parametrize(
    ("a", "b", "between"),
    [(350, 10, 20), (10, 350, 20), (0, 180, 180), (90, 90, 0), (359, 0, 1), (200, 20, 180)],
)
def test_angle_between_bearings_wraps_at_north(a, b, between):
    assert shapes.angle_between(a, b) == pytest.approx(between)


def test_destination_goes_the_distance_along_the_bearing():
    lat, lon = shapes.destination(35.3733, -119.0187, 37.0, 500.0)
    assert distance_m(35.3733, -119.0187, lat, lon) == pytest.approx(500.0, abs=1e-6)
    assert bearing_deg(35.3733, -119.0187, lat, lon) == pytest.approx(37.0, abs=1e-9)
    # Due north along a meridian: 500 m is 500 / 111,195.08 degrees of latitude.
    assert shapes.destination(0, 0, 0, 500.0) == pytest.approx((degrees(500), 0.0))


# The view cone ---------------------------------------------------------------------------


def test_point_straight_ahead_within_range_is_inside():
    assert in_view_cone(camera(0, 90), *NORTH)
    assert in_view_cone(camera(90, 90), *EAST)


def test_point_behind_or_to_the_side_is_outside():
    assert not in_view_cone(camera(180, 90), *NORTH)
    assert not in_view_cone(camera(90, 90), *NORTH)  # 90 degrees off, half-angle 45


def test_points_exactly_on_both_edges_of_the_cone_are_inside():
    # Facing 45 with a 90 degree view: the edges are the bearings 0 and 90.
    assert in_view_cone(camera(45, 90), *NORTH)
    assert in_view_cone(camera(45, 90), *EAST)
    assert not in_view_cone(camera(45, 90), *SOUTH)
    assert not in_view_cone(camera(45, 90), *WEST)


def test_point_just_outside_an_edge_is_outside():
    # Facing 45 with 89.99 degrees: the edges are at 0.005 and 89.995.
    assert not in_view_cone(camera(45, 89.99), *NORTH)
    assert not in_view_cone(camera(45, 89.99), *EAST)
    # Facing 46 with 90: edges at 1 and 91, so due east is in and due north is out.
    assert in_view_cone(camera(46, 90), *EAST)
    assert not in_view_cone(camera(46, 90), *NORTH)


def test_cone_across_north_wraps_around_360():
    # Direction 350 with a 40 degree view covers 330 through 0 to 10.
    five_east_of_north = (STEP * math.cos(math.radians(5)), STEP * math.sin(math.radians(5)))
    fifteen = (STEP * math.cos(math.radians(15)), STEP * math.sin(math.radians(15)))
    assert bearing_deg(0, 0, *five_east_of_north) == pytest.approx(5, abs=1e-6)
    assert in_view_cone(camera(350, 40), *five_east_of_north)
    assert in_view_cone(camera(350, 40), *NORTH)
    assert not in_view_cone(camera(350, 40), *fifteen)
    # Direction 10 with 40 covers 350 to 30: 5 degrees west of north (bearing 355) is in.
    five_west = (STEP * math.cos(math.radians(5)), -STEP * math.sin(math.radians(5)))
    assert in_view_cone(camera(10, 40), *five_west)
    assert not in_view_cone(camera(30, 40), *five_west)


def test_wrapped_cone_edges_are_inclusive():
    # Direction 315 with 90 covers 270 to 360: north and west are on its edges.
    assert in_view_cone(camera(315, 90), *NORTH)
    assert in_view_cone(camera(315, 90), *WEST)
    assert not in_view_cone(camera(315, 90), *EAST)
    # Direction 0 with 180 covers 270 through 0 to 90.
    assert in_view_cone(camera(0, 180), *EAST) and in_view_cone(camera(0, 180), *WEST)
    assert not in_view_cone(camera(0, 180), *SOUTH)


def test_range_is_inclusive():
    # Due east, 0.0001 degrees: 11.12 m away.
    assert not in_view_cone(camera(90, 90, range_m=11), *EAST)
    assert in_view_cone(camera(90, 90, range_m=12), *EAST)
    exactly_30_m_north = (degrees(30), 0.0)
    assert distance_m(0, 0, *exactly_30_m_north) == pytest.approx(30, abs=1e-9)
    assert in_view_cone(camera(0, 90, range_m=30), *exactly_30_m_north)
    assert not in_view_cone(camera(0, 90, range_m=30), degrees(30.01), 0.0)


def test_a_360_degree_camera_sees_every_bearing_within_range():
    for point in (NORTH, EAST, SOUTH, WEST):
        assert in_view_cone(camera(0, 360), *point)
    assert not in_view_cone(camera(0, 360, range_m=10), *EAST)


def test_a_point_at_the_camera_itself_is_inside():
    assert in_view_cone(camera(180, 1, range_m=1), 0.0, 0.0)
    assert in_view_cone(camera(90, 30, lat=35.3733, lon=-119.0187), 35.3733, -119.0187)


def test_cone_away_from_the_equator():
    # Bakersfield: a camera facing east sees a point 20 m east; facing north it does not.
    lat, lon = 35.3733, -119.0187
    east = shapes.destination(lat, lon, 90, 20)
    assert in_view_cone(camera(90, 60, lat=lat, lon=lon), *east)
    assert not in_view_cone(camera(0, 60, lat=lat, lon=lon), *east)


def test_view_cone_polygon_matches_the_point_test():
    view = camera(45, 90, range_m=30)
    cone = shapes.view_cone(view)
    assert cone.covers(Point(STEP * 0.7, STEP * 0.7))  # north-east, 15.7 m
    assert not cone.covers(Point(-STEP, -STEP))  # south-west
    assert not cone.covers(Point(degrees(40) * 0.7, degrees(40) * 0.7))  # beyond range
    full = shapes.view_cone(camera(0, 360, range_m=30))
    assert full.covers(Point(0, -degrees(29))) and not full.covers(Point(0, -degrees(31)))


# Circles -----------------------------------------------------------------------------------

BAKERSFIELD = (35.3733, -119.0187)


def test_circle_contains_points_up_to_its_radius():
    scene = shapes.CircleScene(*BAKERSFIELD, 640)
    lat, lon = BAKERSFIELD
    assert scene.contains(lat + degrees(639), lon)
    assert scene.contains(lat + degrees(640), lon)  # on the circle
    assert not scene.contains(lat + degrees(641), lon)
    assert scene.contains(*shapes.destination(lat, lon, 123, 639.9))
    assert not scene.contains(*shapes.destination(lat, lon, 123, 640.1))


def test_circle_area_and_bounds():
    scene = shapes.CircleScene(*BAKERSFIELD, 640)
    # pi * 640^2 = 1,286,796 m2 = 0.4968 square miles: "about 0.5 square miles".
    assert scene.area_m2 == pytest.approx(1_286_796.4, abs=0.1)
    assert scene.summary()["area_sq_mi"] == pytest.approx(0.4968, abs=1e-4)
    south, west, north, east = scene.bounds()
    # 640 m is 0.0057556 degrees of latitude; of longitude, that over cos(35.3733) = 0.81536.
    assert north - BAKERSFIELD[0] == pytest.approx(0.0057556, abs=1e-7)
    assert BAKERSFIELD[0] - south == pytest.approx(0.0057556, abs=1e-7)
    assert east - BAKERSFIELD[1] == pytest.approx(0.0057556 / 0.81536, abs=1e-6)
    # Every point on the circle is inside the bounds.
    for bearing in range(0, 360, 15):
        lat, lon = shapes.destination(*BAKERSFIELD, bearing, 640)
        assert south <= lat <= north and west <= lon <= east


def test_circle_assessment_measures_distance_to_the_scene_point():
    scene = shapes.CircleScene(0.0, 0.0, 100)
    near, far = scene.assess(
        [camera(270, 90, range_m=60, lon=degrees(50)), camera(90, 90, lon=degrees(150))]
    )
    assert near.inside and near.distance_m == pytest.approx(50, abs=1e-6) and near.faces
    assert not far.inside and far.distance_m == pytest.approx(150, abs=1e-6)
    assert not far.faces and not far.toward  # faces east, away from the scene
    short = scene.assess([camera(270, 90, range_m=30, lon=degrees(50))])[0]
    assert not short.faces and short.toward  # points at it, 50 m is beyond its 30 m


# Polygons -----------------------------------------------------------------------------------

SQUARE = {  # 0.01 x 0.01 degrees at the equator: 1,111.95 m on a side
    "type": "Polygon",
    "coordinates": [[[0, 0], [0.01, 0], [0.01, 0.01], [0, 0.01], [0, 0]]],
}


def test_polygon_area_in_square_metres_and_square_miles():
    scene = shapes.PolygonScene.from_geojson(SQUARE)
    side = 0.01 * ONE_DEGREE_M  # 1,111.9508 m
    assert scene.area_m2 == pytest.approx(side * side, rel=1e-6)  # 1,236,434.6 m2
    assert scene.area_sq_mi == pytest.approx(1_236_434.6 / SQ_MI, rel=1e-6)  # 0.47739
    assert shapes.area_sq_mi(shapes.polygon_from_geojson(SQUARE)) == pytest.approx(
        0.47739, abs=1e-5
    )


def test_polygon_area_at_bakersfield():
    # 0.01 degrees of latitude by 0.01 of longitude at 35.37 N: 1,111.95 m by 906.6 m.
    lat, lon = 35.3683, -119.0237
    square = {
        "type": "Polygon",
        "coordinates": [
            [[lon, lat], [lon + 0.01, lat], [lon + 0.01, lat + 0.01], [lon, lat + 0.01]]
        ],
    }
    width = 0.01 * ONE_DEGREE_M * math.cos(math.radians(lat + 0.005))
    expected = 0.01 * ONE_DEGREE_M * width  # about 1,008,100 m2
    assert shapes.PolygonScene.from_geojson(square).area_m2 == pytest.approx(expected, rel=1e-4)


def test_point_in_polygon_and_distance_to_it():
    scene = shapes.PolygonScene.from_geojson(SQUARE)
    assert scene.contains(0.005, 0.005)
    assert not scene.contains(0.005, 0.011)
    assert not scene.contains(-0.0001, 0.005)
    inside, outside = scene.assess(
        [camera(0, 90, lat=0.005, lon=0.005), camera(0, 90, lat=0.005, lon=0.011)]
    )
    assert inside.inside and inside.distance_m == 0 and inside.faces
    assert not outside.inside
    # 0.001 degrees east of the east edge: 111.195 m.
    assert outside.distance_m == pytest.approx(111.195, abs=0.01)


def test_camera_faces_an_area_when_its_cone_reaches_it():
    scene = shapes.PolygonScene.from_geojson(SQUARE)
    east_of_it = {"lat": 0.005, "lon": 0.011}  # 111.2 m east of the east edge
    cameras = [
        camera(270, 60, range_m=150, **east_of_it),  # faces west, reaches it
        camera(90, 60, range_m=150, **east_of_it),  # faces east, away
        camera(270, 60, range_m=100, **east_of_it),  # faces west, too short
        camera(270, 60, range_m=112, **east_of_it),  # just reaches it
        camera(0, 60, range_m=150, **east_of_it),  # faces north, along the edge
    ]
    assert [a.faces for a in scene.assess(cameras)] == [True, False, False, True, False]


@pytest.mark.parametrize(
    ("geojson", "message"),
    [
        ({"type": "Point", "coordinates": [0, 0]}, "Polygon"),
        ({"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [0, 0]]]}, "between 4"),
        (
            {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]},
            "crosses itself",
        ),
        (
            {
                "type": "Polygon",
                "coordinates": [
                    SQUARE["coordinates"][0],
                    [[0.002, 0.002], [0.003, 0.002], [0.003, 0.003], [0.002, 0.002]],
                ],
            },
            "without holes",
        ),
        ({"type": "Polygon", "coordinates": [[[0, 0], [0, 91], [1, 1], [0, 0]]]}, "out of range"),
        ({"type": "Polygon", "coordinates": [[[0, 0], ["x", 1], [1, 1], [0, 0]]]}, "numbers"),
        (
            {"type": "Polygon", "coordinates": [[[0, 0], [0, float("nan")], [1, 1], [0, 0]]]},
            "numbers",
        ),
        ("not geojson", "Polygon"),
    ],
)
def test_unusable_polygons_are_refused_with_a_reason(geojson, message):
    with pytest.raises(shapes.ShapeError, match=message):
        shapes.polygon_from_geojson(geojson)


def test_a_feature_holding_a_polygon_is_accepted_and_the_ring_is_closed():
    open_ring = {"type": "Polygon", "coordinates": [SQUARE["coordinates"][0][:-1]]}
    polygon = shapes.polygon_from_geojson({"type": "Feature", "geometry": open_ring})
    assert polygon.equals(shapes.polygon_from_geojson(SQUARE))


# Routes ---------------------------------------------------------------------------------------

ROUTE = {"type": "LineString", "coordinates": [[0, 0], [0.03, 0]]}  # 3,335.85 m east


def test_route_length():
    scene = shapes.RouteScene.from_geojson(ROUTE, 100)
    assert scene.length_m == pytest.approx(0.03 * ONE_DEGREE_M, rel=1e-6)  # 3,335.85 m
    bent = {"type": "LineString", "coordinates": [[0, 0], [0.01, 0], [0.01, 0.01]]}
    assert shapes.length_m(shapes.line_from_geojson(bent)) == pytest.approx(
        0.02 * ONE_DEGREE_M, rel=1e-6
    )


def test_corridor_holds_points_within_half_its_width_of_the_route():
    scene = shapes.RouteScene.from_geojson(ROUTE, 100)  # 50 m either side
    assert scene.contains(degrees(40), 0.015)
    assert scene.contains(degrees(-49.9), 0.015)
    assert not scene.contains(degrees(60), 0.015)
    # Round ends: 40 m beyond the end of the route is in, 60 m is not.
    assert scene.contains(0.0, 0.03 + degrees(40))
    assert not scene.contains(0.0, 0.03 + degrees(60))
    near = scene.assess([camera(180, 90, lat=degrees(40), lon=0.015)])[0]
    assert near.inside and near.distance_m == pytest.approx(40, abs=0.01) and near.faces


def test_corridor_area_is_length_times_width_plus_the_round_ends():
    scene = shapes.RouteScene.from_geojson(ROUTE, 100)
    # 3,335.85 x 100 + pi x 50^2 = 341,439 m2 (the ends are drawn as 32-sided polygons,
    # 51 m2 smaller than true circles).
    assert scene.area_m2 == pytest.approx(0.03 * ONE_DEGREE_M * 100 + math.pi * 2500, abs=60)
    corridor = shapes.corridor(shapes.line_from_geojson(ROUTE), 100)
    assert corridor.covers(Point(0.015, degrees(45))) and not corridor.covers(
        Point(0.015, degrees(55))
    )


def test_camera_beside_the_corridor_faces_it_only_when_pointed_at_it():
    scene = shapes.RouteScene.from_geojson(ROUTE, 100)
    beside = {"lat": degrees(80), "lon": 0.015}  # 80 m north of the route, 30 m outside
    south, north = scene.assess(
        [camera(180, 60, range_m=40, **beside), camera(0, 60, range_m=40, **beside)]
    )
    assert not south.inside and south.distance_m == pytest.approx(80, abs=0.01)
    assert south.faces and not north.faces


@pytest.mark.parametrize(
    "geojson",
    [
        {"type": "LineString", "coordinates": [[0, 0]]},
        {"type": "LineString", "coordinates": [[0, 0], [0, 0]]},
        {"type": "Polygon", "coordinates": SQUARE["coordinates"]},
        {"type": "LineString", "coordinates": [[0, 0], [181, 0]]},
    ],
)
def test_unusable_routes_are_refused(geojson):
    with pytest.raises(shapes.ShapeError):
        shapes.line_from_geojson(geojson)


def test_local_frame_round_trip_and_metres():
    frame = shapes.local_frame(*BAKERSFIELD)
    assert frame.xy(*BAKERSFIELD) == pytest.approx((0.0, 0.0), abs=1e-9)
    x, y = frame.xy(BAKERSFIELD[0] + degrees(500), BAKERSFIELD[1])
    assert (x, y) == pytest.approx((0.0, 500.0), abs=1e-6)
    lat, lon = frame.latlon(300.0, -400.0)
    assert distance_m(*BAKERSFIELD, lat, lon) == pytest.approx(500.0, abs=1e-6)


# A circle scene judges all its cameras at once: the same answers as one at a time ------


@pytest.mark.parametrize(
    ("view", "faces"),
    [
        (camera(45, 90), True),  # the scene lies on the cone's edge
        (camera(46, 90), False),  # just past it
        (camera(350, 40), True),  # a cone across north
        (camera(0, 360), True),
        (camera(0, 90, range_m=5), False),  # toward the scene, but its range falls short
    ],
)
def test_a_circle_assesses_cameras_as_the_view_cone_does(view, faces):
    scene = shapes.CircleScene(*NORTH, 50)
    (assessment,) = scene.assess([view])
    assert assessment.faces is faces is in_view_cone(view, *NORTH)
    assert assessment.toward is (faces or view.range_m == 5)
    assert assessment.inside is True
    assert assessment.distance_m == pytest.approx(distance_m(0, 0, *NORTH), abs=1e-6)


@given(
    st.lists(
        st.tuples(
            st.floats(-0.01, 0.01),
            st.floats(-0.01, 0.01),
            st.floats(0, 359.99),
            st.floats(1, 360),
            st.floats(1, 2000),
        ),
        max_size=30,
    ),
    st.floats(10, 1500),
)
def test_assessing_many_cameras_agrees_with_one_at_a_time(cameras, radius):
    lat, lon = 35.3733, -119.0187
    scene = shapes.CircleScene(lat, lon, radius)
    views = [CameraView(lat + dlat, lon + dlon, d, f, r) for dlat, dlon, d, f, r in cameras]
    assessments = scene.assess(views)
    assert len(assessments) == len(views)
    inside = scene.contains_many([v.lat for v in views], [v.lon for v in views])
    for view, assessment, is_inside in zip(views, assessments, inside, strict=True):
        faces, toward, distance = shapes._cone_test(view, lat, lon)
        assert assessment.distance_m == pytest.approx(distance, rel=1e-9, abs=1e-6)
        assert (assessment.faces, assessment.toward) == (faces, toward)
        assert assessment.inside is is_inside is scene.contains(view.lat, view.lon)

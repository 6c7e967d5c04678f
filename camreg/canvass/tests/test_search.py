"""A deputy's canvass: the right cameras, in the right order, with the right facts."""

from datetime import timedelta

import pytest

from camreg.audit.models import AuditEvent
from camreg.canvass import services
from camreg.canvass.limits import CanvassLimits
from camreg.registry.models import RegistrationStatus
from camreg.testing.canvass import CASE_NUMBER, NOW, START, circle, place, register

pytestmark = pytest.mark.django_db
LIMITS = CanvassLimits()


@pytest.fixture
def neighbourhood():
    """Cameras around the scene: facing toward and away, short and long retention."""
    return {
        # 40 m north, facing south at the scene: 30 days of video, 25 left.
        "north": register("Ana North", place(40, 0), {"direction": 180, "range_m": 60}),
        # 20 m east, facing east (away from the scene), 30 days.
        "east": register("Ben East", place(0, 20), {"direction": 90, "range_m": 60}),
        # 30 m west, facing east at the scene, but keeps only 3 days: overwritten.
        "west": register(
            "Cruz West", place(0, -30), {"direction": 90, "range_m": 50, "retention_days": 3}
        ),
        # 100 m south, facing north with a long range, 60 days, motion only.
        "south": register(
            "Dee South",
            place(-100, 0),
            {"direction": 0, "range_m": 150, "retention_days": 60, "recording_mode": "motion"},
        ),
        # 120 m north-east, pointing at the scene with too short a range.
        "short": register("Eli Short", place(85, 85), {"direction": 225, "range_m": 40}),
        # 700 m away: outside the 640 m circle.
        "far": register("Fay Far", place(700, 0), {"direction": 180, "range_m": 500}),
        # Registrations listed apart.
        "lapsed": register(
            "Gil Lapsed",
            place(10, 10),
            {"direction": 225},
            status=RegistrationStatus.LAPSED,
        ),
        "pending": register(
            "Hal Pending",
            place(-50, 0),
            {"direction": 90},
            status=RegistrationStatus.PENDING_REVIEW,
        ),
        # Never listed.
        "unverified": register("Ida Unverified", place(5, 5), status=RegistrationStatus.UNVERIFIED),
        "rejected": register("Jo Rejected", place(-5, 5), status=RegistrationStatus.REJECTED),
        "left": register("Kim Left", place(5, -5), status=RegistrationStatus.LEFT),
    }


def names(results):
    return [r.name for r in results]


def test_ranked_best_first_facing_and_retained_then_nearest(neighbourhood, deputy):
    result = services.search(circle(), limits=LIMITS, actor=deputy.user, now=NOW)
    assert names(result.cameras) == [
        "Ana North",  # faces the scene, video kept, 40 m
        "Dee South",  # faces the scene, video kept, 100 m
        "Ben East",  # video kept, faces away, 20 m
        "Eli Short",  # video kept, points at it but its range falls short, 120 m
        "Cruz West",  # faces the scene, but its video is overwritten
    ]
    assert [r.rank for r in result.cameras] == [1, 2, 3, 4, 5]


def test_each_result_says_why_it_ranks_where_it_does(neighbourhood, deputy):
    result = services.search(circle(), limits=LIMITS, actor=deputy.user, now=NOW)
    reasons = {r.name: r.reason for r in result.cameras}
    assert reasons["Ana North"] == "faces the scene, 25 days of video left, 131 ft away"
    assert reasons["Dee South"] == (
        "faces the scene, 55 days of video left, 328 ft away, records on motion only"
    )
    assert reasons["Ben East"] == "does not face the scene, 25 days of video left, 66 ft away"
    assert reasons["Eli Short"] == (
        "points toward the scene, but its 131 ft range does not reach it, "
        "25 days of video left, 394 ft away"
    )
    assert reasons["Cruz West"] == "faces the scene, video overwritten 2 days ago, 98 ft away"


def test_facts_for_each_camera(neighbourhood, deputy):
    result = services.search(circle(), limits=LIMITS, actor=deputy.user, now=NOW)
    north, *_, west = result.cameras
    assert north.faces_scene and north.video_retained and north.days_left == 25
    assert north.distance_m == pytest.approx(40, abs=0.1)
    assert north.overwrite_at == START + timedelta(days=30)
    assert north.recording_mode == "continuous" and north.recording_note == ""
    assert north.owner_can_export is True
    assert (north.preferred_contact, north.contact_hours, north.language) == (
        "phone",
        "Evenings",
        "en",
    )
    assert (north.phone, north.email) == ("+16615550100", "ana@example.com")
    assert north.address_line == "1200 Truxtun Ave, Bakersfield, CA 93301"
    assert north.registrant_id == neighbourhood["north"].pk
    assert north.site_id == neighbourhood["north"].sites.get().pk
    assert north.registration_status == "active" and not north.listed_apart
    assert not west.video_retained and west.days_left == -2
    south = next(r for r in result.cameras if r.name == "Dee South")
    assert "motion only" in south.recording_note


def test_lapsed_and_unconfirmed_are_listed_apart(neighbourhood, deputy):
    result = services.search(circle(), limits=LIMITS, actor=deputy.user, now=NOW)
    assert names(result.apart) == ["Gil Lapsed", "Hal Pending"]
    assert [r.registration_status for r in result.apart] == ["lapsed", "pending_review"]
    assert all(r.listed_apart for r in result.apart)
    assert result.counts == {
        "active": 5,
        "lapsed": 1,
        "unconfirmed": 1,
        "total": 7,
        "registrants": 7,
    }


def test_unverified_rejected_and_left_registrations_never_appear(neighbourhood, deputy):
    result = services.search(circle(), limits=LIMITS, actor=deputy.user, now=NOW)
    listed = set(names(result.cameras) + names(result.apart))
    assert not listed & {"Ida Unverified", "Jo Rejected", "Kim Left", "Fay Far"}


def test_a_smaller_circle_finds_fewer(neighbourhood, deputy):
    result = services.search(circle(radius_m=50), limits=LIMITS, actor=deputy.user, now=NOW)
    assert names(result.cameras) == ["Ana North", "Ben East", "Cruz West"]


def test_video_of_an_old_incident_is_gone(neighbourhood, deputy):
    later = NOW + timedelta(days=40)
    result = services.search(circle(), limits=LIMITS, actor=deputy.user, now=later)
    kept = {r.name: r.video_retained for r in result.cameras}
    assert kept == {
        "Ana North": False,
        "Ben East": False,
        "Cruz West": False,
        "Dee South": True,  # 60 days
        "Eli Short": False,
    }
    assert result.cameras[0].name == "Dee South"


def test_less_than_a_day_left_and_no_recordings(deputy):
    register("Lou Soon", place(10, 0), {"direction": 180, "retention_days": 5})
    register("Max None", place(-10, 0), {"direction": 0, "retention_days": 0})
    result = services.search(
        circle(), limits=LIMITS, actor=deputy.user, now=START + timedelta(days=4, hours=20)
    )
    soon, none = result.cameras
    assert soon.days_left == 0 and soon.video_retained
    assert "less than a day of video left" in soon.reason
    assert not none.video_retained and "keeps no recordings" in none.reason


def test_every_camera_of_a_site_is_listed(deputy):
    register(
        "Nia Two",
        place(10, 0),
        {"label": "Porch", "direction": 180},
        {"label": "Garage", "direction": 0},
    )
    result = services.search(circle(), limits=LIMITS, actor=deputy.user, now=NOW)
    assert [(r.label, r.faces_scene) for r in result.cameras] == [
        ("Porch", True),
        ("Garage", False),
    ]


def test_the_search_is_audited_with_parameters_and_counts(neighbourhood, deputy):
    result = services.search(circle(), limits=LIMITS, actor=deputy.user, now=NOW)
    event = AuditEvent.objects.get(action="canvass.searched")
    assert result.audit_event_id == event.pk
    assert event.outcome == "success" and event.actor_id == str(deputy.user.pk)
    assert event.case_number == CASE_NUMBER
    details = event.details
    assert details["kind"] == "point" and details["radius_m"] == 640
    assert details["latitude"] == pytest.approx(35.3733)
    assert details["start"] == START.isoformat()
    assert details["purpose_statement"].startswith("Burglary investigation")
    assert details["results"] == result.counts
    assert result.counts["lapsed"] == 1 and result.apart  # counted before the ranking
    assert details["registrant_ids"] == sorted(
        {c.registrant_id for c in (*result.cameras, *result.apart)}
    )
    assert len(details["registrant_ids"]) == 7
    assert not AuditEvent.objects.filter(action="canvass.limit_overridden").exists()


def test_a_polygon_search(neighbourhood, deputy):
    south_west, north_east = place(-60, -60), place(60, 60)
    polygon = {
        "type": "Polygon",
        "coordinates": [
            [
                [south_west[1], south_west[0]],
                [north_east[1], south_west[0]],
                [north_east[1], north_east[0]],
                [south_west[1], north_east[0]],
                [south_west[1], south_west[0]],
            ]
        ],
    }
    params = circle(latitude=None, longitude=None, radius_m=None, polygon=polygon)
    result = services.search(params, limits=LIMITS, actor=deputy.user, now=NOW)
    # Inside the 120 m square: north (40 m), east (20 m), west (30 m).
    assert names(result.cameras) == ["Ana North", "Ben East", "Cruz West"]
    assert all(r.distance_m == 0 and r.inside_area for r in result.cameras)
    assert result.cameras[0].reason == "faces the scene, 25 days of video left, in the area"
    assert names(result.apart) == ["Gil Lapsed", "Hal Pending"]


def test_a_route_search(neighbourhood, deputy):
    # A path from 300 m west to 300 m east of the scene, passing 35 m north of it.
    west, east = place(35, -300), place(35, 300)
    route = {"type": "LineString", "coordinates": [[west[1], west[0]], [east[1], east[0]]]}
    params = circle(latitude=None, longitude=None, radius_m=None, route=route, corridor_width_m=40)
    result = services.search(params, limits=LIMITS, actor=deputy.user, now=NOW)
    # Within 20 m of the path: only the camera 40 m north of the scene (5 m from it).
    assert names(result.cameras) == ["Ana North"]
    assert result.cameras[0].distance_m == pytest.approx(5, abs=0.1)
    assert result.scene.length_m == pytest.approx(600, abs=0.5)


def test_search_for_a_case(deputy, neighbourhood):
    case = services.create_case(
        actor=deputy.user,
        case_number=CASE_NUMBER,
        incident_type="Burglary",
        start=START,
        end=START + timedelta(hours=2),
        latitude=35.3733,
        longitude=-119.0187,
        radius_m=100,
        address="1200 Truxtun Ave, Bakersfield",
        purpose_statement="Burglary; not aimed at protected activity.",
    )
    result = services.search(case, limits=LIMITS, actor=deputy.user, now=NOW)
    assert names(result.cameras)[:2] == ["Ana North", "Dee South"]
    event = AuditEvent.objects.get(action="canvass.searched")
    assert (event.target_type, event.target_id) == ("canvass.case", str(case.pk))
    assert event.details["case_id"] == case.pk


def test_results_carry_the_map_shapes(neighbourhood, deputy):
    result = services.search(circle(radius_m=100), limits=LIMITS, actor=deputy.user, now=NOW)
    area = result.area_geojson()
    assert area["type"] == "Polygon" and len(area["coordinates"][0]) > 60
    cone = result.cameras[0].cone_geojson()
    assert cone["type"] == "Polygon"

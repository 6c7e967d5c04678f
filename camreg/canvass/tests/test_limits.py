"""Limits that protect residents: each one refuses with its code and a clear message;
a supervisor may exceed the size and time limits with a written reason, audited."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied

from camreg.audit.models import AuditEvent
from camreg.canvass import services
from camreg.canvass.limits import CanvassLimits, InvalidSearch, LimitExceeded
from camreg.testing.canvass import NOW, SCENE, START, circle, place, register
from camreg.testing.staff import make_staff, verified

pytestmark = pytest.mark.django_db
LIMITS = CanvassLimits()


def square(side_m: float) -> dict:
    south_west, north_east = place(-side_m / 2, -side_m / 2), place(side_m / 2, side_m / 2)
    (s, w), (n, e) = south_west, north_east
    return {"type": "Polygon", "coordinates": [[[w, s], [e, s], [e, n], [w, n], [w, s]]]}


def route(length_m: float) -> dict:
    end = place(0, length_m)
    return {"type": "LineString", "coordinates": [[SCENE[1], SCENE[0]], [end[1], end[0]]]}


AREA = {"latitude": None, "longitude": None, "radius_m": None}

CASES = [
    ("case_number_missing", {"case_number": "  "}, "Enter the case number"),
    (
        "case_number_invalid",
        {"case_number": "2026-47"},
        "The case number 2026-47 is not in the agency's format, for example KC2026-001234.",
    ),
    (
        "time_window_too_short",
        {"end": START + timedelta(minutes=10)},
        "The time window is 10 minutes; it must be at least 15 minutes.",
    ),
    (
        "time_window_too_long",
        {"end": START + timedelta(hours=13)},
        "The time window is 13 hours; the limit is 12 hours.",
    ),
    (
        "radius_too_large",
        {"radius_m": 800},
        "The search radius is 800 m; the limit is 640 m. Make the circle smaller.",
    ),
    (
        "polygon_too_large",
        {**AREA, "polygon": square(1200)},  # 1.44 km2 = 0.56 square miles
        "The area drawn is 0.56 square miles; the limit is 0.5 square miles.",
    ),
    (
        "route_too_long",
        {**AREA, "route": route(5200), "corridor_width_m": 100},
        "The route is 5,200 m long; the limit is 5,000 m. Shorten the route.",
    ),
    (
        "corridor_too_wide",
        {**AREA, "route": route(1000), "corridor_width_m": 200},
        "The corridor is 200 m wide; the limit is 150 m. Make it narrower.",
    ),
    (
        "purpose_statement_missing",
        {"purpose_statement": ""},
        "Confirm the purpose statement: the search must not be aimed at lawful protest",
    ),
]


@pytest.mark.parametrize(("code", "changes", "message"), CASES, ids=[c[0] for c in CASES])
def test_each_limit_refuses_with_its_code_and_message(deputy, code, changes, message):
    with pytest.raises(LimitExceeded) as refused:
        services.search(circle(**changes), limits=LIMITS, actor=deputy.user, now=NOW)
    assert refused.value.code == code
    assert refused.value.codes == [code]
    assert message in refused.value.message
    event = AuditEvent.objects.get(action="canvass.searched")
    assert event.outcome == "denied" and event.details["refused"] == [code]


def test_within_every_limit_is_allowed(deputy):
    services.search(circle(radius_m=640), limits=LIMITS, actor=deputy.user, now=NOW)
    allowed = [
        circle(end=START + timedelta(minutes=15)),
        circle(end=START + timedelta(hours=12)),
        circle(**AREA, polygon=square(1100)),  # 1.21 km2 = 0.47 square miles
        circle(**AREA, route=route(4900), corridor_width_m=150),
    ]
    for params in allowed:
        services.search(params, limits=LIMITS, actor=deputy.user, now=NOW)
    assert AuditEvent.objects.filter(action="canvass.searched", outcome="success").count() == 5


def test_all_broken_limits_are_named_at_once(deputy):
    params = circle(radius_m=900, end=START + timedelta(hours=20))
    with pytest.raises(LimitExceeded) as refused:
        services.search(params, limits=LIMITS, actor=deputy.user, now=NOW)
    assert refused.value.codes == ["time_window_too_long", "radius_too_large"]
    assert "A supervisor may exceed this limit with a written reason." in refused.value.message


def test_limits_come_from_the_agency():
    class Agency:
        case_number_pattern = r"^\d{2}-\d{5}$"
        case_number_example = "26-00042"
        canvass_max_radius_m = 300
        canvass_min_window_minutes = 5
        canvass_max_window_minutes = 240
        canvass_require_purpose_statement = False

    limits = CanvassLimits.from_agency(Agency())
    assert limits.max_radius_m == 300 and limits.case_number_pattern == r"^\d{2}-\d{5}$"
    assert limits.max_window_minutes == 240 and not limits.require_purpose_statement
    # Limits the agency does not have keep their defaults.
    assert limits.max_area_sq_mi == 0.5 and limits.max_corridor_width_m == 150
    assert CanvassLimits.from_agency(object()) == CanvassLimits()


def test_an_agency_pattern_and_switched_off_limits(deputy):
    limits = CanvassLimits(
        case_number_pattern=r"^\d{2}-\d{5}$",
        case_number_example="26-00042",
        max_radius_m=None,
        require_purpose_statement=False,
    )
    params = circle(case_number="26-00042", radius_m=5000, purpose_statement="")
    services.search(params, limits=limits, actor=deputy.user, now=NOW)
    with pytest.raises(LimitExceeded, match="for example 26-00042"):
        services.search(circle(), limits=limits, actor=deputy.user, now=NOW)


# Overrides -------------------------------------------------------------------------------


def test_a_supervisor_overrides_with_a_reason_and_it_is_audited(supervisor):
    register("Ana North", place(700, 0), {"direction": 180, "range_m": 100})
    reason = "Armed robbery; suspect fled north, footage needed from the whole block."
    result = services.search(
        circle(radius_m=800), limits=LIMITS, actor=supervisor.user, override_reason=reason, now=NOW
    )
    assert [r.name for r in result.cameras] == ["Ana North"]
    assert [v.code for v in result.overridden] == ["radius_too_large"]
    override = AuditEvent.objects.get(action="canvass.limit_overridden")
    assert override.reason == reason and override.actor_id == str(supervisor.user.pk)
    assert override.details["limits"][0]["code"] == "radius_too_large"
    assert override.details["limits"][0]["limit"] == 640
    assert override.details["limits"][0]["value"] == 800
    searched = AuditEvent.objects.get(action="canvass.searched")
    assert searched.reason == reason and searched.details["overridden"] == ["radius_too_large"]
    assert searched.details["results"]["total"] == 1


def test_a_supervisor_without_a_reason_is_refused(supervisor):
    for reason in ("", "   "):
        with pytest.raises(LimitExceeded) as refused:
            services.search(
                circle(radius_m=800),
                limits=LIMITS,
                actor=supervisor.user,
                override_reason=reason,
                now=NOW,
            )
        assert refused.value.code == "radius_too_large"
    assert not AuditEvent.objects.filter(action="canvass.limit_overridden").exists()


def test_a_deputy_cannot_override(deputy):
    with pytest.raises(LimitExceeded) as refused:
        services.search(
            circle(radius_m=800),
            limits=LIMITS,
            actor=deputy.user,
            override_reason="I really need it",
            now=NOW,
        )
    assert "Only a supervisor can exceed a limit." in refused.value.message
    assert not AuditEvent.objects.filter(action="canvass.limit_overridden").exists()
    assert AuditEvent.objects.get(action="canvass.searched").outcome == "denied"


@pytest.mark.parametrize(
    "changes",
    [{"case_number": ""}, {"case_number": "nope"}, {"purpose_statement": ""}],
)
def test_case_number_and_purpose_statement_cannot_be_overridden(supervisor, changes):
    with pytest.raises(LimitExceeded):
        services.search(
            circle(**changes),
            limits=LIMITS,
            actor=supervisor.user,
            override_reason="Urgent",
            now=NOW,
        )
    assert not AuditEvent.objects.filter(action="canvass.limit_overridden").exists()


def test_an_unneeded_override_reason_is_not_an_override(supervisor):
    result = services.search(
        circle(), limits=LIMITS, actor=supervisor.user, override_reason="Just in case", now=NOW
    )
    assert result.overridden == []
    assert not AuditEvent.objects.filter(action="canvass.limit_overridden").exists()
    assert AuditEvent.objects.get(action="canvass.searched").reason == ""


# Who may search ----------------------------------------------------------------------------


@pytest.mark.parametrize("roles", [("auditor",), ("program_coordinator",), ()])
def test_staff_without_the_canvass_permission_are_refused(db, roles):
    user = verified(make_staff(*roles))
    with pytest.raises(PermissionDenied):
        services.search(circle(), limits=LIMITS, actor=user, now=NOW)
    event = AuditEvent.objects.get(action="canvass.searched")
    assert event.outcome == "denied" and event.details["refused"] == ["permission_denied"]


def test_a_deputy_without_the_second_factor_is_refused(db):
    user = verified(make_staff("deputy"), False)
    with pytest.raises(PermissionDenied):
        services.search(circle(), limits=LIMITS, actor=user, now=NOW)


def test_investigators_and_supervisors_may_search(db):
    for email, role in (("i@example.org", "investigator"), ("s@example.org", "supervisor")):
        services.search(
            circle(), limits=LIMITS, actor=verified(make_staff(role, email=email)), now=NOW
        )


# Malformed searches --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"end": START - timedelta(minutes=30)}, "time_window_invalid"),
        ({"start": START.replace(tzinfo=None)}, "time_invalid"),
        ({"radius_m": 0}, "radius_invalid"),
        ({"radius_m": float("nan")}, "radius_invalid"),
        ({"latitude": 95.0}, "location_invalid"),
        ({**AREA}, "location_invalid"),
        ({"polygon": square(100)}, "location_invalid"),  # a point and a polygon
        ({**AREA, "polygon": {"type": "Polygon", "coordinates": [[[0, 0]]]}}, "geometry_invalid"),
        ({**AREA, "route": route(100)}, "corridor_width_invalid"),
        (
            {**AREA, "polygon": {"type": "Polygon", "coordinates": [[[0, float("nan")]] * 4]}},
            "geometry_invalid",
        ),
    ],
)
def test_malformed_searches_are_refused_and_audited(deputy, changes, code):
    with pytest.raises(InvalidSearch) as refused:
        services.search(circle(**changes), limits=LIMITS, actor=deputy.user, now=NOW)
    assert refused.value.code == code and refused.value.message
    assert AuditEvent.objects.get(action="canvass.searched").details["refused"] == [code]


def test_a_radius_just_over_the_limit_says_so(deputy):
    with pytest.raises(LimitExceeded, match=r"The search radius is 640.3 m; the limit is 640 m\."):
        services.search(circle(radius_m=640.3), limits=LIMITS, actor=deputy.user, now=NOW)

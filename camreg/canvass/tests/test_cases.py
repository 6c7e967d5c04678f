"""Creating a case: the agency's case number format, a place, a time; audited."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied

from camreg.audit.models import AuditEvent
from camreg.canvass import services
from camreg.canvass.limits import CanvassLimits, InvalidSearch, LimitExceeded
from camreg.canvass.models import Case, LocationKind
from camreg.testing.canvass import CASE_NUMBER, NOW, PURPOSE, SCENE, START, place, register

pytestmark = pytest.mark.django_db


def create(actor, **changes) -> Case:
    values = {
        "actor": actor,
        "case_number": CASE_NUMBER,
        "incident_type": "Burglary",
        "start": START,
        "end": START + timedelta(hours=1),
        "latitude": SCENE[0],
        "longitude": SCENE[1],
        "radius_m": 300,
        "address": "1200 Truxtun Ave, Bakersfield",
        "purpose_statement": PURPOSE,
        **changes,
    }
    return services.create_case(**values)


def test_a_deputy_creates_a_point_case(deputy):
    case = create(deputy.user)
    assert case.location_kind == LocationKind.POINT
    assert (case.latitude, case.longitude, case.radius_m) == (*SCENE, 300)
    assert case.created_by == deputy.user and case.start == START
    event = AuditEvent.objects.get(action="canvass.case_created")
    assert (event.target_type, event.target_id) == ("canvass.case", str(case.pk))
    assert event.case_number == CASE_NUMBER and event.details["radius_m"] == 300


def test_polygon_and_route_cases(deputy):
    a, b, c = place(-100, -100), place(-100, 100), place(100, 0)
    polygon = {"type": "Polygon", "coordinates": [[[p[1], p[0]] for p in (a, b, c, a)]]}
    case = create(deputy.user, latitude=None, longitude=None, radius_m=None, polygon=polygon)
    assert case.location_kind == LocationKind.POLYGON and case.area == polygon
    assert case.radius_m is None
    # The case's point is the middle of the area.
    assert case.latitude == pytest.approx(place(-100 / 3, 0)[0], abs=1e-5)
    line = {"type": "LineString", "coordinates": [[a[1], a[0]], [c[1], c[0]]]}
    case = create(
        deputy.user,
        case_number="KC2026-004712",
        latitude=None,
        longitude=None,
        radius_m=None,
        route=line,
        corridor_width_m=60,
    )
    assert case.location_kind == LocationKind.ROUTE and case.corridor_width_m == 60


def test_the_case_number_follows_the_agency_format(deputy):
    limits = CanvassLimits(case_number_pattern=r"^\d{2}-\d{5}$", case_number_example="26-00042")
    with pytest.raises(LimitExceeded) as refused:
        create(deputy.user, limits=limits)
    assert refused.value.code == "case_number_invalid"
    assert "for example 26-00042" in refused.value.message
    assert create(deputy.user, case_number=" 26-00042 ", limits=limits).case_number == "26-00042"


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"case_number": ""}, "case_number_missing"),
        ({"purpose_statement": ""}, "purpose_statement_missing"),
    ],
)
def test_case_number_and_purpose_statement_are_required(deputy, changes, code):
    with pytest.raises(LimitExceeded) as refused:
        create(deputy.user, **changes)
    assert refused.value.code == code
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"incident_type": " "}, "incident_type_missing"),
        ({"end": START - timedelta(hours=1)}, "time_window_invalid"),
        ({"radius_m": None}, "radius_invalid"),
        ({"latitude": None, "longitude": None, "radius_m": None}, "location_invalid"),
    ],
)
def test_unusable_cases_are_refused(deputy, changes, code):
    with pytest.raises(InvalidSearch) as refused:
        create(deputy.user, **changes)
    assert refused.value.code == code
    assert not Case.objects.exists()


def test_size_limits_wait_for_the_search(deputy, supervisor):
    """A case may describe a large area; searching it needs a supervisor's override."""
    register("Ana North", place(40, 0), {"direction": 180})
    case = create(deputy.user, radius_m=1000)
    with pytest.raises(LimitExceeded, match="1,000 m"):
        services.search(case, limits=CanvassLimits(), actor=deputy.user, now=NOW)
    result = services.search(
        case,
        limits=CanvassLimits(),
        actor=supervisor.user,
        override_reason="Shooting; the suspect's car crossed the whole area.",
        now=NOW,
    )
    assert [r.name for r in result.cameras] == ["Ana North"]


def test_only_canvass_roles_create_cases(coordinator):
    with pytest.raises(PermissionDenied):
        create(coordinator.user)
    assert not Case.objects.exists()

"""manage.py setup_agency: creates exactly one agency from a boundary file, audited as the
system; refuses bad input with a clear message and changes nothing; refuses a second run
unless --update."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from camreg.agency import services as agency_services
from camreg.agency.models import Agency, ConfirmMode
from camreg.audit.models import ActorType, AuditEvent

pytestmark = [pytest.mark.django_db, pytest.mark.no_agency]

# A made-up county in Nevada, so nothing here is the demo's Kern County.
BOX = [[[-120.0, 39.0], [-119.0, 39.0], [-119.0, 40.0], [-120.0, 40.0], [-120.0, 39.0]]]
WIDER = [[[-120.5, 38.5], [-118.5, 38.5], [-118.5, 40.5], [-120.5, 40.5], [-120.5, 38.5]]]


def feature_collection(coordinates) -> dict:
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"NAME": "Example"},
                "geometry": {"type": "Polygon", "coordinates": coordinates},
            }
        ],
    }


@pytest.fixture
def boundary_file(tmp_path):
    path = tmp_path / "example-county.geojson"
    path.write_text(json.dumps(feature_collection(BOX)))
    return path


def arguments(boundary, **changes) -> list[str]:
    options = {
        "--name": "Example County Sheriff's Office",
        "--name-es": "Oficina del Sheriff del Condado de Example",
        "--short-name": "ECSO",
        "--contact-email": "cameras@example.org",
        "--contact-phone": "(775) 555-0100",
        "--time-zone": "America/Los_Angeles",
        "--jurisdiction-name": "Example County",
        "--state": "NV",
        "--boundary": str(boundary),
        **changes,
    }
    result = []
    for option, value in options.items():
        if value is not None:
            result += [option, value]
    return result


def setup_agency(*args: str) -> str:
    out = io.StringIO()
    call_command("setup_agency", *args, stdout=out)
    return out.getvalue()


def refused(*args: str) -> str:
    with pytest.raises(CommandError) as excinfo:
        setup_agency(*args)
    assert not Agency.objects.exists(), "a refused setup must create nothing"
    assert not AuditEvent.objects.exists()
    return str(excinfo.value)


def test_creates_exactly_one_agency_from_the_boundary_file(boundary_file, client):
    assert client.get("/").status_code == 503
    output = setup_agency(*arguments(boundary_file))
    assert "Set up Example County Sheriff's Office" in output

    agency = Agency.objects.get()
    assert agency.name == "Example County Sheriff's Office"
    assert agency.name_in("es") == "Oficina del Sheriff del Condado de Example"
    assert agency.name_in("en") == "Example County Sheriff's Office"
    assert agency.short_name == "ECSO"
    assert agency.program_name == "Camera Registry Program"
    assert agency.contact_phone == "(775) 555-0100"
    assert agency.time_zone == "America/Los_Angeles"
    assert agency.state_codes == ("NV",)
    assert agency.confirm_mode == ConfirmMode.REVIEW
    assert agency.boundary == {"type": "Polygon", "coordinates": BOX}
    assert agency_services.current() == agency
    assert agency_services.map_bounds() == [[39.0, -120.0], [40.0, -119.0]]

    event = AuditEvent.objects.get()
    assert event.action == "agency.set_up"
    assert event.actor_type == ActorType.SYSTEM
    assert event.target_id == str(agency.pk)
    assert event.details["values"]["name"] == agency.name
    assert event.details["boundary"]["file_name"] == "example-county.geojson"
    assert event.details["boundary"]["bbox"] == [-120.0, 39.0, -119.0, 40.0]

    response = client.get("/")
    assert response.status_code == 200
    assert "ECSO" in response.content.decode()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"--contact-phone": "555-01"}, "--contact-phone: This is not a phone number"),
        ({"--time-zone": "Pacific Time"}, "--time-zone: Value 'Pacific Time' is not a valid"),
        ({"--state": "XX"}, "--state: XX is not a U.S. state code"),
        ({"--contact-email": "not an address"}, "--contact-email: Enter a valid email"),
        ({"--name": None}, "--name: This is needed to set up the agency."),
        ({"--boundary": None}, "--boundary: This is needed to set up the agency."),
    ],
    ids=["phone", "time-zone", "state", "email", "no-name", "no-boundary"],
)
def test_bad_values_are_refused_and_nothing_changes(boundary_file, changes, message):
    assert message in refused(*arguments(boundary_file, **changes))


def test_a_bad_boundary_file_is_refused_and_nothing_changes(tmp_path):
    missing = tmp_path / "missing.geojson"
    assert "--boundary: cannot read" in refused(*arguments(missing))

    not_json = tmp_path / "not.geojson"
    not_json.write_text("this is not json")
    assert "--boundary: The file is not GeoJSON" in refused(*arguments(not_json))

    point = tmp_path / "point.geojson"
    point.write_text(json.dumps({"type": "Point", "coordinates": [-119.5, 39.5]}))
    assert "must be a Polygon or a MultiPolygon" in refused(*arguments(point))

    projected = tmp_path / "projected.geojson"  # meters, not degrees
    projected.write_text(
        json.dumps(feature_collection([[[250000, 4300000], [260000, 4300000], [260000, 4310000]]]))
    )
    assert "coordinates are out of range" in refused(*arguments(projected))


def test_a_second_run_is_refused_without_update(boundary_file, tmp_path):
    setup_agency(*arguments(boundary_file))
    before = Agency.objects.get()
    with pytest.raises(CommandError, match="already set up.*--update"):
        setup_agency(*arguments(boundary_file, **{"--name": "Another Sheriff's Office"}))
    assert list(Agency.objects.all()) == [before]
    assert Agency.objects.get().name == "Example County Sheriff's Office"
    assert AuditEvent.objects.count() == 1

    wider = tmp_path / "wider.geojson"
    wider.write_text(json.dumps(feature_collection(WIDER)))
    output = setup_agency("--update", "--contact-phone", "(775) 555-0199", "--boundary", str(wider))
    assert "changed contact_phone, boundary" in output
    agency = Agency.objects.get()
    assert agency.pk == before.pk
    assert agency.contact_phone == "(775) 555-0199"
    assert agency.name == "Example County Sheriff's Office"
    assert agency_services.map_bounds() == [[38.5, -120.5], [40.5, -118.5]]
    actions = list(AuditEvent.objects.order_by("pk").values_list("action", "actor_type"))
    assert actions == [
        ("agency.set_up", ActorType.SYSTEM),
        ("agency.setup_updated", ActorType.SYSTEM),
        ("settings.boundary_replaced", ActorType.SYSTEM),
    ]

    with pytest.raises(CommandError, match="--state: ZZ is not a U.S. state code"):
        setup_agency("--update", "--state", "ZZ", "--contact-phone", "(775) 555-0111")
    assert Agency.objects.get().contact_phone == "(775) 555-0199"
    assert AuditEvent.objects.count() == 3

"""The canvass console pages: creating cases, the search page, contact sheet and CSV export."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from camreg.agency import services as agency_services
from camreg.audit.models import AuditEvent
from camreg.canvass import views
from camreg.canvass.limits import PURPOSE_STATEMENT
from camreg.canvass.models import Case, LocationKind
from camreg.testing.canvass import CASE_NUMBER, SCENE, local, place, register, scene_fixture
from camreg.testing.staff import staff_client

pytestmark = pytest.mark.django_db


def form_data(**changes) -> dict:
    start = (timezone.now() - timedelta(days=5)).replace(second=0, microsecond=0)
    data = {
        "case_number": CASE_NUMBER,
        "incident_type": "Burglary",
        "where": "point",
        "latitude": str(SCENE[0]),
        "longitude": str(SCENE[1]),
        "radius_m": "150",
        "corridor_width_m": "50",
        "start": local(start),
        "end": local(start + timedelta(hours=1)),
        "purpose": "on",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def create(client, **changes):
    return client.post(reverse("canvass:case-create"), form_data(**changes))


# Creating cases ------------------------------------------------------------------------


def test_the_form_shows_the_example_and_the_purpose_statement(deputy):
    page = deputy.get(reverse("canvass:case-create")).content.decode()
    assert "KC2026-001234" in page
    assert PURPOSE_STATEMENT in page
    assert 'name="polygon"' in page and 'name="route"' in page
    # The agency's example address (its profile's), on one line with its state.
    assert "for example 1701 Ming Ave, Bakersfield, CA 93304." in page


def test_a_case_from_an_address(deputy, address_points):
    response = create(
        deputy,
        where="address",
        address="1200 Truxtun Ave, Bakersfield, CA 93301",
        latitude="",
        longitude="",
    )
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("canvass:case", kwargs={"pk": case.pk})
    assert case.location_kind == LocationKind.POINT
    assert abs(case.latitude - 35.3733) < 1e-4 and abs(case.longitude + 119.0210) < 1e-4
    assert case.radius_m == 150
    assert "Truxtun" in case.address
    assert case.purpose_statement == PURPOSE_STATEMENT
    assert case.created_by == deputy.user
    assert (case.end - case.start) == timedelta(hours=1)


def test_an_address_not_found_is_a_clear_error(deputy, address_points):
    response = create(deputy, where="address", address="1 Nowhere Rd, Atlantis")
    assert response.status_code == 200
    assert "Address: We could not find this address" in response.content.decode()
    assert not Case.objects.exists()


def test_a_case_from_a_point_times_in_the_agency_time_zone(deputy):
    zone = ZoneInfo(agency_services.current().time_zone)
    create(deputy, start="2026-11-10T22:30", end="2026-11-10T23:15")
    case = Case.objects.get()
    assert (case.latitude, case.longitude) == SCENE
    assert timezone.localtime(case.start, zone).strftime("%Y-%m-%d %H:%M") == "2026-11-10 22:30"
    assert case.start.utcoffset() == timedelta(0)


def test_a_case_from_a_polygon_typed_as_lines(deputy):
    a, b, c = place(-100, -100), place(-100, 100), place(100, 0)
    text = "\n".join(f"{lat}, {lon}" for lat, lon in (a, b, c))
    assert create(deputy, where="polygon", polygon=text, latitude="").status_code == 302
    case = Case.objects.get()
    assert case.location_kind == LocationKind.POLYGON
    ring = case.area["coordinates"][0]
    assert ring[0] == ring[-1] == [a[1], a[0]] and len(ring) == 4


def test_a_case_from_a_pasted_geojson_route(deputy):
    a, b = place(0, -300), place(0, 300)
    geojson = json.dumps(
        {
            "type": "Feature",
            "geometry": {"type": "LineString", "coordinates": [[a[1], a[0]], [b[1], b[0]]]},
        }
    )
    response = create(deputy, where="route", route=geojson, corridor_width_m="80")
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.location_kind == LocationKind.ROUTE
    assert case.corridor_width_m == 80
    assert case.area["type"] == "LineString"


def test_a_broken_route_names_the_field(deputy):
    response = create(deputy, where="route", route="35.1, -119\nnot a point")
    page = response.content.decode()
    assert "Route points: Line 2 is not a latitude and longitude" in page
    assert not Case.objects.exists()


def test_a_case_number_in_the_wrong_format_is_refused(deputy):
    response = create(deputy, case_number="2026-12")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Case number: 2026-12 is not in the agency&#x27;s format, for example KC2026-001234" in (
        page
    )
    assert not Case.objects.exists()


def test_the_purpose_statement_is_required(deputy):
    response = create(deputy, purpose=None)
    assert "I confirm this statement: This field is required." in response.content.decode()
    assert not Case.objects.exists()


def test_a_time_window_too_long_is_refused_with_its_limit(deputy):
    start = timezone.now() - timedelta(days=2)
    response = create(deputy, start=local(start), end=local(start + timedelta(hours=13)))
    page = response.content.decode()
    assert "End: The time window is 13 hours; the limit is 12 hours." in page
    assert "A supervisor may exceed this limit" in page
    assert not Case.objects.exists()


def test_a_time_window_too_short_is_refused(deputy):
    start = timezone.now() - timedelta(days=2)
    response = create(deputy, start=local(start), end=local(start + timedelta(minutes=5)))
    assert "it must be at least 15 minutes" in response.content.decode()


def test_a_radius_over_the_limit_is_refused(deputy):
    response = create(deputy, radius_m="900")
    assert "Search radius (meters): The search radius is 900 m" in response.content.decode()


# The case page -------------------------------------------------------------------------


def make_case(client, **changes) -> Case:
    response = create(client, **changes)
    assert response.status_code == 302, response.content.decode()[:3000]
    return Case.objects.latest("pk")


def test_the_case_page_ranks_the_cameras_and_is_audited(deputy):
    scene_fixture()
    case = make_case(deputy)
    response = deputy.get(reverse("canvass:case", kwargs={"pk": case.pk}))
    page = response.content.decode()
    assert response.status_code == 200
    page = page[page.index("Cameras, best first") :]  # the list, after the map's data
    order = ["Faces north", "Far north", "Faces south", "Short memory"]
    positions = [page.index(label) for label in order]
    assert positions == sorted(positions), positions
    apart = page.index("Lapsed and unconfirmed registrations")
    assert page.index("Lapsed cam") > apart > positions[-1]
    assert "Too far" not in page
    assert "Faces the scene" in page and "Does not face the scene" in page
    assert "Overwritten" in page and "days left" in page
    assert "ana@example.com" in page and "Evenings" in page
    viewed = AuditEvent.objects.filter(action="canvass.case_viewed", target_id=str(case.pk))
    assert viewed.count() == 1
    assert viewed.get().case_number == CASE_NUMBER
    searched = AuditEvent.objects.filter(action="canvass.searched").latest("pk")
    assert searched.details["results"]["active"] == 4
    # The map's data: markers numbered like the list, with their cones.
    data = json.loads(response.context["map_data"])
    assert [c["marker"] for c in data["cameras"]] == ["1", "2", "3", "4", "A1"]
    assert all(len(c["cone"]) > 3 for c in data["cameras"])


def test_no_request_button_without_the_footage_page(deputy, monkeypatch):
    scene_fixture()
    case = make_case(deputy)
    url = reverse("canvass:case", kwargs={"pk": case.pk})
    monkeypatch.setattr(views, "_footage_url", lambda: None)
    assert 'name="camera"' not in deputy.get(url).content.decode()
    monkeypatch.setattr(views, "_footage_url", lambda: "/footage/new/")
    page = deputy.get(url).content.decode()
    assert 'action="/footage/new/"' in page
    assert page.count('name="camera"') == 5
    assert f'name="case" value="{case.pk}"' in page
    assert "Request footage from the selected cameras" in page


def long_window_case(supervisor) -> Case:
    start = timezone.now() - timedelta(days=2)
    return make_case(supervisor, start=local(start), end=local(start + timedelta(hours=14)))


def test_a_supervisor_creates_an_over_limit_case_and_overrides_with_a_reason(supervisor):
    scene_fixture()
    case = long_window_case(supervisor)
    url = reverse("canvass:case", kwargs={"pk": case.pk})
    page = supervisor.get(url).content.decode()
    assert "The time window is 14 hours; the limit is 12 hours." in page
    assert 'name="override_reason"' in page
    # No reason: the form says which field.
    page = supervisor.post(url, {"override_reason": ""}).content.decode()
    assert "Reason for exceeding the limit: This field is required." in page
    response = supervisor.post(url, {"override_reason": "Overnight burglary series"})
    page = response.content.decode()
    assert "Faces north" in page and "Overnight burglary series" in page
    event = AuditEvent.objects.get(action="canvass.limit_overridden")
    assert event.reason == "Overnight burglary series"
    assert event.target_id == str(case.pk)
    # The contact sheet and export carry the reason (POST from the case page).
    sheet = supervisor.post(
        reverse("canvass:contact-sheet", kwargs={"pk": case.pk}),
        {"override_reason": "Overnight burglary series"},
    )
    assert sheet.status_code == 200 and "Ana Facing" in sheet.content.decode()


def test_a_deputy_cannot_override(supervisor, deputy):
    scene_fixture()
    case = long_window_case(supervisor)
    url = reverse("canvass:case", kwargs={"pk": case.pk})
    page = deputy.get(url).content.decode()
    assert "The time window is 14 hours" in page
    assert "A supervisor can override this limit with a written reason." in page
    assert 'name="override_reason"' not in page
    page = deputy.post(url, {"override_reason": "Because"}).content.decode()
    assert "Faces north" not in page
    assert not AuditEvent.objects.filter(action="canvass.limit_overridden").exists()
    # Nor by the contact sheet.
    response = deputy.post(
        reverse("canvass:export", kwargs={"pk": case.pk}), {"override_reason": "Because"}
    )
    assert response.status_code == 302
    assert not AuditEvent.objects.filter(action="canvass.exported").exists()


# Contact sheet and CSV -----------------------------------------------------------------


def test_the_csv_export_and_its_audit(deputy):
    scene_fixture()
    case = make_case(deputy)
    response = deputy.get(reverse("canvass:export", kwargs={"pk": case.pk}))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert f"canvass-{CASE_NUMBER}.csv" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [r["camera"] for r in rows] == [
        "Faces north",
        "Far north",
        "Faces south",
        "Short memory",
        "Lapsed cam",
    ]
    assert [r["rank"] for r in rows] == ["1", "2", "3", "4", "A1"]
    first = rows[0]
    assert first["case_number"] == CASE_NUMBER
    assert first["name"] == "Ana Facing" and first["email"] == "ana@example.com"
    assert first["faces_scene"] == "yes" and first["video_retained"] == "yes"
    assert rows[3]["video_retained"] == "no"
    assert rows[4]["list"] == "apart" and rows[4]["registration_status"] == "Lapsed"
    event = AuditEvent.objects.get(action="canvass.exported")
    assert event.details["rows"] == 5 and event.case_number == CASE_NUMBER
    assert event.target_id == str(case.pk)


def test_csv_cells_never_start_a_formula(deputy):
    register("=HYPERLINK(1)", place(-40, 0), {"label": "+cmd", "direction": 0})
    case = make_case(deputy)
    body = deputy.get(reverse("canvass:export", kwargs={"pk": case.pk})).content.decode()
    row = list(csv.DictReader(io.StringIO(body)))[0]
    assert row["name"] == "'=HYPERLINK(1)" and row["camera"] == "'+cmd"


def test_the_contact_sheet_and_its_audit(deputy):
    scene_fixture()
    case = make_case(deputy)
    response = deputy.get(reverse("canvass:contact-sheet", kwargs={"pk": case.pk}))
    page = response.content.decode()
    assert response.status_code == 200
    assert f"Contact sheet: case {CASE_NUMBER}" in page
    names = ["Ana Facing", "Dee Far", "Ben Away", "Cy Short"]
    positions = [page.index(n) for n in names]
    assert positions == sorted(positions)
    assert page.index("Eve Lapsed") > page.index("Lapsed and unconfirmed registrations")
    event = AuditEvent.objects.get(action="canvass.contact_sheet_printed")
    assert event.details["rows"] == 5


# Lists and permissions -----------------------------------------------------------------


def test_the_case_list_mine_and_all(deputy, supervisor):
    mine = make_case(deputy, case_number="KC2026-000001")
    theirs = make_case(supervisor, case_number="KC2026-000002")
    page = deputy.get(reverse("canvass:cases")).content.decode()
    assert mine.case_number in page and theirs.case_number not in page
    page = deputy.get(reverse("canvass:cases") + "?show=all").content.decode()
    assert page.index(theirs.case_number) < page.index(mine.case_number)  # newest first


@pytest.mark.parametrize("role", ["program_coordinator", "auditor", "administrator"])
def test_roles_without_canvass_get_403(role, deputy):
    case = make_case(deputy)
    client = staff_client(role)
    for name, kwargs in [
        ("canvass:cases", None),
        ("canvass:case-create", None),
        ("canvass:case", {"pk": case.pk}),
        ("canvass:contact-sheet", {"pk": case.pk}),
        ("canvass:export", {"pk": case.pk}),
    ]:
        assert client.get(reverse(name, kwargs=kwargs)).status_code == 403, name
    assert not AuditEvent.objects.filter(action="canvass.case_viewed").exists()


@pytest.mark.parametrize("role", ["investigator", "supervisor"])
def test_investigators_and_supervisors_open_cases(role, deputy):
    case = make_case(deputy)
    client = staff_client(role)
    assert client.get(reverse("canvass:case", kwargs={"pk": case.pk})).status_code == 200


def test_the_menu_has_canvass_for_deputies_only(deputy):
    assert 'href="/console/canvass/"' in deputy.get(reverse("canvass:cases")).content.decode()
    coordinator = staff_client("program_coordinator")
    page = coordinator.get(reverse("console:home")).content.decode()
    assert 'href="/console/canvass/"' not in page

"""The case as the deputy's workspace: one case per case number, several searches per case,
results grouped by owner and site, one phone format, explanations that agree, what the apps
above canvass add (decision 0021), closing and reopening a case."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import replace
from datetime import timedelta

import pytest
from django.urls import reverse

from camreg.audit.models import AuditEvent
from camreg.canvass import services, signals, workspace
from camreg.canvass.limits import InvalidSearch
from camreg.canvass.models import Case, CaseSearch
from camreg.canvass.services import by_owner
from camreg.canvass.services.results import CameraResult
from camreg.registry.models import Camera, Site
from camreg.testing.canvass import CASE_NUMBER, NOW, PURPOSE, SCENE, START, place, register

from .test_views import create, form_data, make_case

pytestmark = pytest.mark.django_db


def case_page(client, case, **query) -> str:
    url = reverse("canvass:case", kwargs={"pk": case.pk})
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


# One case per case number ----------------------------------------------------------------


def new_case(actor, **changes) -> Case:
    values = {
        "actor": actor,
        "case_number": CASE_NUMBER,
        "incident_type": "Burglary",
        "start": START,
        "end": START + timedelta(hours=1),
        "latitude": SCENE[0],
        "longitude": SCENE[1],
        "radius_m": 300,
        "purpose_statement": PURPOSE,
        **changes,
    }
    return services.create_case(**values)


def test_a_case_number_in_use_names_the_existing_case(deputy, supervisor):
    first = new_case(deputy.user)
    with pytest.raises(services.CaseNumberInUse) as refused:
        new_case(supervisor.user, case_number=f"  {CASE_NUMBER} ", radius_m=200)
    assert refused.value.case == first and refused.value.code == "case_number_in_use"
    assert Case.objects.count() == 1
    assert services.find_case(CASE_NUMBER.lower()) == first
    assert services.find_case("KC2026-000000") is None


def test_the_form_opens_the_existing_case_or_adds_a_search_to_it(deputy, supervisor):
    case = make_case(deputy)
    response = create(supervisor, radius_m="250", incident_type="Robbery")
    page = response.content.decode()
    assert response.status_code == 200
    assert f"Case {CASE_NUMBER} already exists" in page
    assert f'href="{reverse("canvass:case", kwargs={"pk": case.pk})}"' in page
    assert "You entered the incident type “Robbery”; this case is a “Burglary”." in page
    assert Case.objects.count() == 1
    # The "add this place and time" form carries what was typed.
    add_url = reverse("canvass:search-add", kwargs={"pk": case.pk})
    assert f'action="{add_url}"' in page
    hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', page))
    assert hidden["radius_m"] == "250" and hidden["where"] == "point"
    response = supervisor.post(add_url, hidden)
    search = CaseSearch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == (
        reverse("canvass:case", kwargs={"pk": case.pk}) + f"?search={search.pk}"
    )
    assert search.case == case and search.radius_m == 250 and search.created_by == supervisor.user
    event = AuditEvent.objects.get(action="canvass.search_added")
    assert event.details["search_id"] == search.pk and event.case_number == CASE_NUMBER


def test_a_case_has_its_searches_each_with_its_area_and_window(deputy):
    register("Near Nell", place(-100, 0), {"label": "Near cam", "direction": 0})
    register("Far Fay", place(-400, 0), {"label": "Far cam", "direction": 0})
    case = make_case(deputy, radius_m="150")
    data = form_data(radius_m="500")
    add_url = reverse("canvass:search-add", kwargs={"pk": case.pk})
    assert deputy.post(add_url, data).status_code == 302
    search = CaseSearch.objects.get()
    # The page lists both searches and shows the latest one's results by default.
    page = case_page(deputy, case)
    table = page[page.index('id="searches"') : page.index("</table>")]
    assert "492 ft around" in table and "0.3 mi around" in table
    assert "Show search 1" in table and "Shown below" in table
    results = page[page.index('id="results"') :]
    assert "Results of search 2" in page and "Far cam" in results and "Near cam" in results
    # The first one on request: the far camera is outside it.
    page = case_page(deputy, case, search="first")
    results = page[page.index('id="results"') :]
    assert "Results of search 1" in page and "Near cam" in results and "Far cam" not in results
    searched = AuditEvent.objects.filter(action="canvass.searched").order_by("pk")
    assert searched.last().details.get("search_id") is None
    assert search.pk in [e.details.get("search_id") for e in searched]
    # The contact sheet and export follow the search chosen.
    sheet = deputy.get(
        reverse("canvass:contact-sheet", kwargs={"pk": case.pk}) + f"?search={search.pk}"
    ).content.decode()
    assert "Far Fay" in sheet and "Search 2" in sheet


def test_the_search_form_starts_from_the_latest_search(deputy):
    case = make_case(deputy, radius_m="180")
    page = deputy.get(reverse("canvass:search-add", kwargs={"pk": case.pk})).content.decode()
    assert f"New search for case {CASE_NUMBER}" in page
    assert 'name="case_number"' not in page and 'name="purpose"' not in page
    assert 'name="radius_m" value="180"' in page


def test_a_closed_case_takes_no_new_search(deputy):
    case = make_case(deputy)
    services.close_case(case, actor=deputy.user)
    with pytest.raises(InvalidSearch) as refused:
        services.add_search(
            case,
            actor=deputy.user,
            start=case.start,
            end=case.end,
            latitude=SCENE[0],
            longitude=SCENE[1],
            radius_m=100,
        )
    assert refused.value.code == "case_closed"


# Closing and reopening ----------------------------------------------------------------


def test_close_and_reopen_a_case(deputy):
    case = make_case(deputy)
    other = make_case(deputy, case_number="KC2026-000002")
    assert services.open_cases(deputy.user) == [other, case]
    url = reverse("canvass:case-status", kwargs={"pk": case.pk})
    assert deputy.post(url, {"action": "close"}).status_code == 302
    case.refresh_from_db()
    assert case.closed_at is not None and case.closed_by == deputy.user
    assert services.open_cases(deputy.user) == [other]
    page = case_page(deputy, case)
    assert "Reopen case" in page and "Add a search" not in page
    assert "Closed" in deputy.get(reverse("canvass:cases")).content.decode()
    deputy.post(url, {"action": "reopen"})
    case.refresh_from_db()
    assert case.is_open
    actions = list(
        AuditEvent.objects.filter(action__in=["canvass.case_closed", "canvass.case_reopened"])
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["canvass.case_closed", "canvass.case_reopened"]


# Results by owner ----------------------------------------------------------------------


def result(rank, registrant, site, camera=None) -> CameraResult:
    values = dict.fromkeys(CameraResult.__slots__, "")
    values.update(
        rank=rank,
        camera_id=camera or rank,
        registrant_id=registrant,
        site_id=site,
        address_line=f"Site {site}",
        coverage=[],
    )
    return CameraResult(**{k: v for k, v in values.items() if k in CameraResult.__slots__})


def test_grouping_by_owner_and_site_best_camera_first():
    cameras = [
        result(1, registrant=7, site=70),
        result(2, registrant=8, site=80),
        result(3, registrant=7, site=71),
        result(4, registrant=7, site=70),
        result(5, registrant=9, site=90),
    ]
    owners = by_owner(list(reversed(cameras)))  # any order in, ranked out
    assert [o.registrant_id for o in owners] == [7, 8, 9]
    first = owners[0]
    assert [s.site_id for s in first.sites] == [70, 71]
    assert [c.rank for c in first.sites[0].cameras] == [1, 4]
    assert [c.rank for c in first.cameras] == [1, 3, 4]
    assert first.best.rank == 1 and first.camera_count == 3


def test_the_page_lists_each_owner_once_with_their_cameras_under_them(deputy):
    owner = register(
        "Olga Owner",
        place(-30, 0),
        {"label": "Porch", "direction": 0, "range_m": 60},
        {"label": "Driveway", "direction": 180},
        {"label": "Side gate", "direction": 0, "range_m": 60, "retention_days": 1},
        alternate_phone="+16615550199",
    )
    register("Ned Neighbour", place(-60, 0), {"label": "Mailbox", "direction": 0, "range_m": 90})
    case = make_case(deputy)
    response = deputy.get(reverse("canvass:case", kwargs={"pk": case.pk}))
    page = response.content.decode()
    listing = page[page.index("Cameras, best first, by owner") :]
    assert listing.count("Olga Owner") == 1  # one contact block
    assert listing.count('href="tel:+16615550100"') == 2  # Olga's and Ned's phones
    assert "(661) 555-0100" in listing and "(661) 555-0199" in listing
    assert ">+1661" not in page  # never the stored E.164 form as text
    olga = listing[listing.index("Olga Owner") : listing.index("Ned Neighbour")]
    # Best first: kept and facing, kept, overwritten.
    assert olga.index("Porch") < olga.index("Driveway") < olga.index("Side gate")
    assert "3 cameras: numbers 1, 3, 4" in olga
    data = json.loads(response.context["map_data"])
    sites = {c["site"] for c in data["cameras"] if c["label"].split(": ")[1] != "Mailbox"}
    assert sites == {Site.objects.get(registrant=owner).pk}


def test_the_csv_and_contact_sheet_use_the_national_format(deputy):
    register("Olga Owner", place(-30, 0), {"label": "Porch"}, {"label": "Gate"})
    case = make_case(deputy)
    body = deputy.get(reverse("canvass:export", kwargs={"pk": case.pk})).content.decode()
    rows = list(csv.DictReader(io.StringIO(body)))
    assert {r["phone"] for r in rows} == {"(661) 555-0100"}
    sheet = deputy.get(reverse("canvass:contact-sheet", kwargs={"pk": case.pk})).content.decode()
    assert sheet.count("Olga Owner") == 1 and "(661) 555-0100" in sheet
    assert "+16615550100" not in sheet


def test_explanations_agree_with_the_facts(deputy):
    # 40 m south of the scene, pointing at it, with a 30 m range: toward, but short of it.
    register("Tom Toward", place(-40, 0), {"label": "Short reach", "direction": 0, "range_m": 30})
    case = make_case(deputy)
    page = case_page(deputy, case)
    phrase = "oints toward the scene, but its 98 ft range does not reach it"
    assert f"P{phrase}, " in page  # the reason
    assert f"<dt>Facing</dt><dd>P{phrase} (points N (0°)" in page  # the facts
    assert "Faces the scene</dt><dd>No" not in page


# What the apps above canvass add ----------------------------------------------------------


def test_sections_and_marks_from_the_workspace_signal(deputy):
    register("Ana Facing", place(-40, 0), {"label": "Porch", "direction": 0, "range_m": 60})
    camera = Camera.objects.get()
    seen = {}

    def receiver(sender, case, actor, request=None, camera_ids=(), **kwargs):
        seen.update(case=case, actor=actor, camera_ids=camera_ids)
        return workspace.CaseSection(
            title="Test work",
            anchor="test-work",
            template="canvass/_case_summary.html",
            camera_marks={camera.pk: [workspace.CameraMark("Asked on Tuesday", "/x/", True)]},
        )

    signals.case_workspace.connect(receiver, dispatch_uid="test.workspace")
    try:
        case = make_case(deputy)
        page = case_page(deputy, case)
    finally:
        signals.case_workspace.disconnect(dispatch_uid="test.workspace")
    assert seen == {"case": case, "actor": deputy.user, "camera_ids": [camera.pk]}
    assert '<h2 id="test-work">Test work</h2>' in page
    assert '<a href="#test-work">Test work</a>' in page
    assert '<li class="canvass-mark canvass-mark--warn"><a href="/x/">Asked on Tuesday</a>' in page
    assert "(Porch): asked before" in page


def test_params_of_a_later_search(deputy):
    case = make_case(deputy)
    search = services.add_search(
        case,
        actor=deputy.user,
        start=case.start + timedelta(hours=1),
        end=case.end + timedelta(hours=1),
        latitude=SCENE[0],
        longitude=SCENE[1],
        radius_m=90,
    )
    params = services.SearchParams.from_case(case, search)
    assert params.radius_m == 90 and params.start == case.start + timedelta(hours=1)
    assert params.case_number == case.case_number
    assert params.purpose_statement == case.purpose_statement
    assert replace(params, radius_m=1).search == search
    result = services.search(params, limits=services.CanvassLimits(), actor=deputy.user, now=NOW)
    assert result.params.search == search

"""The case page as the deputy's workspace in a real browser, at desktop and phone width:
searches, footage requests with answers, a call task with its Spanish script, an expired
request sent again, cameras already asked marked, owners grouped with their cameras, and
markers at one address spread apart on the map. axe-core finds nothing; no sideways scroll;
no CSP violation."""

from __future__ import annotations

import math
from datetime import timedelta

import pytest
from django.utils import timezone

from camreg.canvass import services as canvass
from camreg.footage import services
from camreg.footage.models import FootageRequest, Status
from camreg.registry.models import Camera
from camreg.testing.browser import check_page
from camreg.testing.canvass import CASE_NUMBER, PURPOSE, SCENE, place, register
from camreg.testing.staff import sign_in_browser

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]

VIEWPORTS = ["desktop", "phone"]


@pytest.fixture
def workspace(deputy):
    # One owner with four cameras at one address (their markers would stack), and others.
    register(
        "Olga Owner",
        place(-30, 0),
        {"label": "Porch", "direction": 0, "range_m": 60},
        {"label": "Driveway", "direction": 0, "range_m": 60},
        {"label": "Garage", "direction": 180},
        {"label": "Side gate", "direction": 90},
        preferred_contact="email",
    )
    register(
        "Ana Ruiz",
        place(-60, 10),
        {"label": "Entrada", "direction": 0, "range_m": 90},
        language="es",
        preferred_contact="phone",
        contact_hours="Por la tarde",
    )
    register("Ned Neighbour", place(-90, -10), {"label": "Mailbox", "direction": 0})
    start = (timezone.now() - timedelta(days=3)).replace(second=0, microsecond=0)
    case = canvass.create_case(
        actor=deputy.user,
        case_number=CASE_NUMBER,
        incident_type="Burglary",
        start=start,
        end=start + timedelta(hours=1),
        latitude=SCENE[0],
        longitude=SCENE[1],
        radius_m=200,
        address="1200 Truxtun Ave, Bakersfield, CA 93301",
        purpose_statement=PURPOSE,
    )
    canvass.add_search(
        case,
        actor=deputy.user,
        start=start,
        end=start + timedelta(hours=2),
        latitude=SCENE[0],
        longitude=SCENE[1],
        radius_m=300,
    )
    ids = {c.label: c.pk for c in Camera.objects.all()}
    requests = {
        r.registrant.name: r
        for r in services.create_requests(
            case,
            [ids["Porch"], ids["Entrada"], ids["Mailbox"]],
            actor=deputy.user,
            message="",
        )
    }
    FootageRequest.objects.filter(pk=requests["Olga Owner"].pk).update(
        status=Status.ANSWERED, answer="no_footage", answered_at=timezone.now()
    )
    FootageRequest.objects.filter(pk=requests["Ned Neighbour"].pk).update(status=Status.EXPIRED)
    return {"case": case, "requests": requests, "cameras": ids}


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_case_workspace(new_page, deputy, workspace, viewport):
    case = workspace["case"]
    page = new_page(viewport)
    sign_in_browser(page, deputy)
    page.goto(f"/console/canvass/{case.pk}/")
    assert page.locator("h1").inner_text().startswith(f"Case {CASE_NUMBER}")
    markers = page.locator("#canvass-results-map .canvass-map-marker")
    markers.first.wait_for()
    check_page(page, "case workspace", viewport)

    # Both searches, the second one shown.
    assert page.locator("table.canvass-searches tbody tr").count() == 2
    assert "Results of search 2" in page.locator("#results").inner_text()

    # The requests: an answer, a call to make with its Spanish script, an expired one.
    section = page.locator("section[aria-labelledby='footage-requests']")
    text = section.inner_text()
    assert "I have no footage for that time" in text
    assert "Call to make" in text and "Hola, ¿podría hablar con Ana Ruiz?" in text
    assert "Send again with a new link" in text
    assert section.locator("blockquote[lang='es']").count() == 1

    # Owners grouped: Olga once, her four cameras under her; the camera asked is marked.
    olga = page.locator("li.canvass-owner", has_text="Olga Owner")
    assert olga.count() == 1
    assert olga.locator("li.canvass-result").count() == 4
    porch = page.locator(f"#camera-{workspace['cameras']['Porch']}")
    assert "answered “I have no footage for that time”" in porch.inner_text()
    assert "(661) 555-0100" in olga.inner_text()

    # The four markers at Olga's address are spread apart, not stacked.
    olga_ids = [str(workspace["cameras"][label]) for label in ("Porch", "Driveway", "Garage")]
    olga_ids.append(str(workspace["cameras"]["Side gate"]))
    boxes = []
    for camera_id in olga_ids:
        marker = f".canvass-map-marker[data-camera-id='{camera_id}'] .canvass-marker"
        box = page.locator(f"#canvass-results-map {marker}").bounding_box()
        boxes.append((box["x"] + box["width"] / 2, box["y"] + box["height"] / 2))
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert math.dist(a, b) >= 28, boxes

    # Log the call to Ana: she has no footage.
    task = services.task_of(workspace["requests"]["Ana Ruiz"])
    page.select_option(f"#call-{task.pk}-outcome", "no_footage")
    page.fill(f"#call-{task.pk}-note", "Revisó su grabadora")
    with page.expect_navigation():
        page.locator(f"#call-task-{task.pk} button[type=submit]").click()
    assert "Call logged" in page.locator(".usa-alert, .site-messages").first.inner_text()
    request = FootageRequest.objects.get(pk=workspace["requests"]["Ana Ruiz"].pk)
    assert request.status == Status.ANSWERED and request.answer == "no_footage"
    check_page(page, "case workspace after logging a call", viewport)

    # Send the expired request again.
    ned = page.locator(f"#request-{workspace['requests']['Ned Neighbour'].pk}")
    with page.expect_navigation():
        ned.get_by_role("button", name="Send again with a new link").click()
    request = FootageRequest.objects.get(pk=workspace["requests"]["Ned Neighbour"].pk)
    assert request.status == Status.SENT
    check_page(page, "case workspace after sending again", viewport)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_case_number_in_use_and_a_new_search(new_page, deputy, workspace, viewport):
    case = workspace["case"]
    page = new_page(viewport)
    sign_in_browser(page, deputy)
    page.goto(f"/console/canvass/{case.pk}/searches/new/")
    check_page(page, "new search form", viewport)

    page.goto("/console/canvass/new/")
    start = timezone.localtime(case.start).strftime("%Y-%m-%dT%H:%M")
    end = timezone.localtime(case.end).strftime("%Y-%m-%dT%H:%M")
    page.fill('[name="case_number"]', CASE_NUMBER)
    page.fill('[name="incident_type"]', "Burglary")
    page.locator('label[for="id_where_1"]').click()
    page.fill('[name="latitude"]', str(SCENE[0]))
    page.fill('[name="longitude"]', str(SCENE[1]))
    page.fill('[name="radius_m"]', "120")
    page.fill('[name="start"]', start)
    page.fill('[name="end"]', end)
    page.locator('label[for="id_purpose"]').click()
    with page.expect_navigation():
        page.click("form.canvass-case-form button[type=submit]")
    assert page.locator("h1").inner_text() == f"Case {CASE_NUMBER} already exists"
    check_page(page, "case number in use", viewport)
    with page.expect_navigation():
        page.get_by_role("button", name=f"Add this place and time to case {CASE_NUMBER}").click()
    assert "Results of search 3" in page.locator("#results").inner_text()
    assert case.searches.count() == 2

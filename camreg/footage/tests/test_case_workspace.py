"""The case page as the deputy's workspace (decision 0021): the requests of the case with
their status, answers, calls and footage received; cameras already asked marked in the
results; asking an owner again warns and needs a confirmation."""

from __future__ import annotations

import pytest
from django.urls import reverse

from camreg.audit.models import AuditEvent
from camreg.canvass import services as canvass
from camreg.canvass import workspace
from camreg.footage import services
from camreg.footage.models import FootageRequest, Status
from camreg.registry.models import Camera

from .conftest import NOW, camera_ids

pytestmark = pytest.mark.django_db


def page_of(client, case) -> str:
    response = client.get(reverse("canvass:case", kwargs={"pk": case.pk}))
    assert response.status_code == 200
    return response.content.decode()


def test_the_case_page_shows_the_requests_and_what_came_of_them(now, case, deputy, owner):
    ana, ben = owner("Ana Ruiz"), owner("Ben Ortiz", preferred_contact="phone")
    carla = owner("Carla Diaz")
    by_name = {
        r.registrant.name: r
        for r in services.create_requests(
            case, camera_ids(ana, ben, carla), actor=deputy.user, message=""
        )
    }
    FootageRequest.objects.filter(pk=by_name["Ana Ruiz"].pk).update(
        status=Status.ANSWERED, answer="no_footage", answered_at=NOW
    )
    services.log_contact(
        by_name["Ben Ortiz"], actor=deputy.user, kind="visit", outcome="left_message", note="Card"
    )
    services.mark_footage_received(by_name["Carla Diaz"], actor=deputy.user, note="USB drive")
    page = page_of(deputy, case)
    section = page[page.index('id="footage-requests"') : page.index('id="results"')]
    for name in ("Ana Ruiz", "Ben Ortiz", "Carla Diaz"):
        assert name in section
    assert "3 requests:" in section
    assert "I have no footage for that time" in section
    assert "visit by Dana Deputy, <strong>left a message or card</strong>: Card" in section
    assert "Footage received" in section and "USB drive" in section
    assert "Call to make" in section  # Ben prefers a call
    event = AuditEvent.objects.get(action="footage.case_requests_viewed")
    assert event.target_id == str(case.pk)
    assert sorted(event.details["registrant_ids"]) == sorted([ana.pk, ben.pk, carla.pk])


def test_no_requests_yet(now, case, deputy):
    page = page_of(deputy, case)
    assert "No footage requests yet." in page
    assert not AuditEvent.objects.filter(action="footage.case_requests_viewed").exists()


def test_cameras_already_asked_are_marked(now, case, deputy, owner):
    ana = owner("Ana Ruiz", cameras=[{"label": "Porch"}, {"label": "Garage"}])
    porch = Camera.objects.get(label="Porch")
    (footage_request,) = services.create_requests(case, [porch.pk], actor=deputy.user, message="")
    FootageRequest.objects.filter(pk=footage_request.pk).update(
        status=Status.ANSWERED, answer="no_footage"
    )
    sections = workspace.sections(case, actor=deputy.user, camera_ids=camera_ids(ana))
    marks = workspace.camera_marks(sections)
    (mark,) = marks[porch.pk]
    assert mark.text == (
        f"Asked Nov 20 (request #{footage_request.pk}): answered “I have no footage for that time”"
    )
    assert mark.warn and mark.url == reverse("footage:request", kwargs={"pk": footage_request.pk})
    assert Camera.objects.get(label="Garage").pk not in marks


def test_asking_again_warns_and_needs_a_confirmation(now, case, deputy, owner):
    ana = owner("Ana Ruiz", cameras=[{"label": "Porch"}, {"label": "Garage"}])
    ben = owner("Ben Ortiz")
    porch, garage = (Camera.objects.get(label=label) for label in ("Porch", "Garage"))
    (first,) = services.create_requests(case, [porch.pk], actor=deputy.user, message="")
    FootageRequest.objects.filter(pk=first.pk).update(status=Status.ANSWERED, answer="no_footage")

    plan = services.plan_requests(case, [garage.pk, *camera_ids(ben)], actor=deputy.user)
    (repeat,) = plan.repeats
    assert repeat.registrant == ana and repeat.said_no
    assert [r.pk for r in repeat.earlier] == [first.pk]

    with pytest.raises(services.FootageError) as refused:
        services.create_requests(case, [garage.pk, *camera_ids(ben)], actor=deputy.user, message="")
    assert refused.value.code == "already_asked" and "Ana Ruiz" in refused.value.message
    assert FootageRequest.objects.count() == 1  # nothing half-sent: not even Ben's

    created = services.create_requests(
        case, [garage.pk, *camera_ids(ben)], actor=deputy.user, message="", repeat=True
    )
    assert len(created) == 2
    sent_to_ana = next(r for r in created if r.registrant == ana)
    event = AuditEvent.objects.get(action="footage.request_sent", target_id=str(sent_to_ana.pk))
    assert event.details["asked_before"] == [first.pk]


def test_the_request_page_warns_before_asking_again(now, case, deputy, owner):
    ana = owner("Ana Ruiz")
    (first,) = services.create_requests(case, camera_ids(ana), actor=deputy.user, message="")
    FootageRequest.objects.filter(pk=first.pk).update(status=Status.ANSWERED, answer="no_footage")
    url = reverse("footage:request-create")
    page = deputy.post(url, {"case": case.pk, "camera": camera_ids(ana)}).content.decode()
    assert "1 owner already asked on this case" in page
    assert "Ana Ruiz answered that they have no footage or cannot help" in page
    assert f"Request #{first.pk}" in page and 'name="repeat"' in page
    data = {
        "case": case.pk,
        "camera": camera_ids(ana),
        "action": "send",
        "window_start": "2026-11-18T10:00",
        "window_end": "2026-11-18T11:00",
    }
    response = deputy.post(url, data)
    assert response.status_code == 400
    assert "Ask these owners again: Already asked on this case: Ana Ruiz" in (
        response.content.decode()
    )
    assert FootageRequest.objects.count() == 1
    response = deputy.post(url, {**data, "repeat": "on"})
    assert response.status_code == 302
    assert FootageRequest.objects.count() == 2


def test_a_closed_case_offers_no_new_requests(now, case, deputy, owner):
    owner("Ana Ruiz")
    canvass.close_case(case, actor=deputy.user)
    page = page_of(deputy, case)
    assert "Reopen case" in page
    assert "Request footage from the selected cameras" not in page

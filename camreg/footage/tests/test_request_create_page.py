"""The console page where a deputy confirms and sends footage requests."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from camreg.audit.models import AuditEvent
from camreg.footage.models import FootageRequest, Status

from .conftest import camera_ids

pytestmark = pytest.mark.django_db

URL = reverse("footage:request-create")


def test_results_post_shows_cameras_grouped_by_owner(now, case, owner, staff_client):
    client = staff_client("deputy")
    ana = owner("Ana Ruiz", cameras=[{"label": "Driveway"}, {"label": "Porch"}])
    ben = owner("Ben Ortiz", language="es", cameras=[{"label": "Garage"}])
    response = client.post(URL, {"case": case.pk, "camera": camera_ids(ana, ben)})
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("Ana Ruiz", "Ben Ortiz", "Driveway", "Porch", "Garage", "Send 2 requests"):
        assert text in html
    # The window defaults to the case's, shown in the agency's time zone.
    assert 'value="2026-11-18T10:00"' in html and 'value="2026-11-18T11:00"' in html
    assert not FootageRequest.objects.exists()
    assert AuditEvent.objects.filter(action="footage.request_form_viewed").count() == 1


def test_get_with_query_works_too(now, case, owner, staff_client):
    ana = owner()
    ids = "&".join(f"camera={i}" for i in camera_ids(ana))
    response = staff_client("investigator").get(f"{URL}?case={case.pk}&{ids}")
    assert response.status_code == 200
    assert "Send 1 request" in response.content.decode()


def test_send(now, case, owner, staff_client):
    client = staff_client("deputy", full_name="Dana Deputy")
    ana, ben = owner("Ana Ruiz"), owner("Ben Ortiz")
    response = client.post(
        URL,
        {
            "case": case.pk,
            "camera": camera_ids(ana, ben),
            "action": "send",
            "window_start": "2026-11-18T09:30",
            "window_end": "2026-11-18T11:30",
            "message": "Looking for a white pickup.",
        },
    )
    assert response.status_code == 302
    # Back to the case, the deputy's workspace, where the requests now show.
    assert response["Location"] == (
        reverse("canvass:case", kwargs={"pk": case.pk}) + "#footage-requests"
    )
    requests = FootageRequest.objects.all()
    assert requests.count() == 2
    first = requests.first()
    assert first.status == Status.SENT
    assert first.requester_name == "Dana Deputy"
    assert first.window_start.isoformat() == "2026-11-18T17:30:00+00:00"
    assert first.message == "Looking for a white pickup."
    assert len(mail.outbox) == 2


def test_bad_window_shows_the_form_again(now, case, owner, staff_client):
    response = staff_client("deputy").post(
        URL,
        {
            "case": case.pk,
            "camera": camera_ids(owner()),
            "action": "send",
            "window_start": "2026-11-18T11:30",
            "window_end": "2026-11-18T09:30",
        },
    )
    assert response.status_code == 400
    assert "The end must be after the start." in response.content.decode()
    assert not FootageRequest.objects.exists()


def test_without_cameras_or_case(now, case, staff_client):
    client = staff_client("deputy")
    assert client.get(URL).status_code == 200
    assert client.post(URL, {"case": case.pk}).status_code == 400
    assert client.post(URL, {"case": 999999, "camera": [1]}).status_code == 404
    assert client.post(URL, {"case": "x", "camera": [1]}).status_code == 404


@pytest.mark.parametrize("role", ["program_coordinator", "auditor", "administrator"])
def test_other_roles_are_refused(now, case, owner, staff_client, role):
    response = staff_client(role).post(
        URL, {"case": case.pk, "camera": camera_ids(owner()), "action": "send"}
    )
    assert response.status_code == 403
    assert not FootageRequest.objects.exists()

"""Staff intake: a deputy adds footage received in person to a request or a case, through
the same tus pipeline; the custody record names from whom and by whom."""

from __future__ import annotations

import pytest
from django.test import Client

from camreg.evidence.models import CustodyKind, EvidenceFile, Submission, SubmissionSource
from camreg.footage.models import Status
from camreg.testing.evidence import make_video

from .tus_support import TUS, metadata, send_request

pytestmark = pytest.mark.django_db


def test_a_deputy_adds_footage_received_in_person_to_a_request(deputy):
    footage_request, _token = send_request(deputy.user, answer=False)
    page = deputy.get(f"/console/footage/{footage_request.pk}/")
    assert f"/console/evidence/intake/request/{footage_request.pk}/" in page.content.decode()
    assert "Mark footage received" not in page.content.decode()
    url = f"/console/evidence/intake/request/{footage_request.pk}/"
    assert deputy.get(url).status_code == 200
    response = deputy.post(url, {"clock": "unknown"})
    assert response.status_code == 400
    assert "from whom" in response.content.decode()
    response = deputy.post(
        url,
        {
            "received_from": "the owner, Ana Ruiz, in person on a USB stick",
            "unaltered": "on",
            "clock": "ahead",
            "clock_amount": "2",
            "clock_unit": "minutes",
        },
    )
    assert response.status_code == 302
    submission = Submission.objects.get()
    assert submission.source == SubmissionSource.STAFF
    assert submission.received_by == deputy.user
    assert submission.clock_offset_seconds == 120
    assert response["Location"] == f"/console/evidence/intake/{submission.public_id}/"
    assert deputy.get(response["Location"]).status_code == 200

    endpoint = f"/console/evidence/tus/{submission.public_id}/"
    video = make_video()
    # The session's CSRF token is required (the staff endpoint is not csrf_exempt).
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.cookies = deputy.cookies
    refused = csrf_client.post(endpoint, HTTP_UPLOAD_LENGTH=str(len(video)), **TUS)
    assert refused.status_code == 403
    token = deputy.get(response["Location"]).cookies.get("csrftoken") or csrf_client.cookies.get(
        "csrftoken"
    )
    csrf = token.value if token else ""
    created = csrf_client.post(
        endpoint,
        HTTP_UPLOAD_LENGTH=str(len(video)),
        HTTP_UPLOAD_METADATA=metadata(filename="usb/clip.mp4"),
        HTTP_X_CSRFTOKEN=csrf,
        **TUS,
    )
    assert created.status_code == 201, created.content
    done = csrf_client.patch(
        created["Location"],
        video,
        content_type="application/offset+octet-stream",
        HTTP_UPLOAD_OFFSET="0",
        HTTP_X_CSRFTOKEN=csrf,
        **TUS,
    )
    assert done.status_code == 204, done.content
    evidence = EvidenceFile.objects.get()
    assert evidence.original_name == "clip.mp4"
    received = evidence.custody_events.get(kind=CustodyKind.RECEIVED)
    assert received.actor == deputy.user
    assert received.reason == (
        "received from the owner, Ana Ruiz, in person on a USB stick in person by Dana Deputy"
    )
    footage_request.refresh_from_db()
    assert footage_request.status == Status.FOOTAGE_RECEIVED
    finish = deputy.post(f"/console/evidence/intake/{submission.public_id}/finish/")
    assert finish.status_code == 302


def test_the_staff_endpoint_needs_the_canvass_permission(deputy, staff_client):
    footage_request, _token = send_request(deputy.user)
    deputy.post(
        f"/console/evidence/intake/request/{footage_request.pk}/",
        {"received_from": "Ana Ruiz", "unaltered": "on", "clock": "unknown"},
    )
    submission = Submission.objects.get()
    endpoint = f"/console/evidence/tus/{submission.public_id}/"
    anonymous = Client().post(endpoint, HTTP_UPLOAD_LENGTH="10", **TUS)
    assert anonymous.status_code == 302  # to sign-in, as every console URL
    assert anonymous["Location"].startswith("/staff/sign-in/")
    auditor = staff_client("auditor")
    assert auditor.post(endpoint, HTTP_UPLOAD_LENGTH="10", **TUS).status_code == 403
    assert not submission.uploads.exists()


def test_intake_for_a_case(deputy):
    footage_request, _token = send_request(deputy.user)
    url = f"/console/evidence/intake/case/{footage_request.case.pk}/"
    response = deputy.post(
        url, {"received_from": "a neighbour, on a phone", "unaltered": "on", "clock": "right"}
    )
    assert response.status_code == 302
    submission = Submission.objects.get()
    assert submission.footage_request is None and submission.clock_offset_seconds == 0

"""The owner's upload page behind the request link: in their language, the statements,
the page without JavaScript, and the way there from the answer."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client

from camreg.evidence.models import Submission, SubmissionStatus

from .tus_support import send_request

pytestmark = pytest.mark.django_db


def test_the_answer_leads_to_the_upload_page(deputy):
    footage_request, token = send_request(deputy.user, answer=False)
    client = Client()
    response = client.post(f"/footage/{token}/", {"answer": "will_provide"})
    assert response.status_code == 200
    html = response.content.decode()
    assert f"/footage/{token}/upload/" in html
    # The link now opens the upload page, and cannot answer again.
    response = client.get(f"/footage/{token}/")
    assert response.status_code == 302
    assert response["Location"] == f"/footage/{token}/upload/"
    response = client.post(f"/footage/{token}/", {"answer": "no_footage"})
    assert response.status_code == 302
    footage_request.refresh_from_db()
    assert footage_request.answer == "will_provide"


@pytest.mark.parametrize(
    ("language", "texts"),
    [
        ("en", ["Send your video", "needs JavaScript", "Dana Deputy", "unaltered"]),
        ("es", ["Envíe su video", "necesita JavaScript", "Dana Deputy", "alterado"]),
    ],
)
def test_the_page_is_in_the_owners_language(deputy, language, texts):
    _request, token = send_request(deputy.user, language=language)
    response = Client().get(f"/footage/{token}/upload/")
    assert response.status_code == 200
    assert response["Content-Language"] == language
    html = response.content.decode()
    for text in texts:
        assert text in html, text
    assert "<script>" not in html  # no inline script (CSP)
    assert "vendor/tus-js-client/tus.min.js" in html and "evidence/upload.js" in html
    assert 'id="upload-texts" type="application/json"' in html


def test_statements_are_stored_and_checked(deputy):
    footage_request, token = send_request(deputy.user)
    client = Client()
    url = f"/footage/{token}/upload/"
    response = client.post(url, {"action": "statements", "clock": "behind"})
    assert response.status_code == 400
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"id_unaltered", "id_clock_amount"} <= fields
    assert not Submission.objects.exists()
    response = client.post(
        url,
        {
            "action": "statements",
            "unaltered": "on",
            "clock": "behind",
            "clock_amount": "90",
            "clock_unit": "seconds",
            "notes": "Camera 2 is the driveway.",
        },
    )
    assert response.status_code == 200 and response.json()["ok"]
    submission = Submission.objects.get()
    assert submission.clock_offset_seconds == -90
    assert submission.notes == "Camera 2 is the driveway."
    assert submission.footage_request == footage_request
    # Stating again updates the same open submission; finishing closes it.
    client.post(url, {"action": "statements", "unaltered": "on", "clock": "unknown"})
    submission = Submission.objects.get()
    assert submission.clock_offset_seconds is None
    response = client.post(url, {"action": "finish"})
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SUBMITTED


def test_an_expired_link_says_so(deputy):
    footage_request, token = send_request(deputy.user, language="es")
    with time_machine.travel(footage_request.link_expires_at + timedelta(seconds=1)):
        response = Client().get(f"/footage/{token}/upload/")
    assert response.status_code == 410
    assert "caducado" in response.content.decode()

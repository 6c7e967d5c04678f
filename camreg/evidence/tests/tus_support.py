"""Helpers of the upload tests (tus endpoint, upload page, intake): a footage request whose
owner answered "I will provide it", its private link, and tus requests by hand."""

from __future__ import annotations

import base64
import itertools
import re
from datetime import timedelta

from django.core import mail
from django.utils import timezone

from camreg.canvass.models import Case
from camreg.footage import services as footage
from camreg.footage.models import Answer
from camreg.registry.models import Camera, RegistrationStatus
from camreg.testing.registrants import make_registrant

TUS = {"HTTP_TUS_RESUMABLE": "1.0.0"}
_numbers = itertools.count(1)


def recent_case(user, case_number: str | None = None) -> Case:
    """A case whose incident was yesterday (the cameras still hold its video)."""
    start = timezone.now() - timedelta(days=1)
    return Case.objects.create(
        case_number=case_number or f"KC2026-{next(_numbers):06d}",
        incident_type="Burglary",
        address="1200 Truxtun Ave",
        latitude=35.3733,
        longitude=-119.0187,
        radius_m=300,
        start=start,
        end=start + timedelta(hours=1),
        purpose_statement="Burglary; not aimed at protected activity.",
        created_by=user,
    )


def send_request(deputy_user, *, language: str = "en", case: Case | None = None, answer=True):
    """(footage request, raw link token): a request emailed to a new owner, answered "I will
    provide it" unless `answer` is False."""
    case = case or recent_case(deputy_user)
    number = next(_numbers)
    owner = make_registrant(
        "Ana Ruiz",
        email=f"upload-owner{number}@example.com",
        phone="+16615550100",
        language=language,
        status=RegistrationStatus.ACTIVE,
        street=f"{1300 + number} Truxtun Ave",
        latitude=35.3733,
        longitude=-119.0187,
        cameras=[{"label": "Front door", "retention_days": 30, "system_type": "dvr_nvr"}],
    )
    before = len(mail.outbox)
    (footage_request,) = footage.create_requests(
        case,
        [c.pk for c in Camera.objects.filter(site__registrant=owner)],
        actor=deputy_user,
        message="Back door, please.",
    )
    match = re.search(r"/footage/([A-Za-z0-9_-]+)/", mail.outbox[before].body)
    assert match, mail.outbox[before].body
    token = match.group(1)
    if answer:
        footage.answer(token, Answer.WILL_PROVIDE)
        footage_request.refresh_from_db()
    return footage_request, token


def statements(client, token: str, **fields):
    data = {"action": "statements", "unaltered": "on", "clock": "unknown", **fields}
    response = client.post(f"/footage/{token}/upload/", data)
    assert response.status_code == 200, response.content
    return response


def metadata(**values: str) -> str:
    return ",".join(
        f"{key} {base64.b64encode(value.encode()).decode()}" for key, value in values.items()
    )


def create(client, token: str, length: int, name: str = "front-door.mp4", **headers):
    return client.post(
        f"/footage/files/{token}/",
        HTTP_UPLOAD_LENGTH=str(length),
        HTTP_UPLOAD_METADATA=metadata(filename=name, filetype="video/mp4"),
        **TUS,
        **headers,
    )


def patch(client, location: str, data: bytes, offset: int, **headers):
    headers.setdefault("content_type", "application/offset+octet-stream")
    return client.patch(location, data, HTTP_UPLOAD_OFFSET=str(offset), **TUS, **headers)

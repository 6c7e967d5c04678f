"""The request detail page: status, answer, the contact log, footage received, close."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from camreg.audit.models import AuditEvent
from camreg.footage import services
from camreg.footage.models import ContactAttempt, FootageRequest, Status
from camreg.testing.staff import make_staff, verified

from .conftest import NOW, camera_ids

pytestmark = pytest.mark.django_db


@pytest.fixture
def footage_request(now, case, deputy, owner):
    (request,) = services.create_requests(
        case,
        camera_ids(owner("Ana Ruiz", cameras=[{"label": "Porch"}])),
        actor=deputy.user,
        message="",
    )
    return request


def test_detail_page_is_audited(footage_request, staff_client):
    client = staff_client("investigator")
    response = client.get(reverse("footage:request", args=[footage_request.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("KC2026-004711", "Ana Ruiz", "Porch", "Not answered", "Sent"):
        assert text in html
    event = AuditEvent.objects.get(action="footage.request_viewed")
    assert event.target_id == str(footage_request.pk)
    assert event.case_number == "KC2026-004711"


def test_log_a_call(footage_request, staff_client):
    client = staff_client("deputy", full_name="Val Visitor")
    response = client.post(
        reverse("footage:request-contact", args=[footage_request.pk]),
        {
            "contact-kind": "call",
            "contact-outcome": "left_message",
            "contact-at": "2026-11-20T09:15",
            "contact-note": "Voicemail.",
        },
    )
    assert response.status_code == 302
    attempt = ContactAttempt.objects.get()
    assert attempt.staff == client.user and attempt.staff_name == "Val Visitor"
    assert attempt.at == NOW - timedelta(minutes=45)  # 09:15 Pacific
    assert (attempt.kind, attempt.outcome, attempt.note) == ("call", "left_message", "Voicemail.")
    event = AuditEvent.objects.get(action="footage.contact_logged")
    assert event.details == {"contact_id": attempt.pk, "kind": "call", "outcome": "left_message"}
    html = client.get(reverse("footage:request", args=[footage_request.pk])).content.decode()
    assert "Phone call by Val Visitor" in html and "Voicemail." in html


def test_log_a_visit_now(footage_request, staff_client):
    client = staff_client("deputy")
    client.post(
        reverse("footage:request-contact", args=[footage_request.pk]),
        {"contact-kind": "visit", "contact-outcome": "reached"},
    )
    assert ContactAttempt.objects.get().at == NOW


def test_contact_in_the_future_is_refused(footage_request, staff_client):
    response = staff_client("deputy").post(
        reverse("footage:request-contact", args=[footage_request.pk]),
        {"contact-kind": "visit", "contact-outcome": "reached", "contact-at": "2026-11-21T09:00"},
    )
    assert response.status_code == 400
    assert "in the future" in response.content.decode()
    assert not ContactAttempt.objects.exists()


def test_invalid_contact_form(footage_request, staff_client):
    response = staff_client("deputy").post(
        reverse("footage:request-contact", args=[footage_request.pk]), {"contact-kind": "fax"}
    )
    assert response.status_code == 400
    assert not ContactAttempt.objects.exists()


def test_mark_footage_received_then_close(footage_request, staff_client):
    client = staff_client("deputy")
    response = client.post(
        reverse("footage:request-received", args=[footage_request.pk]),
        {"received-note": "USB drive collected."},
    )
    assert response.status_code == 302
    footage_request.refresh_from_db()
    assert footage_request.status == Status.FOOTAGE_RECEIVED
    assert footage_request.footage_received_at == NOW
    assert not footage_request.links.exists()
    again = client.post(reverse("footage:request-received", args=[footage_request.pk]), {})
    assert again.status_code == 400
    client.post(reverse("footage:request-close", args=[footage_request.pk]), {})
    footage_request.refresh_from_db()
    assert footage_request.status == Status.CLOSED
    actions = list(
        AuditEvent.objects.filter(action__in=["footage.footage_received", "footage.closed"])
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["footage.footage_received", "footage.closed"]


def test_close_with_reason(footage_request, deputy):
    services.close(footage_request, actor=deputy.user, note="Case solved.")
    event = AuditEvent.objects.get(action="footage.closed")
    assert event.reason == "Case solved."
    assert event.details == {"previous_status": "sent"}


@pytest.mark.parametrize("role", ["program_coordinator", "auditor"])
def test_other_roles_are_refused(footage_request, staff_client, role):
    client = staff_client(role)
    assert client.get(reverse("footage:request", args=[footage_request.pk])).status_code == 403
    for name in ("footage:request-contact", "footage:request-received", "footage:request-close"):
        response = client.post(
            reverse(name, args=[footage_request.pk]),
            {"contact-kind": "call", "contact-outcome": "reached"},
        )
        assert response.status_code == 403
    assert not ContactAttempt.objects.exists()
    footage_request.refresh_from_db()
    assert footage_request.status == Status.SENT


def test_get_request_for_the_api(footage_request, db):
    investigator = verified(make_staff("investigator"))
    assert services.get_request(footage_request.pk, investigator) == footage_request
    with pytest.raises(FootageRequest.DoesNotExist):
        services.get_request(999999, investigator)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.get_request(footage_request.pk, verified(make_staff("auditor")))


def test_a_leaving_registrant_is_forgotten(footage_request):
    registrant = footage_request.registrant
    services.forget_registrant(registrant)
    footage_request.refresh_from_db()
    assert footage_request.registrant is None
    assert footage_request.status == Status.CLOSED
    assert not footage_request.links.exists()

"""Creating footage requests: cameras grouped by owner, one email each, in their language."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from camreg.audit.models import AuditEvent
from camreg.footage import services
from camreg.footage.models import FootageLink, FootageRequest, Status
from camreg.outreach.models import OutboxMessage
from camreg.registry.models import RegistrationStatus
from camreg.testing.staff import make_staff, verified

from .conftest import CASE_NUMBER, INCIDENT_START, NOW, camera_ids

pytestmark = pytest.mark.django_db


def test_cameras_are_grouped_by_owner_with_one_email_each(now, case, deputy, owner):
    ana = owner(
        "Ana Ruiz",
        cameras=[
            {"label": "Driveway", "retention_days": 30},
            {"label": "Porch", "retention_days": 3},
        ],
    )
    ben = owner("Ben Ortiz", cameras=[{"label": "Garage", "retention_days": 14}])
    created = services.create_requests(
        case, camera_ids(ana, ben), actor=deputy.user, message="Please check your driveway camera."
    )
    assert len(created) == 2
    by_owner = {r.registrant_id: r for r in created}
    assert sorted(by_owner) == sorted([ana.pk, ben.pk])
    ana_request = by_owner[ana.pk]
    assert sorted(ana_request.requested_cameras.values_list("label", flat=True)) == [
        "Driveway",
        "Porch",
    ]
    # The earliest overwrite among its cameras: 3 days after the incident began.
    assert ana_request.overwrite_deadline == INCIDENT_START + timedelta(days=3)
    assert ana_request.status == Status.SENT and ana_request.sent_at == NOW
    assert ana_request.window_start == case.start and ana_request.window_end == case.end
    assert ana_request.requester_name == "Dana Deputy"
    assert ana_request.requester_email == "dana.deputy@example.org"
    assert created[0] == ana_request  # most urgent first

    assert len(mail.outbox) == 2
    ana_mail = next(m for m in mail.outbox if ana.email in m.to)
    assert CASE_NUMBER in ana_mail.subject
    body = ana_mail.body
    for text in ("Driveway", "Porch", "Dana Deputy", "dana.deputy@example.org", "driveway camera"):
        assert text in body
    assert "Garage" not in body
    # The time window in the agency's time zone (the incident began 10:00 Pacific).
    assert "10 a.m." in body and "PST" in body
    assert "/footage/" in body
    assert FootageLink.objects.filter(request=ana_request).count() == 1


def test_each_owner_gets_the_email_in_their_language(now, case, deputy, owner):
    ana = owner("Ana Ruiz", language="es")
    ben = owner("Ben Ortiz", language="en")
    created = services.create_requests(case, camera_ids(ana, ben), actor=deputy.user, message="")
    languages = {r.registrant_id: r.language for r in created}
    assert languages == {ana.pk: "es", ben.pk: "en"}
    outbox = {m.to_address: m for m in OutboxMessage.objects.all()}
    assert outbox[ana.email].language == "es"
    assert outbox[ana.email].template == "footage_request"
    assert outbox[ben.email].language == "en"
    # Spanish dates are formatted the Spanish way whatever the state of the catalog.
    assert "de noviembre de 2026" in outbox[ana.email].body_text


def test_link_expires_after_the_agency_setting(now, case, deputy, owner):
    from camreg.agency import services as agency_services

    agency_services.update(agency_services.current(), footage_request_link_days=3)
    created = services.create_requests(case, camera_ids(owner()), actor=deputy.user, message="")
    request = created[0]
    assert (request.link_expires_at - request.sent_at).days == 3
    assert FootageLink.objects.get(request=request).expires_at == request.link_expires_at


def test_only_active_registrations_are_asked(now, case, deputy, owner):
    active = owner("Active Owner")
    lapsed = owner("Lapsed Owner", status=RegistrationStatus.LAPSED)
    pending = owner("Pending Owner", status=RegistrationStatus.PENDING_REVIEW)
    created = services.create_requests(
        case, camera_ids(active, lapsed, pending), actor=deputy.user, message=""
    )
    assert [r.registrant_id for r in created] == [active.pk]
    assert len(mail.outbox) == 1
    skipped = AuditEvent.objects.get(action="footage.cameras_skipped")
    assert sorted(skipped.details["camera_ids"]) == sorted(camera_ids(lapsed, pending))


def test_nothing_to_ask_is_refused(now, case, deputy, owner):
    lapsed = owner(status=RegistrationStatus.LAPSED)
    with pytest.raises(services.FootageError) as error:
        services.create_requests(case, camera_ids(lapsed), actor=deputy.user, message="")
    assert error.value.code == "no_active_cameras"
    with pytest.raises(services.FootageError) as error:
        services.create_requests(case, [], actor=deputy.user, message="")
    assert error.value.code == "no_cameras"
    assert not FootageRequest.objects.exists()


def test_bad_window_is_refused(now, case, deputy, owner):
    with pytest.raises(services.FootageError) as error:
        services.create_requests(
            case,
            camera_ids(owner()),
            actor=deputy.user,
            message="",
            window_start=case.end,
            window_end=case.start,
        )
    assert error.value.code == "window_invalid"


def test_owner_without_email_gets_a_draft_to_follow_up(now, case, deputy, owner):
    no_email = owner("Phone Only", email="")
    created = services.create_requests(case, camera_ids(no_email), actor=deputy.user, message="")
    assert created[0].status == Status.DRAFT
    assert not mail.outbox
    assert AuditEvent.objects.filter(action="footage.request_created").count() == 1


def test_requests_are_audited_with_the_case_number(now, case, deputy, owner):
    ana = owner()
    services.create_requests(case, camera_ids(ana), actor=deputy.user, message="")
    event = AuditEvent.objects.get(action="footage.request_sent")
    assert event.case_number == CASE_NUMBER
    assert event.actor_id == str(deputy.user.pk)
    assert event.details["registrant_id"] == ana.pk
    assert event.details["camera_ids"] == camera_ids(ana)


@pytest.mark.parametrize("role", ["program_coordinator", "auditor", "evidence_custodian"])
def test_only_canvass_roles_may_request(now, case, owner, role):
    other = verified(make_staff(role))
    with pytest.raises(PermissionDenied):
        services.create_requests(case, camera_ids(owner()), actor=other, message="")
    assert not FootageRequest.objects.exists()


def test_unverified_staff_may_not_request(case, owner):
    half = verified(make_staff("deputy"), False)
    with pytest.raises(PermissionDenied):
        services.create_requests(case, camera_ids(owner()), actor=half, message="")

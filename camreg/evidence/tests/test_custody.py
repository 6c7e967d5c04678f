"""custody.record: the one writer of custody events, each mirrored in the audit log; the
events are append-only."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory

from camreg.audit.models import AuditEvent
from camreg.evidence.models import CustodyEvent, CustodyKind
from camreg.evidence.services import custody
from camreg.testing.evidence import make_case, make_evidence_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def evidence_file(deputy):
    return make_evidence_file(make_case(deputy.user))


def test_an_event_says_who_when_where_and_why_and_goes_to_the_audit_log(deputy, evidence_file):
    request = RequestFactory().get("/", HTTP_USER_AGENT="Firefox/140", REMOTE_ADDR="10.1.2.3")
    request.user = deputy.user
    event = custody.record(
        evidence_file, CustodyKind.VIEWED, actor=deputy.user, request=request, reason="Review"
    )
    assert event.actor == deputy.user and event.actor_name == "Dana Deputy"
    assert (event.ip, event.user_agent, event.reason) == ("10.1.2.3", "Firefox/140", "Review")
    assert event.sha256 == evidence_file.sha256 and event.at is not None
    audit = AuditEvent.objects.get(action="evidence.viewed")
    assert audit.details["custody_event"] == event.pk
    assert audit.case_number == evidence_file.case.case_number
    assert audit.target_id == str(evidence_file.pk)


def test_the_system_and_outside_parties_are_named(evidence_file):
    assert custody.record(evidence_file, "hash_verified").actor_name == custody.SYSTEM
    named = custody.record(evidence_file, "received", actor_name="The owner (request link)")
    assert named.actor is None and named.actor_name == "The owner (request link)"


def test_an_unknown_kind_is_refused(evidence_file):
    with pytest.raises(ValueError):
        custody.record(evidence_file, "tampered")


def test_events_cannot_be_updated_or_deleted(evidence_file):
    event = custody.record(evidence_file, CustodyKind.VIEWED)
    event.reason = "rewritten"
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    with pytest.raises(ValueError, match="append-only"):
        event.delete()
    assert CustodyEvent.objects.get(pk=event.pk).reason == ""


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE evidence_custodyevent SET reason = 'rewritten' WHERE id = %s",
        "UPDATE evidence_custodyevent SET at = at WHERE id = %s",
        "DELETE FROM evidence_custodyevent WHERE id = %s",
    ],
)
def test_the_database_refuses_to_change_or_delete_events(evidence_file, statement):
    """Past the model (a queryset update, plain SQL): the database's own triggers refuse."""
    event = custody.record(evidence_file, CustodyKind.VIEWED)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(statement, [event.pk])
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        CustodyEvent.objects.filter(pk=event.pk).update(reason="rewritten")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        CustodyEvent.objects.filter(pk=event.pk)._raw_delete(connection.alias)
    assert CustodyEvent.objects.get(pk=event.pk).reason == ""


def test_the_event_and_its_audit_record_roll_back_together(evidence_file):
    with pytest.raises(RuntimeError), transaction.atomic():
        custody.record(evidence_file, CustodyKind.DOWNLOADED)
        raise RuntimeError("the download failed")
    assert not CustodyEvent.objects.filter(kind=CustodyKind.DOWNLOADED).exists()
    assert not AuditEvent.objects.filter(action="evidence.downloaded").exists()

"""Retention: the default categories, the category given on processing, the daily purge."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from camreg.evidence import tasks
from camreg.evidence.models import (
    CustodyKind,
    FileStatus,
    Release,
    ReleaseKind,
    RetentionCategory,
)
from camreg.evidence.services import processing, retention
from camreg.evidence.services.storage import evidence_storage
from camreg.scheduling import JOBS
from camreg.testing.evidence import make_case, make_uploaded_file

pytestmark = pytest.mark.django_db

RECEIVED = datetime(2026, 11, 20, 18, 0, tzinfo=UTC)


@pytest.fixture
def case(deputy):
    return make_case(deputy.user)


@pytest.fixture
def evidence_file(case):
    with time_machine.travel(RECEIVED, tick=False):
        evidence_file = make_uploaded_file(case)
        processing.process(evidence_file.pk)
    evidence_file.refresh_from_db()
    return evidence_file


def test_the_default_categories():
    categories = {c.name: c for c in RetentionCategory.objects.all()}
    assert categories["No evidentiary value"].retention_days == 90
    assert categories["Homicide / major crime"].retention_days >= 25 * 365
    assert RetentionCategory.objects.filter(is_default=True).count() == 1
    assert categories["Evidence in an open investigation"].is_default


def test_the_daily_job_is_registered():
    assert any(job.task_path.endswith("purge_expired_evidence") for job in JOBS)


def test_nothing_is_purged_before_the_end_of_retention(evidence_file):
    with time_machine.travel(evidence_file.retain_until - timedelta(minutes=1)):
        assert retention.purge_expired() == 0
    evidence_file.refresh_from_db()
    assert evidence_file.status == FileStatus.READY


def test_expired_evidence_is_purged_with_a_custody_event(
    evidence_file, custodian_client, django_capture_on_commit_callbacks
):
    storage = evidence_storage()
    names = [evidence_file.stored_name, evidence_file.poster_name]
    assert all(storage.exists(name) for name in names)
    short = RetentionCategory.objects.get(name="No evidentiary value")
    retention.change_category(
        evidence_file, short, actor=custodian_client.user, reason="Nothing on the video"
    )
    with (
        time_machine.travel(RECEIVED + timedelta(days=91), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert tasks.purge_expired_evidence.call() == 1
        now = datetime.now(UTC)
    evidence_file.refresh_from_db()
    assert evidence_file.status == FileStatus.PURGED
    assert evidence_file.purged_at == now
    assert evidence_file.sha256  # the record of what was held stays
    assert not any(storage.exists(name) for name in names)
    event = evidence_file.custody_events.get(kind=CustodyKind.DELETED)
    assert event.actor is None and "No evidentiary value" in event.reason
    kinds = list(evidence_file.custody_events.values_list("kind", flat=True))
    assert kinds[-2:] == [CustodyKind.RETENTION_CHANGED, CustodyKind.DELETED]
    # Again: nothing more.
    with time_machine.travel(RECEIVED + timedelta(days=92)):
        assert retention.purge_expired() == 0


def test_bytes_left_by_a_crash_after_the_commit_are_deleted_on_the_next_run(evidence_file):
    with time_machine.travel(evidence_file.retain_until + timedelta(days=1)):
        retention.purge_expired()  # the on-commit deletion never runs here: as after a crash
    assert evidence_storage().exists(evidence_file.stored_name)
    assert retention.purge_expired() == 0
    assert not evidence_storage().exists(evidence_file.stored_name)


def test_a_file_in_a_release_waiting_for_a_decision_is_kept(evidence_file, deputy):
    release = Release.objects.create(
        case=evidence_file.case,
        kind=ReleaseKind.COPY,
        legal_basis="law",
        recipient="Superior Court",
        description="Video",
        requested_by=deputy.user,
    )
    release.evidence_files.add(evidence_file)
    with time_machine.travel(evidence_file.retain_until + timedelta(days=1)):
        assert retention.purge_expired() == 0


def test_a_purged_file_cannot_be_downloaded(evidence_file, deputy):
    from django.urls import reverse

    with time_machine.travel(evidence_file.retain_until + timedelta(days=1)):
        retention.purge_expired()
    response = deputy.get(reverse("evidence:download", kwargs={"pk": evidence_file.pk}))
    assert response.status_code == 302
    page = deputy.get(reverse("evidence:file", kwargs={"pk": evidence_file.pk}))
    assert "deleted on" in page.content.decode()


def test_changing_the_category_needs_a_custodian_and_a_reason(
    evidence_file, deputy, custodian_client
):
    short = RetentionCategory.objects.get(name="No evidentiary value")
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        retention.change_category(evidence_file, short, actor=deputy.user, reason="x")
    with pytest.raises(retention.RetentionError):
        retention.change_category(evidence_file, short, actor=custodian_client.user, reason=" ")
    changed = retention.change_category(
        evidence_file, short, actor=custodian_client.user, reason="Reviewed"
    )
    assert changed.retain_until == evidence_file.created_at + timedelta(days=90)


@pytest.fixture
def custodian_client(staff_client):
    return staff_client("evidence_custodian")

"""`manage.py verify_evidence` and the weekly job: every stored file re-hashed, a custody
event each, a changed byte a loud failure."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from camreg.evidence import tasks
from camreg.evidence.models import CustodyKind
from camreg.evidence.services import verification
from camreg.evidence.services.storage import evidence_storage
from camreg.scheduling import JOBS
from camreg.testing.evidence import make_case, make_evidence_file, make_uploaded_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(deputy):
    return make_case(deputy.user)


def change_one_byte(name: str) -> None:
    path = evidence_storage().path(name)
    with open(path, "r+b") as stored:
        stored.seek(100)
        byte = stored.read(1)
        stored.seek(100)
        stored.write(bytes([byte[0] ^ 0x01]))


def test_unchanged_files_are_verified(case):
    first = make_evidence_file(case, name="a.mp4")
    second = make_evidence_file(case, name="b.mp4")
    make_uploaded_file(case, name="still-processing.mp4")  # not stored yet: skipped
    out = io.StringIO()
    call_command("verify_evidence", stdout=out)
    assert "2 evidence file(s) verified, 0 mismatch(es)" in out.getvalue()
    for f in (first, second):
        event = f.custody_events.get(kind=CustodyKind.HASH_VERIFIED)
        assert event.sha256 == f.sha256 and event.details["computed"] == f.sha256


def test_a_changed_byte_fails_loudly(case):
    good = make_evidence_file(case, name="good.mp4")
    bad = make_evidence_file(case, name="tampered.mp4")
    change_one_byte(bad.stored_name)
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError):
        call_command("verify_evidence", stdout=out, stderr=err)
    message = err.getvalue()
    assert "HASH MISMATCH" in message and "tampered.mp4" in message
    event = bad.custody_events.get(kind=CustodyKind.HASH_MISMATCH)
    assert event.details["expected"] == bad.sha256 in message
    assert event.details["computed"] in message and event.details["computed"] != bad.sha256
    assert good.custody_events.filter(kind=CustodyKind.HASH_VERIFIED).exists()


def test_the_command_exits_non_zero(case):
    bad = make_evidence_file(case)
    change_one_byte(bad.stored_name)
    from django.core.management import execute_from_command_line

    with pytest.raises(SystemExit) as exit_info:
        execute_from_command_line(["manage.py", "verify_evidence"])
    assert exit_info.value.code == 1


def test_a_missing_file_is_a_mismatch(case):
    gone = make_evidence_file(case)
    evidence_storage().delete(gone.stored_name)
    report = verification.verify_all()
    assert len(report.mismatches) == 1
    assert gone.custody_events.get(kind=CustodyKind.HASH_MISMATCH).details["missing"] is True


def test_the_weekly_job_is_registered_and_fails_on_a_mismatch(case):
    assert any(job.task_path.endswith("verify_evidence_hashes") for job in JOBS)
    assert tasks.verify_evidence_hashes.call() == {"verified": 0, "mismatched": 0}
    bad = make_evidence_file(case)
    change_one_byte(bad.stored_name)
    with pytest.raises(verification.IntegrityError, match=bad.sha256):
        tasks.verify_evidence_hashes.call()

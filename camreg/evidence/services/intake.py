"""Submissions: the owner's through the request link, and a deputy's intake of footage
collected in person. Both then send their files through the same tus pipeline
(services.tus), which makes each complete file an evidence file.

- `open_owner_submission(request)`: the owner's submission still taking files, if any.
- `owner_statements(request, ...)`: the statements the owner makes before sending; they go
  on the open submission (a new one when the last was finished).
- `start_intake(actor, case=..., footage_request=..., received_from=..., ...)`: a STAFF
  submission (received_by, received_from, the statements as the person gave them).
- `finish(submission)`: the sending is done (no more files in it).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from camreg.accounts.roles import Permission, check
from camreg.audit import services as audit

from ..models import Submission, SubmissionSource, SubmissionStatus


def staff_name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else ""


def open_owner_submission(footage_request) -> Submission | None:
    return (
        Submission.objects.filter(
            footage_request=footage_request,
            source=SubmissionSource.OWNER,
            status=SubmissionStatus.OPEN,
        )
        .order_by("-created_at", "-pk")
        .first()
    )


def owner_statements(
    footage_request,
    *,
    states_unaltered: bool,
    clock_offset_seconds: int | None,
    notes: str,
    language: str,
) -> Submission:
    """Store the owner's statements on their open submission (or a new one)."""
    with transaction.atomic():
        submission = open_owner_submission(footage_request)
        fields = {
            "states_unaltered": states_unaltered,
            "clock_offset_seconds": clock_offset_seconds,
            "notes": notes[:2000],
            "language": language,
        }
        if submission is None:
            submission = Submission.objects.create(
                case=footage_request.case,
                footage_request=footage_request,
                source=SubmissionSource.OWNER,
                **fields,
            )
            created = True
        else:
            for name, value in fields.items():
                setattr(submission, name, value)
            submission.save(update_fields=list(fields))
            created = False
        audit.record(
            "evidence.owner_statements",
            actor=footage_request.registrant,
            target=footage_request,
            case_number=footage_request.case.case_number,
            details={
                "submission": str(submission.public_id),
                "created": created,
                "unaltered": states_unaltered,
                "clock_offset_seconds": clock_offset_seconds,
            },
        )
    return submission


def start_intake(
    actor,
    *,
    case,
    footage_request=None,
    received_from: str,
    states_unaltered: bool,
    clock_offset_seconds: int | None,
    notes: str,
    request=None,
) -> Submission:
    """A deputy takes in footage collected in person, for a case or one of its requests."""
    check(actor, Permission.CANVASS)
    if footage_request is not None and footage_request.case_id != case.pk:
        raise ValueError("The footage request belongs to another case.")
    with transaction.atomic():
        submission = Submission.objects.create(
            case=case,
            footage_request=footage_request,
            source=SubmissionSource.STAFF,
            received_by=actor,
            received_by_name=staff_name(actor)[:200],
            received_from=received_from.strip()[:300],
            states_unaltered=states_unaltered,
            clock_offset_seconds=clock_offset_seconds,
            notes=notes[:2000],
        )
        audit.record(
            "evidence.intake_started",
            actor=actor,
            request=request,
            target=footage_request or case,
            case_number=case.case_number,
            details={"submission": str(submission.public_id), "received_from": received_from},
        )
    return submission


def finish(submission: Submission, *, actor=None, request=None) -> bool:
    """No more files in this submission. False if it was finished already."""
    now = timezone.now()
    with transaction.atomic():
        changed = Submission.objects.filter(pk=submission.pk, status=SubmissionStatus.OPEN).update(
            status=SubmissionStatus.SUBMITTED, submitted_at=now
        )
        if changed:
            submission.refresh_from_db()
            audit.record(
                "evidence.submission_sent",
                actor=actor,
                request=request,
                target=submission.footage_request or submission.case,
                case_number=submission.case.case_number,
                details={
                    "submission": str(submission.public_id),
                    "files": submission.evidence_files.count(),
                },
            )
    return bool(changed)

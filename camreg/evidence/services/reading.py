"""Staff reading evidence: the file page, its poster, downloads, custody reports, and the
lists the case page and the footage request page show.

Who may: staff holding `evidence.view` (deputies, investigators, supervisors and evidence
custodians; docs/roles.md). Every read that shows the footage or the owner's statements is
recorded: opening a file page is a VIEWED custody event, a download a DOWNLOADED one (both
in the audit log too, through custody.record); reading a custody report, or a list of a
case's files, is an audit event. The poster image itself is not an event: it is shown only
on pages that record their own reading.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.db.models import Count, Max, Prefetch, Q, Sum

from camreg.accounts.roles import Permission, check
from camreg.audit import services as audit
from camreg.canvass.models import Case

from ..models import CustodyEvent, CustodyKind, EvidenceFile, FileStatus, Submission
from . import custody
from .storage import evidence_storage

REASON_MAX = 500


def get_file(pk: int, actor) -> EvidenceFile:
    """The evidence file (raises EvidenceFile.DoesNotExist) for someone who may see it."""
    check(actor, Permission.EVIDENCE_VIEW)
    return EvidenceFile.objects.select_related(
        "case",
        "submission",
        "submission__footage_request",
        "submission__received_by",
        "retention_category",
    ).get(pk=pk)


def record_view(evidence_file: EvidenceFile, *, actor, request=None, reason: str = ""):
    return custody.record(
        evidence_file,
        CustodyKind.VIEWED,
        actor=actor,
        request=request,
        reason=(reason or "").strip()[:REASON_MAX],
    )


class NotDownloadable(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def open_for_download(evidence_file: EvidenceFile, *, actor, request=None, reason: str = ""):
    """The stored bytes, opened, with the DOWNLOADED custody event written."""
    check(actor, Permission.EVIDENCE_VIEW)
    if evidence_file.status == FileStatus.PURGED:
        raise NotDownloadable("This file was deleted at the end of its retention.")
    if evidence_file.status != FileStatus.READY or not evidence_file.stored_name:
        raise NotDownloadable("This file is still being checked. Try again in a few minutes.")
    stored = evidence_storage().open(evidence_file.stored_name, "rb")
    try:
        custody.record(
            evidence_file,
            CustodyKind.DOWNLOADED,
            actor=actor,
            request=request,
            reason=(reason or "").strip()[:REASON_MAX],
            details={"size": evidence_file.size},
        )
    except Exception:
        stored.close()
        raise
    return stored


def open_poster(evidence_file: EvidenceFile):
    if not evidence_file.poster_name or evidence_file.status != FileStatus.READY:
        return None
    return evidence_storage().open(evidence_file.poster_name, "rb")


_UNSAFE = re.compile(r"[^A-Za-z0-9._ -]+")


def download_name(evidence_file: EvidenceFile) -> str:
    """A safe file name for Content-Disposition: the case number and the original name,
    ASCII letters, digits, dots, dashes and spaces only, no path, at most 150 characters."""
    original = evidence_file.original_name.replace("\\", "/").rsplit("/", 1)[-1]
    original = unicodedata.normalize("NFKD", original).encode("ascii", "ignore").decode()
    original = _UNSAFE.sub("_", original).strip(" .") or "evidence"
    case_number = _UNSAFE.sub("_", evidence_file.case.case_number)
    name = f"{case_number} {original}"
    if len(name) > 150:
        stem, dot, ext = name.rpartition(".")
        name = f"{stem[: 140 - len(ext)]}.{ext}" if dot and len(ext) <= 8 else name[:150]
    return name


# Custody reports --------------------------------------------------------------------


@dataclass
class FileReport:
    evidence_file: EvidenceFile
    events: list[CustodyEvent]


def _events():
    return Prefetch(
        "custody_events",
        queryset=CustodyEvent.objects.select_related("actor").order_by("at", "pk"),
    )


def file_report(evidence_file: EvidenceFile, *, actor, request=None) -> FileReport:
    check(actor, Permission.EVIDENCE_VIEW)
    events = list(evidence_file.custody_events.select_related("actor").order_by("at", "pk"))
    audit.record(
        "evidence.custody_report_viewed",
        actor=actor,
        request=request,
        target=evidence_file,
        case_number=evidence_file.case.case_number,
        details={"evidence_files": [evidence_file.pk]},
    )
    return FileReport(evidence_file, events)


def case_files(case, *, footage_request=None):
    files = EvidenceFile.objects.filter(case=case)
    if footage_request is not None:
        files = files.filter(submission__footage_request=footage_request)
    return files.select_related(
        "case", "submission", "submission__received_by", "retention_category"
    ).order_by("submission__created_at", "submission__pk", "created_at", "pk")


def case_report(case, *, actor, request=None) -> list[FileReport]:
    check(actor, Permission.EVIDENCE_VIEW)
    files = list(case_files(case).prefetch_related(_events()))
    audit.record(
        "evidence.custody_report_viewed",
        actor=actor,
        request=request,
        target=case,
        case_number=case.case_number,
        details={"evidence_files": [f.pk for f in files]},
    )
    return [FileReport(f, list(f.custody_events.all())) for f in files]


# Lists on other apps' pages --------------------------------------------------------


@dataclass
class SubmissionGroup:
    submission: Submission
    files: list[EvidenceFile]


def grouped(files) -> list[SubmissionGroup]:
    groups: dict[int, SubmissionGroup] = {}
    for evidence_file in files:
        group = groups.setdefault(
            evidence_file.submission_id, SubmissionGroup(evidence_file.submission, [])
        )
        group.files.append(evidence_file)
    return list(groups.values())


def listed(case, *, actor, request=None, footage_request=None) -> list[SubmissionGroup]:
    """The evidence files of a case (or of one of its footage requests), by submission;
    audited when there are any (their names and the owner's statements are shown)."""
    check(actor, Permission.EVIDENCE_VIEW)
    files = list(case_files(case, footage_request=footage_request))
    if files:
        audit.record(
            "evidence.files_listed",
            actor=actor,
            request=request,
            target=footage_request if footage_request is not None else case,
            case_number=case.case_number,
            details={"evidence_files": [f.pk for f in files]},
        )
    return grouped(files)


# The evidence index ----------------------------------------------------------------


@dataclass
class CaseEvidence:
    case: Case
    files: int
    bytes: int
    last_received: object
    processing: int


def cases_with_evidence(*, actor, limit: int = 200) -> list[CaseEvidence]:
    """Cases that hold evidence files, the most recently received first, with counts only
    (no names or statements: nothing personal to audit)."""
    check(actor, Permission.EVIDENCE_VIEW)
    rows = (
        EvidenceFile.objects.values("case")
        .annotate(
            files=Count("pk"),
            bytes=Sum("size"),
            last_received=Max("created_at"),
            processing=Count("pk", filter=Q(status=FileStatus.PROCESSING)),
        )
        .order_by("-last_received")[:limit]
    )
    rows = list(rows)
    cases = Case.objects.in_bulk([row["case"] for row in rows])
    return [
        CaseEvidence(
            cases[row["case"]],
            row["files"],
            row["bytes"] or 0,
            row["last_received"],
            row["processing"],
        )
        for row in rows
    ]

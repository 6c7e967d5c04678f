"""Re-verifying stored evidence: `manage.py verify_evidence` and the weekly job.

Every READY evidence file's stored bytes are read again (streaming) and hashed; the result
is a custody event per file: HASH_VERIFIED when the SHA-256 is the one computed on arrival,
HASH_MISMATCH (details: expected, computed, or "missing") when it is not. A mismatch is a
loud failure: logged as an error, the command exits non-zero naming the file and both
hashes, the scheduled task fails (and shows as failed in the task queue).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from ..models import CustodyKind, EvidenceFile, FileStatus
from . import custody
from .processing import hash_stored

logger = logging.getLogger(__name__)


@dataclass
class Mismatch:
    evidence_file: EvidenceFile
    expected: str
    computed: str  # "" when the stored object is missing

    def describe(self) -> str:
        f = self.evidence_file
        found = self.computed or "nothing (the stored object is missing)"
        return (
            f"HASH MISMATCH: evidence file {f.pk} “{f.original_name}” of case "
            f"{f.case.case_number} (stored as {f.stored_name}): expected SHA-256 "
            f"{self.expected}, found {found}"
        )


@dataclass
class Report:
    verified: int = 0
    mismatches: list[Mismatch] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.mismatches


class IntegrityError(Exception):
    """Stored evidence no longer has the hash it had on arrival."""


def verify_file(evidence_file: EvidenceFile, *, actor=None) -> Mismatch | None:
    try:
        computed, size = hash_stored(evidence_file.stored_name)
    except (FileNotFoundError, OSError) as error:
        logger.error(
            "Evidence file %s: cannot read %s: %s",
            evidence_file.pk,
            evidence_file.stored_name,
            error,
        )
        computed, size = "", None
    details = {"expected": evidence_file.sha256, "computed": computed, "size": size}
    if computed and computed == evidence_file.sha256 and size == evidence_file.size:
        custody.record(evidence_file, CustodyKind.HASH_VERIFIED, actor=actor, details=details)
        return None
    if not computed:
        details["missing"] = True
    custody.record(evidence_file, CustodyKind.HASH_MISMATCH, actor=actor, details=details)
    mismatch = Mismatch(evidence_file, evidence_file.sha256, computed)
    logger.error(mismatch.describe())
    return mismatch


def verify_all(*, actor=None, queryset=None) -> Report:
    """Verify every READY stored file (one custody event each, committed one by one)."""
    report = Report()
    files = queryset if queryset is not None else EvidenceFile.objects.all()
    files = (
        files.filter(status=FileStatus.READY)
        .exclude(stored_name="")
        .select_related("case")
        .order_by("pk")
    )
    for evidence_file in files.iterator(chunk_size=200):
        mismatch = verify_file(evidence_file, actor=actor)
        if mismatch is None:
            report.verified += 1
        else:
            report.mismatches.append(mismatch)
    return report

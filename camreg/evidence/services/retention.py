"""Retention: how long each evidence file is kept, and the purge at the end.

Each evidence file gets a retention category when it is processed (the default category,
`RetentionCategory.is_default`) and `retain_until` = received + the category's days. An
evidence custodian may move a file to another category, with a reason (custody event
RETENTION_CHANGED, in the audit log too); its `retain_until` follows the new category.

`purge_expired()` (the daily job `tasks.purge_expired_evidence`) deletes the stored bytes
and the poster of every READY file whose `retain_until` has passed, marks it PURGED with
`purged_at`, and records the custody event DELETED. The row, its hash and its custody
events stay: the record of what was held and what happened to it outlives the bytes.
A file in a release still waiting for a custodian's decision is not purged until it is
decided (the custodian sees it on the release).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from camreg.accounts.roles import Permission, check

from ..models import (
    CustodyKind,
    EvidenceFile,
    FileStatus,
    ReleaseStatus,
    RetentionCategory,
)
from . import custody
from .storage import evidence_storage

logger = logging.getLogger(__name__)


class RetentionError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def required_reason(reason: str) -> str:
    """The reason a retention change needs, trimmed; RetentionError when there is none."""
    reason = (reason or "").strip()
    if not reason:
        raise RetentionError("Enter the reason for the change.")
    return reason


def retain_until(evidence_file: EvidenceFile, category: RetentionCategory):
    return evidence_file.created_at + timedelta(days=category.retention_days)


def change_category(
    evidence_file: EvidenceFile,
    category: RetentionCategory,
    *,
    actor,
    reason: str,
    request=None,
) -> EvidenceFile:
    """An evidence custodian moves a file to another retention category, with a reason."""
    check(actor, Permission.EVIDENCE)
    reason = required_reason(reason)
    with transaction.atomic():
        locked = EvidenceFile.objects.select_for_update().get(pk=evidence_file.pk)
        if locked.status == FileStatus.PURGED:
            raise RetentionError("This file was deleted at the end of its retention.")
        before = locked.retention_category
        if before is not None and before.pk == category.pk:
            raise RetentionError(f"This file is already in “{category.name}”.")
        previous_until = locked.retain_until
        locked.retention_category = category
        locked.retain_until = retain_until(locked, category)
        locked.save(update_fields=["retention_category", "retain_until"])
        custody.record(
            locked,
            CustodyKind.RETENTION_CHANGED,
            actor=actor,
            request=request,
            reason=reason,
            details={
                "from": before.name if before else "",
                "to": category.name,
                "retain_until_before": previous_until.isoformat() if previous_until else "",
                "retain_until": locked.retain_until.isoformat(),
            },
        )
    return locked


def expired(now=None):
    now = now or timezone.now()
    return (
        EvidenceFile.objects.filter(status=FileStatus.READY, retain_until__lt=now)
        .exclude(releases__status=ReleaseStatus.PENDING)
        .select_related("case", "retention_category")
        .distinct()
        .order_by("retain_until", "pk")
    )


def purge(evidence_file: EvidenceFile, *, now=None) -> bool:
    """Delete one expired file's bytes and poster; False when it was not (any longer) due."""
    now = now or timezone.now()
    storage = evidence_storage()
    with transaction.atomic():
        locked = (
            EvidenceFile.objects.select_for_update(of=("self",))
            .select_related("case", "retention_category")
            .get(pk=evidence_file.pk)
        )
        if (
            locked.status != FileStatus.READY
            or not locked.retain_until
            or locked.retain_until >= now
        ):
            return False
        names = [n for n in (locked.stored_name, locked.poster_name) if n]
        locked.status = FileStatus.PURGED
        locked.purged_at = now
        locked.save(update_fields=["status", "purged_at"])
        custody.record(
            locked,
            CustodyKind.DELETED,
            reason=(
                f"End of retention: {locked.retention_category.name}"
                if locked.retention_category
                else "End of retention"
            ),
            details={
                "retain_until": locked.retain_until.isoformat(),
                "stored_name": locked.stored_name,
            },
            at=now,
        )
        # The bytes go once the record of their deletion is committed; a crash in between
        # leaves bytes of a PURGED file, which the next purge run deletes (purge_leftovers).
        transaction.on_commit(lambda: _delete(storage, names))
    return True


def _delete(storage, names: list[str]) -> None:
    for name in names:
        try:
            storage.delete(name)
        except Exception:  # noqa: BLE001 - logged; purge_leftovers tries again
            logger.exception("Could not delete purged evidence object %s", name)


def purge_leftovers() -> int:
    """Bytes of PURGED files still in the storage (a crash between commit and delete)."""
    storage = evidence_storage()
    count = 0
    for names in EvidenceFile.objects.filter(status=FileStatus.PURGED).values_list(
        "stored_name", "poster_name"
    ):
        left = [name for name in names if name and storage.exists(name)]
        if left:
            _delete(storage, left)
            count += 1
    return count


def purge_expired(now=None) -> int:
    """The daily job: purge every file whose retention ended; returns how many."""
    now = now or timezone.now()
    purge_leftovers()
    count = 0
    for evidence_file in expired(now):
        if purge(evidence_file, now=now):
            count += 1
    if count:
        logger.info("Purged %d evidence file(s) at the end of their retention", count)
    return count

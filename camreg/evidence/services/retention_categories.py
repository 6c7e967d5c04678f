"""Retention periods: the evidence custodian sets the categories and how long each keeps files.

A category's period counts from the day a file was received; the daily purge deletes a file's
bytes when it ends (services.retention). The rules here keep a change of period from ever
destroying evidence already received (decision 0032):

- a **longer** period applies at once to the files already in the category (each one's
  `retain_until` moves later, with a custody event naming the reason);
- a **shorter** period applies only to files processed, or moved into the category, from now
  on: a file already received keeps its date (a custodian who wants one file kept less moves
  it to another category, with a reason, from its page);
- a category that holds files, or the default, cannot be deleted; there is always exactly
  one default (the category new files get).

Only an evidence custodian (Permission.EVIDENCE) changes categories, with a reason; each
change is audited with what it was before and after.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.db.models.functions import Lower
from django.utils import timezone

from camreg.accounts.roles import Permission, check
from camreg.audit import services as audit
from camreg.canvass.models import Case

from ..models import CustodyKind, EvidenceFile, FileStatus, RetentionCategory
from . import custody
from .reading import REASON_MAX
from .retention import RetentionError, required_reason, retain_until

MIN_DAYS = 1
MAX_DAYS = 100 * 366  # a century, whatever the leap years
NAME_MAX = RetentionCategory._meta.get_field("name").max_length
DESCRIPTION_MAX = 1000
ENDING_DAYS = 30  # how far ahead the retention page looks for files about to be deleted
ENDING_FILES_MAX = 5000
LINE_BREAKS = "\r\n\t"


@dataclass(frozen=True)
class CategoryRow:
    """A category as the retention page lists it, with the files it keeps now."""

    category: RetentionCategory
    files: int

    @property
    def years(self) -> float:
        return self.category.retention_days / 365.25


@dataclass(frozen=True)
class CategoryChange:
    category: RetentionCategory
    changed: list[str]  # the fields that changed
    extended: int  # files whose retention a longer period extended


def listing() -> list[CategoryRow]:
    """Every category, shortest period first, with how many files it keeps (not purged)."""
    kept = Count("evidence_files", filter=~Q(evidence_files__status=FileStatus.PURGED))
    return [
        CategoryRow(category, category.kept)
        for category in RetentionCategory.objects.annotate(kept=kept).order_by(
            "retention_days", "name"
        )
    ]


@dataclass(frozen=True)
class EndingCase:
    """A case with files whose retention ends soon: counts, dates and categories only (no
    file names, nothing personal), so that a custodian can look before the purge."""

    case: Case
    files: int
    first_end: datetime
    categories: tuple[str, ...]


def ending_soon(*, days: int = ENDING_DAYS, now: datetime | None = None) -> list[EndingCase]:
    """Cases whose files (Ready, not deleted) reach the end of their retention within `days`,
    the soonest first (files already past it are included: the next purge deletes them)."""
    now = now or timezone.now()
    rows = (
        EvidenceFile.objects.filter(
            status=FileStatus.READY, retain_until__lt=now + timedelta(days=days)
        )
        .order_by("retain_until", "pk")
        .values_list("case_id", "retain_until", "retention_category__name")[:ENDING_FILES_MAX]
    )
    grouped: dict[int, list] = {}
    for case_id, until, category in rows:
        grouped.setdefault(case_id, []).append((until, category or ""))
    cases = Case.objects.in_bulk(list(grouped))
    return [
        EndingCase(
            cases[case_id],
            len(files),
            files[0][0],
            tuple(sorted({name for _until, name in files if name})),
        )
        for case_id, files in grouped.items()
    ]


def files_kept(category: RetentionCategory) -> int:
    return category.evidence_files.exclude(status=FileStatus.PURGED).count()


def _snapshot(category: RetentionCategory) -> dict:
    return {
        "name": category.name,
        "description": category.description,
        "retention_days": category.retention_days,
        "is_default": category.is_default,
    }


def _printable(text: str, what: str, *, lines: bool = False) -> str:
    """`text`, unless it holds a control or invisible format character (a NUL, a bidi
    override): names and reasons are shown on evidence pages and custody reports. `lines`
    allows line breaks and tabs (a description, a reason)."""
    allowed = LINE_BREAKS if lines else ""
    if any(unicodedata.category(c)[0] == "C" and c not in allowed for c in text):
        raise RetentionError(f"The {what} holds a control character: use visible text only.")
    return text


def _reason(reason: str) -> str:
    reason = required_reason(reason)
    if len(reason) > REASON_MAX:
        raise RetentionError(f"The reason is longer than {REASON_MAX} characters.")
    return _printable(reason, "reason", lines=True)


def _clean(name: str, description: str, retention_days: int, reason: str) -> tuple:
    name = _printable(" ".join((name or "").split()), "name")
    description = _printable((description or "").strip(), "description", lines=True)
    if not name:
        raise RetentionError("Enter the category's name.")
    if len(name) > NAME_MAX:
        raise RetentionError(f"The name is longer than {NAME_MAX} characters.")
    if len(description) > DESCRIPTION_MAX:
        raise RetentionError(f"The description is longer than {DESCRIPTION_MAX} characters.")
    if (
        isinstance(retention_days, bool)
        or not isinstance(retention_days, int)
        or not MIN_DAYS <= retention_days <= MAX_DAYS
    ):
        raise RetentionError(
            f"Enter a period between {MIN_DAYS} and {MAX_DAYS:,} days (100 years)."
        )
    return name, description, retention_days, _reason(reason)


def _name_taken(name: str, *, other_than: int | None) -> bool:
    same = RetentionCategory.objects.annotate(lower=Lower("name")).filter(lower=name.lower())
    if other_than is not None:
        same = same.exclude(pk=other_than)
    return same.exists()


def save(
    category: RetentionCategory | None,
    *,
    name: str,
    description: str,
    retention_days: int,
    is_default: bool,
    actor,
    reason: str,
    request=None,
) -> CategoryChange:
    """Create a category (`category` None) or change one. Raises RetentionError, changing
    nothing, when the input breaks a rule."""
    check(actor, Permission.EVIDENCE)
    name, description, retention_days, reason = _clean(name, description, retention_days, reason)
    try:
        with transaction.atomic():
            # Every category locked: the default moves between rows, and two custodians
            # saving at once take turns.
            rows = {c.pk: c for c in RetentionCategory.objects.select_for_update().order_by("pk")}
            if category is not None and category.pk not in rows:
                raise RetentionError("This category no longer exists.")
            if _name_taken(name, other_than=category.pk if category else None):
                raise RetentionError(f"There is already a category named “{name}”.")
            current = rows[category.pk] if category is not None else None
            before = _snapshot(current) if current is not None else None
            if current is not None and current.is_default and not is_default:
                raise RetentionError(
                    "New files need a default category: make another category the default instead."
                )
            target = current or RetentionCategory()
            target.name, target.description = name, description
            target.retention_days, target.is_default = retention_days, is_default
            after = _snapshot(target)
            changed = [key for key in after if before is None or before[key] != after[key]]
            if not changed:
                return CategoryChange(target, [], 0)
            if is_default:
                others = [c for pk, c in rows.items() if c.is_default and pk != target.pk]
                RetentionCategory.objects.filter(pk__in=[c.pk for c in others]).update(
                    is_default=False
                )
            target.save()
            extended = 0
            if before is not None and retention_days > before["retention_days"]:
                extended = _extend(target, before, actor=actor, reason=reason, request=request)
            audit.record(
                "evidence.retention_category_created"
                if before is None
                else "evidence.retention_category_changed",
                actor=actor,
                request=request,
                target=target,
                reason=reason,
                details={"before": before, "after": after, "files_extended": extended},
            )
    except IntegrityError:
        # A unique name taken between the check and the insert (a double click).
        raise RetentionError(f"There is already a category named “{name}”.") from None
    return CategoryChange(target, changed, extended)


def _extend(category: RetentionCategory, before: dict, *, actor, reason: str, request) -> int:
    """A longer period: the files the category keeps are kept longer too, each with a
    custody event. A file whose date is already later (moved in and back) keeps it."""
    count = 0
    files = (
        EvidenceFile.objects.select_for_update(of=("self",))
        .select_related("case")
        .filter(retention_category=category)
        .exclude(status=FileStatus.PURGED)
        .order_by("pk")
    )
    for evidence_file in files:
        previous = evidence_file.retain_until
        until = retain_until(evidence_file, category)
        if previous is not None and until <= previous:
            continue
        evidence_file.retain_until = until
        evidence_file.save(update_fields=["retain_until"])
        custody.record(
            evidence_file,
            CustodyKind.RETENTION_CHANGED,
            actor=actor,
            request=request,
            reason=reason,
            details={
                "from": before["name"],
                "to": category.name,
                "period_days_before": before["retention_days"],
                "period_days": category.retention_days,
                "retain_until_before": previous.isoformat() if previous else "",
                "retain_until": until.isoformat(),
            },
        )
        count += 1
    return count


def delete(category: RetentionCategory, *, actor, reason: str, request=None) -> None:
    """Delete a category no file has ever had, and not the default."""
    check(actor, Permission.EVIDENCE)
    reason = _reason(reason)
    with transaction.atomic():
        locked = RetentionCategory.objects.select_for_update().filter(pk=category.pk).first()
        if locked is None:
            raise RetentionError("This category no longer exists.")
        if locked.is_default:
            raise RetentionError(
                "The default category cannot be deleted: make another category the default first."
            )
        used = locked.evidence_files.count()
        if used:
            raise RetentionError(
                f"{used:,} evidence file(s) have this category, including deleted ones whose "
                "record stays: it cannot be deleted. Rename it or change its period instead."
            )
        before = _snapshot(locked)
        pk = locked.pk
        locked.delete()
        audit.record(
            "evidence.retention_category_deleted",
            actor=actor,
            request=request,
            target_type=RetentionCategory._meta.label_lower,
            target_id=pk,
            reason=reason,
            details={"before": before},
        )

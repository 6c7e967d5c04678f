"""Releases of evidence outside the agency, as term 3 of the program allows them.

A release names its legal basis (one of `LegalBasis`: required by law or court order; shared
with another law-enforcement agency; through the media or the community to identify or catch
a suspect), the recipient, what is released (evidence files of one case, and a description in
words) and, once decided, the evidence custodian who approved or refused it.

- `propose(...)`: a deputy, investigator or supervisor (canvass permission) or an evidence
  custodian proposes a release; it waits (PENDING).
- `approve(...)` / `refuse(...)`: only an evidence custodian decides, with a note. The
  approver must not be the person who asked, unless that person asked as a custodian only
  (holds the custodian role and no canvass role): docs/decisions/0026-releases.md. The
  decision is one conditional UPDATE (`... WHERE status = 'pending'`), so two approvals at
  once approve once. Approval writes a RELEASED custody event on every released file and does
  what the kind of release does (a share link is issued: services.sharing).
- `revoke(...)`: a custodian ends an approved release (its share links stop working, a
  still's bulletin is no longer printable).

Every step is one transaction and goes to the audit log; bad input raises `ReleaseError`
with a message for the person, and changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from camreg.accounts.roles import (
    ROLE_PERMISSIONS,
    Permission,
    can,
    roles_of,
)
from camreg.audit import services as audit

from ..models import (
    CustodyKind,
    EvidenceFile,
    FileStatus,
    LegalBasis,
    Release,
    ReleaseKind,
    ReleaseStatus,
)
from . import custody

RECIPIENT_MAX_LENGTH = 300
DESCRIPTION_MAX_LENGTH = 4000
NOTE_MAX_LENGTH = 2000

# Which legal bases each kind of release may use. A share link is for another
# law-enforcement agency only; a still goes on a bulletin for the media and the community.
ALLOWED_BASES: dict[str, tuple[str, ...]] = {
    ReleaseKind.SHARE_LINK: (LegalBasis.AGENCY,),
    ReleaseKind.STILL: (LegalBasis.PUBLIC,),
    ReleaseKind.COPY: (LegalBasis.LAW, LegalBasis.AGENCY, LegalBasis.PUBLIC),
}


class ReleaseError(Exception):
    """A release cannot be proposed or decided as asked. `field` names the form field the
    message belongs to (None: the whole form); `code` is stable for tests and callers."""

    def __init__(self, code: str, message: str, field: str | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


def can_propose(user) -> bool:
    """Deputies, investigators and supervisors (canvass) and evidence custodians."""
    return can(user, Permission.CANVASS) or can(user, Permission.EVIDENCE)


def can_decide(user) -> bool:
    return can(user, Permission.EVIDENCE)


def asked_as_custodian_only(user) -> bool:
    """Whether `user` holds the custodian role and no canvass role (deputy, investigator,
    supervisor): such a person's own proposal is a custodian's act, which they may approve."""
    held = roles_of(user)
    return bool(held & ROLE_PERMISSIONS[Permission.EVIDENCE]) and not (
        held & ROLE_PERMISSIONS[Permission.CANVASS]
    )


def may_approve(release: Release, user) -> bool:
    """Separation of duties: a custodian approves someone else's proposal, or their own only
    when they asked as a custodian alone."""
    if not can_decide(user):
        return False
    if release.requested_by_id != user.pk:
        return True
    return asked_as_custodian_only(user)


def _name(user) -> str:
    return custody.actor_label(user) or str(user)


def _clean_text(value, field: str, label: str, max_length: int, required: bool = True) -> str:
    text = (value or "").strip() if isinstance(value, str) or value is None else str(value)
    if required and not text:
        raise ReleaseError(f"{field}_required", f"Fill in {label}.", field)
    if len(text) > max_length:
        raise ReleaseError(
            f"{field}_too_long", f"Keep {label} under {max_length} characters.", field
        )
    return text


def _files_of(case, files: Iterable) -> list[EvidenceFile]:
    ids = set()
    for item in files:
        pk = item.pk if isinstance(item, EvidenceFile) else item
        try:
            ids.add(int(pk))
        except (TypeError, ValueError):
            raise ReleaseError(
                "files_unknown", "Choose files of this case from the list.", "files"
            ) from None
    if not ids:
        raise ReleaseError("files_required", "Choose at least one evidence file.", "files")
    found = list(
        EvidenceFile.objects.filter(pk__in=ids, case=case, status=FileStatus.READY).order_by("pk")
    )
    if len(found) != len(ids):
        raise ReleaseError(
            "files_unknown",
            "Choose only files of this case that are ready (received, checked, not deleted).",
            "files",
        )
    return found


def propose(
    case,
    *,
    actor,
    kind: str,
    legal_basis: str,
    recipient: str,
    description: str,
    files: Iterable,
    request=None,
) -> Release:
    """Store a release waiting for a custodian's decision, or raise ReleaseError."""
    if not can_propose(actor):
        raise ReleaseError(
            "forbidden", "Only deputies, investigators, supervisors and custodians propose."
        )
    if kind not in ReleaseKind.values:
        raise ReleaseError("kind_unknown", "Choose what kind of release this is.", "kind")
    if not legal_basis:
        raise ReleaseError(
            "basis_required",
            "Choose the legal basis: the terms allow a release only for one of these reasons.",
            "legal_basis",
        )
    if legal_basis not in LegalBasis.values:
        raise ReleaseError(
            "basis_unknown", "Choose one of the legal bases the terms allow.", "legal_basis"
        )
    if legal_basis not in ALLOWED_BASES[kind]:
        allowed = " or ".join(LegalBasis(b).label.lower() for b in ALLOWED_BASES[kind])
        raise ReleaseError(
            "basis_not_for_kind",
            f"A {ReleaseKind(kind).label.lower()} needs the legal basis: {allowed}.",
            "legal_basis",
        )
    recipient = _clean_text(recipient, "recipient", "the recipient", RECIPIENT_MAX_LENGTH)
    description = _clean_text(
        description, "description", "what is released", DESCRIPTION_MAX_LENGTH
    )
    chosen = _files_of(case, files)
    with transaction.atomic():
        release = Release.objects.create(
            case=case,
            kind=kind,
            legal_basis=legal_basis,
            recipient=recipient,
            description=description,
            requested_by=actor,
        )
        release.evidence_files.set(chosen)
        audit.record(
            "evidence.release_proposed",
            actor=actor,
            request=request,
            target=release,
            case_number=case.case_number,
            details={
                "kind": kind,
                "legal_basis": legal_basis,
                "recipient": recipient,
                "evidence_files": [f.pk for f in chosen],
            },
        )
    return release


@dataclass
class Approval:
    release: Release
    # The share link's secret, for a share-link release: shown once to the custodian.
    share_secret: str | None = None
    share_link: object | None = None


def _decide(release: Release, actor, status: str, note: str) -> Release:
    """The conditional UPDATE: only a pending release is decided, once."""
    now = timezone.now()
    changed = Release.objects.filter(pk=release.pk, status=ReleaseStatus.PENDING).update(
        status=status, decided_by=actor, decided_at=now, decision_note=note
    )
    if not changed:
        raise ReleaseError(
            "already_decided",
            "This release was already decided (perhaps a moment ago, by someone else).",
        )
    release.refresh_from_db()
    return release


def approve(release: Release, *, actor, note: str = "", request=None) -> Approval:
    """A custodian approves: RELEASED custody events on every file, and the kind's action
    (a share link for another agency). Raises ReleaseError and changes nothing otherwise."""
    if not can_decide(actor):
        raise ReleaseError("forbidden", "Only an evidence custodian approves a release.")
    if not may_approve(release, actor):
        raise ReleaseError(
            "own_request",
            "You asked for this release: another evidence custodian must approve it.",
        )
    note = _clean_text(note, "note", "the note", NOTE_MAX_LENGTH, required=False)
    from . import sharing  # sharing builds on this module

    with transaction.atomic():
        release = _decide(release, actor, ReleaseStatus.APPROVED, note)
        stills = list(release.stills.all())
        files = list(release.evidence_files.select_related("case"))
        for evidence_file in files:
            details = {
                "release": release.pk,
                "release_kind": release.kind,
                "legal_basis": release.legal_basis,
                "recipient": release.recipient,
                "requested_by": _name(release.requested_by),
            }
            for still in stills:
                if still.evidence_file_id == evidence_file.pk:
                    details.update(
                        still=still.pk, at_seconds=still.at_seconds, still_sha256=still.sha256
                    )
            custody.record(
                evidence_file,
                CustodyKind.RELEASED,
                actor=actor,
                request=request,
                reason=note or release.get_legal_basis_display(),
                details=details,
            )
        audit.record(
            "evidence.release_approved",
            actor=actor,
            request=request,
            target=release,
            case_number=release.case.case_number,
            reason=note,
            details={
                "kind": release.kind,
                "legal_basis": release.legal_basis,
                "recipient": release.recipient,
                "self_approved": release.requested_by_id == actor.pk,
            },
        )
        approval = Approval(release)
        if release.kind == ReleaseKind.SHARE_LINK:
            link, secret = sharing.issue_link(release, actor=actor, request=request)
            approval.share_link, approval.share_secret = link, secret
    return approval


def refuse(release: Release, *, actor, note: str, request=None) -> Release:
    """A custodian refuses, saying why; nothing leaves the agency."""
    if not can_decide(actor):
        raise ReleaseError("forbidden", "Only an evidence custodian refuses a release.")
    note = _clean_text(note, "note", "the reason for refusing", NOTE_MAX_LENGTH)
    with transaction.atomic():
        release = _decide(release, actor, ReleaseStatus.REFUSED, note)
        audit.record(
            "evidence.release_refused",
            actor=actor,
            request=request,
            target=release,
            case_number=release.case.case_number,
            reason=note,
            details={"kind": release.kind, "legal_basis": release.legal_basis},
        )
    return release


def revoke(release: Release, *, actor, note: str, request=None) -> Release:
    """A custodian ends an approved release: its share links stop working and a still's
    bulletin can no longer be printed. What already left the agency cannot be called back;
    the note says why it ends."""
    if not can_decide(actor):
        raise ReleaseError("forbidden", "Only an evidence custodian revokes a release.")
    note = _clean_text(note, "note", "the reason for revoking", NOTE_MAX_LENGTH)
    from . import sharing

    with transaction.atomic():
        changed = Release.objects.filter(pk=release.pk, status=ReleaseStatus.APPROVED).update(
            status=ReleaseStatus.REVOKED
        )
        if not changed:
            raise ReleaseError("not_approved", "Only an approved release can be revoked.")
        release.refresh_from_db()
        stamp = timezone.localtime().strftime("%Y-%m-%d %H:%M")
        release.decision_note = "\n\n".join(
            part
            for part in (release.decision_note, f"Revoked by {_name(actor)}, {stamp}: {note}")
            if part
        )
        Release.objects.filter(pk=release.pk).update(decision_note=release.decision_note)
        links = sharing.revoke_links(release)
        audit.record(
            "evidence.release_revoked",
            actor=actor,
            request=request,
            target=release,
            case_number=release.case.case_number,
            reason=note,
            details={"kind": release.kind, "share_links_revoked": links},
        )
    return release


def pending_releases():
    return (
        Release.objects.filter(status=ReleaseStatus.PENDING)
        .select_related("case", "requested_by")
        .prefetch_related("evidence_files")
        .order_by("requested_at", "pk")
    )


def recent_decisions(limit: int = 20):
    return (
        Release.objects.exclude(status=ReleaseStatus.PENDING)
        .select_related("case", "requested_by", "decided_by")
        .order_by("-decided_at", "-pk")[:limit]
    )

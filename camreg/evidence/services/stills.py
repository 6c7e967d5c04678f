"""Stills for bulletins and flyers: a frame of a video at a chosen time, as a JPEG of our own
making, released (term 3: through the media or the community, to identify or catch a
suspect) only once an evidence custodian approves.

- `parse_time("1:05.5")`: seconds, or mm:ss, or h:mm:ss, into seconds (float).
- `take_still(evidence_file, at_seconds, actor=...)`: extracts the frame with PyAV
  (services.frames, bounded) in the media reader's child process (services.media_reader:
  no credentials, resource limits), stores it as a JPEG in the evidence storage with its
  SHA-256, and records an EXPORTED custody event on the video (a still was made of it).
- `propose_bulletin(still, ...)`: the headline, the bulletin's text and a release of kind
  STILL with the media/community basis, waiting for a custodian (services.releases). On
  approval the video gets a RELEASED custody event with the time and the still's SHA-256.
- `is_printable(still)`: the bulletin can be printed or downloaded only while its release is
  approved; until then it is a draft.

Evidence comes from strangers' devices: decoding is bounded (services.frames) and isolated
(services.media_reader); every failure is a clear StillError.
"""

from __future__ import annotations

import hashlib
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import get_language_info

from camreg.audit import services as audit

from ..models import (
    CustodyKind,
    EvidenceFile,
    FileKind,
    FileStatus,
    LegalBasis,
    ReleaseKind,
    ReleaseStatus,
    Still,
)
from . import custody, media_reader, releases
from .frames import StillError, format_time, parse_time  # noqa: F401 - the stills' interface
from .storage import evidence_storage

HEADLINE_MAX_LENGTH = 200
TEXT_MAX_LENGTH = 4000
DEFAULT_RECIPIENT = "The media and the community (bulletin and flyers)"


def can_take_still(evidence_file: EvidenceFile) -> bool:
    return (
        evidence_file.status == FileStatus.READY
        and evidence_file.kind in (FileKind.VIDEO, FileKind.DVR)
        and bool(evidence_file.stored_name)
    )


def take_still(evidence_file: EvidenceFile, at_seconds: float, *, actor, request=None) -> Still:
    """Extract, store and record a still of `evidence_file` at `at_seconds`."""
    if not releases.can_propose(actor):
        raise StillError("forbidden", "Only deputies, investigators, supervisors and custodians.")
    if not can_take_still(evidence_file):
        raise StillError("not_video", "Stills are taken from videos that are ready.")
    storage = evidence_storage()
    with storage.open(evidence_file.stored_name, "rb") as source:
        jpeg, width, height = media_reader.read_still(
            source, evidence_file.size, at_seconds, known_duration=evidence_file.duration_seconds
        )
    digest = hashlib.sha256(jpeg).hexdigest()
    name = storage.save(
        f"stills/{evidence_file.public_id}/{uuid.uuid4().hex}.jpg", ContentFile(jpeg)
    )
    try:
        with transaction.atomic():
            still = Still.objects.create(
                evidence_file=evidence_file,
                at_seconds=round(at_seconds, 3),
                image_name=name,
                sha256=digest,
                created_by=actor,
            )
            custody.record(
                evidence_file,
                CustodyKind.EXPORTED,
                actor=actor,
                request=request,
                reason=f"Still frame taken at {format_time(at_seconds)} for a bulletin",
                details={
                    "still": still.pk,
                    "at_seconds": still.at_seconds,
                    "still_sha256": digest,
                    "width": width,
                    "height": height,
                },
            )
    except Exception:
        storage.delete(name)
        raise
    return still


def propose_bulletin(
    still: Still,
    *,
    actor,
    headline: str,
    bulletin_text: str,
    description: str = "",
    recipient: str = DEFAULT_RECIPIENT,
    legal_basis: str = LegalBasis.PUBLIC,
    request=None,
) -> Still:
    """The bulletin's words and a release of the still waiting for a custodian."""
    if still.release_id is not None and still.release.status != ReleaseStatus.REFUSED:
        raise StillError("already_proposed", "This still's release is already proposed or decided.")
    headline = (headline or "").strip()
    bulletin_text = (bulletin_text or "").strip()
    if not headline:
        raise StillError("headline_required", "Fill in the headline.", "headline")
    if len(headline) > HEADLINE_MAX_LENGTH:
        raise StillError(
            "headline_too_long",
            f"Keep the headline under {HEADLINE_MAX_LENGTH} characters.",
            "headline",
        )
    if not bulletin_text:
        raise StillError(
            "text_required",
            "Fill in the bulletin's text: what happened and who to call.",
            "bulletin_text",
        )
    if len(bulletin_text) > TEXT_MAX_LENGTH:
        raise StillError(
            "text_too_long",
            f"Keep the bulletin's text under {TEXT_MAX_LENGTH} characters.",
            "bulletin_text",
        )
    evidence_file = still.evidence_file
    description = (description or "").strip() or (
        f"Still frame at {format_time(still.at_seconds)} of {evidence_file.original_name} "
        f"(SHA-256 {still.sha256}) on a bulletin: {headline}"
    )
    with transaction.atomic():
        release = releases.propose(
            evidence_file.case,
            actor=actor,
            kind=ReleaseKind.STILL,
            legal_basis=legal_basis,
            recipient=recipient,
            description=description,
            files=[evidence_file],
            request=request,
        )
        Still.objects.filter(pk=still.pk).update(
            release=release, headline=headline, bulletin_text=bulletin_text
        )
        still.release, still.headline, still.bulletin_text = release, headline, bulletin_text
    return still


def is_printable(still: Still) -> bool:
    return still.release_id is not None and still.release.status == ReleaseStatus.APPROVED


def bulletin_languages() -> list[tuple[str, str]]:
    """The languages a bulletin prints in (the site's), each named in itself."""
    return [
        (code, get_language_info(code)["name_local"].capitalize()) for code, _ in settings.LANGUAGES
    ]


def bulletin_language(requested) -> str:
    """The language a bulletin prints in: one of the site's, else English. The agency's
    fixed words (its name, "Case", whom to call) follow it; the headline and text print as
    they were approved."""
    return requested if requested in dict(settings.LANGUAGES) else "en"


def record_bulletin_printed(still: Still, *, actor, language: str = "en", request=None) -> None:
    audit.record(
        "evidence.bulletin_viewed",
        actor=actor,
        request=request,
        target=still,
        case_number=still.evidence_file.case.case_number,
        details={
            "release": still.release_id,
            "printable": is_printable(still),
            "language": language,
        },
    )

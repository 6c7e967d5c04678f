"""Share links: an approved release to another law-enforcement agency, as an expiring download
link (`settings.EVIDENCE_SHARE_LINK_DAYS`, default 7 days).

The link's secret comes from `camreg.tokens` (only its SHA-256 is stored) and is shown once to
the custodian who approved the release, who passes it on. A new link for the same release
revokes the earlier one (the token helper's rule). Every download through the link is a
custody event DOWNLOADED naming "<recipient> (share link N)" and the address it came from.

`open_link(secret)` tells a working link (ShareLink) from a dead one (`LinkGone`: expired,
revoked, or its release revoked, each explained) and from one that never existed
(`LinkUnknown`), so the page can say what happened.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from camreg import tokens
from camreg.audit import services as audit

from ..models import (
    CustodyKind,
    EvidenceFile,
    FileStatus,
    Release,
    ReleaseKind,
    ReleaseStatus,
    ShareLink,
)
from . import custody
from .storage import evidence_storage

PURPOSE = "share"


class LinkUnknown(Exception):
    """No share link has this secret."""


class LinkGone(Exception):
    """The share link existed but no longer works; `reason` is "expired" or "revoked"."""

    def __init__(self, link: ShareLink, reason: str):
        super().__init__(reason)
        self.link = link
        self.reason = reason


def lifetime() -> timedelta:
    return timedelta(days=getattr(settings, "EVIDENCE_SHARE_LINK_DAYS", 7))


def issue_link(release: Release, *, actor, request=None) -> tuple[ShareLink, str]:
    """A new link for an approved share-link release; the release's earlier links stop
    working. Returns (link, secret): the secret exists only now."""
    if release.kind != ReleaseKind.SHARE_LINK or release.status != ReleaseStatus.APPROVED:
        raise ValueError("Only an approved share-link release has share links.")
    with transaction.atomic():
        link, secret = tokens.issue(
            ShareLink,
            purpose=PURPOSE,
            revoke_earlier_for="release",
            lifetime=lifetime(),
            release=release,
        )
        for evidence_file in release.evidence_files.select_related("case"):
            custody.record(
                evidence_file,
                CustodyKind.SHARED,
                actor=actor,
                request=request,
                reason=f"Share link {link.pk} for {release.recipient}",
                details={
                    "release": release.pk,
                    "share_link": link.pk,
                    "recipient": release.recipient,
                    "expires_at": link.expires_at.isoformat(),
                },
            )
        audit.record(
            "evidence.share_link_issued",
            actor=actor,
            request=request,
            target=release,
            case_number=release.case.case_number,
            details={"share_link": link.pk, "expires_at": link.expires_at.isoformat()},
        )
    return link, secret


def revoke_links(release: Release) -> int:
    """Stop every working link of a release (the caller records why)."""
    return tokens.revoke(ShareLink.objects.filter(release=release))


def revoke_link(link: ShareLink, *, actor, request=None) -> bool:
    with transaction.atomic():
        changed = tokens.revoke(link)
        if changed:
            audit.record(
                "evidence.share_link_revoked",
                actor=actor,
                request=request,
                target=link.release,
                case_number=link.release.case.case_number,
                details={"share_link": link.pk},
            )
    return bool(changed)


def open_link(secret) -> ShareLink:
    """The working link for `secret`, or LinkGone / LinkUnknown."""
    queryset = ShareLink.objects.select_related("release", "release__case")
    link = tokens.find_usable(queryset, secret, purpose=PURPOSE)
    if link is not None and link.release.status == ReleaseStatus.APPROVED:
        return link
    if link is None:
        if not isinstance(secret, str) or not secret or len(secret) > tokens.MAX_SECRET_LENGTH:
            raise LinkUnknown
        link = queryset.filter(token_hash=tokens.hash_secret(secret), purpose=PURPOSE).first()
        if link is None:
            raise LinkUnknown
    if link.revoked_at is not None or link.release.status != ReleaseStatus.APPROVED:
        raise LinkGone(link, "revoked")
    raise LinkGone(link, "expired")


def files_of(link: ShareLink) -> list[EvidenceFile]:
    return list(
        link.release.evidence_files.filter(status=FileStatus.READY)
        .select_related("case")
        .order_by("pk")
    )


def recipient_label(link: ShareLink) -> str:
    return f"{link.release.recipient} (share link {link.pk})"


def download(link: ShareLink, public_id, *, request=None):
    """Record the download and open the file: (evidence file, open file). Raises
    EvidenceFile.DoesNotExist for a file that is not part of the link's release."""
    evidence_file = (
        link.release.evidence_files.filter(status=FileStatus.READY, public_id=public_id)
        .select_related("case")
        .get()
    )
    handle = evidence_storage().open(evidence_file.stored_name, "rb")
    try:
        custody.record(
            evidence_file,
            CustodyKind.DOWNLOADED,
            actor_name=recipient_label(link),
            request=request,
            reason=f"Download through share link {link.pk} (release {link.release_id})",
            details={"release": link.release_id, "share_link": link.pk},
        )
    except Exception:
        handle.close()
        raise
    return evidence_file, handle


def links_of(release: Release) -> list[ShareLink]:
    now = timezone.now()
    links = list(ShareLink.objects.filter(release=release).order_by("-created_at", "-pk"))
    for link in links:
        link.works = link.is_usable(now) and release.status == ReleaseStatus.APPROVED
    return links

"""Submissions, tus uploads, evidence files and their chain of custody, releases, share links,
stills and retention categories.

Words (ARCHITECTURE.md): a **submission** is what one person handed over at one time for a
footage request or a case (files and the statements that go with them); each file in it is an
**upload** while its bytes arrive (the tus protocol) and an **evidence file** once complete; a
**custody event** is anything that happens to an evidence file; a **release** is evidence
going outside the agency, with its legal basis and the approving evidence custodian.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from camreg.tokens import Token


class SubmissionSource(models.TextChoices):
    OWNER = "owner", "Uploaded by the owner through the request link"
    STAFF = "staff", "Received in person by staff"


class SubmissionStatus(models.TextChoices):
    OPEN = "open", "Files arriving"
    SUBMITTED = "submitted", "Submitted"


class Submission(models.Model):
    """Footage one person handed over at one time, for a footage request or for a case.

    From the owner (through the request's private link) or taken in by a deputy in person (a
    USB stick, a phone), in which case `received_by` and `received_from` say so. The owner's
    statements (unaltered, the camera clock's offset, notes) are stored as given.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("canvass.Case", on_delete=models.PROTECT, related_name="submissions")
    footage_request = models.ForeignKey(
        "footage.FootageRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="submissions",
    )
    source = models.CharField(max_length=10, choices=SubmissionSource.choices)
    status = models.CharField(
        max_length=10, choices=SubmissionStatus.choices, default=SubmissionStatus.OPEN
    )
    # Staff intake: who took the footage in, and from whom ("the owner, Ana Ruiz, in person").
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evidence_intakes",
    )
    received_by_name = models.CharField(max_length=200, blank=True)
    received_from = models.CharField(max_length=300, blank=True)
    # The owner's statements before sending (or as the deputy recorded them at intake).
    states_unaltered = models.BooleanField(default=False)
    clock_offset_seconds = models.IntegerField(null=True, blank=True)  # camera minus real time
    notes = models.TextField(blank=True)
    language = models.CharField(max_length=10, default="en")
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Submission {self.pk}"


class Upload(models.Model):
    """One file's bytes arriving over tus 1.0. Its state lives here and its bytes in the
    evidence storage (one object per PATCH, a *segment*), so any app server can resume it.

    The id is the upload URL's last part: random, and only valid together with the
    submission it belongs to (the request link or the staff member's intake).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="uploads")
    original_name = models.CharField(max_length=255)  # as sent, for display only
    length = models.BigIntegerField()  # Upload-Length
    offset = models.BigIntegerField(default=0)
    metadata = models.JSONField(default=dict, blank=True)
    # What the first bytes show (services.types), once they have arrived; blank before.
    kind = models.CharField(max_length=10, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
    terminated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Upload {self.pk}"


class UploadSegment(models.Model):
    """The bytes of one PATCH request: [offset, offset + length) of the upload."""

    upload = models.ForeignKey(Upload, on_delete=models.CASCADE, related_name="segments")
    offset = models.BigIntegerField()
    length = models.BigIntegerField()
    name = models.CharField(max_length=300)  # in the evidence storage

    class Meta:
        ordering = ["offset"]
        constraints = [
            models.UniqueConstraint(fields=["upload", "offset"], name="evidence_segment_offset")
        ]

    def __str__(self) -> str:
        return f"Segment {self.offset}+{self.length} of upload {self.upload_id}"


class RetentionCategory(models.Model):
    """How long evidence of a kind is kept (staff-facing, set by the program coordinator)."""

    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    retention_days = models.PositiveIntegerField()
    is_default = models.BooleanField(default=False)

    class Meta:
        ordering = ["retention_days", "name"]
        verbose_name_plural = "retention categories"

    def __str__(self) -> str:
        return self.name


class FileKind(models.TextChoices):
    VIDEO = "video", _("Video")
    DVR = "dvr", _("DVR export")
    IMAGE = "image", _("Image")
    ARCHIVE = "archive", _("ZIP archive")


class FileStatus(models.TextChoices):
    PROCESSING = "processing", "Being checked"
    READY = "ready", "Ready"
    PURGED = "purged", "Deleted at the end of retention"


class EvidenceFile(models.Model):
    """One file of a submission, once its bytes are complete and stored as one object.

    The worker computes the SHA-256 of the stored bytes, the size, the type detected from
    the content and, for readable media, its facts (PyAV) and a poster frame. A file that is
    not readable media stays evidence (`is_readable_media` False).
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    submission = models.ForeignKey(
        Submission, on_delete=models.PROTECT, related_name="evidence_files"
    )
    case = models.ForeignKey(
        "canvass.Case", on_delete=models.PROTECT, related_name="evidence_files"
    )
    upload = models.OneToOneField(
        Upload, on_delete=models.SET_NULL, null=True, blank=True, related_name="evidence_file"
    )
    original_name = models.CharField(max_length=255)
    stored_name = models.CharField(max_length=300, blank=True)  # in the evidence storage
    size = models.BigIntegerField()
    sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    kind = models.CharField(max_length=10, choices=FileKind.choices)
    content_type = models.CharField(max_length=100)
    status = models.CharField(
        max_length=12, choices=FileStatus.choices, default=FileStatus.PROCESSING, db_index=True
    )
    is_readable_media = models.BooleanField(default=False)
    duration_seconds = models.FloatField(null=True, blank=True)
    codec = models.CharField(max_length=50, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    recording_started_at = models.DateTimeField(null=True, blank=True)
    media_facts = models.JSONField(default=dict, blank=True)
    poster_name = models.CharField(max_length=300, blank=True)  # a JPEG in the storage
    retention_category = models.ForeignKey(
        RetentionCategory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evidence_files",
    )
    retain_until = models.DateTimeField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    purged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Evidence file {self.pk}"


class CustodyKind(models.TextChoices):
    RECEIVED = "received", "Received"
    HASH_COMPUTED = "hash_computed", "Hash computed"
    VIEWED = "viewed", "Viewed"
    DOWNLOADED = "downloaded", "Downloaded"
    EXPORTED = "exported", "Exported"
    SHARED = "shared", "Shared"
    RELEASED = "released", "Released"
    HASH_VERIFIED = "hash_verified", "Hash re-verified"
    HASH_MISMATCH = "hash_mismatch", "Hash MISMATCH"
    RETENTION_CHANGED = "retention_changed", "Retention category changed"
    DELETED = "deleted", "Deleted at the end of retention"


class AppendOnly(models.Model):
    """Rows that are written once: saving an existing row or deleting one raises."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError(f"{type(self).__name__} rows are append-only")
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError(f"{type(self).__name__} rows are append-only")


class CustodyEvent(AppendOnly):
    """Something that happened to an evidence file: who, when, from where, why.

    Written only through services.custody.record(), which also writes the audit log (whose
    hash chain makes a rewrite detectable)."""

    evidence_file = models.ForeignKey(
        EvidenceFile, on_delete=models.PROTECT, related_name="custody_events"
    )
    kind = models.CharField(max_length=20, choices=CustodyKind.choices)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Who, in words, as it was then: a staff member's name, "the owner (request link)",
    # "the system (worker)", "Another agency through share link 12".
    actor_name = models.CharField(max_length=200)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    reason = models.TextField(blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of evidence file {self.evidence_file_id}"


class LegalBasis(models.TextChoices):
    """Term 3 of the program: the only reasons evidence leaves the agency."""

    LAW = "law", "Required by law or by court order"
    AGENCY = "agency", "Furthering an investigation: shared with another law-enforcement agency"
    PUBLIC = (
        "public",
        (
            "Furthering an investigation: through the media or the community, to identify or "
            "catch a suspect"
        ),
    )


class ReleaseKind(models.TextChoices):
    SHARE_LINK = "share_link", "Expiring download link"
    STILL = "still", "Still frame on a bulletin"
    COPY = "copy", "Copy handed over"


class ReleaseStatus(models.TextChoices):
    PENDING = "pending", "Waiting for a custodian"
    APPROVED = "approved", "Approved"
    REFUSED = "refused", "Refused"
    REVOKED = "revoked", "Revoked"


class Release(models.Model):
    """Evidence going outside the agency: the legal basis, the recipient, what is released,
    who asked and the evidence custodian who approved it."""

    case = models.ForeignKey("canvass.Case", on_delete=models.PROTECT, related_name="releases")
    kind = models.CharField(max_length=12, choices=ReleaseKind.choices)
    legal_basis = models.CharField(max_length=10, choices=LegalBasis.choices)
    recipient = models.CharField(max_length=300)
    description = models.TextField()  # what is released, in words
    evidence_files = models.ManyToManyField(EvidenceFile, related_name="releases")
    status = models.CharField(
        max_length=10, choices=ReleaseStatus.choices, default=ReleaseStatus.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"Release {self.pk}"


class ShareLink(Token):
    """An expiring download link for another law-enforcement agency (a release)."""

    release = models.ForeignKey(Release, on_delete=models.PROTECT, related_name="share_links")
    expires_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Share link {self.pk} of release {self.release_id}"


class Still(models.Model):
    """A frame taken from a video at a chosen time, for a bulletin or flyer."""

    evidence_file = models.ForeignKey(EvidenceFile, on_delete=models.PROTECT, related_name="stills")
    at_seconds = models.FloatField()
    image_name = models.CharField(max_length=300)  # a JPEG in the storage
    sha256 = models.CharField(max_length=64)
    release = models.ForeignKey(
        Release, on_delete=models.PROTECT, null=True, blank=True, related_name="stills"
    )
    headline = models.CharField(max_length=200, blank=True)
    bulletin_text = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["evidence_file", "at_seconds", "pk"]

    def __str__(self) -> str:
        return f"Still at {self.at_seconds}s of evidence file {self.evidence_file_id}"

"""The tus 1.0 resumable upload protocol (https://tus.io/protocols/resumable-upload): core,
creation (with upload), termination, expiration and checksum, as rules free of HTTP.

The views (views/upload.py) parse nothing but the request line: they hand the headers and
the body stream here and turn `TusError` into a response. Decision 0025 explains the design:

- State lives in the database (`Upload`: length, offset, expiry) and bytes in the evidence
  storage, one object per PATCH (a *segment*, `UploadSegment`, stored as
  `uploads/<upload id>/<offset>`), so any app server can carry on an upload another began.
- A PATCH streams its body, CHUNK bytes at a time, into a temporary file beside the storage
  (hashing it for Upload-Checksum as it goes), stores it as one object (a rename on a local
  folder), then advances the offset with one conditional UPDATE (`WHERE offset = expected`):
  of two PATCHes at the same offset one wins and the other's object is deleted (409).
- An interrupted PATCH keeps the bytes that arrived (tus core), unless it carried a checksum
  that can no longer be checked.
- The type is detected from the first DETECT_BYTES (services.types) as soon as they have
  arrived; a file of any other type is refused and its bytes deleted.
- On the last byte the upload completes: an EvidenceFile (PROCESSING), the custody event
  RECEIVED, and, after the commit, the worker's task that assembles, hashes and probes it.

File names from the client are for display only (types.display_name); storage names are
made of ids and offsets.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
import os
import re
import tempfile
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import (
    CustodyKind,
    EvidenceFile,
    FileStatus,
    Submission,
    SubmissionSource,
    SubmissionStatus,
    Upload,
    UploadSegment,
)
from . import custody, intact, types
from .storage import evidence_storage

logger = logging.getLogger(__name__)

TUS_RESUMABLE = "1.0.0"
TUS_VERSION = "1.0.0"
EXTENSIONS = "creation,creation-with-upload,termination,expiration,checksum"
CHECKSUMS = {"sha1": hashlib.sha1, "sha256": hashlib.sha256, "md5": hashlib.md5}
CHECKSUM_ALGORITHMS = ",".join(CHECKSUMS)
OFFSET_CONTENT_TYPE = "application/offset+octet-stream"
CHUNK = 1024 * 1024
METADATA_MAX = 4096  # characters of Upload-Metadata
METADATA_KEYS_KEPT = ("filename", "filetype")
OWNER = "the owner (request link)"

_NUMBER = re.compile(r"[0-9]{1,19}")
_METADATA_KEY = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,100}")


class TusError(Exception):
    """A refusal: the HTTP status, a stable code and a message for people (lazy, so it is
    shown in the language of whoever reads it; `params` fill its %(name)s)."""

    def __init__(self, status: int, code: str, message, **params):
        super().__init__(code)
        self.status = status
        self.code = code
        self.message = message
        self.params = params

    def text(self) -> str:
        return str(self.message) % self.params if self.params else str(self.message)


def _gone():
    return TusError(
        410,
        "upload_expired",
        _("This upload was not finished in time and has been deleted. Please send the file again."),
    )


def _not_found():
    return TusError(404, "upload_not_found", _("There is no such upload here."))


@dataclass
class Sender:
    """Who sends the bytes, for the custody record: the owner through the request link
    (`actor` None) or a staff member at intake."""

    actor: object = None
    actor_name: str = OWNER
    request: object = None
    details: dict = field(default_factory=dict)


# Headers ---------------------------------------------------------------------------------


def parse_number(value, header: str) -> int:
    """A non-negative integer header (Upload-Length, Upload-Offset): digits only."""
    if not isinstance(value, str) or not _NUMBER.fullmatch(value.strip()):
        raise TusError(
            400,
            "bad_header",
            _("The %(header)s header must be a whole number of bytes."),
            header=header,
        )
    return int(value.strip())


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def parse_metadata(value: str | None) -> dict[str, str]:
    """Upload-Metadata: comma-separated `key base64(value)` pairs (the value may be absent)."""
    if not value:
        return {}
    bad = TusError(400, "bad_metadata", _("The Upload-Metadata header is not valid."))
    if not isinstance(value, str) or len(value) > METADATA_MAX:
        raise bad
    result: dict[str, str] = {}
    for pair in value.split(","):
        parts = pair.strip().split(" ")
        if not parts or len(parts) > 2 or not _METADATA_KEY.fullmatch(parts[0]):
            raise bad
        if parts[0] in result:
            raise bad
        decoded = ""
        if len(parts) == 2:
            try:
                raw = base64.b64decode(parts[1].encode("ascii"), validate=True)
            except (binascii.Error, UnicodeEncodeError, ValueError):
                raise bad from None
            # NUL and other control characters never reach the database (PostgreSQL's
            # text and JSON refuse NUL); values are for display only.
            decoded = _CONTROL.sub("", raw.decode("utf-8", "replace"))
        result[parts[0]] = decoded
    return result


def parse_checksum(value: str | None):
    """Upload-Checksum: `<algorithm> <base64 digest>`; None when absent."""
    if value is None or value == "":
        return None
    parts = value.strip().split(" ")
    if len(parts) != 2 or parts[0].lower() not in CHECKSUMS:
        raise TusError(
            400,
            "bad_checksum_algorithm",
            _("This checksum algorithm is not supported (use sha256, sha1 or md5)."),
        )
    try:
        digest = base64.b64decode(parts[1].encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise TusError(400, "bad_checksum", _("The Upload-Checksum header is not valid.")) from None
    return parts[0].lower(), digest


def _size(n: int) -> str:
    gib = n / 1024**3
    if gib >= 1:
        return f"{gib:g} GiB" if gib == int(gib) else f"{gib:.1f} GiB"
    return f"{n / 1024**2:.0f} MiB"


# Creation, lookup, termination -------------------------------------------------------------


def live_uploads(submission: Submission):
    """The uploads that count against the limits: not terminated."""
    return submission.uploads.filter(terminated_at__isnull=True)


def create(submission: Submission, *, length_header, metadata_header=None, now=None) -> Upload:
    """A new upload of `Upload-Length` bytes in `submission` (tus creation)."""
    now = now or timezone.now()
    if submission.status != SubmissionStatus.OPEN:
        raise TusError(
            409, "submission_closed", _("These files were already sent; start a new sending.")
        )
    if length_header is None:
        raise TusError(
            400, "length_required", _("The size of the file (Upload-Length) is required.")
        )
    length = parse_number(length_header, "Upload-Length")
    if length == 0:
        raise TusError(400, "empty_file", _("This file is empty."))
    limit = settings.EVIDENCE_MAX_FILE_BYTES
    if length > limit:
        raise TusError(
            413,
            "file_too_large",
            _("This file is larger than %(limit)s, the most one file may be."),
            limit=_size(limit),
        )
    metadata = parse_metadata(metadata_header)
    name = types.display_name(metadata.get("filename") or metadata.get("name") or "")
    kept = {key: metadata[key][:255] for key in METADATA_KEYS_KEPT if key in metadata}
    with transaction.atomic():
        # One creation at a time per submission (PostgreSQL; SQLite writes one at a time).
        Submission.objects.select_for_update().filter(pk=submission.pk).first()
        live = live_uploads(submission)
        if live.count() >= settings.EVIDENCE_MAX_FILES:
            raise TusError(
                403,
                "too_many_files",
                _("You can send at most %(count)s files at a time."),
                count=settings.EVIDENCE_MAX_FILES,
            )
        total = live.aggregate(total=Sum("length"))["total"] or 0
        if total + length > settings.EVIDENCE_MAX_SUBMISSION_BYTES:
            raise TusError(
                413,
                "submission_too_large",
                _("These files together are larger than %(limit)s, the most one sending may be."),
                limit=_size(settings.EVIDENCE_MAX_SUBMISSION_BYTES),
            )
        return Upload.objects.create(
            submission=submission,
            original_name=name,
            length=length,
            metadata=kept,
            expires_at=now + timedelta(hours=settings.EVIDENCE_UPLOAD_EXPIRY_HOURS),
        )


def find(uploads, upload_id, *, now=None) -> Upload:
    """The upload `upload_id` among `uploads` (the caller's scope: the link's request or the
    staff member's submission); 404 for anything else, 410 once expired unfinished."""
    try:
        key = uuid.UUID(str(upload_id))
    except (ValueError, AttributeError):
        raise _not_found() from None
    upload = uploads.select_related("submission", "submission__case").filter(pk=key).first()
    if upload is None or upload.terminated_at is not None:
        raise _not_found()
    if upload.completed_at is None and upload.expires_at <= (now or timezone.now()):
        raise _gone()
    return upload


def _delete_segments(upload: Upload) -> None:
    storage = evidence_storage()
    for name in list(upload.segments.values_list("name", flat=True)):
        try:
            storage.delete(name)
        except OSError:  # pragma: no cover - logged, the row goes anyway
            logger.warning("Could not delete segment %s of upload %s", name, upload.pk)
    upload.segments.all().delete()


def terminate(upload: Upload, *, now=None) -> None:
    """tus termination: the upload's bytes are deleted and its URL answers 404 from now on.
    A completed upload is evidence already and is not deleted this way."""
    if upload.completed_at is not None:
        raise TusError(
            403,
            "already_received",
            _("This file has been received in full; it can no longer be cancelled here."),
        )
    with transaction.atomic():
        Upload.objects.filter(pk=upload.pk, completed_at__isnull=True).update(
            terminated_at=now or timezone.now()
        )
        _delete_segments(upload)


def purge_expired(now=None) -> int:
    """Delete the bytes of unfinished uploads past their expiry (and of terminated ones
    whose segments remain); returns how many uploads were purged."""
    now = now or timezone.now()
    due = Upload.objects.filter(completed_at__isnull=True).filter(
        Q(expires_at__lte=now) | Q(terminated_at__isnull=False)
    )
    purged = 0
    for upload in due.filter(segments__isnull=False).distinct():
        with transaction.atomic():
            Upload.objects.filter(pk=upload.pk, terminated_at__isnull=True).update(
                terminated_at=now
            )
            _delete_segments(upload)
        purged += 1
    return purged


# Receiving bytes -------------------------------------------------------------------------


def _temporary_directory() -> str | None:
    """A folder beside a local storage (so storing the segment is a rename), else the
    system's temporary folder."""
    storage = evidence_storage()
    try:
        folder = storage.path("uploads/.incoming")
    except NotImplementedError:
        return getattr(settings, "FILE_UPLOAD_TEMP_DIR", None)
    os.makedirs(folder, exist_ok=True)
    return folder


class _Received(File):
    """The temporary file a PATCH body went into; FileSystemStorage moves it into place."""

    def temporary_file_path(self) -> str:
        return self.file.name


def _receive(stream, limit: int, content_length: int | None, hasher):
    """Read the body into a temporary file, CHUNK bytes at a time. Returns the file, the
    bytes read and whether the body stopped early (the connection dropped). Raises 413 past
    `limit` bytes (without keeping anything)."""
    handle = tempfile.NamedTemporaryFile(prefix="tus-", dir=_temporary_directory(), delete=False)
    received = 0
    interrupted = False
    try:
        while True:
            wanted = CHUNK if content_length is None else min(CHUNK, content_length - received)
            if wanted <= 0:
                break
            try:
                chunk = stream.read(wanted)
            except OSError:  # the client went away (gunicorn: NoMoreData is an IOError)
                interrupted = True
                break
            if not chunk:
                interrupted = content_length is not None
                break
            received += len(chunk)
            if received > limit:
                raise TusError(
                    413,
                    "past_length",
                    _("More bytes were sent than the size of the file."),
                )
            if hasher is not None:
                hasher.update(chunk)
            handle.write(chunk)
        handle.flush()
    except BaseException:
        handle.close()
        os.unlink(handle.name)
        raise
    return handle, received, interrupted


def append(
    upload: Upload,
    *,
    offset_header,
    content_type,
    stream,
    content_length: int | None,
    checksum_header=None,
    sender: Sender,
    now=None,
) -> Upload:
    """tus PATCH (and creation-with-upload): store the body as the segment at
    Upload-Offset and move the offset on; complete the upload on its last byte."""
    if (content_type or "").split(";")[0].strip().lower() != OFFSET_CONTENT_TYPE:
        raise TusError(
            415,
            "bad_content_type",
            _("The bytes of an upload must be sent as %(type)s."),
            type=OFFSET_CONTENT_TYPE,
        )
    offset = parse_number(offset_header, "Upload-Offset")
    checksum = parse_checksum(checksum_header)
    if offset != upload.offset:
        raise TusError(
            409,
            "offset_mismatch",
            _("The upload is at byte %(offset)s, not at byte %(sent)s."),
            offset=upload.offset,
            sent=offset,
        )
    remaining = upload.length - offset
    if content_length is not None and content_length > remaining:
        raise TusError(413, "past_length", _("More bytes were sent than the size of the file."))
    hasher = CHECKSUMS[checksum[0]]() if checksum else None
    handle, received, interrupted = _receive(stream, remaining, content_length, hasher)
    try:
        if checksum is not None and (interrupted or hasher.digest() != checksum[1]):
            raise TusError(
                460,
                "checksum_mismatch",
                _("The bytes received do not match their checksum; please send them again."),
            )
        if received == 0:
            return upload
        _store_segment(upload, offset, handle, received, now=now)
    finally:
        handle.close()
        if os.path.exists(handle.name):
            os.unlink(handle.name)
    upload.refresh_from_db()
    _after_bytes(upload, sender)
    return upload


def _store_segment(upload: Upload, offset: int, handle, received: int, *, now=None) -> None:
    storage = evidence_storage()
    handle.seek(0)
    stored = storage.save(f"uploads/{upload.pk}/{offset}", _Received(handle))
    try:
        with transaction.atomic():
            won = Upload.objects.filter(
                pk=upload.pk,
                offset=offset,
                completed_at__isnull=True,
                terminated_at__isnull=True,
            ).update(
                offset=offset + received,
                expires_at=(now or timezone.now())
                + timedelta(hours=settings.EVIDENCE_UPLOAD_EXPIRY_HOURS),
            )
            if not won:
                raise TusError(
                    409,
                    "offset_mismatch",
                    _("Another request sent these bytes first; ask where the upload is."),
                )
            UploadSegment.objects.create(upload=upload, offset=offset, length=received, name=stored)
    except BaseException:
        storage.delete(stored)
        raise


def _head(upload: Upload) -> bytes:
    """The first DETECT_BYTES of the upload, read from its first segments."""
    storage = evidence_storage()
    wanted = min(types.DETECT_BYTES, upload.length)
    parts: list[bytes] = []
    have = 0
    for segment in upload.segments.order_by("offset"):
        with storage.open(segment.name, "rb") as source:
            data = source.read(wanted - have)
        parts.append(data)
        have += len(data)
        if have >= wanted:
            break
    return b"".join(parts)


def _after_bytes(upload: Upload, sender: Sender) -> None:
    if not upload.kind and upload.offset >= min(types.DETECT_BYTES, upload.length):
        head = _head(upload)
        if len(head) < min(types.DETECT_BYTES, upload.length):
            # The offset is ahead of the segments this connection can read yet (another
            # request's segment is being recorded): decide at the next look (settle).
            return
        found = types.detect(head)
        if found is None:
            with transaction.atomic():
                Upload.objects.filter(pk=upload.pk).update(
                    terminated_at=timezone.now(),
                    metadata={**upload.metadata, "refused": "type"},
                )
                _delete_segments(upload)
            raise TusError(
                415,
                "type_not_accepted",
                _(
                    "“%(name)s” is not a video, a picture or a ZIP archive of a video export, "
                    "so it was not accepted and nothing of it was kept. Files are recognised "
                    "by what is inside them, not by their name."
                ),
                name=upload.original_name,
            )
        Upload.objects.filter(pk=upload.pk).update(kind=found.kind, content_type=found.content_type)
        upload.kind, upload.content_type = found.kind, found.content_type
    if upload.offset == upload.length:
        complete(upload, sender)


def settle(upload: Upload, sender: Sender) -> Upload:
    """Finish what a PATCH that died after its bytes were stored left undone (the type
    check, the completion), so that a HEAD or the next PATCH never reports a full offset
    for an upload that is not evidence yet. First, bytes a power cut took back are asked
    for again (intact.rewind_to_intact)."""
    upload = intact.rewind_to_intact(upload)
    if (
        upload.completed_at is None
        and upload.terminated_at is None
        and (
            upload.offset == upload.length
            or (not upload.kind and upload.offset >= min(types.DETECT_BYTES, upload.length))
        )
    ):
        _after_bytes(upload, sender)
    return upload


def received_from_words(submission: Submission) -> str:
    if submission.source == SubmissionSource.STAFF:
        return (
            f"received from {submission.received_from or 'an unnamed person'} in person "
            f"by {submission.received_by_name}"
        )
    return "uploaded by the owner through the request link"


def complete(upload: Upload, sender: Sender) -> EvidenceFile | None:
    """The last byte arrived: the evidence file, its RECEIVED custody event, the request
    marked "footage received", and the worker's processing after the commit. Once only."""
    submission = upload.submission
    now = timezone.now()
    with transaction.atomic():
        claimed = Upload.objects.filter(
            pk=upload.pk, completed_at__isnull=True, terminated_at__isnull=True
        ).update(completed_at=now)
        if not claimed:
            return None
        upload.completed_at = now
        evidence_file = EvidenceFile.objects.create(
            submission=submission,
            case=submission.case,
            upload=upload,
            original_name=upload.original_name,
            size=upload.length,
            kind=upload.kind,
            content_type=upload.content_type,
            status=FileStatus.PROCESSING,
        )
        custody.record(
            evidence_file,
            CustodyKind.RECEIVED,
            actor=sender.actor,
            actor_name=sender.actor_name,
            request=sender.request,
            reason=received_from_words(submission),
            details={
                "upload": str(upload.pk),
                "submission": str(submission.public_id),
                "size": upload.length,
                "detected_type": upload.content_type,
                **sender.details,
            },
        )
        if submission.footage_request_id is not None:
            from camreg.footage import services as footage

            footage.footage_arrived(
                submission.footage_request,
                actor=sender.actor if submission.source == SubmissionSource.STAFF else None,
                by=received_from_words(submission),
                request=sender.request,
            )
        transaction.on_commit(lambda: _enqueue(evidence_file.pk))
    return evidence_file


def _enqueue(evidence_file_id: int) -> None:
    from camreg.evidence import tasks

    tasks.process_evidence_file.enqueue(evidence_file_id)


def expires_header(upload: Upload) -> str | None:
    """Upload-Expires (an HTTP date) while the upload is unfinished."""
    if upload.completed_at is not None:
        return None
    from django.utils.http import http_date

    return http_date(upload.expires_at.timestamp())

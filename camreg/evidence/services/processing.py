"""Processing a completed upload into an evidence file (the worker: tasks.process_evidence_file).

`process(evidence_file_id)`:

1. assembles the upload's segments, in order, into ONE storage object
   `evidence/<submission public_id>/<evidence public_id>`, streaming (CHUNK bytes at a
   time), computing the SHA-256 and size of the bytes written, and checks the size against
   the upload's length; with a single segment on a local folder the segment is renamed
   instead (then read once for the hash);
2. reads the media facts and a poster frame (services.media, bounded, in a child process
   without credentials under resource limits: services.media_reader; never raises);
3. in one transaction: the file's hash, size, facts, poster, retention category and
   `retain_until`, status READY and the custody event HASH_COMPUTED (by the system);
4. after the commit, deletes the segments (objects and rows).

Idempotent and crash-safe: until step 3 commits, the file stays PROCESSING and nothing of
the attempt is on it; the segments are deleted only after. A retry (the worker killed with
-9 and the task requeued by `recover_stale_tasks`) starts again from the segments,
overwriting whatever a dead attempt left at the final name; after a renamed single segment
it finds the complete object at the final name. A file already READY only has its leftover
segments cleaned up.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
from datetime import timedelta

from django.core.files.base import ContentFile, File
from django.core.files.storage import FileSystemStorage
from django.db import transaction
from django.utils import timezone

from ..models import CustodyKind, EvidenceFile, FileStatus, RetentionCategory, UploadSegment
from . import custody, media_reader
from .storage import evidence_storage

logger = logging.getLogger(__name__)

CHUNK = 8 * 1024 * 1024


class ProcessingError(Exception):
    """The upload's bytes are not what it said (a missing segment, a wrong size)."""


def final_name(evidence_file: EvidenceFile) -> str:
    return f"evidence/{evidence_file.submission.public_id}/{evidence_file.public_id}"


def poster_name(evidence_file: EvidenceFile) -> str:
    return f"{final_name(evidence_file)}.poster.jpg"


class HashingReader(io.RawIOBase):
    """Reads the segments one after the other, CHUNK at a time, hashing what it hands out."""

    def __init__(self, storage, names: list[str]):
        self.storage = storage
        self.names = list(names)
        self.current = None
        self.digest = hashlib.sha256()
        self.size = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def seek(self, offset, whence=os.SEEK_SET):
        if offset == 0 and whence == os.SEEK_SET and self.size == 0 and self.current is None:
            return 0
        raise io.UnsupportedOperation("the segments are read once, in order")

    def tell(self) -> int:
        return self.size

    def read(self, size: int = -1) -> bytes:
        """Up to `size` bytes, fewer only at the end: across segment boundaries too (a short
        read means the end to boto3's uploads). The callers (Django's File.chunks, boto3)
        always ask for a bounded size; `size` < 0 reads the rest, as files do."""
        parts = []
        wanted = size if size is not None and size >= 0 else None
        while wanted is None or wanted > 0:
            if self.current is None:
                if not self.names:
                    break
                self.current = self.storage.open(self.names.pop(0), "rb")
            data = self.current.read(CHUNK if wanted is None else min(wanted, CHUNK))
            if not data:
                self.current.close()
                self.current = None
                continue
            self.digest.update(data)
            self.size += len(data)
            parts.append(data)
            if wanted is not None:
                wanted -= len(data)
        return b"".join(parts)

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        if self.current is not None:
            self.current.close()
            self.current = None
        super().close()


def hash_stored(name: str) -> tuple[str, int]:
    """SHA-256 and size of a stored object, read CHUNK at a time."""
    digest = hashlib.sha256()
    size = 0
    with evidence_storage().open(name, "rb") as stored:
        while data := stored.read(CHUNK):
            digest.update(data)
            size += len(data)
    return digest.hexdigest(), size


def _segments(evidence_file: EvidenceFile) -> list[UploadSegment]:
    if evidence_file.upload_id is None:
        return []
    return list(UploadSegment.objects.filter(upload_id=evidence_file.upload_id).order_by("offset"))


def _check_contiguous(segments: list[UploadSegment], length: int) -> None:
    expected = 0
    for segment in segments:
        if segment.offset != expected:
            raise ProcessingError(
                f"upload {segment.upload_id}: bytes {expected}-{segment.offset} are missing"
            )
        expected += segment.length
    if expected != length:
        raise ProcessingError(
            f"upload has {expected} bytes in its segments, its length is {length}"
        )


def _can_rename(storage) -> bool:
    return isinstance(storage, FileSystemStorage)


def assemble(evidence_file: EvidenceFile) -> tuple[str, str, int]:
    """Store the upload's bytes as one object: (name, sha256, size)."""
    storage = evidence_storage()
    name = final_name(evidence_file)
    segments = _segments(evidence_file)
    if not segments:
        if evidence_file.stored_name:  # stored in one piece already (no tus upload)
            sha256, size = hash_stored(evidence_file.stored_name)
            return evidence_file.stored_name, sha256, size
        raise ProcessingError(f"evidence file {evidence_file.pk} has no bytes to assemble")
    length = evidence_file.upload.length
    _check_contiguous(segments, length)
    if len(segments) == 1 and _can_rename(storage):
        segment = segments[0].name
        if storage.exists(segment):
            target = storage.path(name)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            os.replace(storage.path(segment), target)  # atomic on one file system
        elif not storage.exists(name):
            raise ProcessingError(f"segment {segment} is missing")
        # else: a dead attempt renamed it already; the object at `name` is complete.
        sha256, size = hash_stored(name)
    else:
        missing = [s.name for s in segments if not storage.exists(s.name)]
        if missing:
            raise ProcessingError(f"segments missing from the storage: {', '.join(missing)}")
        if storage.exists(name):  # a dead attempt's, maybe partial
            storage.delete(name)
        reader = HashingReader(storage, [s.name for s in segments])
        try:
            saved = storage.save(name, File(reader, name=name))
        finally:
            reader.close()
        if saved != name:
            raise ProcessingError(f"the storage saved {saved} instead of {name}")
        sha256, size = reader.digest.hexdigest(), reader.size
    if size != length:
        raise ProcessingError(f"stored {size} bytes, the upload's length is {length}")
    return name, sha256, size


def default_category() -> RetentionCategory | None:
    return RetentionCategory.objects.filter(is_default=True).order_by("pk").first()


def _store_poster(evidence_file: EvidenceFile, jpeg: bytes | None) -> str:
    if not jpeg:
        return ""
    storage = evidence_storage()
    name = poster_name(evidence_file)
    if storage.exists(name):
        storage.delete(name)
    return storage.save(name, ContentFile(jpeg, name=name))


def delete_segments(evidence_file: EvidenceFile) -> int:
    storage = evidence_storage()
    segments = _segments(evidence_file)
    for segment in segments:
        if segment.name != evidence_file.stored_name and storage.exists(segment.name):
            storage.delete(segment.name)
    UploadSegment.objects.filter(pk__in=[s.pk for s in segments]).delete()
    return len(segments)


def process(evidence_file_id: int) -> str:
    """Make an evidence file READY (see the module's docstring); returns what was done."""
    evidence_file = EvidenceFile.objects.select_related("submission", "upload", "case").get(
        pk=evidence_file_id
    )
    if evidence_file.status != FileStatus.PROCESSING:
        delete_segments(evidence_file)  # a dead attempt may have committed and stopped here
        return "already processed"

    name, sha256, size = assemble(evidence_file)
    storage = evidence_storage()
    with storage.open(name, "rb") as stored:
        facts, jpeg = media_reader.read(stored, size)
    poster = _store_poster(evidence_file, jpeg)

    with transaction.atomic():
        locked = EvidenceFile.objects.select_for_update().get(pk=evidence_file.pk)
        if locked.status != FileStatus.PROCESSING:
            return "already processed"
        now = timezone.now()
        category = locked.retention_category or default_category()
        locked.stored_name = name
        locked.sha256 = sha256
        locked.size = size
        locked.is_readable_media = facts.readable
        locked.duration_seconds = facts.duration_seconds
        locked.codec = facts.codec
        locked.width = facts.width
        locked.height = facts.height
        locked.recording_started_at = facts.recording_started_at
        locked.media_facts = facts.facts
        locked.poster_name = poster
        locked.retention_category = category
        if category is not None and locked.retain_until is None:
            locked.retain_until = locked.created_at + timedelta(days=category.retention_days)
        locked.status = FileStatus.READY
        locked.processed_at = now
        locked.save()
        custody.record(
            locked,
            CustodyKind.HASH_COMPUTED,
            details={
                "sha256": sha256,
                "size": size,
                "readable_media": facts.readable,
                "retention_category": category.name if category else "",
            },
            at=now,
        )
    delete_segments(locked)
    logger.info("Evidence file %s processed: %s bytes, sha256 %s", locked.pk, size, sha256)
    return "processed"

"""Acknowledged bytes that a power cut took back: found when the client asks where to resume.

A PATCH's segment is moved into place and its length committed with the upload's new
offset, but the file's data may still sit in the page cache. A crash of the process loses
nothing; a power cut (or a kernel crash) can leave the segment file shorter than its
recorded length, or gone. Left alone, assembly would later refuse the whole file and the
owner would send everything again. Instead, the answer to the client's HEAD (how every tus
client resumes) moves the offset back to the first damaged segment and drops it and the ones
after it, so only those bytes are sent again.

Local storage only: an object store's PUT is durable once it answers, and asking it for
the size of every segment would cost a request each.
"""

from __future__ import annotations

import logging
import os

from django.core.files.storage import FileSystemStorage
from django.db import transaction

from ..models import Upload, UploadSegment
from .storage import evidence_storage

logger = logging.getLogger(__name__)


def _stored_length(storage: FileSystemStorage, name: str) -> int | None:
    try:
        return os.path.getsize(storage.path(name))
    except OSError:
        return None


def rewind_to_intact(upload: Upload) -> Upload:
    """Move an unfinished upload's offset back to its first damaged segment (shorter than
    its recorded length, or missing), dropping that segment and the ones after it."""
    if upload.completed_at is not None or upload.terminated_at is not None or not upload.offset:
        return upload
    storage = evidence_storage()
    if not isinstance(storage, FileSystemStorage):
        return upload
    damaged_at = None
    for offset, length, name in upload.segments.order_by("offset").values_list(
        "offset", "length", "name"
    ):
        if _stored_length(storage, name) != length:
            damaged_at = offset
            break
    if damaged_at is None:
        return upload
    with transaction.atomic():
        moved = Upload.objects.filter(
            pk=upload.pk,
            offset=upload.offset,
            completed_at__isnull=True,
            terminated_at__isnull=True,
        ).update(offset=damaged_at)
        if not moved:  # another request moved the offset meanwhile: it answers for it
            upload.refresh_from_db()
            return upload
        dropped = list(
            UploadSegment.objects.filter(upload=upload, offset__gte=damaged_at).values_list(
                "pk", "name"
            )
        )
        UploadSegment.objects.filter(pk__in=[pk for pk, _name in dropped]).delete()
    for _pk, name in dropped:
        try:
            storage.delete(name)
        except OSError:  # pragma: no cover - an orphan file, nothing refers to it
            logger.warning("Could not delete damaged segment %s of upload %s", name, upload.pk)
    logger.warning(
        "Upload %s: bytes from %s on were missing from their segments (a power cut?); "
        "the client is asked to send them again",
        upload.pk,
        damaged_at,
    )
    upload.offset = damaged_at
    return upload

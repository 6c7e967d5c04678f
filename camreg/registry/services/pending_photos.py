"""Pending photos: a photo chosen on the registration form before the form is saved.

"Add another camera" and the other buttons that change the form's shape reload the page,
and a browser never sends a file twice. So a photo that arrives with such a request is
checked and re-encoded at once (registry.photos: metadata gone), stored, and the form carries
a signed reference to it (a hidden field) until it is saved; then the photo becomes the
camera's. A pending photo lives PENDING_PHOTO_HOURS at most: the hourly purge erases those
whose form was never saved.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from camreg.registry import photos
from camreg.registry.models import PendingPhoto
from camreg.registry.services.common import logger

SALT = "camreg.registry.pending-photo"


def _lifetime() -> timedelta:
    return timedelta(hours=settings.PENDING_PHOTO_HOURS)


def keep(jpeg: bytes, original_name: str = "") -> str:
    """Store a re-encoded photo as pending; the signed reference the form carries."""
    key = secrets.token_urlsafe(24)
    name = photos.store(jpeg)
    PendingPhoto.objects.create(key=key, photo=name, original_name=_display_name(original_name))
    return signing.dumps(key, salt=SALT, compress=False)


def _display_name(name: str) -> str:
    """The chosen file's name without any folder, shortened: only shown back to the person."""
    base = str(name or "").replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(c for c in base if c.isprintable())[:100]


def find(reference: str | None) -> PendingPhoto | None:
    """The pending photo a form's reference names, while it lives; None for anything else
    (a forged, altered or expired reference, or a photo already used or purged)."""
    if not reference:
        return None
    try:
        key = signing.loads(str(reference)[:200], salt=SALT, max_age=_lifetime().total_seconds())
    except signing.BadSignature:
        return None
    cutoff = timezone.now() - _lifetime()
    return PendingPhoto.objects.filter(key=str(key), created_at__gte=cutoff).first()


def read(pending: PendingPhoto) -> bytes | None:
    """The pending photo's JPEG bytes (None when its file is gone)."""
    try:
        with default_storage.open(pending.photo, "rb") as handle:
            return handle.read()
    except OSError:
        logger.warning("pending photo %s has no file", pending.pk)
        return None


def discard(pending: PendingPhoto) -> None:
    """Forget a pending photo and delete its file once the transaction commits (the photo was
    used, replaced or removed)."""
    name = pending.photo
    PendingPhoto.objects.filter(pk=pending.pk).delete()
    transaction.on_commit(lambda: photos.delete(name))


def purge_pending_photos(now=None) -> int:
    """Erase the pending photos of forms never saved (older than PENDING_PHOTO_HOURS)."""
    cutoff = (now or timezone.now()) - _lifetime()
    count = 0
    for pending in list(PendingPhoto.objects.filter(created_at__lt=cutoff)[:1000]):
        with transaction.atomic():
            discard(pending)
        count += 1
    if count:
        logger.info("erased %d pending photos of forms never saved", count)
    return count

"""A camera's view photo: checked, re-encoded without metadata, stored through Django storage.

Photos are checked in two steps (decision 0016). `check` reads only the file's size and
header, in the web process, and refuses a photo of more than MAX_PIXELS before a single pixel
is decoded. `reencode_many` then decodes the photos of one request in a child process
(`photo_decoder.py`) with a memory limit, a CPU limit, a lower priority and a deadline, one
such child at a time per web process, so that no photo can take a web worker's memory or
the CPU the other requests need.
"""

from __future__ import annotations

import io
import json
import logging
import math
import secrets
import signal
import struct
import subprocess
import tempfile
import threading
import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _
from PIL import Image

from camreg import sandbox

from . import photo_decoder

logger = logging.getLogger(__name__)

ALLOWED_FORMATS = photo_decoder.FORMATS
MAX_PIXELS = 12_000_000  # 4000 x 3000: what phones take; more is refused from the header
MAX_SIDE = 2048  # stored photos are scaled down to this; enough to recognise a view
QUALITY = 85
# Pillow's own guard, for every image this process opens: it warns above MAX_PIXELS and
# refuses twice that in Image.open, before decoding.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS

_COMMAND = tuple(sandbox.command("camreg.registry.photo_decoder"))
# One decoding child at a time per web process (a threaded worker serves many requests).
_DECODING = threading.BoundedSemaphore(1)
# How a child ends when it runs out of CPU time (SIGXCPU) or is killed at the deadline.
_OUT_OF_TIME = {-getattr(signal, name) for name in ("SIGXCPU", "SIGKILL") if hasattr(signal, name)}


def _unreadable() -> ValidationError:
    return ValidationError(
        _("The file is not a photo we can read. Choose a JPEG, PNG or WebP image.")
    )


def _too_slow() -> ValidationError:
    return ValidationError(
        _(
            "We could not process this photo in time. "
            "Try again in a minute, or choose a smaller photo."
        )
    )


def check(uploaded) -> None:
    """Refuse a photo from its size and header alone (Image.open reads no pixel data)."""
    if uploaded.size > settings.PHOTO_MAX_BYTES:
        raise ValidationError(_("The photo is larger than 10 MB. Choose a smaller photo."))
    too_many_pixels = ValidationError(
        _(
            "The photo has more than %(megapixels)s megapixels. "
            "Choose a smaller photo or shrink it first."
        )
        % {"megapixels": MAX_PIXELS // 1_000_000}
    )
    try:
        uploaded.seek(0)
        with Image.open(uploaded, formats=ALLOWED_FORMATS) as probe:
            width, height = probe.size
    except Image.DecompressionBombError as exc:  # more than twice MAX_PIXELS
        raise too_many_pixels from exc
    except Exception as exc:  # whatever a hostile header makes Pillow raise
        raise _unreadable() from exc
    finally:
        uploaded.seek(0)
    if width * height > MAX_PIXELS:
        raise too_many_pixels


def reencode(uploaded) -> bytes:
    """A clean JPEG of one uploaded photo, or ValidationError."""
    check(uploaded)
    result = reencode_many([uploaded])[0]
    if isinstance(result, ValidationError):
        raise result
    return result


def reencode_many(uploads: list) -> list[bytes | ValidationError]:
    """Clean JPEGs of photos that passed `check`, in order, with a ValidationError in place
    of each that could not be decoded. Only pixels survive: EXIF (with GPS), XMP, ICC
    profiles and comments are dropped because each image is rebuilt from its pixels.

    All of them together get PHOTO_DECODE_SECONDS, waiting for this process's decoder
    included; photos not decoded by then are refused as too slow.
    """
    if not uploads:
        return []
    budget = settings.PHOTO_DECODE_SECONDS
    deadline = time.monotonic() + budget
    if not _DECODING.acquire(timeout=budget):
        return [_too_slow() for _ in uploads]
    try:
        results: list[bytes | ValidationError] = []
        pending = list(uploads)
        while pending and (remaining := deadline - time.monotonic()) > 0:
            try:
                done, failure = _decode(pending, remaining)
            except OSError:  # the child could not be started: the server's problem
                logger.exception("could not start the photo decoder")
                break
            results.extend(done)
            pending = pending[len(done) :]
            if pending and failure is not None:  # the child stopped on this photo
                results.append(failure)
                pending = pending[1:]
        results.extend(_too_slow() for _ in pending)
        return results
    finally:
        _DECODING.release()


def _decode(
    uploads: list, seconds: float
) -> tuple[list[bytes | ValidationError], ValidationError | None]:
    """Run one decoding child over `uploads` for at most `seconds`: the results it gave, in
    order, and what to say about the photo it stopped on, if it stopped early."""
    limits = {
        "max_side": MAX_SIDE,
        "max_pixels": MAX_PIXELS,
        "quality": QUALITY,
        "memory_bytes": settings.PHOTO_DECODE_MEMORY_MB * 1024 * 1024,
        "cpu_seconds": max(1, math.ceil(seconds)),
    }
    with tempfile.TemporaryFile() as photos_in:
        for upload in uploads:
            upload.seek(0)
            data = upload.read(settings.PHOTO_MAX_BYTES + 1)
            photos_in.write(struct.pack(">I", len(data)) + data)
        photos_in.seek(0)
        # Our own interpreter and script; the limits are numbers from settings.
        child = subprocess.Popen(  # noqa: S603  # nosec B603
            [*_COMMAND, json.dumps(limits)],
            stdin=photos_in,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            cwd=sandbox.ROOT,
            env=sandbox.environment(),  # nothing of the web process's (secrets) reaches it
        )
        timed_out = False
        try:
            output, _err = child.communicate(timeout=seconds)
        except subprocess.TimeoutExpired:
            child.kill()
            output, _err = child.communicate()
            timed_out = True
    results: list[bytes | ValidationError] = []
    offset = 0
    while len(results) < len(uploads) and offset + 5 <= len(output):
        status, length = struct.unpack_from(">BI", output, offset)
        body = output[offset + 5 : offset + 5 + length]
        if len(body) < length:
            break
        offset += 5 + length
        ok = status == photo_decoder.OK and _is_clean_jpeg(body)
        results.append(body if ok else _unreadable())
    if len(results) == len(uploads):
        return results, None
    stopped_by_time = timed_out or child.returncode in _OUT_OF_TIME
    logger.warning(
        "photo decoder stopped on photo %d of %d (exit %s%s)",
        len(results) + 1,
        len(uploads),
        child.returncode,
        ", out of time" if timed_out else "",
    )
    return results, _too_slow() if stopped_by_time else _unreadable()


def _is_clean_jpeg(data: bytes) -> bool:
    """Whether the child's answer is what it should be (a JPEG no larger than MAX_SIDE), in
    case a hostile photo ever took the decoder over."""
    try:
        with Image.open(io.BytesIO(data), formats=("JPEG",)) as image:
            return image.format == "JPEG" and max(image.size) <= MAX_SIDE
    except Exception:  # noqa: BLE001 - anything unreadable is not a clean JPEG
        return False


def store(jpeg: bytes) -> str:
    """Save a re-encoded photo under an unguessable name; return the storage name."""
    name = f"camera-photos/{secrets.token_hex(16)}.jpg"
    return default_storage.save(name, ContentFile(jpeg))


def delete(name: str) -> None:
    if name:
        default_storage.delete(name)

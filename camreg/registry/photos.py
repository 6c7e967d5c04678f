"""A camera's view photo: checked, re-encoded without metadata, stored through Django storage."""

from __future__ import annotations

import io
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP"}
MAX_PIXELS = 40_000_000  # refuses decompression bombs long before memory suffers
MAX_SIDE = 2048  # stored photos are scaled down to this; enough to recognise a view


def reencode(uploaded) -> bytes:
    """Return a clean JPEG of the uploaded image, or raise ValidationError.

    Only pixels survive: EXIF (with GPS), XMP, ICC profiles and comments are dropped because
    the image is rebuilt from its pixel data.
    """
    if uploaded.size > settings.PHOTO_MAX_BYTES:
        raise ValidationError(_("The photo is larger than 10 MB. Choose a smaller photo."))
    try:
        uploaded.seek(0)
        with Image.open(uploaded) as probe:
            if probe.format not in ALLOWED_FORMATS:
                raise ValidationError(_("The photo must be a JPEG, PNG or WebP image."))
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationError(_("The photo has too many pixels. Choose a smaller photo."))
            probe.verify()
        uploaded.seek(0)
        with Image.open(uploaded) as image:
            image = ImageOps.exif_transpose(image)
            image = image.convert("RGB")
            image.thumbnail((MAX_SIDE, MAX_SIDE))
            clean = Image.new("RGB", image.size)
            clean.paste(image)
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise ValidationError(
            _("The file is not a photo we can read. Choose a JPEG, PNG or WebP image.")
        ) from exc
    out = io.BytesIO()
    clean.save(out, format="JPEG", quality=85, optimize=True)
    return out.getvalue()


def store(jpeg: bytes) -> str:
    """Save a re-encoded photo under an unguessable name; return the storage name."""
    name = f"camera-photos/{secrets.token_hex(16)}.jpg"
    return default_storage.save(name, ContentFile(jpeg))


def delete(name: str) -> None:
    if name:
        default_storage.delete(name)

"""The agency profile and its logo (program settings in the console)."""

from __future__ import annotations

import io
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, UnidentifiedImageError

from .agency import current
from .configuration import PROFILE_FIELDS, change

LOGO_MAX_BYTES = 5 * 1024 * 1024
# Checked from the header before decoding; the same cap as photos (Pillow refuses more).
LOGO_MAX_PIXELS = 12_000_000
LOGO_MAX_SIDE = 1024


def reencode_logo(uploaded) -> tuple[bytes, str]:
    """A clean PNG or JPEG (pixels only, at most 1024 px) of an uploaded logo, and its
    extension; ValidationError for anything else."""
    if uploaded.size > LOGO_MAX_BYTES:
        raise ValidationError("The logo is larger than 5 MB. Choose a smaller image.")
    try:
        uploaded.seek(0)
        with Image.open(uploaded) as probe:
            fmt = probe.format
            if fmt not in ("PNG", "JPEG"):
                raise ValidationError("The logo must be a PNG or JPEG image.")
            if probe.width * probe.height > LOGO_MAX_PIXELS:
                raise ValidationError(
                    "The logo has more than 12 megapixels. Choose a smaller image."
                )
            probe.verify()
        uploaded.seek(0)
        with Image.open(uploaded) as image:
            image.load()
            mode = "RGBA" if fmt == "PNG" else "RGB"
            image = image.convert(mode)
            image.thumbnail((LOGO_MAX_SIDE, LOGO_MAX_SIDE))
            clean = Image.new(mode, image.size)
            clean.paste(image)
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise ValidationError(
            "The file is not an image we can read. Choose a PNG or JPEG."
        ) from exc
    out = io.BytesIO()
    if fmt == "PNG":
        clean.save(out, format="PNG", optimize=True)
        return out.getvalue(), "png"
    clean.save(out, format="JPEG", quality=90, optimize=True)
    return out.getvalue(), "jpg"


def update_profile(
    changes: dict[str, Any],
    *,
    logo: tuple[bytes, str] | None = None,
    remove_logo: bool = False,
    request=None,
    actor=None,
) -> list[str]:
    """Change the agency profile (and logo: re-encoded bytes and extension), audited."""
    changes = {name: changes[name] for name in PROFILE_FIELDS if name in changes}
    old_logo = current().logo.name or ""
    stored = ""
    if logo is not None:
        content, extension = logo
        stored = default_storage.save(
            f"agency/logo-{secrets.token_hex(8)}.{extension}", ContentFile(content)
        )
        changes["logo"] = stored
    elif remove_logo and old_logo:
        changes["logo"] = ""

    def delete_old() -> None:
        if old_logo and changes.get("logo", old_logo) != old_logo:
            default_storage.delete(old_logo)

    try:
        changed = change(
            changes,
            action="settings.agency_updated",
            request=request,
            actor=actor,
            on_commit=delete_old,
        )
    except Exception:
        if stored:
            default_storage.delete(stored)
        raise
    return changed

"""Decodes camera photos in a child process with hard limits (decision 0016).

`camreg.registry.photos` runs it as a module in a child (`camreg.sandbox.command`), with
an environment of its own. It imports only the standard library, Pillow and camreg.sandbox
(never Django, the settings or their secrets), so it starts in a few tens of milliseconds.
Before it reads any photo it limits itself (`camreg.sandbox.limit_self`: address space, CPU
seconds, no files written, no core dumps, a lower priority), so a photo that is slow or large
to decode costs a bounded amount and never takes the CPU from the web workers.

Protocol. LIMITS is JSON: {"max_side", "max_pixels", "quality", "memory_bytes",
"cpu_seconds"}. Standard input holds the photos, each as a 4-byte big-endian length and its
bytes. For each photo, in order and as soon as it is done, standard output gets a status
byte (0: a clean JPEG follows; 1: not a photo it can read), a 4-byte big-endian length and
that many bytes. If the process dies (CPU limit, a crash in a decoder, the parent's
timeout), the photos whose results are missing were not decoded.
"""

from __future__ import annotations

import io
import json
import struct
import sys

from camreg.sandbox import limit_self

FORMATS = ("JPEG", "PNG", "WEBP")  # MPO (a JPEG with extra pictures) opens through JPEG
# Decode JPEG at a reduced scale, and reduce other images by a whole factor with a box
# filter, down to this many times the final size; the last step is a bicubic resample.
REDUCING_GAP = 2.0
# Modes resampled as they are. Others are converted once, before reducing: "1" and "P"
# would fall back to nearest neighbour, and "LA" and "RGBA" would be converted to
# premultiplied alpha and back at full size (the alpha is dropped in the end anyway).
RESAMPLABLE = {"L", "RGB", "CMYK"}
GREY = {"1", "L", "LA", "La", "I", "I;16", "I;16B", "I;16L", "F"}
ORIENTATION = 0x0112
OK, UNREADABLE = 0, 1


def fit(size: tuple[int, int], max_side: int) -> tuple[int, int]:
    """`size` scaled down, keeping its proportions, so that neither side exceeds max_side."""
    width, height = size
    scale = min(1.0, max_side / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def to_jpeg(data: bytes, *, max_side: int, max_pixels: int, quality: int = 85) -> bytes:
    """A clean JPEG of the photo in `data`, at most max_side pixels a side: pixels only, so
    EXIF (with GPS), XMP, ICC profiles and comments are gone. Raises for anything else.

    The work grows with the size of the result, not of the photo: a JPEG is decoded at 1/2,
    1/4 or 1/8 scale when that is still twice the result (`draft`), other images are reduced
    by a whole factor before resampling, and every conversion happens on the small image.
    """
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = max_pixels
    with Image.open(io.BytesIO(data), formats=FORMATS) as image:
        if image.width * image.height > max_pixels:
            raise ValueError("too many pixels")
        size = fit(image.size, max_side)
        if image.format in ("JPEG", "MPO"):
            image.draft(None, (int(size[0] * REDUCING_GAP), int(size[1] * REDUCING_GAP)))
        image.load()
        orientation = image.getexif().get(ORIENTATION)
        small: Image.Image = image
        if small.mode not in RESAMPLABLE:  # at most 3 bytes a pixel, 3 x max_pixels bytes
            small = small.convert("L" if small.mode in GREY else "RGB")
        if small.size != size:
            small = small.resize(size, Image.Resampling.BICUBIC, reducing_gap=REDUCING_GAP)
        transpose = {
            2: Image.Transpose.FLIP_LEFT_RIGHT,
            3: Image.Transpose.ROTATE_180,
            4: Image.Transpose.FLIP_TOP_BOTTOM,
            5: Image.Transpose.TRANSPOSE,
            6: Image.Transpose.ROTATE_270,
            7: Image.Transpose.TRANSVERSE,
            8: Image.Transpose.ROTATE_90,
        }.get(orientation)
        if transpose is not None:
            small = small.transpose(transpose)
        rgb = small.convert("RGB")
    clean = Image.new("RGB", rgb.size)  # a new image: nothing but the pixels comes along
    clean.paste(rgb)
    out = io.BytesIO()
    clean.save(out, format="JPEG", quality=quality, optimize=True)
    return out.getvalue()


def main() -> None:
    limits = json.loads(sys.argv[1])
    limit_self(int(limits["memory_bytes"]), int(limits["cpu_seconds"]))
    source, sink = sys.stdin.buffer, sys.stdout.buffer
    while header := source.read(4):
        if len(header) < 4:
            break
        (length,) = struct.unpack(">I", header)
        data = source.read(length)
        try:
            result, status = (
                to_jpeg(
                    data,
                    max_side=int(limits["max_side"]),
                    max_pixels=int(limits["max_pixels"]),
                    quality=int(limits["quality"]),
                ),
                OK,
            )
        except Exception:  # noqa: BLE001 - any failure on hostile input, MemoryError too
            result, status = b"", UNREADABLE
        sink.write(struct.pack(">BI", status, len(result)) + result)
        sink.flush()


if __name__ == "__main__":
    main()

"""What a file is, from its first bytes (never from its name), and the name it is shown under.

`detect(head)` looks at the first `DETECT_BYTES` of an upload (or all of it, when shorter)
and answers a `Detected` (evidence kind, MIME type, a label) for the types an owner may hand
over: video containers (MP4/MOV, AVI, MKV/WebM, ASF/WMV, MPEG-TS/PS), DVR exports (Dahua
.dav, raw H.264/H.265 Annex B streams), images and ZIP archives of an export. Anything else
(an executable renamed .mp4, a document) is None: the upload is refused and its bytes
deleted. Our own checks come first (DVR formats are not in any magic database);
`puremagic` is the fallback for other image and video formats.

`display_name(name)` makes the name a browser sent safe to show: the last path part only,
no control characters, at most 255 characters. It is never part of a storage name.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import puremagic

from ..models import FileKind

DETECT_BYTES = 64 * 1024
NAME_MAX = 255


@dataclass(frozen=True)
class Detected:
    kind: str  # FileKind
    content_type: str
    label: str  # for staff: "MP4 video", "Dahua DVR export (.dav)"


# Never evidence, whatever the name says: refused before any other check.
_EXECUTABLES = (
    b"\x7fELF",  # Linux
    b"MZ",  # Windows (PE)
    b"\xcf\xfa\xed\xfe",  # macOS Mach-O
    b"\xce\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",  # Mach-O universal (and Java classes)
    b"#!",  # scripts
)

_ASF_GUID = bytes.fromhex("3026B2758E66CF11A6D900AA0062CE6C")
_IMAGE_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"mif1", b"msf1", b"avif", b"avis"}
_MP4_BOXES = {b"ftyp", b"moov", b"mdat", b"free", b"wide", b"skip", b"pnot"}
# First NAL unit types an Annex B elementary stream from a DVR starts with.
_H264_FIRST = {1, 5, 6, 7, 8, 9}  # slice, IDR, SEI, SPS, PPS, access unit delimiter
_H265_FIRST = {1, 19, 20, 32, 33, 34, 35, 39}  # slice, IDR, VPS, SPS, PPS, AUD, SEI


def _mp4(head: bytes) -> Detected | None:
    if len(head) < 12 or head[4:8] not in _MP4_BOXES:
        return None
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in _IMAGE_BRANDS:
            return Detected(FileKind.IMAGE, "image/heic", "HEIF image")
        if brand == b"qt  ":
            return Detected(FileKind.VIDEO, "video/quicktime", "QuickTime video (MOV)")
        if brand.startswith(b"3g"):
            return Detected(FileKind.VIDEO, "video/3gpp", "3GP video")
    return Detected(FileKind.VIDEO, "video/mp4", "MP4 video")


def _annex_b(head: bytes) -> Detected | None:
    """A raw H.264 or H.265 stream (.264, .h264, .265): a start code, then a NAL header."""
    if head.startswith(b"\x00\x00\x00\x01"):
        start = 4
    elif head.startswith(b"\x00\x00\x01"):
        start = 3
    else:
        return None
    if len(head) < start + 2 or head[start] & 0x80:  # forbidden_zero_bit
        return None
    nal = head[start]
    # H.265: a two-byte header, type in bits 1-6, nuh_temporal_id_plus1 never 0.
    h265_type = (nal >> 1) & 0x3F
    if h265_type in (32, 33, 34, 35, 39) and head[start + 1] & 0x07:
        return Detected(FileKind.DVR, "video/h265", "Raw H.265 stream (DVR export)")
    if nal & 0x1F in _H264_FIRST and (nal & 0x1F in (6, 9) or nal & 0x60):
        return Detected(FileKind.DVR, "video/h264", "Raw H.264 stream (DVR export)")
    if h265_type in _H265_FIRST and head[start + 1] & 0x07:
        return Detected(FileKind.DVR, "video/h265", "Raw H.265 stream (DVR export)")
    return None


def _mpeg_ts(head: bytes) -> bool:
    """MPEG transport stream: a sync byte every 188 bytes (at least three of them)."""
    packets = min(len(head) // 188, 5)
    return packets >= 3 and all(head[i * 188] == 0x47 for i in range(packets))


def _ours(head: bytes) -> Detected | None:
    if head.startswith(b"DHAV"):
        return Detected(FileKind.DVR, "video/x-dhav", "Dahua DVR export (.dav)")
    if head.startswith(_ASF_GUID):
        return Detected(FileKind.VIDEO, "video/x-ms-asf", "ASF/WMV video")
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        if b"webm" in head[:64]:
            return Detected(FileKind.VIDEO, "video/webm", "WebM video")
        return Detected(FileKind.VIDEO, "video/x-matroska", "Matroska video (MKV)")
    if head.startswith(b"RIFF") and head[8:12] == b"AVI ":
        return Detected(FileKind.VIDEO, "video/x-msvideo", "AVI video")
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return Detected(FileKind.IMAGE, "image/webp", "WebP image")
    if head.startswith(b"\x00\x00\x01\xba"):
        return Detected(FileKind.VIDEO, "video/mpeg", "MPEG program stream")
    if _mpeg_ts(head):
        return Detected(FileKind.VIDEO, "video/mp2t", "MPEG transport stream")
    found = _mp4(head)
    if found is not None:
        return found
    if head.startswith(b"\xff\xd8\xff"):
        return Detected(FileKind.IMAGE, "image/jpeg", "JPEG image")
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Detected(FileKind.IMAGE, "image/png", "PNG image")
    if head.startswith((b"GIF87a", b"GIF89a")):
        return Detected(FileKind.IMAGE, "image/gif", "GIF image")
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return Detected(FileKind.IMAGE, "image/tiff", "TIFF image")
    if head.startswith(b"BM") and len(head) >= 14:
        return Detected(FileKind.IMAGE, "image/bmp", "BMP image")
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return Detected(FileKind.ARCHIVE, "application/zip", "ZIP archive")
    return _annex_b(head)


def _from_puremagic(head: bytes) -> Detected | None:
    try:
        matches = puremagic.magic_string(head)
    except (puremagic.PureError, ValueError):
        return None
    for match in matches:
        mime = (match.mime_type or "").lower()
        if match.confidence < 0.8:
            continue
        if mime.startswith("video/"):
            return Detected(FileKind.VIDEO, mime, f"{match.name or 'Video'}"[:60])
        if mime.startswith("image/"):
            return Detected(FileKind.IMAGE, mime, f"{match.name or 'Image'}"[:60])
    return None


def detect(head: bytes) -> Detected | None:
    """The accepted type the first bytes of a file show, or None (refuse it)."""
    head = bytes(head[:DETECT_BYTES])
    if not head or head.startswith(_EXECUTABLES):
        return None
    return _ours(head) or _from_puremagic(head)


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def display_name(name: str) -> str:
    """The name a browser sent, safe to show: its last path part, without control
    characters or leading dots, at most 255 characters; "file" when nothing is left."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = _CONTROL.sub("", name).strip().lstrip(".").strip()
    if len(name) > NAME_MAX:
        stem, dot, extension = name.rpartition(".")
        if dot and 0 < len(extension) <= 10:
            name = stem[: NAME_MAX - len(extension) - 1] + "." + extension
        else:
            name = name[:NAME_MAX]
    return name or "file"

"""Stills for bulletins and flyers: a frame of a video at a chosen time, as a JPEG of our own
making, released (term 3: through the media or the community, to identify or catch a
suspect) only once an evidence custodian approves.

- `parse_time("1:05.5")`: seconds, or mm:ss, or h:mm:ss, into seconds (float).
- `take_still(evidence_file, at_seconds, actor=...)`: extracts the frame with PyAV (seek to
  the keyframe before the time, decode forward to it, at most MAX_DECODED_FRAMES frames and
  DEADLINE_SECONDS of wall-clock time), stores it as a JPEG in the evidence storage with its
  SHA-256, and records an EXPORTED custody event on the video (a still was made of it).
- `propose_bulletin(still, ...)`: the headline, the bulletin's text and a release of kind
  STILL with the media/community basis, waiting for a custodian (services.releases). On
  approval the video gets a RELEASED custody event with the time and the still's SHA-256.
- `is_printable(still)`: the bulletin can be printed or downloaded only while its release is
  approved; until then it is a draft.

Evidence comes from strangers' devices, so decoding is bounded: the container is probed with
bounded sizes, a stream declaring more than MAX_WIDTH x MAX_HEIGHT is not decoded, and any
error PyAV raises becomes a clear StillError.
"""

from __future__ import annotations

import hashlib
import io
import math
import re
import time
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import get_language_info

from camreg.audit import services as audit

from ..models import (
    CustodyKind,
    EvidenceFile,
    FileKind,
    FileStatus,
    LegalBasis,
    ReleaseKind,
    ReleaseStatus,
    Still,
)
from . import custody, releases
from .storage import evidence_storage

MAX_DECODED_FRAMES = 1500  # 50 s of 30 fps video between a keyframe and the chosen time
DEADLINE_SECONDS = 30.0
MAX_WIDTH = 8192
MAX_HEIGHT = 8192
JPEG_QUALITY = 90
PROBE_OPTIONS = {"probesize": str(32 * 1024 * 1024), "analyzeduration": str(10_000_000)}
HEADLINE_MAX_LENGTH = 200
TEXT_MAX_LENGTH = 4000
DEFAULT_RECIPIENT = "The media and the community (bulletin and flyers)"

_TIME = re.compile(r"^(?:(?:(\d{1,2}):)?(\d{1,3}):)?(\d{1,6}(?:[.,]\d{1,3})?)$")


class StillError(Exception):
    def __init__(self, code: str, message: str, field: str | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


def parse_time(text) -> float:
    """ "90", "90.5", "1:30", "1:30.5", "0:01:30" into seconds; StillError otherwise."""
    value = (text or "").strip() if isinstance(text, str) else str(text)
    match = _TIME.match(value)
    if not match:
        raise StillError(
            "time_invalid",
            "Enter the time as seconds (90 or 90.5) or as minutes and seconds (1:30).",
            "at",
        )
    hours, minutes, seconds = match.groups()
    seconds_value = float(seconds.replace(",", "."))
    if minutes is not None and seconds_value >= 60:
        raise StillError("time_invalid", "Seconds after a colon go up to 59 (1:30).", "at")
    if hours is not None and int(minutes) >= 60:
        raise StillError("time_invalid", "Minutes after the hours go up to 59 (1:02:30).", "at")
    return int(hours or 0) * 3600 + int(minutes or 0) * 60 + seconds_value


def format_time(seconds: float) -> str:
    """1:05 or 1:05.5 (m:ss, tenths when there are any; h:mm:ss from an hour)."""
    seconds = max(0.0, round(float(seconds), 1))
    whole = int(seconds)
    tenths = round((seconds - whole) * 10)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{secs:02d}" + (f".{tenths}" if tenths else "")
    return f"{hours}:{minutes:02d}:{text}" if hours else f"{minutes}:{text}"


def can_take_still(evidence_file: EvidenceFile) -> bool:
    return (
        evidence_file.status == FileStatus.READY
        and evidence_file.kind in (FileKind.VIDEO, FileKind.DVR)
        and bool(evidence_file.stored_name)
    )


def _open(source):
    import av

    source.seek(0)
    return av.open(source, mode="r", container_options=PROBE_OPTIONS, metadata_errors="ignore")


def _duration(container, stream, known: float | None) -> float | None:
    if known:
        return known
    if container.duration is not None and container.duration > 0:
        return container.duration / 1_000_000
    if stream.duration is not None and stream.time_base:
        return float(stream.duration * stream.time_base)
    return None


def extract_frame(
    source, at_seconds: float, *, known_duration: float | None = None, deadline=None
) -> tuple[bytes, int, int]:
    """The JPEG of the frame shown at `at_seconds` (the last frame starting at or before it),
    with its width and height. `source` is a readable, seekable binary file."""
    if not math.isfinite(at_seconds) or at_seconds < 0:
        raise StillError("time_invalid", "Choose a time from the start of the video.", "at")
    deadline = deadline or (time.monotonic() + DEADLINE_SECONDS)
    try:
        container = _open(source)
    except Exception as error:  # noqa: BLE001 - any failure: not a video we can read
        raise StillError("unreadable", "This file cannot be read as a video.") from error
    try:
        if not container.streams.video:
            raise StillError("no_video", "This file has no video to take a still from.")
        stream = container.streams.video[0]
        context = stream.codec_context
        if (context.width or 0) > MAX_WIDTH or (context.height or 0) > MAX_HEIGHT:
            raise StillError("too_large", "This video's picture is too large to decode here.")
        duration = _duration(container, stream, known_duration)
        if duration is not None and at_seconds > duration:
            raise StillError(
                "beyond_end",
                f"The video is {format_time(duration)} long: choose a time up to "
                f"{format_time(duration)}.",
                "at",
            )
        frame = _frame_at(container, stream, at_seconds, deadline)
        if frame is None:
            raise StillError(
                "not_found",
                "No frame could be found at that time (the video may end earlier or be damaged).",
                "at",
            )
        return _jpeg(frame), frame.width, frame.height
    except StillError:
        raise
    except Exception as error:  # noqa: BLE001 - a broken stream: say so, never crash
        raise StillError("unreadable", "This video could not be decoded at that time.") from error
    finally:
        try:
            container.close()
        except Exception:  # noqa: BLE001, S110
            pass


def _frame_at(container, stream, at_seconds: float, deadline: float):
    time_base = stream.time_base
    start = float(stream.start_time * time_base) if stream.start_time and time_base else 0.0
    target = start + at_seconds
    if time_base:
        try:
            # The keyframe at or before the time; decoding goes forward from there.
            container.seek(int(target / time_base), stream=stream, backward=True, any_frame=False)
        except Exception:  # noqa: BLE001, S110 - not seekable: decode from the start
            pass
    chosen = None
    decoded = 0
    for packet in container.demux(stream):
        for frame in packet.decode():
            decoded += 1
            if decoded > MAX_DECODED_FRAMES or time.monotonic() > deadline:
                raise StillError(
                    "too_much_work",
                    "Reaching that time needs too much decoding (keyframes are far apart in "
                    "this video); choose a time a little earlier or later.",
                    "at",
                )
            if frame.width > MAX_WIDTH or frame.height > MAX_HEIGHT:
                raise StillError("too_large", "This video's picture is too large to decode.")
            when = frame.time
            if when is None:
                chosen = frame
                continue
            # A frame is shown from its time until the next one's: stop at the first frame
            # after the target, keeping the one before (half a millisecond of tolerance).
            if when > target + 0.0005:
                return chosen or frame
            chosen = frame
    return chosen


def _jpeg(frame) -> bytes:
    image = frame.to_image()  # RGB, full resolution: a bulletin needs the detail
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=JPEG_QUALITY)
    return out.getvalue()


def take_still(evidence_file: EvidenceFile, at_seconds: float, *, actor, request=None) -> Still:
    """Extract, store and record a still of `evidence_file` at `at_seconds`."""
    if not releases.can_propose(actor):
        raise StillError("forbidden", "Only deputies, investigators, supervisors and custodians.")
    if not can_take_still(evidence_file):
        raise StillError("not_video", "Stills are taken from videos that are ready.")
    storage = evidence_storage()
    with storage.open(evidence_file.stored_name, "rb") as source:
        jpeg, width, height = extract_frame(
            source, at_seconds, known_duration=evidence_file.duration_seconds
        )
    digest = hashlib.sha256(jpeg).hexdigest()
    name = storage.save(
        f"stills/{evidence_file.public_id}/{uuid.uuid4().hex}.jpg", ContentFile(jpeg)
    )
    try:
        with transaction.atomic():
            still = Still.objects.create(
                evidence_file=evidence_file,
                at_seconds=round(at_seconds, 3),
                image_name=name,
                sha256=digest,
                created_by=actor,
            )
            custody.record(
                evidence_file,
                CustodyKind.EXPORTED,
                actor=actor,
                request=request,
                reason=f"Still frame taken at {format_time(at_seconds)} for a bulletin",
                details={
                    "still": still.pk,
                    "at_seconds": still.at_seconds,
                    "still_sha256": digest,
                    "width": width,
                    "height": height,
                },
            )
    except Exception:
        storage.delete(name)
        raise
    return still


def propose_bulletin(
    still: Still,
    *,
    actor,
    headline: str,
    bulletin_text: str,
    description: str = "",
    recipient: str = DEFAULT_RECIPIENT,
    legal_basis: str = LegalBasis.PUBLIC,
    request=None,
) -> Still:
    """The bulletin's words and a release of the still waiting for a custodian."""
    if still.release_id is not None and still.release.status != ReleaseStatus.REFUSED:
        raise StillError("already_proposed", "This still's release is already proposed or decided.")
    headline = (headline or "").strip()
    bulletin_text = (bulletin_text or "").strip()
    if not headline:
        raise StillError("headline_required", "Fill in the headline.", "headline")
    if len(headline) > HEADLINE_MAX_LENGTH:
        raise StillError(
            "headline_too_long",
            f"Keep the headline under {HEADLINE_MAX_LENGTH} characters.",
            "headline",
        )
    if not bulletin_text:
        raise StillError(
            "text_required",
            "Fill in the bulletin's text: what happened and who to call.",
            "bulletin_text",
        )
    if len(bulletin_text) > TEXT_MAX_LENGTH:
        raise StillError(
            "text_too_long",
            f"Keep the bulletin's text under {TEXT_MAX_LENGTH} characters.",
            "bulletin_text",
        )
    evidence_file = still.evidence_file
    description = (description or "").strip() or (
        f"Still frame at {format_time(still.at_seconds)} of {evidence_file.original_name} "
        f"(SHA-256 {still.sha256}) on a bulletin: {headline}"
    )
    with transaction.atomic():
        release = releases.propose(
            evidence_file.case,
            actor=actor,
            kind=ReleaseKind.STILL,
            legal_basis=legal_basis,
            recipient=recipient,
            description=description,
            files=[evidence_file],
            request=request,
        )
        Still.objects.filter(pk=still.pk).update(
            release=release, headline=headline, bulletin_text=bulletin_text
        )
        still.release, still.headline, still.bulletin_text = release, headline, bulletin_text
    return still


def is_printable(still: Still) -> bool:
    return still.release_id is not None and still.release.status == ReleaseStatus.APPROVED


def bulletin_languages() -> list[tuple[str, str]]:
    """The languages a bulletin prints in (the site's), each named in itself."""
    return [
        (code, get_language_info(code)["name_local"].capitalize()) for code, _ in settings.LANGUAGES
    ]


def bulletin_language(requested) -> str:
    """The language a bulletin prints in: one of the site's, else English. The agency's
    fixed words (its name, "Case", whom to call) follow it; the headline and text print as
    they were approved."""
    return requested if requested in dict(settings.LANGUAGES) else "en"


def record_bulletin_printed(still: Still, *, actor, language: str = "en", request=None) -> None:
    audit.record(
        "evidence.bulletin_viewed",
        actor=actor,
        request=request,
        target=still,
        case_number=still.evidence_file.case.case_number,
        details={
            "release": still.release_id,
            "printable": is_printable(still),
            "language": language,
        },
    )

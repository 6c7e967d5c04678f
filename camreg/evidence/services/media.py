"""Media facts and poster frames through PyAV, with hostile files in mind.

Evidence comes from strangers' DVRs and phones, and a file may be built to hurt the worker:
huge declared dimensions, endless streams of tiny frames, a header that never ends, bytes
that crash a demuxer. So:

- the container is probed with a bounded `probesize` and `analyzeduration`;
- nothing is decoded when a video stream declares more than MAX_WIDTH x MAX_HEIGHT
  (the facts say why: `media_facts["refused"]`);
- the poster decodes at most MAX_POSTER_PACKETS packets and gives up after
  DEADLINE_SECONDS of wall-clock time, whichever comes first;
- every error (PyAV's, and anything else a broken file makes the bindings raise) is caught:
  a file PyAV cannot read is simply not readable media, and stays evidence.

`probe(source)` and `poster_jpeg(source, duration)` take a readable, seekable binary file
(`evidence_storage().open(name)`), never a path: the storage may be S3.
"""

from __future__ import annotations

import io
import logging
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

logger = logging.getLogger(__name__)

MAX_WIDTH = 8192
MAX_HEIGHT = 8192
# Frames a poster may decode before it gives up (a seek lands on the keyframe before the
# target; the frames between are decoded and dropped).
MAX_POSTER_PACKETS = 600
DEADLINE_SECONDS = 30.0
POSTER_MAX_WIDTH = 640
POSTER_AT = 0.10  # of the duration
PROBE_OPTIONS = {"probesize": str(32 * 1024 * 1024), "analyzeduration": str(10_000_000)}
# Container metadata kept in media_facts: short values of these keys only.
KEPT_METADATA = ("creation_time", "encoder", "major_brand", "title", "comment", "location")
EARLIEST_RECORDING = datetime(1990, 1, 1, tzinfo=UTC)


@dataclass
class MediaFacts:
    readable: bool = False
    duration_seconds: float | None = None
    codec: str = ""
    width: int | None = None
    height: int | None = None
    recording_started_at: datetime | None = None
    facts: dict = field(default_factory=dict)

    @property
    def decodable(self) -> bool:
        """Readable, with a video stream within the limits (a poster may be tried)."""
        return self.readable and bool(self.width) and bool(self.height)


def _open(source):
    import av

    source.seek(0)
    return av.open(
        source,
        mode="r",
        container_options=PROBE_OPTIONS,
        metadata_errors="ignore",
    )


def _seconds(value, time_base) -> float | None:
    if value is None or time_base is None:
        return None
    return float(value * time_base)


def parse_creation_time(value: str) -> datetime | None:
    """FFmpeg's "2026-11-18T18:00:00.000000Z" (UTC); None when absent or implausible."""
    if not value:
        return None
    text = value.strip().replace("Z", "+00:00")
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    if when < EARLIEST_RECORDING or when.year > 2200:
        return None
    return when


def _short(metadata) -> dict:
    return {
        key: str(value)[:200] for key, value in dict(metadata or {}).items() if key in KEPT_METADATA
    }


def probe(source) -> MediaFacts:
    """What the container says about itself; never raises."""
    try:
        container = _open(source)
    except Exception as error:  # noqa: BLE001 - any failure means "not readable media"
        return MediaFacts(facts={"error": _describe(error)})
    try:
        return _facts_of(container)
    except Exception as error:  # noqa: BLE001
        logger.info("Media probe failed after opening: %s", error)
        return MediaFacts(facts={"error": _describe(error)})
    finally:
        _close(container)


def _facts_of(container) -> MediaFacts:
    video = container.streams.video[0] if container.streams.video else None
    audio = container.streams.audio[0] if container.streams.audio else None
    facts: dict = {
        "format": container.format.name if container.format else "",
        "streams": [s.type for s in container.streams],
        "metadata": _short(container.metadata),
    }
    if container.bit_rate:
        facts["bit_rate"] = int(container.bit_rate)
    duration = None
    if container.duration is not None and container.duration > 0:
        duration = container.duration / 1_000_000
    result = MediaFacts(facts=facts)
    started = parse_creation_time(container.metadata.get("creation_time", ""))
    if video is not None:
        context = video.codec_context
        width, height = int(context.width or 0), int(context.height or 0)
        facts["video"] = {
            "codec": context.name or "",
            "profile": context.profile or "",
            "pix_fmt": context.pix_fmt or "",
            "frames": int(video.frames or 0),
            "average_rate": float(video.average_rate) if video.average_rate else None,
            "metadata": _short(video.metadata),
        }
        if duration is None:
            duration = _seconds(video.duration, video.time_base)
        started = started or parse_creation_time(video.metadata.get("creation_time", ""))
        result.codec = (context.name or "")[:50]
        if width > MAX_WIDTH or height > MAX_HEIGHT:
            facts["refused"] = (
                f"declared dimensions {width}x{height} are beyond {MAX_WIDTH}x{MAX_HEIGHT}"
            )
            return result  # not readable media: nothing of it is decoded
        if width and height:
            result.width, result.height = width, height
    if audio is not None:
        facts["audio"] = {
            "codec": audio.codec_context.name or "",
            "sample_rate": int(audio.codec_context.sample_rate or 0),
            "channels": int(getattr(audio.codec_context, "channels", 0) or 0),
        }
        result.codec = result.codec or (audio.codec_context.name or "")[:50]
    if video is None and audio is None:
        facts["error"] = "no audio or video stream"
        return result
    result.readable = True
    result.duration_seconds = round(duration, 3) if duration is not None else None
    result.recording_started_at = started
    return result


def poster_jpeg(source, facts: MediaFacts, *, deadline_seconds: float = DEADLINE_SECONDS):
    """A JPEG of the frame about POSTER_AT into the video, at most POSTER_MAX_WIDTH wide;
    None when there is none to be had within the limits. Never raises."""
    if not facts.decodable:
        return None
    try:
        container = _open(source)
    except Exception:  # noqa: BLE001
        return None
    try:
        frame = _frame_near(container, facts, time.monotonic() + deadline_seconds)
        if frame is None:
            return None
        return _jpeg(frame)
    except Exception as error:  # noqa: BLE001 - a broken stream gives no poster
        logger.info("No poster frame: %s", error)
        return None
    finally:
        _close(container)


def _frame_near(container, facts: MediaFacts, deadline: float):
    stream = container.streams.video[0]
    context = stream.codec_context
    if (context.width or 0) > MAX_WIDTH or (context.height or 0) > MAX_HEIGHT:
        return None
    stream.thread_type = "AUTO"
    target = None
    if facts.duration_seconds and stream.time_base:
        at = facts.duration_seconds * POSTER_AT
        start = float(stream.start_time * stream.time_base) if stream.start_time else 0.0
        target = int((start + at) / stream.time_base)
        try:
            container.seek(target, stream=stream, backward=True, any_frame=False)
        except Exception:  # noqa: BLE001 - not seekable: the first frame will do
            target = None
    first = None
    packets = 0
    for packet in container.demux(stream):
        packets += 1
        if packets > MAX_POSTER_PACKETS or time.monotonic() > deadline:
            break
        for frame in packet.decode():
            if frame.width > MAX_WIDTH or frame.height > MAX_HEIGHT:
                return None
            if first is None:
                first = frame
            if target is None or frame.pts is None or frame.pts >= target:
                return frame
            first = frame  # the latest frame before the target
    return first


def _jpeg(frame) -> bytes:
    width, height = frame.width, frame.height
    if width > POSTER_MAX_WIDTH:
        height = max(2, round(height * POSTER_MAX_WIDTH / width))
        width = POSTER_MAX_WIDTH
    image = frame.reformat(width=width, height=height, format="rgb24").to_image()
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=82, optimize=True)
    return out.getvalue()


def _close(container) -> None:
    try:
        container.close()
    except Exception:  # noqa: BLE001, S110 - closing a broken container may fail too
        pass


def _describe(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:300]

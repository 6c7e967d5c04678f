"""A still frame of a video at a chosen time, through PyAV, and the times a person types.

No Django here: `extract_frame` also runs in the media reader's child process
(services.media_reader.read_still), which holds no credentials.

- `parse_time("1:05.5")`: seconds, or mm:ss, or h:mm:ss, into seconds (float).
- `extract_frame(source, at_seconds)`: seeks to the keyframe before the time and decodes
  forward to it, at most MAX_DECODED_FRAMES frames and DEADLINE_SECONDS of wall-clock time;
  a stream declaring more than MAX_WIDTH x MAX_HEIGHT is not decoded, and any error PyAV
  raises becomes a clear StillError.
"""

from __future__ import annotations

import io
import math
import re
import time

from . import media

MAX_DECODED_FRAMES = 1500  # 50 s of 30 fps video between a keyframe and the chosen time
DEADLINE_SECONDS = 30.0
MAX_WIDTH = media.MAX_WIDTH
MAX_HEIGHT = media.MAX_HEIGHT
JPEG_QUALITY = 90


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


def _open(source):
    import av

    source.seek(0)
    return av.open(
        source, mode="r", container_options=media.PROBE_OPTIONS, metadata_errors="ignore"
    )


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

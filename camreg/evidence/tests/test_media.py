"""Media facts and poster frames (PyAV), within limits, never raising."""

from __future__ import annotations

import io
import os
from datetime import UTC, datetime

from PIL import Image, ImageStat

from camreg.evidence.services import media
from camreg.testing.evidence import make_video


def test_facts_of_a_real_video():
    facts = media.probe(io.BytesIO(make_video(seconds=2, width=320, height=240, fps=10)))
    assert facts.readable and facts.decodable
    assert facts.codec == "h264"
    assert (facts.width, facts.height) == (320, 240)
    assert abs(facts.duration_seconds - 2.0) < 0.2
    assert facts.recording_started_at is None  # the camera did not say
    assert facts.facts["video"]["average_rate"] == 10.0


def test_recording_start_from_the_container():
    facts = media.probe(io.BytesIO(make_video(creation_time="2026-11-18T18:03:05Z")))
    assert facts.recording_started_at == datetime(2026, 11, 18, 18, 3, 5, tzinfo=UTC)


def test_implausible_creation_times_are_ignored():
    assert media.parse_creation_time("1970-01-01T00:00:00.000000Z") is None
    assert media.parse_creation_time("not a date") is None
    assert media.parse_creation_time("") is None


def test_the_poster_is_taken_about_a_tenth_into_the_video():
    # make_video's frames brighten from black to white: 10% in is dark, not the first frame.
    video = make_video(seconds=4, width=320, height=240, fps=10)
    facts = media.probe(io.BytesIO(video))
    jpeg = media.poster_jpeg(io.BytesIO(video), facts)
    image = Image.open(io.BytesIO(jpeg)).convert("L")
    assert image.size == (320, 240)
    brightness = ImageStat.Stat(image.crop((200, 100, 300, 200))).mean[0]
    assert 5 < brightness < 90


def test_the_poster_of_a_wide_video_is_scaled_down():
    video = make_video(seconds=1, width=1920, height=1080)
    facts = media.probe(io.BytesIO(video))
    image = Image.open(io.BytesIO(media.poster_jpeg(io.BytesIO(video), facts)))
    assert image.size == (640, 360)


def test_garbage_is_not_media():
    facts = media.probe(io.BytesIO(b"MZ" + os.urandom(5000)))  # an executable, say
    assert not facts.readable
    assert "error" in facts.facts
    assert media.poster_jpeg(io.BytesIO(b"MZ"), facts) is None


def test_an_empty_file_is_not_media():
    assert not media.probe(io.BytesIO(b"")).readable


def test_dimensions_beyond_the_limits_are_not_decoded(monkeypatch):
    monkeypatch.setattr(media, "MAX_WIDTH", 200)
    video = make_video(width=320, height=240)
    facts = media.probe(io.BytesIO(video))
    assert not facts.readable
    assert "320x240" in facts.facts["refused"]
    assert media.poster_jpeg(io.BytesIO(video), facts) is None


def test_the_poster_gives_up_after_its_deadline_or_packet_cap(monkeypatch):
    video = make_video(seconds=2)
    facts = media.probe(io.BytesIO(video))
    assert media.poster_jpeg(io.BytesIO(video), facts, deadline_seconds=-1) is None
    monkeypatch.setattr(media, "MAX_POSTER_PACKETS", 0)
    assert media.poster_jpeg(io.BytesIO(video), facts) is None


def test_a_decoder_error_gives_no_poster_and_no_exception(monkeypatch):
    video = make_video()
    facts = media.probe(io.BytesIO(video))

    def broken(*args, **kwargs):
        import av

        raise av.error.InvalidDataError(1094995529, "Invalid data")

    monkeypatch.setattr(media, "_frame_near", broken)
    assert media.poster_jpeg(io.BytesIO(video), facts) is None

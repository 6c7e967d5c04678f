"""The media reader's child process: the same facts and poster as reading in the worker, and
nothing the child does (crash, hang, run out of memory, answer garbage) reaches the worker or
keeps a file from being received."""

from __future__ import annotations

import io
import os
import sys

import pytest

from camreg.evidence.services import frames, media, media_reader
from camreg.testing.evidence import make_video

CHILD = [sys.executable, "-c"]


class CountingFile(io.BytesIO):
    """A storage file that counts what the child asked for."""

    def __init__(self, data: bytes):
        super().__init__(data)
        self.reads = 0

    def read(self, size=-1):
        self.reads += 1
        return super().read(size)


def test_the_child_reads_what_the_worker_would():
    video = make_video(
        seconds=4, width=640, height=360, fps=10, creation_time="2026-11-18T18:00:00Z"
    )
    facts, jpeg = media_reader.read(io.BytesIO(video), len(video))
    expected = media.probe(io.BytesIO(video))
    assert facts == expected
    assert facts.readable and facts.recording_started_at is not None
    assert jpeg == media.poster_jpeg(io.BytesIO(video), expected)
    assert jpeg.startswith(b"\xff\xd8")


def test_a_file_larger_than_one_read_comes_in_ranges():
    video = make_video(seconds=2)
    # A container with a large tail of junk after the video: the reader seeks and reads
    # across several MAX_READ ranges, and never past the end.
    padded = video + os.urandom(3 * media_reader.MAX_READ + 17)
    source = CountingFile(padded)
    facts, jpeg = media_reader.read(source, len(padded))
    assert facts == media.probe(io.BytesIO(padded))
    assert facts.readable and facts.codec == "h264" and jpeg
    assert source.reads >= 2


def test_garbage_is_not_media_and_says_why():
    garbage = b"PK\x03\x04" + bytes(3000)
    facts, jpeg = media_reader.read(io.BytesIO(garbage), len(garbage))
    assert not facts.readable and jpeg is None
    assert "Invalid data" in facts.facts["error"]


def test_a_child_that_crashes_leaves_the_worker_standing(caplog):
    video = make_video(seconds=1)
    facts, jpeg = media_reader.read(
        io.BytesIO(video), len(video), argv=CHILD + ["import os; os.abort()"]
    )
    assert not facts.readable and jpeg is None
    assert facts.facts["error"].startswith("the media reader was stopped by signal 6")
    assert "Media not read" in caplog.text


def test_a_child_that_hangs_is_killed_at_the_deadline():
    video = make_video(seconds=1)
    facts, jpeg = media_reader.read(
        io.BytesIO(video),
        len(video),
        argv=CHILD + ["import time; time.sleep(60)"],
        deadline_seconds=1,
    )
    assert not facts.readable and jpeg is None
    assert facts.facts["error"] == "the media reader took longer than 1 s"


def test_the_child_runs_out_of_memory_under_its_limit(caplog):
    video = make_video(seconds=1)
    grab = (
        "from camreg import sandbox; from camreg.evidence.services import media_reader as m; "
        "sandbox.limit_self(m.MEMORY_LIMIT, m.CPU_SECONDS); "
        f"b = bytearray({media_reader.MEMORY_LIMIT + 1024**3})"
    )
    facts, jpeg = media_reader.read(io.BytesIO(video), len(video), argv=CHILD + [grab])
    assert not facts.readable and jpeg is None
    assert (
        facts.facts["error"] == "the media reader failed: the media reader stopped before answering"
    )
    assert "MemoryError" in caplog.text  # its standard error, in the worker's log


@pytest.mark.parametrize(
    "answer",
    [
        b"X",  # an unknown message
        b"R\x00",  # a request cut short
        b"D" + (2**31).to_bytes(4, "big") + bytes(4),  # more than it may answer
        b"D" + (5).to_bytes(4, "big") + bytes(4) + b"{nope",  # facts that are not JSON
        b"D" + (2).to_bytes(4, "big") + bytes(4) + b"[]",  # JSON that is not facts
    ],
)
def test_a_garbled_answer_is_not_believed(answer):
    video = make_video(seconds=1)
    script = f"import sys; sys.stdout.buffer.write({answer!r}); sys.stdout.flush()"
    facts, jpeg = media_reader.read(io.BytesIO(video), len(video), argv=CHILD + [script])
    assert not facts.readable and jpeg is None
    assert facts.facts["error"].startswith("the media reader")


def test_the_child_holds_no_secret(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "do-not-leak")
    monkeypatch.setenv("DATABASE_URL", "postgres://user:password@db/camreg")
    video = make_video(seconds=1)
    script = (
        "import os, sys, json; "
        "answer = json.dumps({'readable': False, 'facts': {'env': dict(os.environ)}}).encode(); "
        "sys.stdout.buffer.write(b'D' + len(answer).to_bytes(4, 'big') + bytes(4) + answer)"
    )
    facts, _jpeg = media_reader.read(io.BytesIO(video), len(video), argv=CHILD + [script])
    env = facts.facts["env"]  # the child's whole environment, sent back as its facts
    assert set(env) <= {"PATH", "LANG", "LC_CTYPE", "CAMREG_MEDIA_SIZE", "CAMREG_MEDIA_JOB"}
    assert env["CAMREG_MEDIA_SIZE"] == str(len(video))


# Stills (read_still): the frame a deputy chose, decoded in the child too ---------------------


def test_a_still_from_the_child_is_the_frame_the_web_process_would_take():
    video = make_video(seconds=2, width=320, height=240)
    jpeg, width, height = media_reader.read_still(
        io.BytesIO(video), len(video), 1.5, known_duration=2.0
    )
    assert (jpeg, width, height) == frames.extract_frame(io.BytesIO(video), 1.5, known_duration=2.0)


def test_the_child_explains_a_still_it_cannot_take():
    video = make_video(seconds=2)
    with pytest.raises(frames.StillError) as raised:
        media_reader.read_still(io.BytesIO(video), len(video), 2.5)
    assert raised.value.code == "beyond_end" and raised.value.field == "at"
    assert "0:02 long" in raised.value.message


def test_a_still_from_a_child_that_crashes_is_unreadable_not_an_error_page(caplog):
    video = make_video(seconds=1)
    with pytest.raises(frames.StillError) as raised:
        media_reader.read_still(
            io.BytesIO(video), len(video), 0.5, argv=CHILD + ["import os; os.abort()"]
        )
    assert raised.value.code == "unreadable"
    assert "stopped by signal 6" in caplog.text

"""Media facts and the poster frame, read in a separate process that holds nothing of value.

A footage file comes from a stranger and is decoded by FFmpeg, a large C library: a file
built to crash it (or one that simply does) must not take the worker down with it, nor keep
its own evidence from being received. So `read(source, size)` runs services.media's probe and
poster in a child process:

- the child is a fresh Python (`python -m camreg.evidence.services.media_reader`) with an
  empty environment: no secret key, no database or storage credentials, no connection;
- it cannot open the storage: it asks the parent for byte ranges of the file over its
  standard input and output (requests of at most MAX_READ bytes), so an S3 storage works as a
  local one and nothing is copied to disk;
- it runs under resource limits (address space MEMORY_LIMIT, CPU time, no core file) and a
  wall-clock deadline after which the parent kills it;
- whatever happens to it (a crash, a signal, the memory limit, the deadline, a garbled
  answer), the parent gets facts that say the file is not readable media, and why: the file
  stays evidence, hashed and received like any other.

The protocol (child to parent, big-endian): `R` offset(Q) size(I) asks for bytes, answered
with length(I) and the bytes (fewer at the end of the file); `D` facts-length(I)
jpeg-length(I), the facts as JSON and the JPEG, ends the exchange.
"""

from __future__ import annotations

import io
import json
import logging
import os
import struct
import subprocess  # nosec B404 - our own module, run by our own interpreter, no shell
import sys
import threading
from dataclasses import asdict
from datetime import datetime

from camreg import sandbox

from . import frames, media

logger = logging.getLogger(__name__)

COMMAND = tuple(sandbox.command("camreg.evidence.services.media_reader"))
MAX_READ = 1024 * 1024
MEMORY_LIMIT = 2 * 1024**3  # address space: a poster frame of 8192x8192 needs a fraction
CPU_SECONDS = int(media.DEADLINE_SECONDS * 2)
# The wall-clock limit: the poster's own deadline, the probe and the start-up after it.
DEADLINE_SECONDS = media.DEADLINE_SECONDS + 30
STDERR_KEPT = 2000
MAX_ANSWER = 1024 * 1024
MAX_JPEG = 64 * 1024 * 1024  # a still at full resolution, up to 8192 x 8192

_REQUEST = struct.Struct(">QI")
_DONE = struct.Struct(">II")
_LENGTH = struct.Struct(">I")


class ReaderFailed(Exception):
    """Why the child gave no answer, and the end of what it wrote on standard error."""

    def __init__(self, reason: str, stderr: str = ""):
        super().__init__(reason)
        self.stderr = stderr


# The parent -------------------------------------------------------------------------------


def read(source, size: int, *, deadline_seconds: float = DEADLINE_SECONDS, argv=None):
    """(MediaFacts, poster JPEG or None) of a readable, seekable binary file of `size` bytes.
    Never raises: a reader that fails gives facts saying why, and no poster.

    `argv` replaces the child's command line (tests run a child that misbehaves)."""
    try:
        answer, jpeg = _run(source, size, {"CAMREG_MEDIA_JOB": "facts"}, deadline_seconds, argv)
        return _facts(answer), jpeg or None
    except ReaderFailed as failure:
        _log(failure)
        return media.MediaFacts(facts={"error": str(failure)[:300]}), None


def read_still(
    source,
    size: int,
    at_seconds: float,
    *,
    known_duration: float | None = None,
    deadline_seconds: float = DEADLINE_SECONDS,
    argv=None,
) -> tuple[bytes, int, int]:
    """frames.extract_frame in the child: (JPEG, width, height) of the frame at
    `at_seconds`, or frames.StillError (the child's own, or "unreadable" when it failed)."""
    job = {
        "CAMREG_MEDIA_JOB": "still",
        "CAMREG_STILL_AT": repr(float(at_seconds)),
        "CAMREG_STILL_DURATION": repr(float(known_duration)) if known_duration else "",
    }
    try:
        answer, jpeg = _run(source, size, job, deadline_seconds, argv)
        refused = answer.get("still_error") if isinstance(answer, dict) else None
        if refused:
            raise frames.StillError(
                str(refused["code"]), str(refused["message"]), refused.get("field")
            )
        width, height = int(answer["width"]), int(answer["height"])
        if not jpeg:
            raise ReaderFailed("the media reader answered a still without its image")
    except (ReaderFailed, KeyError, TypeError, ValueError) as failure:
        _log(failure)
        raise frames.StillError(
            "unreadable", "This video could not be decoded at that time."
        ) from failure
    return jpeg, width, height


def _run(source, size: int, job: dict, deadline_seconds: float, argv) -> tuple:
    """Run one job in a child: (its answer, a JPEG or b""), or ReaderFailed saying why."""
    try:
        child = subprocess.Popen(  # noqa: S603 # nosec B603 - fixed argv, no shell
            list(argv or COMMAND),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            # A pipe, drained as it comes: the child may write no file (RLIMIT_FSIZE 0).
            stderr=subprocess.PIPE,
            cwd=sandbox.ROOT,
            env=sandbox.environment(CAMREG_MEDIA_SIZE=str(size), **job),
            close_fds=True,
            start_new_session=True,
        )
    except OSError as error:
        raise ReaderFailed(f"the media reader could not start: {error}") from error
    said = _Tail(child.stderr)
    expired = threading.Event()

    def expire():
        expired.set()
        child.kill()

    timer = threading.Timer(deadline_seconds, expire)
    timer.daemon = True
    timer.start()
    try:
        answer, jpeg = _serve(child, source, size)
        _close_pipes(child)
        code = child.wait()  # still under the deadline
    except (ReaderFailed, OSError, ValueError) as error:
        child.kill()
        _close_pipes(child)
        child.wait()
        if expired.is_set():
            reason = f"the media reader took longer than {deadline_seconds:g} s"
        else:
            reason = _why(child, error)
        raise ReaderFailed(reason, said.text()) from error
    finally:
        timer.cancel()
    if code != 0:
        raise ReaderFailed(f"the media reader stopped with exit code {code}", said.text())
    return answer, jpeg


class _Tail(threading.Thread):
    """Reads a child's standard error until it closes, keeping the last STDERR_KEPT bytes."""

    def __init__(self, pipe):
        super().__init__(daemon=True)
        self._pipe, self._kept = pipe, b""
        self.start()

    def run(self) -> None:
        with self._pipe:
            while chunk := self._pipe.read1(65536):
                self._kept = (self._kept + chunk)[-STDERR_KEPT:]

    def text(self) -> str:
        self.join(timeout=2)
        return self._kept.decode("utf-8", "replace").strip()


def _serve(child, source, size: int) -> tuple:
    """Answer the child's reads until it sends its result: (its JSON answer, a JPEG)."""
    inbox, outbox = child.stdout, child.stdin
    while True:
        kind = inbox.read(1)
        if kind == b"R":
            offset, length = _REQUEST.unpack(_exactly(inbox, _REQUEST.size))
            length = min(length, MAX_READ, max(size - offset, 0))
            data = b""
            if length:
                source.seek(offset)
                data = source.read(length)
            outbox.write(_LENGTH.pack(len(data)) + data)
            outbox.flush()
        elif kind == b"D":
            answer_length, jpeg_length = _DONE.unpack(_exactly(inbox, _DONE.size))
            if answer_length > MAX_ANSWER or jpeg_length > MAX_JPEG:
                raise ReaderFailed("the media reader answered more than it may")
            answer = json.loads(_exactly(inbox, answer_length))
            return answer, _exactly(inbox, jpeg_length)
        elif not kind:
            raise ReaderFailed("the media reader stopped before answering")
        else:
            raise ReaderFailed("the media reader answered something unexpected")


def _exactly(stream, count: int) -> bytes:
    """`count` bytes from a pipe, which hands them out as they come."""
    chunks, wanted = [], count
    while wanted:
        chunk = stream.read(wanted)
        if not chunk:
            raise ReaderFailed("the media reader stopped in the middle of an answer")
        chunks.append(chunk)
        wanted -= len(chunk)
    return b"".join(chunks)


def _facts(data) -> media.MediaFacts:
    if not isinstance(data, dict) or not isinstance(data.get("facts", {}), dict):
        raise ReaderFailed("the media reader answered something unexpected")
    try:
        started = data.get("recording_started_at")
        return media.MediaFacts(
            readable=bool(data["readable"]),
            duration_seconds=data.get("duration_seconds"),
            codec=str(data.get("codec") or "")[:50],
            width=data.get("width"),
            height=data.get("height"),
            recording_started_at=datetime.fromisoformat(started) if started else None,
            facts=dict(data.get("facts") or {}),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise ReaderFailed("the media reader answered something unexpected") from error


def _why(child, error: Exception) -> str:
    code = child.returncode
    if code is not None and code < 0:
        return f"the media reader was stopped by signal {-code} ({error})"
    return f"the media reader failed: {error}"


def _close_pipes(child) -> None:
    for pipe in (child.stdin, child.stdout):
        try:
            pipe.close()
        except OSError:
            pass  # the child is gone: a broken pipe on close says nothing more


def _log(failure: Exception) -> None:
    said = getattr(failure, "stderr", "")
    logger.warning("Media not read: %s%s", failure, f"; it said: {said}" if said else "")


# The child --------------------------------------------------------------------------------


class RemoteFile(io.RawIOBase):
    """The file being read, as the parent hands it out range by range."""

    def __init__(self, inbox, outbox, size: int):
        self._inbox, self._outbox, self._size, self._position = inbox, outbox, size, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        base = {os.SEEK_SET: 0, os.SEEK_CUR: self._position, os.SEEK_END: self._size}[whence]
        self._position = max(base + offset, 0)
        return self._position

    def readinto(self, buffer) -> int:
        wanted = min(len(buffer), MAX_READ, max(self._size - self._position, 0))
        if not wanted:
            return 0
        self._outbox.write(b"R" + _REQUEST.pack(self._position, wanted))
        self._outbox.flush()
        (length,) = _LENGTH.unpack(_exactly(self._inbox, _LENGTH.size))
        data = _exactly(self._inbox, length)
        buffer[: len(data)] = data
        self._position += len(data)
        return len(data)


def _channel():
    """The parent's channel (the original standard input and output), with the standard
    output itself pointed at standard error: nothing FFmpeg or Python prints can garble it."""
    inbox = os.fdopen(os.dup(0), "rb", buffering=0)
    outbox = os.fdopen(os.dup(1), "wb", buffering=0)
    os.dup2(2, 1)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    return inbox, outbox


def _facts_job(source) -> tuple[dict, bytes]:
    facts = media.probe(source)
    jpeg = media.poster_jpeg(source, facts) or b""
    answer = asdict(facts)
    if facts.recording_started_at is not None:
        answer["recording_started_at"] = facts.recording_started_at.isoformat()
    return answer, jpeg


def _still_job(source) -> tuple[dict, bytes]:
    at = float(os.environ["CAMREG_STILL_AT"])
    duration = float(os.environ["CAMREG_STILL_DURATION"] or 0) or None
    try:
        jpeg, width, height = frames.extract_frame(source, at, known_duration=duration)
    except frames.StillError as refused:
        error = {"code": refused.code, "message": refused.message, "field": refused.field}
        return {"still_error": error}, b""
    return {"width": width, "height": height}, jpeg


JOBS = {"facts": _facts_job, "still": _still_job}


def main() -> int:
    import av  # noqa: F401 - loaded before the limits: its libraries are mapped once

    inbox, outbox = _channel()
    sandbox.limit_self(MEMORY_LIMIT, CPU_SECONDS)
    job = JOBS[os.environ["CAMREG_MEDIA_JOB"]]
    size = int(os.environ["CAMREG_MEDIA_SIZE"])
    source = io.BufferedReader(RemoteFile(inbox, outbox, size), buffer_size=256 * 1024)
    answer, jpeg = job(source)
    encoded = json.dumps(answer, default=str).encode()
    outbox.write(b"D" + _DONE.pack(len(encoded), len(jpeg)) + encoded + jpeg)
    outbox.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())

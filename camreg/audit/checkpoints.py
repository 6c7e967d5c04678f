"""Signed checkpoints of the audit log, kept outside the database (decision 0017).

A checkpoint says how many events the log held, which was the newest (its id and hash) and
when, signed with the audit key. The scheduler writes one every AUDIT_CHECKPOINT_MINUTES
(`camreg.audit.tasks.write_checkpoint`) as one JSON line appended to AUDIT_CHECKPOINT_FILE
and/or sent to syslog (AUDIT_CHECKPOINT_SYSLOG). Someone who can rewrite the database but
not these copies cannot remove the newest events unnoticed: `verify_audit_chain` finds the
event a checkpoint names missing or different. No database access here.
"""

from __future__ import annotations

import json
import logging
import os
import socket
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from logging.handlers import SysLogHandler
from pathlib import Path
from urllib.parse import urlsplit

from . import chain

logger = logging.getLogger(__name__)

TAG = "camreg-audit-checkpoint"
FORMAT_VERSION = 1
# What a syslog line starts with before the checkpoint's JSON (the syslog "tag").
SYSLOG_IDENT = "camreg-audit: "
# How many of the newest checkpoints a quick verification (the console) compares.
RECENT = 50


@dataclass(frozen=True)
class Checkpoint:
    at: str  # ISO 8601, UTC, seconds ("2026-12-02T07:15:00Z")
    rows: int  # events in the log up to and including head_id
    head_id: int | None  # None: the log was empty
    head_hash: str
    key_id: str
    sig: str = ""
    source: str = field(default="", compare=False)  # where it was read from

    def fields(self) -> dict:
        return {
            "type": TAG,
            "v": FORMAT_VERSION,
            "at": self.at,
            "rows": self.rows,
            "head_id": self.head_id,
            "head_hash": self.head_hash,
            "key_id": self.key_id,
        }

    def line(self) -> str:
        return json.dumps({**self.fields(), "sig": self.sig}, sort_keys=True, separators=(",", ":"))

    @property
    def written_at(self) -> datetime:
        return datetime.fromisoformat(self.at.replace("Z", "+00:00"))

    def describe(self) -> str:
        where = f" ({self.source})" if self.source else ""
        return f"the checkpoint of {self.at}{where}"


def make(*, rows: int, head_id: int | None, head_hash: str, at: datetime) -> Checkpoint:
    """A checkpoint of the given log state, signed with the current audit key."""
    key = chain.current_key()
    unsigned = Checkpoint(
        at=at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        rows=rows,
        head_id=head_id,
        head_hash=head_hash,
        key_id=key.key_id,
    )
    return replace(unsigned, sig=chain.sign_checkpoint(unsigned.fields(), key))


# Reading ------------------------------------------------------------------------------


@dataclass
class Readout:
    """What a checkpoint file holds: good checkpoints, and the lines that are not."""

    checkpoints: list[Checkpoint] = field(default_factory=list)
    # (checkpoint as read, what is wrong): a bad signature or an unknown key.
    forged: list[tuple[Checkpoint, str]] = field(default_factory=list)
    # Lines that mention a checkpoint but cannot be read as one (torn, edited).
    unreadable: list[str] = field(default_factory=list)
    missing: bool = False  # the file does not exist


def parse(text: str, source: str, keys: dict[str, chain.AuditKey], readout: Readout) -> None:
    """Read one line (a checkpoint file line, or a syslog line carrying one) into `readout`."""
    if TAG not in text:
        return  # another program's syslog line
    start = text.find("{")
    try:
        data = json.loads(text[start:]) if start >= 0 else None
        if not isinstance(data, dict) or data.get("type") != TAG:
            raise ValueError("not a checkpoint")
        head_id = data["head_id"]
        found = Checkpoint(
            at=str(data["at"]),
            rows=int(data["rows"]),
            head_id=None if head_id is None else int(head_id),
            head_hash=str(data["head_hash"]),
            key_id=str(data["key_id"]),
            sig=str(data["sig"]),
            source=source,
        )
        found.written_at  # noqa: B018 - raises ValueError on a bad time
    except (ValueError, KeyError, TypeError):
        readout.unreadable.append(source)
        return
    key = keys.get(found.key_id)
    if key is None:
        readout.forged.append(
            (found, f"it is signed with key {found.key_id}, which is not configured")
        )
    elif data.get("v") != FORMAT_VERSION or not chain.same(
        chain.sign_checkpoint(found.fields(), key), found.sig
    ):
        readout.forged.append((found, "its signature does not match (edited or forged)"))
    else:
        readout.checkpoints.append(found)


def read(path: str | Path, *, last: int | None = None) -> Readout:
    """The checkpoints in `path` (all, or only the `last` lines), signatures checked."""
    readout = Readout()
    keys = {key.key_id: key for key in chain.keyring()}
    path = Path(path)
    if not path.exists():
        readout.missing = True
        return readout
    if last is None:
        with path.open(encoding="utf-8", errors="replace") as lines:
            for number, text in enumerate(lines, start=1):
                parse(text, f"{path}, line {number}", keys, readout)
    else:
        lines = _tail(path, last)
        for index, text in enumerate(lines):
            parse(text, f"{path}, line {len(lines) - index} from the end", keys, readout)
    return readout


def _tail(path: Path, count: int, block: int = 65536) -> list[str]:
    """The last `count` lines of a file, reading only as much as needed from its end."""
    with path.open("rb") as stream:
        stream.seek(0, os.SEEK_END)
        end = position = stream.tell()
        data = b""
        while position > 0 and data.count(b"\n") <= count:
            position = max(0, position - block)
            stream.seek(position)
            data = stream.read(end - position)
    lines = data.decode("utf-8", errors="replace").splitlines()
    return lines[-count:] if count else []


def latest(path: str | Path) -> Checkpoint | None:
    readout = read(path, last=5)
    return max(readout.checkpoints, key=_order, default=None)


def _order(checkpoint: Checkpoint) -> tuple[int, str]:
    return (checkpoint.head_id or 0, checkpoint.at)


def ordered(checkpoints: Iterable[Checkpoint]) -> Iterator[Checkpoint]:
    """Checkpoints by the event they name (then time), each state once."""
    seen: set[tuple[int | None, str, int]] = set()
    for checkpoint in sorted(checkpoints, key=_order):
        state = (checkpoint.head_id, checkpoint.head_hash, checkpoint.rows)
        if state not in seen:
            seen.add(state)
            yield checkpoint


# Writing ------------------------------------------------------------------------------


def append_to_file(path: str | Path, checkpoint: Checkpoint) -> None:
    """Append one line with a single write (O_APPEND), flushed to disk."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(descriptor, (checkpoint.line() + "\n").encode())
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


class _RaisingSysLogHandler(SysLogHandler):
    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 - logging's name
        raise  # noqa: PLE0704 - called inside emit's `except`: re-raise the error


def syslog_handler(address: str) -> SysLogHandler:
    """A handler for `/dev/log` (a local socket), `udp://host:514` or `tcp://host:601`."""
    if address.startswith("/"):
        target: str | tuple[str, int] = address
        kind = None
    else:
        parts = urlsplit(address)
        if parts.scheme not in ("udp", "tcp") or not parts.hostname:
            raise ValueError(
                f"AUDIT_CHECKPOINT_SYSLOG {address!r}: use /dev/log, udp://host:port or "
                "tcp://host:port"
            )
        target = (parts.hostname, parts.port or 514)
        kind = socket.SOCK_DGRAM if parts.scheme == "udp" else socket.SOCK_STREAM
    handler = _RaisingSysLogHandler(
        address=target, facility=SysLogHandler.LOG_AUTHPRIV, socktype=kind
    )
    handler.ident = SYSLOG_IDENT
    if kind == socket.SOCK_STREAM:
        # Over TCP, syslog servers split messages at line ends (rsyslog's default framing).
        handler.append_nul = False
        handler.setFormatter(logging.Formatter("%(message)s\n"))
    return handler


def send_to_syslog(address: str, checkpoint: Checkpoint) -> None:
    handler = syslog_handler(address)
    try:
        record = logging.LogRecord(
            __name__, logging.INFO, __file__, 0, checkpoint.line(), None, None
        )
        handler.emit(record)
    finally:
        handler.close()

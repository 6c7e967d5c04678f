"""The official tus client (tuspy) against live servers: an upload cut off at random offsets
resumes each time on the other of two app servers (different ports, one database, one
storage), and the stored bytes are the original's."""

from __future__ import annotations

import hashlib
import io
import os
import random
import socket
import time
from urllib.parse import urlsplit

import pytest
from pytest_django.live_server_helper import LiveServer
from tusclient import client as tus_client

from camreg.evidence.models import CustodyKind, EvidenceFile, UploadSegment
from camreg.evidence.services.storage import evidence_storage
from camreg.testing.evidence import make_video

from .tus_support import send_request

pytestmark = pytest.mark.django_db(transaction=True)

CHUNK = 256 * 1024


@pytest.fixture
def second_server(live_server):
    server = LiveServer("127.0.0.1:0")
    server._live_server_modified_settings.enable()
    yield server
    server._live_server_modified_settings.disable()
    server.stop()


def _head_offset(base: str, path: str) -> int:
    address = urlsplit(base)
    with socket.create_connection((address.hostname, address.port), timeout=10) as sock:
        sock.sendall(
            f"HEAD {path} HTTP/1.1\r\nHost: {address.netloc}\r\nTus-Resumable: 1.0.0\r\n"
            "Connection: close\r\n\r\n".encode()
        )
        reply = b""
        while chunk := sock.recv(4096):
            reply += chunk
    for line in reply.decode("latin-1").split("\r\n"):
        if line.lower().startswith("upload-offset:"):
            return int(line.split(":", 1)[1])
    raise AssertionError(reply[:500])


def _cut_patch(base: str, path: str, data: bytes, offset: int, sent: int) -> None:
    """A PATCH that declares the rest of the file but sends `sent` bytes, then the
    connection drops (the laptop closed)."""
    address = urlsplit(base)
    sock = socket.create_connection((address.hostname, address.port), timeout=10)
    rest = len(data) - offset
    sock.sendall(
        (
            f"PATCH {path} HTTP/1.1\r\nHost: {address.netloc}\r\nTus-Resumable: 1.0.0\r\n"
            f"Upload-Offset: {offset}\r\nContent-Type: application/offset+octet-stream\r\n"
            f"Content-Length: {rest}\r\n\r\n"
        ).encode()
    )
    sock.sendall(data[offset : offset + sent])
    sock.shutdown(socket.SHUT_RDWR)
    sock.close()


def _wait_for_offset(base: str, path: str, at_least: int) -> int:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        offset = _head_offset(base, path)
        if offset >= at_least:
            return offset
        time.sleep(0.05)
    raise AssertionError(f"the server kept fewer than {at_least} bytes")


def stored_bytes(evidence: EvidenceFile) -> bytes:
    """The evidence file's bytes: its final object once processed, else its segments."""
    storage = evidence_storage()
    evidence.refresh_from_db()
    if evidence.stored_name:
        with storage.open(evidence.stored_name, "rb") as handle:
            return handle.read()
    parts = []
    for segment in UploadSegment.objects.filter(upload=evidence.upload).order_by("offset"):
        with storage.open(segment.name, "rb") as handle:
            parts.append(handle.read())
    return b"".join(parts)


def test_cut_off_uploads_resume_on_either_server(live_server, second_server, deputy):
    footage_request, token = send_request(deputy.user)
    servers = [live_server.url, second_server.url]
    assert servers[0] != servers[1]
    # The statements, then a file: a real MP4 at the start (so its type is recognised).
    import requests

    session = requests.Session()
    page = session.get(f"{servers[0]}/footage/{token}/upload/")
    assert page.status_code == 200
    response = session.post(
        f"{servers[0]}/footage/{token}/upload/",
        data={
            "action": "statements",
            "unaltered": "on",
            "clock": "ahead",
            "clock_amount": "3",
            "clock_unit": "minutes",
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        headers={"X-CSRFToken": session.cookies["csrftoken"], "Referer": servers[0]},
    )
    assert response.status_code == 200, response.text
    data = make_video() + os.urandom(3 * 1024 * 1024 + 12345)
    rng = random.Random(1234)

    endpoint = f"/footage/files/{token}/"
    uploader = tus_client.TusClient(servers[0] + endpoint).uploader(
        file_stream=io.BytesIO(data),
        chunk_size=CHUNK,
        metadata={"filename": "front door.mp4", "filetype": "video/mp4"},
    )
    url = uploader.create_url()
    path = urlsplit(url).path
    assert path.startswith(endpoint)
    offset = 0
    for turn in range(6):
        base = servers[turn % 2]
        # Cut off somewhere in the next stretch.
        sent = rng.randint(1, 300_000)
        _cut_patch(base, path, data, offset, sent)
        offset = _wait_for_offset(servers[(turn + 1) % 2], path, offset + sent)
        # Resume with tuspy on the other server, a few chunks.
        other = servers[(turn + 1) % 2]
        uploader = tus_client.TusClient(other + endpoint).uploader(
            file_stream=io.BytesIO(data), url=other + path, chunk_size=CHUNK
        )
        assert uploader.offset == offset
        uploader.upload(stop_at=min(len(data) - 1, offset + rng.randint(1, 3) * CHUNK))
        offset = uploader.offset
    uploader = tus_client.TusClient(servers[0] + endpoint).uploader(
        file_stream=io.BytesIO(data), url=servers[0] + path, chunk_size=CHUNK
    )
    uploader.upload()
    assert uploader.offset == len(data)

    evidence = EvidenceFile.objects.get()
    assert evidence.original_name == "front door.mp4"
    assert evidence.custody_events.filter(kind=CustodyKind.RECEIVED).exists()
    assert hashlib.sha256(stored_bytes(evidence)).hexdigest() == hashlib.sha256(data).hexdigest()
    submission = evidence.submission
    assert submission.clock_offset_seconds == 180 and submission.states_unaltered

"""Request bodies over MAX_REQUEST_BODY are refused with 413 before the server reads them.

A hostile client declares a huge Content-Length and sends a few bytes: the answer must come
at once, from the headers alone, without parsing (or waiting for) the body. A body sent
without Content-Length is cut off at the limit while it is read.
"""

from __future__ import annotations

import io
import socket
import time
from urllib.parse import urlsplit

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.test import RequestFactory

from camreg.web import errors

HUGE = 300 * 1024 * 1024
BOUNDARY = "hostile-boundary"


def _raw_post(live_server, path: str, headers: dict[str, str], first_bytes: bytes) -> bytes:
    """Send the request line, `headers` and only `first_bytes` of the body over a real socket;
    return the answer (up to the end of its HTML), or fail when none comes in 10 seconds."""
    address = urlsplit(live_server.url)
    head = [f"POST {path} HTTP/1.1", f"Host: {address.netloc}"]
    head += [f"{name}: {value}" for name, value in headers.items()]
    request = ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + first_bytes
    received = b""
    with socket.create_connection((address.hostname, address.port), timeout=10) as sock:
        sock.sendall(request)
        try:
            while b"</html>" not in received:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                received += chunk
        except TimeoutError:
            pytest.fail(f"no answer within 10 s (the server waits for the body): {received!r}")
    return received


@pytest.fixture
def multipart_parses(monkeypatch):
    """The requests whose body Django's multipart parser started on (in the live server's
    thread, which shares this process)."""
    from django.http import request as request_module

    parsed: list[str] = []
    real = request_module.MultiPartParser

    class Spy(real):
        def __init__(self, META, *args, **kwargs):
            parsed.append(META.get("PATH_INFO", ""))
            super().__init__(META, *args, **kwargs)

    monkeypatch.setattr(request_module, "MultiPartParser", Spy)
    return parsed


def test_a_huge_declared_body_is_refused_from_its_headers(live_server, multipart_parses):
    started = time.monotonic()
    answer = _raw_post(
        live_server,
        "/manage/",
        {
            "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
            "Content-Length": str(HUGE),
            "Accept-Language": "es",
            # A CSRF cookie of the right form: without one, the CSRF check would refuse the
            # POST before reading its body; with one, it reads the form to find the token.
            "Cookie": "csrftoken=" + "a" * 32,
        },
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="email"\r\n\r\nx'.encode(),
    )
    elapsed = time.monotonic() - started

    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413"), head
    assert elapsed < 5
    assert multipart_parses == []  # nothing parsed (nor spooled to a temporary file)
    assert b"Cache-Control: no-store" in head
    page = body.decode()
    assert '<html lang="es">' in page
    assert 'id="main-content"' in page and "usa-header" in page  # the site's layout
    assert page.count("<h1") == 1
    assert "Lo que envió es demasiado grande" in page


def test_a_body_within_the_limit_goes_through(client, settings, db):
    settings.MAX_REQUEST_BODY = 10_000
    response = client.post("/manage/", {"email": "someone@example.org"})
    assert response.status_code == 302  # the usual answer: "check your email"


def test_the_limit_is_the_setting_and_a_path_may_have_a_larger_one(client, settings, db):
    settings.MAX_REQUEST_BODY = 1000
    settings.MAX_REQUEST_BODY_BY_PATH = {"/manage/": 5000}
    form = {"email": "someone@example.org", "padding": "x" * 2000}
    assert client.post("/manage/", form).status_code == 302
    response = client.post("/register/", form, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 413
    assert "at most 1000" in response.content.decode()


class EndlessBody(io.RawIOBase):
    """A client that keeps sending: `size` bytes in all, however much is asked for."""

    def __init__(self, size: int):
        self.size = size
        self.sent = 0

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        n = self.size - self.sent if n is None or n < 0 else min(n, self.size - self.sent)
        self.sent += n
        return b"x" * n

    def readline(self, n: int = -1) -> bytes:
        return self.read(n)


@pytest.mark.urls("camreg.tests.body_reading_urls")
def test_a_body_without_content_length_is_cut_off_at_the_limit(db, settings):
    settings.MAX_REQUEST_BODY = 100_000
    body = EndlessBody(20 * settings.MAX_REQUEST_BODY)
    environ = RequestFactory()._base_environ(
        PATH_INFO="/test-only/read-raw-body/",
        REQUEST_METHOD="POST",
        HTTP_TRANSFER_ENCODING="chunked",
        HTTP_ACCEPT_LANGUAGE="es",
        **{"wsgi.input": body},
    )
    environ.pop("CONTENT_LENGTH", None)
    statuses = []
    chunks = WSGIHandler()(environ, lambda status, headers: statuses.append(status))
    page = b"".join(chunks).decode()

    assert statuses == ["413 Request Entity Too Large"]
    assert body.sent <= settings.MAX_REQUEST_BODY + 1
    assert "Lo que envió es demasiado grande" in page


@pytest.mark.urls("camreg.tests.body_reading_urls")
def test_a_body_without_content_length_within_the_limit_is_read(db, settings):
    settings.MAX_REQUEST_BODY = 100_000
    body = EndlessBody(settings.MAX_REQUEST_BODY)
    environ = RequestFactory()._base_environ(
        PATH_INFO="/test-only/read-raw-body/", REQUEST_METHOD="POST", **{"wsgi.input": body}
    )
    environ.pop("CONTENT_LENGTH", None)
    statuses = []
    chunks = WSGIHandler()(environ, lambda status, headers: statuses.append(status))
    assert statuses == ["200 OK"]
    assert b"".join(chunks) == b"read 100000 bytes"


def test_django_body_limit_is_a_413_too(client, settings, db):
    """A form whose fields exceed DATA_UPLOAD_MAX_MEMORY_SIZE (Django's own limit)."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client.post("/manage/", {"email": "a@example.org", "padding": "x" * 5000})
    assert response.status_code == 413
    assert "What you sent is too large" in response.content.decode()
    assert isinstance(errors.RequestBodyTooLarge("x"), errors.RequestDataTooBig)

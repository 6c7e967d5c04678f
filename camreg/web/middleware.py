from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils import translation

from camreg import caching

from . import errors
from .http import STAFF_PREFIXES, body_limit


class RequestCacheMiddleware:
    """Configuration read through camreg.caching is read at most once per request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with caching.request_scope():
            return self.get_response(request)


class StaffLanguageMiddleware:
    """The staff console is in English; public pages follow the visitor's choice."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(STAFF_PREFIXES):
            translation.activate("en")
            request.LANGUAGE_CODE = "en"
        return self.get_response(request)


class PermissionsPolicyMiddleware:
    """Turn off browser features the site never uses."""

    POLICY = (
        "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
        "microphone=(), payment=(), usb=(), interest-cohort=()"
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.POLICY)
        return response


class NoStoreMiddleware:
    """`Cache-Control: no-store` on every answer whose view did not mark it `public`.

    Placed after WhiteNoise, so static files (which WhiteNoise answers itself, with their
    own long-lived headers) never get here. Every other answer is dynamic: consoles, the
    portal, footage answers, sign-in and the API carry personal data, and even the public
    pages carry a per-visitor CSRF token and may show a message meant for one visitor
    (decision 0018). A view that serves something public (the agency logo) says so with
    `Cache-Control: public, ...`; an answer that already says `no-store` is left as it is.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        directives = {
            part.split("=", 1)[0].strip().lower()
            for part in response.get("Cache-Control", "").split(",")
        }
        if "public" not in directives and "no-store" not in directives:
            response["Cache-Control"] = "no-store"
        return response


class RequestBodyLimitMiddleware:
    """Refuses a request body over the limit (413) before anything reads or parses it.

    A declared Content-Length over the limit is answered at once, without reading a byte of
    the body. A body without a Content-Length (chunked) is bounded while it is read:
    `wsgi.input` is wrapped, so reading past the limit raises `RequestBodyTooLarge`, which
    the 400 handler answers with the same 413 page. Placed before any middleware that reads
    the body (CSRF reads a POSTed form) and after LocaleMiddleware (the page is in the
    visitor's language).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = body_limit(request.path_info)
        declared = _content_length(request)
        if declared is not None and declared > limit:
            return errors.request_too_large(request, limit)
        stream = request.META.get("wsgi.input")
        if stream is not None:
            request.META["wsgi.input"] = BoundedInput(stream, limit)
        return self.get_response(request)


def _content_length(request: HttpRequest) -> int | None:
    try:
        value = int(request.META.get("CONTENT_LENGTH") or "")
    except ValueError:
        return None
    return value if value >= 0 else None


class BoundedInput:
    """A request body stream that raises `RequestBodyTooLarge` once more than `limit` bytes
    would have been read (it reads at most one byte past the limit)."""

    CHUNK = 64 * 1024

    def __init__(self, stream, limit: int):
        self._stream = stream
        self._limit = limit
        self._read = 0

    def _count(self, data: bytes) -> bytes:
        self._read += len(data)
        if self._read > self._limit:
            raise errors.RequestBodyTooLarge(
                f"The request body is larger than {self._limit} bytes."
            )
        return data

    def _allowance(self, size: int | None) -> int:
        """How much one read may ask for: up to one byte past the limit, to notice it."""
        allowed = max(self._limit - self._read, 0) + 1
        return allowed if size is None or size < 0 else min(size, allowed)

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            chunks = []
            while chunk := self.read(self.CHUNK):
                chunks.append(chunk)
            return b"".join(chunks)
        if size == 0:
            return b""
        return self._count(self._stream.read(self._allowance(size)))

    def readline(self, size: int | None = -1) -> bytes:
        return self._count(self._stream.readline(self._allowance(size)))

    def readlines(self, hint: int | None = -1) -> list[bytes]:
        return list(self)

    def __iter__(self):
        while line := self.readline():
            yield line

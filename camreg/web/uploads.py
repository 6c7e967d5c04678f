"""Parsing of multipart/form-data request bodies (forms with a file input).

The registration form has a photo input per camera, so every submission is multipart
even when no photo is attached, and a typical one carries 60 to 120 fields. Django's
multipart parser spends about 2.5 ms on such a body, a sixth of the server's work for a
registration; the `multipart` library splits it in about a tenth of that.

`FormDataHandler` is the first entry of FILE_UPLOAD_HANDLERS. Through the upload-handler
hook `handle_raw_input` it takes over the parsing of bodies small enough to hold in
memory anyway (up to FILE_UPLOAD_MAX_MEMORY_SIZE, the size up to which Django keeps
uploads in memory) and produces exactly what Django would: the same POST QueryDict, the
same FILES (InMemoryUploadedFile, file names sanitised by Django), the same limits
(DATA_UPLOAD_MAX_NUMBER_FIELDS, DATA_UPLOAD_MAX_NUMBER_FILES,
DATA_UPLOAD_MAX_MEMORY_SIZE). It handles only the plain shape browsers send: each part
with a `Content-Disposition: form-data; name="..."` (and `filename="..."` for files) and
at most a Content-Type. Anything else (other part headers, transfer encodings, quoting
or escapes in names, a body the library does not accept) goes to Django's own parser,
fed from the bytes already read, so the unusual cases behave exactly as in Django.
Larger bodies (real photos) are left to Django's streaming parser untouched.

`camreg/web/tests/test_uploads.py` checks both parsers agree on generated bodies.
"""

from __future__ import annotations

import io
import re

import multipart
from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import (
    FileUploadHandler,
    MemoryFileUploadHandler,
    TemporaryFileUploadHandler,
)
from django.http import QueryDict
from django.http.multipartparser import MultiPartParser
from django.utils.datastructures import MultiValueDict
from django.utils.http import parse_header_parameters

# What browsers send: form-data; name="..." and, for a file input, filename="...".
# Quotes, backslashes, semicolons and line breaks inside the values are left to Django.
_DISPOSITION = re.compile(r'form-data; name="([^"\\;\r\n]*)"(?:; filename="([^"\\;\r\n]*)")?')
_PLAIN_HEADERS = {"Content-Disposition", "Content-Type"}


class _Unusual(Exception):
    """The body is valid or not, but not in the plain shape: Django's parser decides."""


class FormDataHandler(FileUploadHandler):
    """Parses small multipart/form-data bodies with the `multipart` library."""

    # For the bodies it leaves to Django's parser, it passes every file on untouched.
    def receive_data_chunk(self, raw_data, start):
        return raw_data

    def file_complete(self, file_size):
        return None

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if content_length > settings.FILE_UPLOAD_MAX_MEMORY_SIZE:
            return None  # Django's streaming parser (and its temporary files) take it
        body = input_data.read(content_length)
        encoding = encoding or settings.DEFAULT_CHARSET
        fallback = MultiPartParser(
            META,
            io.BytesIO(body),
            [MemoryFileUploadHandler(self.request), TemporaryFileUploadHandler(self.request)],
            encoding,
        )
        try:
            return _parse(body, boundary, encoding, fallback.sanitize_file_name)
        except _Unusual:
            return fallback.parse()


def _parse(body: bytes, boundary: bytes, encoding: str, sanitize_file_name):
    delimiter = b"--" + boundary
    if not body.startswith(delimiter + b"\r\n"):
        raise _Unusual  # a preamble: Django reads it as a part of its own
    if body.count(delimiter) != body.count(b"\r\n" + delimiter) + 1:
        raise _Unusual  # Django also splits where no line break comes before the boundary
    # Django refuses a part whose headers do not end within its first 1024 bytes; two
    # lines of at most 500 bytes always do, anything longer is left to Django.
    parser = multipart.PushMultipartParser(
        boundary, len(body), max_header_size=500, max_header_count=2, strict=True
    )
    try:
        with parser:
            events = list(parser.parse(body))
    except multipart.MultipartError:
        raise _Unusual from None
    post = QueryDict(mutable=True)
    files = MultiValueDict()
    # Near a limit, Django's own counting (which has its quirks) decides.
    fields_left = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    files_left = settings.DATA_UPLOAD_MAX_NUMBER_FILES
    bytes_left = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    part = None
    chunks: list[bytes] = []
    for event in events:
        if isinstance(event, multipart.MultipartSegment):
            part, chunks = event, []
            continue
        if event is not None:
            chunks.append(event)
            continue
        # The end of a part.
        name, file_name, content_type = _headers(part)
        data = b"".join(chunks)
        if not file_name:  # like Django: a part with an empty file name is a field
            if fields_left is not None:
                fields_left -= 1
                if fields_left < 0:
                    raise _Unusual
            if bytes_left is not None:
                bytes_left -= len(data) + len(name) + 2
                if bytes_left < 0:
                    raise _Unusual
            post.appendlist(name, data.decode(encoding, errors="replace"))
            continue
        if files_left is not None:
            files_left -= 1
            if files_left < 0:
                raise _Unusual
        file_name = sanitize_file_name(file_name)
        if not file_name:
            continue  # a name that sanitises to nothing: Django leaves the file out too
        main_type, params = parse_header_parameters(content_type) if content_type else ("", {})
        extra = {key: value.encode() for key, value in params.items()}  # as Django keeps them
        files.appendlist(
            name,
            InMemoryUploadedFile(
                file=io.BytesIO(data),
                field_name=name,
                name=file_name,
                content_type=main_type.strip(),
                size=len(data),
                charset=extra.get("charset"),
                content_type_extra=extra,
            ),
        )
    post._mutable = False
    return post, files


def _headers(part) -> tuple[str, str | None, str | None]:
    """(name, file name or None, raw Content-Type or None) of a part in the plain shape."""
    headers = dict(part.headerlist)
    if len(headers) != len(part.headerlist) or not headers.keys() <= _PLAIN_HEADERS:
        raise _Unusual
    match = _DISPOSITION.fullmatch(headers.get("Content-Disposition", ""))
    if match is None:
        raise _Unusual
    name = match.group(1)
    if not name or name != name.strip():  # Django drops some of these and strips others
        raise _Unusual
    return name, match.group(2), headers.get("Content-Type")

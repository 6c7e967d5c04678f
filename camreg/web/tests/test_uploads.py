"""camreg.web.uploads: the multipart parser front end must answer exactly as Django's.

Every body is parsed twice, by Django's MultiPartParser with its default upload handlers
and by the handlers of our settings (FormDataHandler first), and the outcomes compared:
the same POST, the same FILES (name, type, charset, content), or the same exception.
"""

from __future__ import annotations

import io

import pytest
from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile, TemporaryUploadedFile
from django.core.files.uploadhandler import (
    MemoryFileUploadHandler,
    TemporaryFileUploadHandler,
    load_handler,
)
from django.http import multipartparser
from django.http.multipartparser import MultiPartParser
from django.test import override_settings
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

BOUNDARY = "----CamregTestBoundary7MA4YWxkTrZu0gW"
CONTENT_TYPE = f"multipart/form-data; boundary={BOUNDARY}"


def body_of(parts: list[tuple]) -> bytes:
    """A multipart body: ("field", name, value) and ("file", name, filename, type, data)."""
    out = io.BytesIO()
    for part in parts:
        out.write(f"--{BOUNDARY}\r\n".encode())
        if part[0] == "field":
            _, name, value = part
            out.write(f'Content-Disposition: form-data; name="{name}"\r\n\r\n'.encode())
            out.write(value.encode() + b"\r\n")
        else:
            _, name, filename, content_type, data = part
            out.write(
                f'Content-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'.encode()
            )
            if content_type is not None:
                out.write(f"Content-Type: {content_type}\r\n".encode())
            out.write(b"\r\n" + data + b"\r\n")
    out.write(f"--{BOUNDARY}--\r\n".encode())
    return out.getvalue()


def parse(body: bytes, handlers, content_type: str = CONTENT_TYPE):
    meta = {"CONTENT_TYPE": content_type, "CONTENT_LENGTH": str(len(body))}
    return MultiPartParser(meta, io.BytesIO(body), handlers, "utf-8").parse()


def ours():
    return [load_handler(path) for path in settings.FILE_UPLOAD_HANDLERS]


def djangos():
    return [MemoryFileUploadHandler(), TemporaryFileUploadHandler()]


def outcome(body: bytes, handlers, content_type: str = CONTENT_TYPE):
    try:
        post, files = parse(body, handlers, content_type)
    except Exception as exc:  # noqa: BLE001 - the exception is the outcome to compare
        return ("error", type(exc).__name__)
    return (
        "ok",
        sorted(post.lists()),
        sorted(
            (
                key,
                [
                    (f.name, f.content_type, f.charset, f.content_type_extra, f.size, f.read())
                    for f in values
                ],
            )
            for key, values in files.lists()
        ),
    )


def assert_same(body: bytes, content_type: str = CONTENT_TYPE):
    expected = outcome(body, djangos(), content_type)
    assert outcome(body, ours(), content_type) == expected, repr(body[:400])
    return expected


def test_settings_put_the_handler_first():
    assert settings.FILE_UPLOAD_HANDLERS[0] == "camreg.web.uploads.FormDataHandler"


def test_a_browser_form_is_parsed_by_the_library_not_by_django(monkeypatch):
    body = body_of(
        [
            ("field", "contact-name", "Ana Ruiz"),
            ("field", "s0-c0-coverage", "street"),
            ("field", "s0-c0-coverage", "driveway"),
            ("file", "s0-c0-photo", "", "application/octet-stream", b""),
            ("file", "s0-c1-photo", "porch.png", "image/png", b"\x89PNG\r\n--x"),
        ]
    )
    expected = assert_same(body)

    def refuse(*args, **kwargs):
        raise AssertionError("Django's parser was used for a plain browser form")

    monkeypatch.setattr(multipartparser, "Parser", refuse)  # what Django's parse loop uses
    post, files = parse(body, ours())
    assert post.getlist("s0-c0-coverage") == ["street", "driveway"]
    assert post["s0-c0-photo"] == ""  # an empty file input is an empty field, as in Django
    photo = files["s0-c1-photo"]
    assert isinstance(photo, InMemoryUploadedFile)
    assert (photo.name, photo.read()) == ("porch.png", b"\x89PNG\r\n--x")
    assert expected[0] == "ok"


def test_unusual_parts_go_to_djangos_parser():
    encoded = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="a"\r\n'
        "Content-Transfer-Encoding: base64\r\n\r\naGVsbG8=\r\n"
        f"--{BOUNDARY}\r\nContent-Disposition: form-data; name*=UTF-8''caf%C3%A9\r\n\r\nx\r\n"
        f"--{BOUNDARY}--\r\n"
    ).encode()
    result = assert_same(encoded)
    assert result[0] == "ok" and ("a", ["hello"]) in result[1]


@override_settings(FILE_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_a_body_larger_than_the_memory_limit_streams_to_a_temporary_file():
    body = body_of([("file", "photo", "big.jpg", "image/jpeg", b"\xff" * 5000)])
    post, files = parse(body, ours())
    assert isinstance(files["photo"], TemporaryUploadedFile)
    assert files["photo"].read() == b"\xff" * 5000


@override_settings(DATA_UPLOAD_MAX_NUMBER_FIELDS=5)
def test_too_many_fields_is_refused_as_django_does():
    assert assert_same(body_of([("field", f"f{i}", "x") for i in range(5)]))[0] == "ok"
    assert assert_same(body_of([("field", f"f{i}", "x") for i in range(9)])) == (
        "error",
        "TooManyFieldsSent",
    )


@override_settings(DATA_UPLOAD_MAX_NUMBER_FILES=2)
def test_too_many_files_is_refused_as_django_does():
    files = [("file", f"p{i}", f"{i}.jpg", "image/jpeg", b"x") for i in range(3)]
    assert assert_same(body_of(files)) == ("error", "TooManyFilesSent")


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=100)
def test_too_much_field_data_is_refused_as_django_does():
    assert assert_same(body_of([("field", "a", "x" * 200)])) == ("error", "RequestDataTooBig")


def test_a_registration_post_through_the_stack(client, db):
    """The view sees the same form data through the handler (the empty photos included)."""
    body = body_of([("field", "email", "ana@example.com"), ("field", "website", "")])
    response = client.generic("POST", "/manage/", body, content_type=CONTENT_TYPE)
    assert response.status_code == 302  # the same answer for any address


# Generated bodies ------------------------------------------------------------------------

name_characters = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")
names = st.one_of(
    st.text(alphabet=name_characters, max_size=20),
    # Long enough to reach the limits on a part's header size.
    st.builds(lambda c, n: c * n, name_characters, st.integers(min_value=200, max_value=1100)),
)
values = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60)
content_types = st.one_of(
    st.none(),
    st.sampled_from(["image/jpeg", "IMAGE/PNG", "text/plain; charset=latin-1", "x; a=b; c"]),
    st.text(max_size=30).filter(lambda t: "\r" not in t and "\n" not in t),
)
part = st.one_of(
    st.tuples(st.just("field"), names, values),
    st.tuples(st.just("file"), names, names, content_types, st.binary(max_size=80)),
)


@hsettings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(part, max_size=12))
@example([("field", 'a"b', "x"), ("field", "a\\b", "y"), ("field", " padded ", "z")])
@example([("file", "f", "../..", None, b"x"), ("file", "f", "a&amp;b.txt", None, b"y")])
def test_generated_bodies_parse_the_same(parts):
    assert_same(body_of(parts))


@hsettings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(part, min_size=1, max_size=6),
    st.lists(st.tuples(st.integers(min_value=0), st.binary(max_size=4)), max_size=4),
    st.integers(min_value=0),
)
def test_damaged_bodies_parse_the_same_or_fail_the_same(parts, edits, cut):
    body = bytearray(body_of(parts))
    for position, replacement in edits:
        at = position % (len(body) + 1)
        body[at : at + len(replacement)] = replacement
    body = bytes(body[: len(body) - cut % 8]) if cut % 3 == 0 else bytes(body)
    assert_same(body)


@pytest.mark.parametrize(
    "content_type",
    [f"multipart/form-data; boundary={BOUNDARY}; charset=utf-8", "multipart/form-data; boundary=x"],
)
def test_other_content_types_parse_the_same(content_type):
    assert_same(body_of([("field", "a", "1")]), content_type)

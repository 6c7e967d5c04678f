"""The request-body limit: which limit applies where, and a bounded body stream."""

from __future__ import annotations

import io

import pytest

from camreg.web.errors import RequestBodyTooLarge
from camreg.web.http import body_limit
from camreg.web.middleware import BoundedInput


def test_the_longest_matching_prefix_sets_the_limit(settings):
    settings.MAX_REQUEST_BODY = 1000
    settings.MAX_REQUEST_BODY_BY_PATH = {"/uploads/": 5000, "/uploads/big/": 9000}
    assert body_limit("/register/") == 1000
    assert body_limit("/uploads/x") == 5000
    assert body_limit("/uploads/big/x") == 9000


def test_the_default_fits_a_registration_with_every_photo_at_full_size():
    from camreg.settings import base

    photos = base.PHOTO_MAX_PER_REQUEST * base.PHOTO_MAX_BYTES
    assert photos + base.DATA_UPLOAD_MAX_MEMORY_SIZE < base.MAX_REQUEST_BODY
    assert base.MAX_REQUEST_BODY < photos + base.PHOTO_MAX_BYTES  # not one photo more
    # Only the tus endpoints (streamed to storage) take more: one file at most.
    assert set(base.MAX_REQUEST_BODY_BY_PATH) == {"/footage/files/", "/console/evidence/tus/"}
    assert set(base.MAX_REQUEST_BODY_BY_PATH.values()) == {base.EVIDENCE_MAX_FILE_BYTES}


def test_a_body_up_to_the_limit_reads_whole():
    stream = BoundedInput(io.BytesIO(b"a\n" * 50), limit=100)
    assert stream.readline() == b"a\n"
    assert len(stream.read()) == 98
    assert stream.read(10) == b""


@pytest.mark.parametrize("how", ["read", "read-chunks", "readline", "iterate"])
def test_reading_past_the_limit_raises(how):
    source = io.BytesIO(b"x" * 1000 + b"\n" + b"y" * 10_000)
    stream = BoundedInput(source, limit=100)
    with pytest.raises(RequestBodyTooLarge):
        if how == "read":
            stream.read()
        elif how == "read-chunks":
            while stream.read(30):
                pass
        elif how == "readline":
            stream.readline()
        else:
            list(stream)
    assert source.tell() <= 101  # at most one byte past the limit was taken from the client

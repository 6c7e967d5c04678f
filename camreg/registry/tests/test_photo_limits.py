"""The bounds on camera photos (decision 0016): pixels refused from the header, decoding work
that grows with the stored size, one photo per camera, a few photos per request, and a
decoder that runs in a limited child process."""

from __future__ import annotations

import io
import signal
import subprocess
import sys
import textwrap
import time

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from PIL import Image, ImageFile

from camreg import sandbox
from camreg.registry import photo_decoder, photos
from camreg.registry.forms import MAX_CAMERAS_PER_SITE, MAX_SITES
from camreg.registry.models import Camera, Coverage, Registrant
from camreg.testing.registrants import registration_post

URL = reverse("registry:register")
PIXELS_ERROR = "The photo has more than 12 megapixels"


COLORS = {"1": 0, "L": 200, "P": 200, "LA": (200, 128), "RGBA": (200, 30, 30, 128)}


def _image_bytes(fmt="JPEG", size=(64, 48), mode="RGB", **save) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, COLORS.get(mode, (200, 30, 30))).save(buffer, fmt, **save)
    return buffer.getvalue()


def _upload(data: bytes, name="view.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def _no_decoding(monkeypatch) -> None:
    """Make any decoding of pixels, here or in a child process, fail the test."""

    def refuse(*args, **kwargs):
        raise AssertionError("pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", refuse)
    monkeypatch.setattr(subprocess, "Popen", refuse)


# The pixel cap, from the header ---------------------------------------------------------


def test_pillow_refuses_what_the_registry_refuses():
    assert photos.MAX_PIXELS == 12_000_000
    assert Image.MAX_IMAGE_PIXELS == photos.MAX_PIXELS


@pytest.mark.parametrize("side", [3500, 6324], ids=["12.25-megapixels", "40-megapixels"])
def test_too_many_pixels_refused_from_the_header(monkeypatch, side):
    # A one-bit PNG of that many pixels is a few kilobytes.
    upload = _upload(_image_bytes("PNG", (side, side), mode="1", optimize=True), "bomb.png")
    assert upload.size < 10_000
    _no_decoding(monkeypatch)
    with pytest.raises(ValidationError, match=PIXELS_ERROR):
        photos.reencode(upload)


def test_twelve_megapixels_are_accepted():
    out = photos.reencode(_upload(_image_bytes("PNG", (4000, 3000), mode="1"), "ok.png"))
    with Image.open(io.BytesIO(out)) as image:
        assert image.size == (2048, 1536)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "message"),
    [("en", PIXELS_ERROR), ("es", "La foto tiene más de 12 megapíxeles")],
)
def test_pixel_error_is_on_the_photo_field(client, address_points, language, message):
    client.cookies["camreg_language"] = language
    data = registration_post()
    data["s0-c0-photo"] = _upload(_image_bytes("PNG", (3500, 3500), mode="1"), "bomb.png")
    response = client.post(URL, data)
    assert response.status_code == 400
    assert ("id_s0-c0-photo", message) in [
        (item[0], item[2][: len(message)]) for item in response.context["errors"]
    ]
    assert not Registrant.objects.exists()


# Decoding work grows with the stored size ------------------------------------------------


def _record_loads(monkeypatch) -> list[tuple[int, int]]:
    loaded: list[tuple[int, int]] = []
    real_load = ImageFile.ImageFile.load

    def load(self):
        loaded.append(self.size)
        return real_load(self)

    monkeypatch.setattr(ImageFile.ImageFile, "load", load)
    return loaded


def _record_calls(monkeypatch, name: str) -> list[tuple[tuple[int, int], tuple]]:
    calls: list[tuple[tuple[int, int], tuple]] = []
    real = getattr(Image.Image, name)

    def spy(self, *args, **kwargs):
        calls.append((self.size, args))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Image.Image, name, spy)
    return calls


def test_jpeg_is_decoded_at_a_reduced_scale(monkeypatch):
    data = _image_bytes("JPEG", (4000, 3000))
    loaded = _record_loads(monkeypatch)
    out = photo_decoder.to_jpeg(data, max_side=500, max_pixels=photos.MAX_PIXELS)
    # draft(): the JPEG decoder itself scales by 1/4, down to twice the stored size.
    assert set(loaded) == {(1000, 750)}
    with Image.open(io.BytesIO(out)) as image:
        assert image.size == (500, 375)


def test_other_images_are_reduced_before_resampling_and_converted_small(monkeypatch):
    data = _image_bytes("PNG", (4000, 3000))
    reduced = _record_calls(monkeypatch, "reduce")
    converted = _record_calls(monkeypatch, "convert")
    out = photo_decoder.to_jpeg(data, max_side=500, max_pixels=photos.MAX_PIXELS)
    assert [size for size, _args in reduced] == [(4000, 3000)]  # a box filter first
    assert reduced[0][1][0] == (4, 4)  # by a whole factor, to twice the stored size
    assert converted and all(max(size) <= 500 for size, _args in converted)
    with Image.open(io.BytesIO(out)) as image:
        assert image.size == (500, 375)


@pytest.mark.parametrize("mode", ["1", "P", "RGBA", "LA"])
def test_other_modes_are_converted_once_then_reduced(monkeypatch, mode):
    data = _image_bytes("PNG", (4000, 3000), mode=mode)
    reduced = _record_calls(monkeypatch, "reduce")
    converted = _record_calls(monkeypatch, "convert")
    out = photo_decoder.to_jpeg(data, max_side=500, max_pixels=photos.MAX_PIXELS)
    assert [size for size, _args in converted if max(size) > 500] == [(4000, 3000)]
    assert converted[0][1][0] in ("L", "RGB")  # at most 3 bytes a pixel
    assert [size for size, _args in reduced] == [(4000, 3000)]
    with Image.open(io.BytesIO(out)) as image:
        assert image.size == (500, 375)


def test_one_bit_bomb_under_the_cap_costs_little():
    """A 12-megapixel one-bit PNG (about 1.5 KB) no longer becomes 36 MB of RGB first."""
    data = _image_bytes("PNG", (3464, 3464), mode="1", optimize=True)
    started = time.process_time()
    photo_decoder.to_jpeg(data, max_side=photos.MAX_SIDE, max_pixels=photos.MAX_PIXELS)
    assert time.process_time() - started < 0.5


def test_exif_orientation_is_applied():
    exif = Image.Exif()
    exif[photo_decoder.ORIENTATION] = 6  # rotate 90 degrees clockwise to view
    out = photos.reencode(_upload(_image_bytes("JPEG", (320, 200), exif=exif)))
    with Image.open(io.BytesIO(out)) as image:
        assert image.size == (200, 320)
        assert not image.getexif()


# The decoding child ----------------------------------------------------------------------


def _fake_decoder(tmp_path, monkeypatch, body: str) -> None:
    """Replace the decoder script by one that wraps the real one's to_jpeg."""
    script = tmp_path / "decoder.py"
    script.write_text(
        textwrap.dedent(
            f"""
            import os, sys, time
            sys.path.insert(0, {str(sandbox.ROOT)!r})
            from camreg.registry import photo_decoder as real
            to_jpeg = real.to_jpeg
            def fake(data, **limits):
            {textwrap.indent(textwrap.dedent(body), "    ")}
                return to_jpeg(data, **limits)
            real.to_jpeg = fake
            real.main()
            """
        )
    )
    monkeypatch.setattr(photos, "_COMMAND", (sys.executable, "-I", str(script)))


def test_a_crash_costs_only_the_photo_it_happened_on(tmp_path, monkeypatch):
    _fake_decoder(tmp_path, monkeypatch, 'if data == b"CRASH": os.abort()')
    good = _image_bytes()
    results = photos.reencode_many([_upload(good), _upload(b"CRASH"), _upload(good)])
    assert isinstance(results[0], bytes)
    assert isinstance(results[1], ValidationError)
    assert "not a photo we can read" in results[1].messages[0]
    assert isinstance(results[2], bytes)


def test_decoding_stops_at_the_deadline(tmp_path, monkeypatch, settings):
    settings.PHOTO_DECODE_SECONDS = 2
    _fake_decoder(tmp_path, monkeypatch, 'if data == b"SLOW": time.sleep(60)')
    started = time.monotonic()
    results = photos.reencode_many([_upload(b"SLOW"), _upload(_image_bytes())])
    assert time.monotonic() - started < 5
    # The photo it was stuck on, and those it did not reach, are refused as too slow.
    assert all("could not process this photo in time" in r.messages[0] for r in results)


def test_one_decoder_at_a_time_per_process(monkeypatch, settings):
    """Another request of this process is decoding: wait for it, within the same budget."""
    settings.PHOTO_DECODE_SECONDS = 1
    _no_decoding(monkeypatch)
    assert photos._DECODING.acquire(timeout=5)
    try:
        started = time.monotonic()
        [result] = photos.reencode_many([_upload(_image_bytes())])
    finally:
        photos._DECODING.release()
    assert 0.9 <= time.monotonic() - started < 3
    assert "could not process this photo in time" in result.messages[0]


def test_a_busy_decoder_is_stopped(tmp_path, monkeypatch, settings):
    settings.PHOTO_DECODE_SECONDS = 1
    _fake_decoder(tmp_path, monkeypatch, 'while data == b"BUSY": pass')
    started = time.monotonic()
    [result] = photos.reencode_many([_upload(b"BUSY")])
    assert time.monotonic() - started < 3
    assert "could not process this photo in time" in result.messages[0]


def _run_limited(body: str) -> subprocess.CompletedProcess:
    """Run `body` in a child that has applied the decoder's own limits to itself."""
    code = f"""
import sys
sys.path.insert(0, {str(sandbox.ROOT)!r})
from camreg.sandbox import limit_self
limit_self(256 * 1024 * 1024, 1)
{textwrap.dedent(body)}
"""
    return subprocess.run(  # noqa: S603
        [sys.executable, "-I", "-c", code], capture_output=True, text=True, timeout=30
    )


def test_decoder_cpu_is_limited():
    """Even if nobody stopped it, a decoder ends after its CPU seconds."""
    result = _run_limited("while True: pass")
    assert result.returncode == -signal.SIGXCPU


def test_an_answer_that_is_not_a_small_jpeg_is_refused(tmp_path, monkeypatch):
    _fake_decoder(tmp_path, monkeypatch, 'return b"<script>alert(1)</script>"')
    [result] = photos.reencode_many([_upload(_image_bytes())])
    assert isinstance(result, ValidationError)


def test_decoder_memory_is_limited():
    """More memory than allowed fails in the decoder, not in the web worker."""
    result = _run_limited(
        """
        try:
            bytearray(1024 * 1024 * 1024)
        except MemoryError:
            print("refused")
        """
    )
    assert result.stdout.strip() == "refused"


# Hostile images: always a clean error -----------------------------------------------------

HOSTILE = hypothesis_settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
VALID = [
    _image_bytes("JPEG", (80, 60)),
    _image_bytes("JPEG", (80, 60), progressive=True),
    _image_bytes("PNG", (80, 60)),
    _image_bytes("PNG", (80, 60), mode="P"),
    _image_bytes("WEBP", (80, 60)),
]


def _reencode_or_clean_error(data: bytes) -> None:
    try:
        out = photos.reencode(_upload(data))
    except ValidationError as exc:
        assert exc.messages and exc.messages[0]
    else:
        with Image.open(io.BytesIO(out)) as image:
            assert image.format == "JPEG"


@HOSTILE
@given(data=st.binary(max_size=4000))
def test_random_bytes(data):
    _reencode_or_clean_error(data)


@HOSTILE
@given(original=st.sampled_from(VALID), cut=st.floats(min_value=0, max_value=0.99))
def test_truncated_images(original, cut):
    _reencode_or_clean_error(original[: int(len(original) * cut)])


@HOSTILE
@given(
    original=st.sampled_from(VALID),
    changes=st.lists(st.tuples(st.integers(0, 200), st.integers(0, 255)), max_size=6),
)
def test_corrupted_headers(original, changes):
    data = bytearray(original)
    for position, value in changes:
        data[min(position, len(data) - 1)] = value
    _reencode_or_clean_error(bytes(data))


# One photo per camera, a few per request ----------------------------------------------------


@pytest.mark.django_db
def test_two_photos_for_one_camera_are_refused(client, address_points):
    data = registration_post()
    data["s0-c0-photo"] = [_upload(_image_bytes(), "a.jpg"), _upload(_image_bytes(), "b.jpg")]
    response = client.post(URL, data)
    assert response.status_code == 400
    assert "Choose one photo for each camera." in response.content.decode()
    assert not Registrant.objects.exists()


@pytest.mark.django_db
def test_a_photo_for_no_camera_is_refused(client, address_points):
    data = registration_post()
    data["s0-c0-photo"] = _upload(_image_bytes())
    data["s3-c7-photo"] = _upload(_image_bytes())  # there is one place with one camera
    response = client.post(URL, data)
    assert response.status_code == 400
    assert "Choose one photo for each camera." in response.content.decode()
    assert not Registrant.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "You can add up to 2 photos each time you save."),
        ("es", "Puede agregar hasta 2 fotos cada vez que guarda."),
    ],
)
def test_more_photos_than_allowed_in_one_request(
    client, address_points, settings, monkeypatch, language, message
):
    settings.PHOTO_MAX_PER_REQUEST = 2
    client.cookies["camreg_language"] = language
    data = registration_post(sites=[({}, [{}, {}, {}])])
    for j in range(3):
        data[f"s0-c{j}-photo"] = _upload(_image_bytes())
    _no_decoding(monkeypatch)  # refused before any photo is decoded
    response = client.post(URL, data)
    assert response.status_code == 400
    fields = [item[0] for item in response.context["errors"] if message in item[2]]
    assert fields == ["id_s0-c2-photo"]
    assert not Registrant.objects.exists()


@pytest.mark.django_db
def test_as_many_photos_as_allowed(client, address_points, settings):
    settings.PHOTO_MAX_PER_REQUEST = 2
    data = registration_post(sites=[({}, [{}, {}])])
    for j in range(2):
        data[f"s0-c{j}-photo"] = _upload(_image_bytes())
    response = client.post(URL, data)
    assert response.status_code == 302
    assert Camera.objects.exclude(photo="").count() == 2


BOUNDARY = "----camregPhotoLimits7MA4YWxk"
CONTENT_TYPE = f"multipart/form-data; boundary={BOUNDARY}"


def _browser_body(fields: dict, files: list[tuple[str, str, bytes]]) -> bytes:
    """A body as a browser sends it: `files` as (input name, file name, data); an input
    with no file chosen is a part with an empty file name and no data."""
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, values in fields.items()
        for value in (values if isinstance(values, list) else [values])
    ]
    parts += [
        f"--{BOUNDARY}\r\n"
        f'Content-Disposition: form-data; name="{name}"; filename="{file_name}"\r\n'
        f"Content-Type: {'image/jpeg' if data else 'application/octet-stream'}\r\n\r\n".encode()
        + data
        + b"\r\n"
        for name, file_name, data in files
    ]
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


@pytest.mark.django_db
def test_the_largest_form_a_browser_sends_is_read(client, address_points):
    """Every place and camera, every coverage ticked, an empty part for every photo input
    (a field to Django, not a file) and PHOTO_MAX_PER_REQUEST photos."""
    all_coverage = [value for value, _label in Coverage.choices]
    sites = [({}, [{"coverage": all_coverage}] * MAX_CAMERAS_PER_SITE)] * MAX_SITES
    data = registration_post(sites=sites, action="add-site")  # re-renders, validates nothing
    inputs = [f"s{i}-c{j}-photo" for i in range(MAX_SITES) for j in range(MAX_CAMERAS_PER_SITE)]
    photo = _image_bytes()
    photo_count = django_settings.PHOTO_MAX_PER_REQUEST
    files = [(name, "view.jpg", photo) for name in inputs[:photo_count]]
    files += [(name, "", b"") for name in inputs[photo_count:]]
    response = client.post(URL, _browser_body(data, files), content_type=CONTENT_TYPE)
    assert response.status_code == 200
    assert sum(len(block.cameras) for block in response.context["form"].sites) == len(inputs)


@pytest.mark.django_db
def test_more_files_than_photos_allowed_are_refused_by_the_parser(client, address_points):
    assert django_settings.DATA_UPLOAD_MAX_NUMBER_FILES == django_settings.PHOTO_MAX_PER_REQUEST
    cameras = django_settings.PHOTO_MAX_PER_REQUEST + 1
    data = registration_post(sites=[({}, [{}] * cameras)])
    files = [(f"s0-c{j}-photo", "view.jpg", _image_bytes()) for j in range(cameras)]
    response = client.post(URL, _browser_body(data, files), content_type=CONTENT_TYPE)
    assert response.status_code == 400
    assert not Registrant.objects.exists()

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from camreg.registry import photos


def _upload(fmt="JPEG", size=(320, 200), exif=None, name="x") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    image = Image.new("RGB", size, (200, 30, 30))
    kwargs = {"exif": exif} if exif is not None else {}
    image.save(buffer, fmt, **kwargs)
    return SimpleUploadedFile(name, buffer.getvalue())


def _gps_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"  # Make
    gps = {1: "N", 2: (35.0, 22.0, 24.0), 3: "W", 4: (119.0, 1.0, 7.0)}
    exif[0x8825] = gps
    return exif


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_accepted_formats_become_clean_jpeg(fmt):
    out = photos.reencode(_upload(fmt))
    with Image.open(io.BytesIO(out)) as image:
        assert image.format == "JPEG"
        assert image.size == (320, 200)


def test_gps_and_other_metadata_are_removed():
    upload = _upload("JPEG", exif=_gps_exif())
    with Image.open(io.BytesIO(upload.read())) as original:
        assert original.getexif().get(0x8825)  # the test photo really carries GPS
    upload.seek(0)
    out = photos.reencode(upload)
    with Image.open(io.BytesIO(out)) as image:
        assert not image.getexif()
        assert "exif" not in image.info and "icc_profile" not in image.info
    assert b"CameraMaker" not in out


def test_too_large_file(settings):
    settings.PHOTO_MAX_BYTES = 100
    with pytest.raises(ValidationError, match="larger than 10 MB"):
        photos.reencode(_upload())


def test_not_an_image():
    with pytest.raises(ValidationError, match="not a photo"):
        photos.reencode(SimpleUploadedFile("x.jpg", b"<script>alert(1)</script>"))


def test_gif_refused():
    with pytest.raises(ValidationError, match="JPEG, PNG or WebP"):
        photos.reencode(_upload("GIF"))


def test_big_photos_are_scaled_down():
    out = photos.reencode(_upload(size=(4000, 1000)))
    with Image.open(io.BytesIO(out)) as image:
        assert max(image.size) == photos.MAX_SIDE

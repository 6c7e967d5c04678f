"""A photo chosen before "add another camera" (or a mistake to correct) is kept: signed,
short-lived, used by the save, erased if the form is never saved."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from camreg.registry import services
from camreg.registry.models import Camera, PendingPhoto
from camreg.registry.services import pending_photos
from camreg.testing.registrants import form_post, portal_client, registration_post

pytestmark = pytest.mark.django_db
URL = reverse("registry:register")


def _photo(name="driveway.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def _reference(response, prefix="s0-c0") -> str:
    camera = next(
        c for block in response.context["form"].sites for c in block.cameras
        if c.prefix == prefix
    )  # fmt: skip
    return camera["pending_photo"].value()


def test_photo_survives_add_camera_and_is_saved_with_the_registration(client, address_points):
    data = registration_post(action="add-camera-0")
    data["s0-c0-photo"] = _photo()
    response = client.post(URL, data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Your photo “driveway.jpg” is kept for this camera." in body
    reference = _reference(response)
    assert reference and f'value="{reference}"' in body
    pending = PendingPhoto.objects.get()
    assert default_storage.exists(pending.photo)
    # The page returns to the camera being added, with or without JavaScript.
    assert 'id="camera-0-1" tabindex="-1" autofocus' in body
    assert 'formaction="#camera-0-2"' in body

    data = form_post(response.context["form"])
    data.update({"s0-c1-label": "Driveway", "s0-c1-direction": "180"})
    data.update({"s0-c1-retention_days": "7", "s0-c1-system_type": "other"})
    saved = client.post(URL, data)
    assert saved.status_code == 302, saved.context and saved.context["errors"]
    first, second = Camera.objects.order_by("pk")
    assert first.photo and default_storage.exists(first.photo) and not second.photo
    assert not PendingPhoto.objects.exists()


def test_photo_survives_removing_another_camera(client, address_points):
    data = registration_post(
        sites=[({}, [{"label": "One"}, {"label": "Two"}])], action="remove-camera-0-0"
    )
    data["s0-c1-photo"] = _photo("two.jpg")
    response = client.post(URL, data)
    # Camera "Two" is camera 1 now, and keeps its photo.
    assert _reference(response, "s0-c0")
    assert "Your photo “two.jpg” is kept" in response.content.decode()


def test_photo_survives_a_mistake_elsewhere(client, address_points):
    data = registration_post(phone="12")
    data["s0-c0-photo"] = _photo()
    response = client.post(URL, data)
    assert response.status_code == 400
    reference = _reference(response)
    assert reference
    data = registration_post()
    data["s0-c0-pending_photo"] = reference
    assert client.post(URL, data).status_code == 302
    assert Camera.objects.get().photo


def test_a_new_photo_replaces_the_kept_one(client, address_points):
    reference = pending_photos.keep(b"\xff\xd8old\xff\xd9", "old.jpg")
    data = registration_post()
    data["s0-c0-pending_photo"] = reference
    data["s0-c0-photo"] = _photo("new.jpg")
    assert client.post(URL, data).status_code == 302
    camera = Camera.objects.get()
    with default_storage.open(camera.photo) as stored:
        assert stored.read() != b"\xff\xd8old\xff\xd9"
    assert not PendingPhoto.objects.exists()


def test_remove_the_kept_photo(client, address_points):
    reference = pending_photos.keep(b"\xff\xd8old\xff\xd9", "old.jpg")
    data = registration_post()
    data["s0-c0-pending_photo"] = reference
    data["s0-c0-remove_photo"] = "on"
    assert client.post(URL, data).status_code == 302
    assert Camera.objects.get().photo == ""


@pytest.mark.parametrize(
    "reference",
    ["", "camera-photos/someone-elses.jpg", "abc:def", "x" * 500],
)
def test_forged_references_are_ignored(client, address_points, reference):
    data = registration_post()
    data["s0-c0-pending_photo"] = reference
    assert client.post(URL, data).status_code == 302
    assert Camera.objects.get().photo == ""


def test_an_expired_reference_is_ignored_and_the_photo_purged(
    client, address_points, settings, django_capture_on_commit_callbacks
):
    reference = pending_photos.keep(b"\xff\xd8old\xff\xd9", "old.jpg")
    pending = PendingPhoto.objects.get()
    PendingPhoto.objects.update(
        created_at=timezone.now() - timedelta(hours=settings.PENDING_PHOTO_HOURS, minutes=1)
    )
    assert pending_photos.find(reference) is None
    with django_capture_on_commit_callbacks(execute=True):
        assert services.purge_pending_photos() == 1
    assert not PendingPhoto.objects.exists()
    assert not default_storage.exists(pending.photo)


def test_a_recent_pending_photo_is_not_purged():
    pending_photos.keep(b"\xff\xd8new\xff\xd9", "new.jpg")
    assert services.purge_pending_photos() == 0
    assert PendingPhoto.objects.count() == 1


def test_purge_is_a_scheduled_job():
    from camreg.scheduling import HOUR, JOBS

    assert ("camreg.registry.tasks.purge_pending_photos", HOUR) in [tuple(job) for job in JOBS]


def test_portal_edit_keeps_a_photo_across_add_camera(make_registrant):
    registrant = make_registrant(status="active", phone="+16615550123")
    client = portal_client(registrant)
    form = client.get(reverse("registry:portal-edit")).context["form"]
    data = form_post(form)
    data["action"] = "add-camera-0"
    data["s0-c0-photo"] = _photo()
    response = client.post(reverse("registry:portal-edit"), data)
    assert _reference(response)
    data = form_post(response.context["form"])
    data["s0-c1-label"] = "Garage"
    data.update({"s0-c1-direction": "180", "s0-c1-retention_days": "7"})
    data["s0-c1-system_type"] = "other"
    assert client.post(reverse("registry:portal-edit"), data).status_code == 302
    assert Camera.objects.filter(site__registrant=registrant).exclude(photo="").count() == 1


def test_a_file_that_is_not_a_photo_says_so_on_add_camera(client, address_points):
    data = registration_post(action="add-camera-0")
    data["s0-c0-photo"] = SimpleUploadedFile("notes.jpg", b"not an image", "image/jpeg")
    body = client.post(URL, data).content.decode()
    assert "The photo you chose for this camera could not be kept" in body
    assert not PendingPhoto.objects.exists()

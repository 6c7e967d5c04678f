import io
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from camreg.outreach.models import OutboxMessage
from camreg.registry import services
from camreg.registry.models import (
    Camera,
    Consent,
    Registrant,
    RegistrationStatus,
    Site,
)
from camreg.testing.mail import link_from_last_email, path_of
from camreg.testing.registrants import form_post, registration_post

pytestmark = pytest.mark.django_db


def _photo(name="view.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 120, 200)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def signed_in(client, address_points, auto_confirm):
    data = registration_post(sites=[({}, [{}, {"label": "Driveway"}])])
    data["s0-c0-photo"] = _photo()
    assert client.post(reverse("registry:register"), data).status_code == 302
    client.post(path_of(link_from_last_email(r"https?://\S+/verify/\S+")))
    client.post(reverse("registry:manage-request"), {"email": "ana@example.com"})
    client.post(path_of(link_from_last_email(r"https?://\S+/manage/link/\S+")))
    mail.outbox.clear()
    return Registrant.objects.get()


def _edit_post(client):
    """The edit form as the browser would post it back unchanged."""
    page = client.get(reverse("registry:portal-edit"))
    assert page.status_code == 200
    return form_post(page.context["form"])


def test_edit_a_camera(client, signed_in):
    data = _edit_post(client)
    assert data["s0-c1-label"] == "Driveway"
    camera_id = int(data["s0-c1-id"])
    data["s0-c1-direction"] = "275"
    data["s0-c1-retention_days"] = "7"
    response = client.post(reverse("registry:portal-edit"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    camera = Camera.objects.get(pk=camera_id)
    assert (camera.direction, camera.retention_days) == (275, 7)
    assert Camera.objects.filter(site__registrant=signed_in).count() == 2
    # The photo of the other camera survived an edit that did not touch it.
    assert Camera.objects.exclude(photo="").count() == 1


def test_add_and_remove_cameras(client, signed_in):
    data = _edit_post(client)
    first_id = int(data["s0-c0-id"])
    # Drop camera 0, keep camera 1, add a new one.
    moved = {k.replace("s0-c1-", "s0-c0-"): v for k, v in data.items() if k.startswith("s0-c1-")}
    data = {k: v for k, v in data.items() if not re.match(r"s0-c\d+-", k)}
    data.update(moved)
    data.update(
        {
            "s0-camera_count": "2",
            "s0-c1-label": "Alley",
            "s0-c1-direction": "0",
            "s0-c1-field_of_view": "90",
            "s0-c1-range_ft": "50",
            "s0-c1-placement": "outdoor",
            "s0-c1-recording_mode": "motion",
            "s0-c1-retention_days": "3",
            "s0-c1-system_type": "standalone",
        }
    )
    response = client.post(reverse("registry:portal-edit"), data)
    assert response.status_code == 302, response.context["errors"]
    labels = sorted(Camera.objects.values_list("label", flat=True))
    assert labels == ["Alley", "Driveway"]
    assert not Camera.objects.filter(pk=first_id).exists()


def test_ids_of_someone_else_are_ignored(client, signed_in):
    other = Registrant.objects.create(kind="resident", name="Other", email="o@example.com")
    site = Site.objects.create(
        registrant=other,
        street="1 A St",
        city="Bakersfield",
        postcode="93301",
        latitude=35.37,
        longitude=-119.02,
        location_source="pin",
    )
    victim = Camera.objects.create(
        site=site, label="Theirs", direction=1, retention_days=1, system_type="other"
    )
    data = _edit_post(client)
    data["s0-c0-id"] = str(victim.pk)
    data["s0-id"] = str(site.pk)
    assert client.post(reverse("registry:portal-edit"), data).status_code == 302
    victim.refresh_from_db()
    assert victim.label == "Theirs" and victim.site.registrant == other
    assert Site.objects.filter(registrant=other).count() == 1


def test_photo_is_served_only_to_its_owner(client, signed_in):
    camera = Camera.objects.exclude(photo="").get()
    url = reverse("registry:portal-photo", args=[camera.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert "sandbox" in response["Content-Security-Policy"]
    assert client.__class__().get(url).status_code == 404


def test_leave_erases_personal_data(client, signed_in, django_capture_on_commit_callbacks):
    photo_name = Camera.objects.exclude(photo="").get().photo
    assert default_storage.exists(photo_name)
    page = client.post(reverse("registry:portal-leave"), {"reason": "no_system"})
    assert page.status_code == 400  # the confirmation box is required
    assert Registrant.objects.get().status == RegistrationStatus.ACTIVE

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("registry:portal-leave"), {"reason": "no_system", "confirm": "on"}
        )
    assert response.status_code == 302 and response["Location"] == reverse("registry:goodbye")
    tombstone = Registrant.objects.get()
    assert tombstone.status == RegistrationStatus.LEFT
    assert tombstone.leave_reason == "no_system"
    for field in ("name", "email", "phone", "alternate_phone", "business_name", "contact_hours"):
        assert getattr(tombstone, field) == ""
    assert not Site.objects.exists() and not Camera.objects.exists()
    assert not default_storage.exists(photo_name)
    assert Consent.objects.get().ip_address is None
    # The goodbye email went out, then was erased from the outbox like the others.
    assert mail.outbox[-1].to == ["ana@example.com"]
    for message in OutboxMessage.objects.all():
        assert "ana@example.com" not in message.to_address
        assert "Ana Ruiz" not in message.body_text
        assert "Truxtun" not in message.body_text
    # The session is over.
    assert client.get(reverse("registry:portal")).status_code == 302


def test_moved_within_area_clears_sites(client, signed_in):
    response = client.post(reverse("registry:portal-moved"), {"where": "within"})
    assert response.status_code == 302
    assert response["Location"] == reverse("registry:portal-edit")
    assert not Site.objects.exists()
    assert Registrant.objects.get().status == RegistrationStatus.ACTIVE


def test_moved_away_leaves(client, signed_in):
    client.post(reverse("registry:portal-moved"), {"where": "away"})
    tombstone = Registrant.objects.get()
    assert tombstone.status == RegistrationStatus.LEFT and tombstone.leave_reason == "moved"


def test_accept_newer_terms(client, signed_in):
    assert not services.needs_terms_acceptance(signed_in)
    v2 = services.create_terms_draft(
        {
            "en": {"title": "Terms v2", "body": "New."},
            "es": {"title": "Términos v2", "body": "Nuevo."},
        }
    )
    assert not services.needs_terms_acceptance(signed_in)  # a draft asks nothing yet
    services.publish_terms(v2)
    assert services.needs_terms_acceptance(signed_in)
    assert "The terms have changed" in client.get(reverse("registry:portal")).content.decode()
    assert client.post(reverse("registry:portal-terms"), {}).status_code == 400
    response = client.post(reverse("registry:portal-terms"), {"terms-accept_terms": "on"})
    assert response.status_code == 302
    assert not services.needs_terms_acceptance(signed_in)
    assert Consent.objects.filter(terms_version=v2).count() == 1


def test_portal_session_times_out(client, signed_in):
    import time_machine

    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        assert client.get(reverse("registry:portal")).status_code == 302

"""Agency profile: saved, audited, the logo re-encoded; bad input changes nothing."""

from __future__ import annotations

import io

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from camreg.agency import services
from camreg.testing.audit import events, one_event

pytestmark = pytest.mark.django_db

URL = reverse("settings:profile")


def profile_post(**changes) -> dict:
    agency = services.current()
    data = {name: getattr(agency, name) for name in services.PROFILE_FIELDS}
    data.update(changes)
    return data


def image_file(fmt: str, name: str, size=(300, 120), **save) -> SimpleUploadedFile:
    out = io.BytesIO()
    mode = "RGBA" if fmt == "PNG" else "RGB"
    Image.new(mode, size, (20, 60, 120)).save(out, format=fmt, **save)
    return SimpleUploadedFile(name, out.getvalue(), content_type=f"image/{fmt.lower()}")


def test_coordinator_saves_the_profile_and_it_is_audited(coordinator):
    response = coordinator.post(
        URL, profile_post(name="Kern County Sheriff", contact_phone="(661) 555-0100")
    )
    assert response.status_code == 302
    agency = services.current()
    assert agency.name == "Kern County Sheriff"
    assert agency.contact_phone == "(661) 555-0100"
    event = one_event("settings.agency_updated")
    assert event.details["changed"] == ["name", "contact_phone"]
    old_and_new = ["Kern County Sheriff's Office", "Kern County Sheriff"]
    assert event.details["values"]["name"] == old_and_new
    assert event.actor_id == str(coordinator.user.pk)
    assert event.target_type == "agency.agency"
    # The public pages show the new name at once (the cached agency was replaced).
    assert "Kern County Sheriff" in coordinator.get("/").content.decode()


def test_saving_without_changes_records_nothing(coordinator):
    response = coordinator.post(URL, profile_post(), follow=True)
    assert "Nothing changed" in response.content.decode()
    assert not events("settings.agency_updated")


def test_invalid_values_are_refused_and_change_nothing(coordinator):
    response = coordinator.post(
        URL, profile_post(contact_email="not an email", time_zone="Mars/Olympus_Mons")
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Program contact email: Enter a valid email address." in body
    assert "Time zone: Select a valid choice." in body
    assert services.current().contact_email == "cameraregistry@kernsheriff.org"
    assert not events("settings.agency_updated")


def test_spanish_name_and_states_are_part_of_the_profile(coordinator, client):
    response = coordinator.post(
        URL, profile_post(name_es="Sheriff del Condado de Kern", states="ca, nv")
    )
    assert response.status_code == 302
    agency = services.current()
    assert agency.name_es == "Sheriff del Condado de Kern"
    assert agency.states == "CA,NV"
    assert one_event("settings.agency_updated").details["changed"] == ["name_es", "states"]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    assert "Sheriff del Condado de Kern" in client.get("/").content.decode()


def test_the_example_address_is_part_of_the_profile(coordinator, client):
    response = coordinator.post(
        URL,
        profile_post(
            address_example_street="300 Truxtun Ave",
            address_example_city="Bakersfield",
            address_example_postcode="93301",
        ),
    )
    assert response.status_code == 302
    assert one_event("settings.agency_updated").details["changed"] == [
        "address_example_street",
        "address_example_postcode",
    ]
    form = client.get(reverse("registry:register")).content.decode()
    assert "for example 300 Truxtun Ave." in form


def test_an_example_zip_code_must_be_one(coordinator):
    response = coordinator.post(URL, profile_post(address_example_postcode="9330"))
    assert response.status_code == 400
    assert "Example ZIP code: Enter a 5-digit ZIP code." in response.content.decode()
    assert services.current().address_example_postcode == "93304"
    assert not events("settings.agency_updated")


def test_unknown_states_are_refused(coordinator):
    response = coordinator.post(URL, profile_post(states="XX"))
    assert response.status_code == 400
    assert services.current().states == "CA"
    assert not events("settings.agency_updated")


def test_png_logo_is_reencoded_stored_and_served(coordinator, client):
    upload = image_file("PNG", "badge.png", size=(3000, 1500))
    response = coordinator.post(URL, {**profile_post(), "logo_file": upload})
    assert response.status_code == 302, response.content.decode()[:2000]
    agency = services.current()
    assert agency.logo.name.startswith("agency/logo-") and agency.logo.name.endswith(".png")
    with default_storage.open(agency.logo.name) as handle, Image.open(handle) as image:
        assert image.format == "PNG"
        assert max(image.size) == 1024  # scaled down
    served = client.get(reverse("public:agency-logo"))
    assert served.status_code == 200
    assert b"".join(served.streaming_content).startswith(b"\x89PNG")
    assert one_event("settings.agency_updated").details["changed"] == ["logo"]


def test_jpeg_logo_loses_its_metadata(coordinator):
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"  # Make
    upload = image_file("JPEG", "badge.jpg", exif=exif.tobytes())
    coordinator.post(URL, {**profile_post(), "logo_file": upload})
    name = services.current().logo.name
    assert name.endswith(".jpg")
    with default_storage.open(name) as handle, Image.open(handle) as image:
        assert image.format == "JPEG"
        assert not image.getexif()


def test_replacing_and_removing_the_logo_deletes_the_old_file(
    coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        coordinator.post(URL, {**profile_post(), "logo_file": image_file("PNG", "first.png")})
    first = services.current().logo.name
    with django_capture_on_commit_callbacks(execute=True):
        coordinator.post(URL, {**profile_post(), "logo_file": image_file("PNG", "second.png")})
    second = services.current().logo.name
    assert second != first
    assert default_storage.exists(second) and not default_storage.exists(first)
    with django_capture_on_commit_callbacks(execute=True):
        coordinator.post(URL, {**profile_post(), "remove_logo": "on"})
    assert services.current().logo.name == ""
    assert not default_storage.exists(second)
    assert [e.details["changed"] for e in events("settings.agency_updated")] == [["logo"]] * 3


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("badge.gif", None, "The logo must be a PNG or JPEG image."),
        ("badge.svg", b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", "not an image we can"),
        ("badge.png", b"\x89PNG\r\n\x1a\nbroken", "not an image we can read"),
    ],
)
def test_other_files_are_refused_as_logo(coordinator, name, content, message):
    if content is None:
        upload = image_file("GIF", name)
    else:
        upload = SimpleUploadedFile(name, content)
    response = coordinator.post(URL, {**profile_post(name="Changed"), "logo_file": upload})
    assert response.status_code == 400
    assert message in response.content.decode()
    agency = services.current()
    assert agency.logo.name == "" and agency.name == "Kern County Sheriff's Office"
    assert not events("settings.agency_updated")

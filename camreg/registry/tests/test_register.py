import re

import pytest
from django.core import mail
from django.urls import reverse

from camreg.registry.models import Camera, Consent, Registrant, RegistrationStatus, Site
from camreg.testing.registrants import registration_post

pytestmark = pytest.mark.django_db

URL = reverse("registry:register")


def test_form_renders_in_both_languages(client):
    english = client.get(URL)
    assert english.status_code == 200
    assert "Register your cameras" in english.content.decode()
    spanish = client.get(URL, HTTP_ACCEPT_LANGUAGE="es")
    assert spanish.status_code == 200
    assert 'lang="es"' in spanish.content.decode()
    assert "Registre sus cámaras" in spanish.content.decode()


def test_register_two_sites_three_cameras(client, address_points):
    data = registration_post(
        sites=[
            ({}, [{}, {"label": "Driveway", "direction": "180"}]),
            ({"label": "Shop", "street": "2400 Ming Avenue", "postcode": "93304"}, [{}]),
        ],
    )
    response = client.post(URL, data, HTTP_USER_AGENT="TestBrowser/1.0", REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"] == reverse("registry:register-sent")

    registrant = Registrant.objects.get()
    assert registrant.status == RegistrationStatus.UNVERIFIED
    assert registrant.phone == "+16615550123"
    sites = list(registrant.sites.order_by("pk"))
    # Stored as the address points spell them, not as typed.
    assert [s.street for s in sites] == ["1200 Truxtun Ave", "2400 Ming Ave"]
    assert sites[0].latitude == pytest.approx(35.3733)
    assert sites[1].longitude == pytest.approx(-119.04)
    assert sites[0].location_source != "pin"
    cameras = Camera.objects.filter(site__registrant=registrant).order_by("pk")
    assert [c.label for c in cameras] == ["Front door", "Driveway", "Front door"]
    assert cameras[1].direction == 180
    assert cameras[0].coverage == ["driveway", "street"]
    assert cameras[0].owner_can_export is True

    consent = Consent.objects.get(registrant=registrant)
    assert consent.terms_version.number == 1
    assert consent.ip_address == "203.0.113.9"
    assert consent.user_agent == "TestBrowser/1.0"

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ana@example.com"]
    assert "/verify/" in mail.outbox[0].body
    sent_page = client.get(response["Location"]).content.decode()
    assert "<strong>ana@example.com</strong>" in sent_page


def test_business_needs_business_name(client, address_points):
    response = client.post(URL, registration_post(kind="business"))
    assert response.status_code == 400
    assert "Business name" in response.content.decode()
    assert not Registrant.objects.exists()


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"phone": "12"}, "Enter a US phone number with area code, like (661) 555-0123."),
        ({"email": "not-an-email"}, "Enter an email address like name@example.com."),
        ({"name": ""}, "Enter your full name."),
    ],
)
def test_bad_contact_field_is_a_sentence(client, address_points, overrides, message):
    response = client.post(URL, registration_post(**overrides))
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert ":" + " " + message not in body  # not after the field's label
    assert 'aria-invalid="true"' in body
    assert not Registrant.objects.exists()
    assert not mail.outbox


@pytest.mark.parametrize(
    "camera, message",
    [
        ({"direction": "360"}, "from 0 to 359"),
        ({"direction": "-1"}, "from 0 to 359"),
        ({"field_of_view": "0"}, "from 1 to 360"),
        ({"field_of_view": "361"}, "from 1 to 360"),
        ({"retention_days": "366"}, "from 0 to 365"),
        ({"retention_days": "abc"}, "from 0 to 365"),
    ],
)
def test_camera_ranges(client, address_points, camera, message):
    response = client.post(URL, registration_post(sites=[({}, [camera])]))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Site.objects.exists()


def test_coordinates_out_of_range(client, address_points):
    data = registration_post(
        sites=[({"street": "1 Nowhere Rd", "latitude": "95", "longitude": "-119"}, [{}])]
    )
    response = client.post(URL, data)
    assert response.status_code == 400
    assert "between -90 and 90" in response.content.decode()


def test_terms_must_be_accepted(client, address_points):
    response = client.post(URL, registration_post(accept_terms=False))
    assert response.status_code == 400
    assert "accept the terms" in response.content.decode()
    assert not Registrant.objects.exists()


def test_unknown_address_asks_for_the_pin(client, address_points):
    data = registration_post(sites=[({"street": "77 Imaginary Way"}, [{}])])
    response = client.post(URL, data)
    assert response.status_code == 400
    assert "could not find this address" in response.content.decode()
    assert not Registrant.objects.exists()


def test_unknown_address_with_pin_is_accepted(client, address_points):
    data = registration_post(
        sites=[
            (
                {
                    "street": "77 Imaginary Way",
                    "latitude": "35.30",
                    "longitude": "-119.10",
                    "pin_placed": "1",
                },
                [{}],
            )
        ]
    )
    response = client.post(URL, data)
    assert response.status_code == 302
    site = Site.objects.get()
    assert (site.latitude, site.longitude, site.location_source) == (35.30, -119.10, "pin")


def test_address_outside_jurisdiction_stores_nothing(client, address_points):
    data = registration_post(
        sites=[({"street": "200 N Spring St", "city": "Los Angeles", "postcode": "90012"}, [{}])]
    )
    response = client.post(URL, data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Los Angeles (Los Angeles County) is outside Kern County" in body
    assert "sheriff&#x27;s office of Los Angeles County" in body
    assert not Registrant.objects.exists()
    assert not Site.objects.exists()
    assert not mail.outbox


def test_pin_outside_jurisdiction_is_refused(client, address_points):
    data = registration_post(
        sites=[({"latitude": "36.7378", "longitude": "-119.7871", "pin_placed": "1"}, [{}])]
    )
    response = client.post(URL, data)
    assert response.status_code == 400
    assert not Registrant.objects.exists()


def test_add_camera_and_site_without_javascript(client, address_points):
    data = registration_post(action="add-camera-0", name="Keep Me")
    response = client.post(URL, data)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="s0-c1-label"' in body
    assert 'value="Keep Me"' in body
    assert "usa-error-message" not in body  # no validation on a structure change
    assert not Registrant.objects.exists()

    data = registration_post(action="add-site")
    body = client.post(URL, data).content.decode()
    assert 'name="s1-street"' in body and 'name="site_count" value="2"' in body


def test_remove_camera_keeps_the_others(client, address_points):
    data = registration_post(
        sites=[({}, [{"label": "One"}, {"label": "Two"}, {"label": "Three"}])],
        action="remove-camera-0-1",
    )
    body = client.post(URL, data).content.decode()
    assert 'value="One"' in body and 'value="Three"' in body
    assert 'value="Two"' not in body
    assert 'name="s0-camera_count" value="2"' in body


def test_honeypot_stores_nothing_but_looks_fine(client, address_points):
    data = registration_post()
    data["contact-website"] = "http://spam.example"
    response = client.post(URL, data)
    assert response.status_code == 302
    assert not Registrant.objects.exists()
    assert not mail.outbox


def test_rate_limit_per_ip(client, address_points, settings):
    settings.RATE_LIMIT_REGISTER_PER_IP = "2/h"
    for n in range(2):
        response = client.post(URL, registration_post(email=f"p{n}@example.com"))
        assert response.status_code == 302
    response = client.post(URL, registration_post(email="p3@example.com"))
    assert response.status_code == 429
    assert Registrant.objects.count() == 2


def test_spanish_errors(client, address_points):
    client.cookies["camreg_language"] = "es"
    response = client.post(URL, registration_post(phone="12"))
    body = response.content.decode()
    assert response.status_code == 400
    assert "código de área" in body


def test_cached_empty_form_never_hides_a_submitted_one(client, address_points):
    first = client.get(URL).content.decode()
    second = client.get(URL).content.decode()
    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert strip.sub("", first) == strip.sub("", second)
    response = client.post(URL, registration_post(name="Zed Unique", phone="12"))
    body = response.content.decode()
    assert response.status_code == 400
    assert 'value="Zed Unique"' in body and "area code" in body

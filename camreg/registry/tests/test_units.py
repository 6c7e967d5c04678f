"""Units people use here: range in feet, direction as a compass point with its degrees;
meters and degrees stay what is stored."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from camreg.registry import units
from camreg.registry.models import Camera
from camreg.testing.registrants import portal_client, registration_post

URL = reverse("registry:register")


@pytest.mark.parametrize(
    "typed, degrees",
    [("90", 90), ("90°", 90), ("E", 90), ("ne", 45), ("NNW", 338), ("SO", 225), ("E (90°)", 90)],
)
def test_a_direction_is_typed_as_degrees_or_a_compass_point(typed, degrees):
    assert units.parse_direction(typed) == degrees


@given(st.text(max_size=30))
def test_any_typed_direction_is_degrees_or_nothing(text):
    degrees = units.parse_direction(text)
    assert degrees is None or isinstance(degrees, int)


def test_compass_labels_in_both_languages():
    assert units.compass_label(90) == "E (90°)"
    assert units.compass_label(215) == "SW (215°)"
    with translation.override("es"):
        assert units.compass_label(270) == "O (270°)"


@pytest.mark.django_db
def test_feet_and_compass_points_on_the_form_meters_and_degrees_stored(client, address_points):
    data = registration_post(sites=[({}, [{"direction": "SE", "range_ft": "100"}])])
    assert client.post(URL, data).status_code == 302
    camera = Camera.objects.get()
    assert (camera.direction, camera.range_m) == (135, 30)


@pytest.mark.django_db
def test_a_direction_that_is_neither_says_what_to_type(client, address_points):
    data = registration_post(sites=[({}, [{"direction": "up"}])])
    body = client.post(URL, data).content.decode()
    assert "Enter a compass point such as NE, or a whole number of degrees" in body


@pytest.mark.django_db
def test_the_portal_shows_feet_and_compass_points(make_registrant):
    registrant = make_registrant(status="active", cameras=[{"direction": 90, "range_m": 30}])
    page = portal_client(registrant).get(reverse("registry:portal")).content.decode()
    assert "faces E (90°)" in page and "about 98 ft" in page
    edit = portal_client(registrant).get(reverse("registry:portal-edit")).content.decode()
    assert 'name="s0-c0-range_ft" value="98"' in edit

"""The map on the registration form: a pin per place, aiming a camera by clicking the map,
and the same form working without JavaScript."""

from __future__ import annotations

import pytest

from camreg.agency import services as agency_services
from camreg.registry.models import Registrant, Site
from camreg.testing.browser import (
    assert_accessible,
    fill_camera,
    fill_contact,
    fill_site,
    press,
    submit_registration,
    tick,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]


def site(page, index: int):
    return page.locator(f'fieldset.site-fieldset[data-site-index="{index}"]')


def touch_map(page, index: int, x: float, y: float, viewport: str) -> None:
    """Click (desktop) or tap (phone) the map of place `index` at (x, y) inside the map."""
    map_el = site(page, index).locator(".site-map")
    map_el.scroll_into_view_if_needed()
    if viewport == "phone":
        map_el.tap(position={"x": x, "y": y})
    else:
        map_el.click(position={"x": x, "y": y})


def coordinates(page, index: int) -> tuple[float, float]:
    lat = page.locator(f'[name="s{index}-latitude"]').input_value()
    lon = page.locator(f'[name="s{index}-longitude"]').input_value()
    assert lat and lon, f"place {index + 1}: the map did not fill latitude and longitude"
    return float(lat), float(lon)


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_map_places_the_pin_and_aims_a_camera(new_page, address_points, viewport):
    page = new_page(viewport)
    page.goto("/register/")
    press(page, "add-site")
    # The maps come when they near the screen: site-map.js fetches Leaflet then.
    site(page, 0).locator(".site-map-wrapper").scroll_into_view_if_needed()
    page.locator(".site-map.leaflet-container").nth(1).wait_for()

    # One working map per place.
    assert page.locator("fieldset.site-fieldset").count() == 2
    for index in (0, 1):
        block = site(page, index)
        assert block.locator(".site-map-wrapper").is_visible()
        assert block.locator(".site-map.leaflet-container").is_visible()
        assert block.locator(".aim-button").first.is_visible()
        assert page.locator(f'[name="s{index}-pin_placed"]').input_value() in ("", "False")
    box = site(page, 0).locator(".site-map").bounding_box()
    assert box and box["width"] > 200 and box["height"] > 150, box
    width, height = box["width"], box["height"]

    # The map starts on the agency's jurisdiction: its boundary's bounds.
    (south, west), (north, east) = agency_services.map_bounds()
    middle_lon = (west + east) / 2

    # Clicking the map puts the pin there and fills the place's coordinates.
    pin = (width / 2 - width / 8, height / 2 - height / 8)
    touch_map(page, 0, *pin, viewport)
    lat, lon = coordinates(page, 0)
    assert south < lat < north and west < lon < east, (lat, lon)  # in the jurisdiction
    assert lon < middle_lon, "clicked west of the map's centre"
    assert page.locator('[name="s0-pin_placed"]').input_value() == "1"
    assert page.locator('[name="s1-latitude"]').input_value() == "", "only place 1 moved"

    # "Aim on the map", then a click east of the pin: the camera faces about 90 degrees.
    aim = site(page, 0).locator('fieldset.camera-fieldset[data-camera-index="0"] .aim-button')
    aim.click()
    assert aim.get_attribute("aria-pressed") == "true"
    direction = page.locator('[name="s0-c0-direction"]')
    assert direction.input_value() == ""
    touch_map(page, 0, pin[0] + width / 4, pin[1], viewport)
    value = direction.input_value()
    assert value.isdigit() and 0 <= int(value) <= 359, value
    assert abs(int(value) - 90) <= 15, f"clicked east of the pin but the camera faces {value}"
    assert aim.get_attribute("aria-pressed") == "false"
    assert coordinates(page, 0) == (lat, lon), "aiming must not move the pin"
    assert site(page, 0).locator(".leaflet-overlay-pane path").count() >= 1, "no view cone"

    # The second place has its own pin.
    touch_map(page, 1, width / 2 + width / 6, height / 2 - height / 6, viewport)
    lat2, lon2 = coordinates(page, 1)
    assert page.locator('[name="s1-pin_placed"]').input_value() == "1"
    assert lon2 > middle_lon, "clicked east of the map's centre"
    assert coordinates(page, 0) == (lat, lon)

    assert_accessible(page, f"registration form with pins placed ({viewport})")

    # Registering keeps the pins and the aimed direction.
    email = f"map-{viewport}@example.com"
    fill_contact(page, name="Luis Ortega", email=email, language="en")
    fill_site(page, 0, street="1200 Truxtun Ave", city="Bakersfield", postcode="93301")
    fill_camera(page, 0, 0, label="Front door", direction=None)
    fill_site(page, 1, street="2400 Ming Ave", city="Bakersfield", postcode="93304")
    fill_camera(page, 1, 0, label="Back yard", direction=0)
    tick(page, "terms-accept_terms")
    submit_registration(page)
    assert page.url.endswith("/register/sent/"), page.url
    assert not page.csp_violations, page.csp_violations

    registrant = Registrant.objects.get(email=email)
    first, second = registrant.sites.order_by("pk")
    assert first.location_source == "pin" and second.location_source == "pin"
    assert first.latitude == pytest.approx(lat, abs=1e-6)
    assert first.longitude == pytest.approx(lon, abs=1e-6)
    assert second.latitude == pytest.approx(lat2, abs=1e-6)
    assert second.longitude == pytest.approx(lon2, abs=1e-6)
    assert first.cameras.get().direction == int(value)


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_no_map_controls_without_javascript(new_page, viewport):
    page = new_page(viewport, javascript=False)
    page.goto("/register/")
    assert page.locator(".leaflet-container").count() == 0
    assert not page.locator(".site-map-wrapper").is_visible()
    # The coordinates can still be typed in.
    assert page.locator("details.coordinates summary").is_visible()
    # "Aim on the map" does nothing without the map, so it must not be shown.
    aim = page.locator(".aim-button")
    assert aim.count() == 1
    assert not aim.is_visible(), (
        "the “Aim on the map” button (hidden attribute) is shown without JavaScript: "
        f"its computed display is {aim.evaluate('el => getComputedStyle(el).display')!r}"
    )


def test_registration_works_without_javascript(new_page, address_points):
    page = new_page("desktop", javascript=False)
    page.goto("/register/")
    assert page.locator(".leaflet-container").count() == 0

    # "Add another camera" is a plain submit button.
    fill_contact(page, name="Rosa Diaz", email="nojs@example.com", language="en")
    press(page, "add-camera-0")
    assert site(page, 0).locator("fieldset.camera-fieldset").count() == 2
    fill_site(page, 0, label="Home", street="5300 White Ln", city="Bakersfield", postcode="93309")
    fill_camera(page, 0, 0, label="Porch", direction=45)
    fill_camera(page, 0, 1, label="Garage", direction=300, placement="indoor")
    tick(page, "terms-accept_terms")
    assert_accessible(page, "registration form without JavaScript")
    submit_registration(page)
    assert page.url.endswith("/register/sent/"), page.url

    registrant = Registrant.objects.get(email="nojs@example.com")
    (place,) = Site.objects.filter(registrant=registrant)
    assert place.street == "5300 White Ln"
    assert place.location_source != "pin"
    assert place.latitude == pytest.approx(35.33, abs=1e-3)
    assert place.longitude == pytest.approx(-119.09, abs=1e-3)
    assert sorted(place.cameras.values_list("direction", flat=True)) == [45, 300]

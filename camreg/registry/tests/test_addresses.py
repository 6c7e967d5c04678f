"""Addresses on the registration form: the example works, near misses get "Did you mean",
another county's address says who serves it, problems come in one round, and what is stored
is the tidy spelling of the address found."""

from __future__ import annotations

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from camreg import caching
from camreg.agency import services as agency_services
from camreg.agency.models import Agency
from camreg.geo.geocoders import AddressQuery
from camreg.registry import services
from camreg.registry.models import Registrant, Site
from camreg.testing.registrants import registration_post

pytestmark = pytest.mark.django_db
URL = reverse("registry:register")


@pytest.fixture
def demo_points(demo_address_points):
    """The demo's address points (root conftest.py)."""


def _site(street, city="Bakersfield", postcode="93304"):
    return {"street": street, "city": city, "postcode": postcode, "unit": ""}


def test_the_forms_example_address_is_found_in_the_demo(client, demo_points):
    agency = agency_services.current()
    street = agency.address_example_street
    page = client.get(URL).content.decode()
    assert f"for example {street}." in page
    assert f"For example {agency.address_example_city}." in page
    located = services.locate_site(
        _site(street, agency.address_example_city, agency.address_example_postcode)
    )
    assert located.address["street"] == street


def test_the_example_address_is_the_agencys_own(client, db):
    agency = agency_services.current()
    Agency.objects.filter(pk=agency.pk).update(
        address_example_street="2326 Tulare St",
        address_example_city="Fresno",
        address_example_postcode="93721",
    )
    caching.forget(agency_services.CACHE_KEY)
    page = client.get(URL).content.decode()
    assert "for example 2326 Tulare St." in page and "For example Fresno." in page
    assert "1701 Ming Ave" not in page and "For example Bakersfield" not in page
    spanish = client.get(URL, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "por ejemplo 2326 Tulare St." in spanish


def test_without_an_example_the_fields_say_what_they_want(client, db):
    agency = agency_services.current()
    Agency.objects.filter(pk=agency.pk).update(
        address_example_street="", address_example_city="", address_example_postcode=""
    )
    caching.forget(agency_services.CACHE_KEY)
    page = client.get(URL).content.decode()
    assert "House number and street." in page
    assert "for example" not in page.lower().split("street address", 1)[1].split("zip", 1)[0]
    spanish = client.get(URL, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Número de casa y calle." in spanish


@pytest.mark.parametrize(
    "street, city, postcode",
    [
        ("1701 Mng Ave", "Bakersfield", "93304"),  # a typo in the street
        ("1701 Ming Ave", "Bakersfeld", "93304"),  # a typo in the city
        ("1701 Ming Ave", "Bakersfield", "93301"),  # the wrong ZIP code
        ("1701 W Ming Ave", "Bakersfield", "93304"),  # a directional the street lacks
        ("1705 Ming Ave", "Bakersfield", "93304"),  # a number that is not there
    ],
)
def test_near_misses_are_offered_the_closest_addresses(demo_points, street, city, postcode):
    with pytest.raises(services.SiteLocationError) as caught:
        services.locate_site(_site(street, city, postcode))
    labels = [choice.label for choice in caught.value.suggestions]
    assert labels and labels[0] == "1701 Ming Ave, Bakersfield, CA 93304", labels
    assert "Is it one of the addresses below?" in caught.value.message


def test_choosing_a_suggestion_registers_its_tidy_address(client, demo_points):
    data = registration_post(
        sites=[({"street": "1701 mng avenue", "city": "BAKERSFELD", "postcode": "93304"}, [{}])]
    )
    first = client.post(URL, data)
    assert first.status_code == 400
    body = first.content.decode()
    assert "Did you mean one of these addresses?" in body
    [block] = first.context["form"].sites
    choice = block.suggestions[0]
    assert f'value="{choice.point_id}"' in body

    data["s0-suggestion"] = str(choice.point_id)
    second = client.post(URL, data)
    assert second.status_code == 302, second.context["errors"]
    site = Site.objects.get()
    assert (site.street, site.city, site.postcode) == ("1701 Ming Ave", "Bakersfield", "93304")
    assert (site.latitude, site.longitude) == (choice.latitude, choice.longitude)


def test_a_typed_address_is_stored_as_the_address_points_spell_it(client, demo_points):
    data = registration_post(
        sites=[({"street": "1701 MING AVENUE", "city": "bakersfield", "postcode": "93304"}, [{}])]
    )
    assert client.post(URL, data).status_code == 302
    site = Site.objects.get()
    assert (site.street, site.city) == ("1701 Ming Ave", "Bakersfield")


@pytest.mark.parametrize(
    "city, postcode, field, place",
    [
        ("Los Angeles", "90012", "postcode", "Los Angeles (Los Angeles County)"),
        ("Fresno", "", "city", "Fresno (Fresno County)"),
    ],
)
def test_another_countys_address_says_who_serves_it(demo_points, city, postcode, field, place):
    with pytest.raises(services.SiteLocationError) as caught:
        services.locate_site(_site("200 N Spring St", city, postcode))
    assert caught.value.field == field
    assert caught.value.message.startswith(f"{place} is outside Kern County")
    assert "sheriff's office of" in caught.value.message
    assert not caught.value.suggestions


def test_a_wrong_zip_in_a_city_of_the_area_is_not_called_outside(demo_points):
    with pytest.raises(services.SiteLocationError) as caught:
        services.locate_site(_site("1701 Ming Ave", "Bakersfield", "90012"))
    assert "outside" not in caught.value.message
    assert caught.value.suggestions


def test_outside_message_in_spanish(client, demo_points):
    client.cookies["camreg_language"] = "es"
    data = registration_post(
        sites=[({"street": "200 N Spring St", "city": "Los Angeles", "postcode": "90012"}, [{}])]
    )
    body = client.post(URL, data).content.decode()
    assert "está fuera de Kern County" in body or "está fuera de" in body
    assert "Oficina del Sheriff del Condado de Kern" in body


def test_address_and_other_fields_are_checked_in_one_round(client, demo_points):
    data = registration_post(
        sites=[({"street": "77 Imaginary Way"}, [{"label": ""}])], phone="12", accept_terms=False
    )
    response = client.post(URL, data)
    assert response.status_code == 400
    summary = [item[0] for item in response.context["errors"]]
    # In the order of the page: contact, place, camera, terms.
    assert summary == [
        "id_contact-phone",
        "id_s0-street",
        "id_s0-c0-label",
        "id_terms-accept_terms",
    ]
    assert not Registrant.objects.exists()


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    street=st.text(max_size=120),
    city=st.text(max_size=60),
    postcode=st.text(alphabet="0123456789-", max_size=10),
)
def test_hostile_addresses_get_an_answer_never_a_crash(demo_points, street, city, postcode):
    try:
        located = services.locate_site(_site(street, city, postcode))
    except services.SiteLocationError as error:
        assert error.message
        for choice in error.suggestions:
            assert choice.label
    else:
        assert located.address.get("street")


def test_suggestions_need_a_street_like_the_typed_one(demo_points):
    from camreg.geo.suggestions import suggest

    assert suggest(AddressQuery("1701 Zzyzx Qwerty Blvd", "Bakersfield", "93304")) == []


def test_the_maps_look_up_finds_addresses_inside_the_area(client, demo_points):
    url = reverse("registry:locate")
    found = client.get(url, {"street": "1701 ming avenue", "city": "Bakersfield"}).json()
    assert found["found"] is True
    assert found["latitude"] == pytest.approx(35.3368887)
    assert client.get(url, {"street": "1701 Mng Ave"}).json() == {"found": False}
    outside = {"street": "200 N Spring St", "city": "Los Angeles", "postcode": "90012"}
    assert client.get(url, outside).json() == {"found": False}
    assert not Site.objects.exists()


def test_the_maps_look_up_is_rate_limited(client, demo_points, settings):
    settings.RATE_LIMIT_LOCATE_PER_IP = "2/h"
    url = reverse("registry:locate")
    for _ in range(2):
        assert client.get(url, {"street": "1701 Ming Ave"}).status_code == 200
    assert client.get(url, {"street": "1701 Ming Ave"}).status_code == 429

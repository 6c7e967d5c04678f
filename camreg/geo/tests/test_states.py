"""Reading the state in a typed address, and geocoding limited to the caller's states."""

from __future__ import annotations

import pytest

from camreg.geo import services, states
from camreg.geo.geocoders import AddressQuery


@pytest.mark.parametrize(
    ("text", "city", "state", "postcode"),
    [
        ("1200 Truxtun Ave, Bakersfield, CA 93301", "BAKERSFIELD", "CA", "93301"),
        ("1200 Truxtun Ave, Bakersfield CA 93301", "BAKERSFIELD", "CA", "93301"),
        ("1200 Truxtun Ave, Bakersfield, California", "BAKERSFIELD", "CA", ""),
        ("1200 Truxtun Ave, Reno, NV 89501", "RENO", "NV", "89501"),
        ("1200 Main St, Santa Fe, New Mexico 87501", "SANTA FE", "NM", "87501"),
        ("1200 Main St, Charleston West Virginia", "CHARLESTON", "WV", ""),
        ("1200 Truxtun Ave, CA", "", "CA", ""),
        ("1200 Truxtun Ave, Bakersfield", "BAKERSFIELD", "", ""),
        ("1200 Truxtun Ave, California City, CA 93505", "CALIFORNIA CITY", "CA", "93505"),
        ("500 Main St, Washington", "WASHINGTON", "", ""),  # a town, not the state
        ("500 Main St, Washington, DC 20001", "WASHINGTON", "DC", "20001"),
    ],
)
def test_the_state_of_a_typed_address(text, city, state, postcode):
    query = AddressQuery.from_text(text)
    assert (query.city, query.state, query.postcode) == (city, state, postcode)


def test_state_codes_and_names():
    assert states.state_code("ca") == "CA"
    assert states.state_code("California") == "CA"
    assert states.state_code("Narnia") == ""
    assert states.parse_codes("ca, NV,CA") == ("CA", "NV")
    assert states.parse_codes(["CA"]) == ("CA",)
    with pytest.raises(ValueError, match="XX is not a U.S. state code"):
        states.parse_codes("CA, XX")


@pytest.mark.django_db
def test_geocoding_limited_to_states(address_points):
    in_california = AddressQuery.from_text("1200 Truxtun Ave, Bakersfield, CA")
    in_nevada = AddressQuery.from_text("1200 Truxtun Ave, Bakersfield, NV")
    unnamed = AddressQuery.from_text("1200 Truxtun Ave, Bakersfield")
    assert services.geocode(in_california, states={"CA"}).state == "CA"
    assert services.geocode(in_nevada, states={"CA"}) is None
    assert services.geocode(unnamed, states={"CA"}) is not None
    assert services.geocode(unnamed, states={"NV"}) is None  # the address data says CA
    assert services.geocode(in_nevada) is not None  # no states given: no limit

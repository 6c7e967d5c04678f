"""Addresses are looked up in the agency's state(s) only: one typed with another state is
not found, and neither is one the address data places in another state."""

from __future__ import annotations

import pytest

from camreg.agency import services as agency_services
from camreg.geo.geocoders import AddressQuery

pytestmark = pytest.mark.django_db

TRUXTUN = (35.3733, -119.0210)  # 1200 Truxtun Ave in the test address points (CA)


def find(text: str):
    return agency_services.geocode(AddressQuery.from_text(text))


def point(result) -> tuple[float, float] | None:
    return None if result is None else (result.latitude, result.longitude)


def test_an_address_in_the_agencys_state_is_found(address_points):
    assert agency_services.current().state_codes == ("CA",)
    assert point(find("1200 Truxtun Ave, Bakersfield, CA 93301")) == TRUXTUN
    assert point(find("1200 Truxtun Ave, Bakersfield California 93301")) == TRUXTUN
    assert point(find("1200 Truxtun Ave, Bakersfield, 93301")) == TRUXTUN  # no state given


@pytest.mark.parametrize(
    "text",
    [
        "1200 Truxtun Ave, Bakersfield, NV 93301",
        "1200 Truxtun Ave, Bakersfield NV",
        "1200 Truxtun Ave, Bakersfield, Nevada",
        "1200 Truxtun Ave, Bakersfield, New Mexico 93301",
    ],
)
def test_an_address_in_another_state_is_not_found(address_points, text):
    assert find(text) is None


def test_the_states_follow_the_agency(address_points):
    agency_services.update(agency_services.current(), states="NV")
    # Typed as California: not the agency's state any more.
    assert find("1200 Truxtun Ave, Bakersfield, CA 93301") is None
    # Typed without a state, or as Nevada: the address data says California.
    assert find("1200 Truxtun Ave, Bakersfield, 93301") is None
    assert find("1200 Truxtun Ave, Bakersfield, NV 93301") is None

    agency_services.update(agency_services.current(), states="NV,CA")
    assert point(find("1200 Truxtun Ave, Bakersfield, CA 93301")) == TRUXTUN

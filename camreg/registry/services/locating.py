"""Locating sites: where a registrant's address is, and whether the agency serves it.

An address found among the address points is stored in their tidy spelling ("1200 Truxtun
Ave", not "1200 TRUXTUN AVENUE"). One that is not found gets help: when its ZIP code or city
lies outside the agency's area, the message says where it is and who serves it; otherwise
the closest address points are offered ("Did you mean ...?", geo.suggestions), and the person
chooses one (the form sends its id back as `suggestion`), corrects the address, or places
the pin.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from camreg.agency import services as agency_services
from camreg.agency.models import Agency
from camreg.geo import places, suggestions
from camreg.geo.geocoders import AddressQuery
from camreg.geo.suggestions import Suggestion

PIN = "pin"


class SiteLocationError(Exception):
    def __init__(self, field: str, message: str, choices: list[Suggestion] | None = None):
        super().__init__(message)
        self.field = field
        self.message = message
        # Address points like the one typed, for "Did you mean ...?" (inside the area).
        self.suggestions = choices or []


@dataclass(frozen=True)
class Located:
    latitude: float
    longitude: float
    source: str  # a geocoder's name, or "pin"
    # The matched address in its tidy form: street, unit, city, postcode (empty for a pin).
    address: dict[str, str] = field(default_factory=dict)


def locate_site(site: dict) -> Located:
    """Where a site is: the address point the registrant chose among suggestions, their pin
    if they placed it, else the geocoder's answer.

    Raises SiteLocationError when the address cannot be found (with suggestions when there
    are any; the registrant places the pin or types coordinates) or lies outside the
    agency's jurisdiction.
    """
    agency = agency_services.current()
    lat, lon = site.get("latitude"), site.get("longitude")
    chosen = _chosen_suggestion(site, agency)
    if chosen is not None:
        located = Located(
            chosen.latitude,
            chosen.longitude,
            "address-points",
            {
                "street": chosen.street_line,
                "unit": site.get("unit") or "",
                "city": chosen.city,
                "postcode": chosen.postcode,
            },
        )
    elif site.get("pin_placed") and lat is not None and lon is not None:
        located = Located(lat, lon, PIN)
    else:
        query = _query(site)
        result = agency_services.geocode(query, agency)
        if result is not None:
            tidy = {}
            if result.street_line:
                tidy = {
                    "street": result.street_line,
                    "unit": result.unit or site.get("unit") or "",
                    "city": result.city or site["city"],
                    "postcode": result.postcode or site["postcode"],
                }
            located = Located(result.latitude, result.longitude, result.source, tidy)
        elif lat is not None and lon is not None:
            located = Located(lat, lon, PIN)
        else:
            raise _not_found(query, agency)
    if not agency_services.contains(located.latitude, located.longitude, agency):
        place = places.zip_place(site.get("postcode") or "") if located.source != PIN else None
        raise SiteLocationError("street", outside_message(agency, place))
    return located


def _query(site: dict) -> AddressQuery:
    return AddressQuery(
        street_line=site["street"],
        city=site["city"],
        postcode=site["postcode"],
        unit=site.get("unit") or "",
    )


def _chosen_suggestion(site: dict, agency: Agency) -> Suggestion | None:
    try:
        point_id = int(site.get("suggestion") or 0)
    except (TypeError, ValueError):
        return None
    if point_id <= 0:
        return None
    return suggestions.suggestion(point_id)


def _not_found(query: AddressQuery, agency: Agency) -> SiteLocationError:
    place, field_name = _place_outside(query, agency)
    if place is not None:
        return SiteLocationError(field_name, outside_message(agency, place))
    choices = [
        choice
        for choice in suggestions.suggest(query, states_=agency.state_codes or None)
        if agency_services.contains(choice.latitude, choice.longitude, agency)
    ]
    if choices:
        return SiteLocationError(
            "street",
            _(
                "We could not find this address on our map. Is it one of the addresses "
                "below? Choose it and send the form again; or correct the street, city and "
                "ZIP code, or place the pin on the map."
            ),
            choices,
        )
    return SiteLocationError(
        "street",
        _(
            "We could not find this address on our map. Check the street, city and "
            "ZIP code, or place the pin on the map (or enter the latitude and "
            "longitude below)."
        ),
    )


def _place_outside(query: AddressQuery, agency: Agency) -> tuple[places.Place | None, str]:
    """The ZIP code's or city's area when it lies outside the agency's (and the other one
    does not contradict it), with the field to correct; (None, "") otherwise."""

    def inside(place: places.Place) -> bool:
        return agency_services.contains(place.latitude, place.longitude, agency)

    states = agency.state_codes
    cities = places.city_places(query.city, states) if query.city else []
    city_inside = any(inside(place) for place in cities)
    by_zip = places.zip_place(query.postcode) if query.postcode else None
    if by_zip is not None:
        if inside(by_zip):
            return None, ""
        if not city_inside:
            return by_zip, "postcode"
        return None, ""
    if cities and not city_inside:
        return cities[0], "city"
    return None, ""


def outside_message(agency: Agency, place: places.Place | None = None) -> str:
    """Why an address outside the jurisdiction cannot be registered, and whom to ask."""
    if place is not None and place.county and place.city:
        return _(
            "%(city)s (%(county)s) is outside %(area)s, so the %(agency)s cannot register "
            "this address. Please contact the sheriff's office of %(county)s or the police "
            "department of %(city)s; many run a similar program."
        ) % {
            "city": place.city,
            "county": place.county,
            "area": agency.jurisdiction_name,
            "agency": agency.local_name,
        }
    return _(
        "This address is outside %(area)s, so the %(agency)s cannot register it. "
        "Please contact the police department or sheriff's office that serves this "
        "address; many run a similar program."
    ) % {"area": agency.jurisdiction_name, "agency": agency.local_name}

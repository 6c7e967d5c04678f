"""Locating sites: where a registrant's address is, and whether the agency serves it."""

from __future__ import annotations

from django.utils.translation import gettext as _

from camreg.agency import services as agency_services
from camreg.geo.geocoders import AddressQuery


class SiteLocationError(Exception):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def locate_site(site: dict) -> tuple[float, float, str]:
    """Where a site is: the registrant's pin if they placed it, else the geocoder's answer.

    Raises SiteLocationError when the address cannot be found (the registrant places the
    pin or types coordinates) or lies outside the agency's jurisdiction.
    """
    lat, lon = site.get("latitude"), site.get("longitude")
    if site.get("pin_placed") and lat is not None and lon is not None:
        source = "pin"
    else:
        result = agency_services.geocode(
            AddressQuery(
                street_line=site["street"],
                city=site["city"],
                postcode=site["postcode"],
                unit=site.get("unit") or "",
            )
        )
        if result is not None:
            lat, lon, source = result.latitude, result.longitude, result.source
        elif lat is not None and lon is not None:
            source = "pin"
        else:
            raise SiteLocationError(
                "street",
                _(
                    "We could not find this address on our map. Check the street, city and "
                    "ZIP code, or place the pin on the map (or enter the latitude and "
                    "longitude below)."
                ),
            )
    agency = agency_services.current()
    if not agency_services.contains(lat, lon, agency):
        raise SiteLocationError(
            "street",
            _(
                "This address is outside %(area)s, so the %(agency)s cannot register it. "
                "Please contact the police department or sheriff's office that serves this "
                "address; many run a similar program."
            )
            % {"area": agency.jurisdiction_name, "agency": agency.name},
        )
    return lat, lon, source

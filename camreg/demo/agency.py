"""The demo agency: the Kern County Sheriff's Office (California), the program's first
agency. Created by `manage.py load_demo` and by the test fixture, never in production."""

from __future__ import annotations

import copy
import json
from functools import lru_cache
from pathlib import Path

from camreg.agency import services as agency_services
from camreg.agency.models import Agency, ConfirmMode

DATA_DIR = Path(__file__).resolve().parent / "data"
# The county boundary (US Census cartographic boundary, public domain).
BOUNDARY_FILE = DATA_DIR / "kern-county.geojson"

KERN_COUNTY = {
    "name": "Kern County Sheriff's Office",
    "name_es": "Oficina del Sheriff del Condado de Kern",
    "short_name": "KCSO",
    "program_name": "Camera Registry Program",
    "program_name_es": "Programa de Registro de Cámaras",
    "contact_email": "cameraregistry@kernsheriff.org",
    "contact_phone": "(661) 861-3110",
    "website": "https://www.kernsheriff.org/",
    "address": "1350 Norris Road, Bakersfield, CA 93308",
    # An address the demo's address points hold.
    "address_example_street": "1701 Ming Ave",
    "address_example_city": "Bakersfield",
    "address_example_postcode": "93304",
    "time_zone": "America/Los_Angeles",
    "jurisdiction_name": "Kern County",
    "states": "CA",
    "confirm_mode": ConfirmMode.REVIEW,
}


@lru_cache(maxsize=1)
def _boundary() -> dict:
    return json.loads(BOUNDARY_FILE.read_text())["features"][0]["geometry"]


def kern_county_boundary() -> dict:
    """The Kern County boundary geometry (a fresh copy)."""
    return copy.deepcopy(_boundary())


def profile() -> dict:
    """Everything setup_agency would be given for the demo agency."""
    return {**KERN_COUNTY, "boundary": kern_county_boundary()}


def ensure_agency() -> Agency:
    """The agency there is, or the demo agency created now (through agency.services)."""
    existing = Agency.objects.order_by("pk").first()
    if existing is not None:
        return existing
    return agency_services.create(profile())

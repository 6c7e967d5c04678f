"""Reading the agency's configuration."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from django.core.cache import cache

from .models import Agency, ConfirmMode

DATA_DIR = Path(__file__).resolve().parent / "data"
CACHE_KEY = "agency:current:v1"


def kcso_defaults() -> dict:
    """The Kern County Sheriff's Office: the default (and demo) agency."""
    boundary = json.loads((DATA_DIR / "kern-county.geojson").read_text())
    return {
        "name": "Kern County Sheriff's Office",
        "short_name": "KCSO",
        "program_name": "Camera Registry Program",
        "contact_email": "cameraregistry@kernsheriff.org",
        "contact_phone": "(661) 861-3110",
        "website": "https://www.kernsheriff.org/",
        "address": "1350 Norris Road, Bakersfield, CA 93308",
        "time_zone": "America/Los_Angeles",
        "boundary": boundary["features"][0]["geometry"],
        "jurisdiction_name": "Kern County",
        "confirm_mode": ConfirmMode.REVIEW,
    }


def current() -> Agency:
    """The agency of this installation, cached between requests."""
    agency = cache.get(CACHE_KEY)
    if agency is None:
        agency = Agency.objects.order_by("pk").first()
        if agency is None:
            agency = Agency.objects.create(**kcso_defaults())
        cache.set(CACHE_KEY, agency, 300)
    return agency


def update(agency: Agency, **changes) -> Agency:
    for field, value in changes.items():
        setattr(agency, field, value)
    agency.full_clean()
    agency.save()
    cache.delete(CACHE_KEY)
    boundary_shape.cache_clear()
    return agency


@lru_cache(maxsize=4)
def boundary_shape(boundary_json: str):
    """A prepared shapely geometry for fast point-in-polygon tests."""
    from shapely import prepared
    from shapely.geometry import shape

    geometry = shape(json.loads(boundary_json))
    return prepared.prep(geometry)


def contains(lat: float, lon: float, agency: Agency | None = None) -> bool:
    """Whether a point lies inside the agency's jurisdiction boundary."""
    from shapely.geometry import Point

    agency = agency or current()
    prepared_shape = boundary_shape(json.dumps(agency.boundary, sort_keys=True))
    return prepared_shape.covers(Point(lon, lat))

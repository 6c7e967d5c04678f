"""The agency's jurisdiction boundary: whether a point is inside, where maps start,
geocoding within the agency's states, and replacing the boundary."""

from __future__ import annotations

import hashlib
import json

from django.core.exceptions import ValidationError
from shapely.geometry import Point

from camreg import caching
from camreg.geo import services as geo_services

from .. import signals
from ..models import Agency
from .agency import CACHE_SECONDS, MAP_BOUNDS_KEY, current
from .configuration import change
from .geometry import _shape, _summary_details, boundary_shape, summarize


def contains(lat: float, lon: float, agency: Agency | None = None) -> bool:
    """Whether a point lies inside the agency's jurisdiction boundary."""
    agency = agency or current()
    prepared_shape = boundary_shape(json.dumps(agency.boundary, sort_keys=True))
    return prepared_shape.covers(Point(lon, lat))


def map_bounds() -> list[list[float]]:
    """[[south, west], [north, east]] of the jurisdiction boundary: where every map starts
    (cached like the agency; forgotten when the agency changes)."""
    return caching.shared(MAP_BOUNDS_KEY, _compute_map_bounds, CACHE_SECONDS)


def _compute_map_bounds() -> list[list[float]]:
    west, south, east, north = _shape(current().boundary).bounds
    return [[round(south, 6), round(west, 6)], [round(north, 6), round(east, 6)]]


def geocode(query, agency: Agency | None = None):
    """Where an address is (geo.services.geocode), looked up only in the agency's states:
    an address that names another state is not found."""
    agency = agency or current()
    return geo_services.geocode(query, states=agency.state_codes or None)


def points_outside(geometry: dict) -> list[str]:
    """What the geometry would leave out: one description per app that holds points
    outside it (registered sites, demo addresses), from `signals.boundary_replacing`."""
    shape_ = _shape(geometry)
    answers = signals.boundary_replacing.send(sender=Agency, shape=shape_)
    return [answer for _receiver, answer in answers if answer]


def replace_boundary(geometry: dict, *, filename: str = "", request=None, actor=None) -> Agency:
    """Make `geometry` (from parse_boundary) the jurisdiction boundary, audited.

    Refused (ValidationError, nothing changed) when registered sites would fall outside.
    """
    parts = points_outside(geometry)
    if parts:
        raise ValidationError(
            f"{' and '.join(parts)} would fall outside this boundary. The boundary must contain "
            "every registered site; nothing was changed."
        )
    old = summarize(current().boundary)
    new = summarize(geometry)
    encoded = json.dumps(geometry, sort_keys=True, separators=(",", ":")).encode()
    change(
        {"boundary": geometry},
        action="settings.boundary_replaced",
        request=request,
        actor=actor,
        details={
            "file_name": filename[:200],
            "sha256": hashlib.sha256(encoded).hexdigest(),
            "before": _summary_details(old),
            "after": _summary_details(new),
        },
    )
    return current()

"""What a deputy searches for: the place, the times and the purpose, checked, described
for the audit log, and held against the agency's limits."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from camreg.canvass.limits import CanvassLimits, InvalidSearch, check
from camreg.canvass.models import Case, CaseSearch, LocationKind
from camreg.geo import shapes


@dataclass(frozen=True)
class SearchParams:
    """What a deputy searches for. Exactly one of: a point with `radius_m`, a `polygon`
    (GeoJSON Polygon), or a `route` (GeoJSON LineString) with `corridor_width_m` (full
    width). `start` and `end` are aware datetimes."""

    case_number: str
    start: datetime
    end: datetime
    latitude: float | None = None
    longitude: float | None = None
    radius_m: float | None = None
    polygon: dict | None = None
    route: dict | None = None
    corridor_width_m: float | None = None
    purpose_statement: str = ""
    incident_type: str = ""
    case: Case | None = field(default=None, compare=False)
    # A later search of the case (CaseSearch); None: the case's own place and times.
    search: CaseSearch | None = field(default=None, compare=False)

    @classmethod
    def from_case(cls, case: Case, search: CaseSearch | None = None) -> SearchParams:
        """The case's first search, or `search`, a later one of the same case."""
        where = search if search is not None else case
        kind = where.location_kind
        return cls(
            case_number=case.case_number,
            start=where.start,
            end=where.end,
            latitude=where.latitude if kind == LocationKind.POINT else None,
            longitude=where.longitude if kind == LocationKind.POINT else None,
            radius_m=where.radius_m if kind == LocationKind.POINT else None,
            polygon=where.area if kind == LocationKind.POLYGON else None,
            route=where.area if kind == LocationKind.ROUTE else None,
            corridor_width_m=where.corridor_width_m if kind == LocationKind.ROUTE else None,
            purpose_statement=case.purpose_statement,
            incident_type=case.incident_type,
            case=case,
            search=search,
        )

    @property
    def kind(self) -> str:
        if self.polygon is not None:
            return LocationKind.POLYGON
        if self.route is not None:
            return LocationKind.ROUTE
        return LocationKind.POINT

    def scene(self) -> shapes.Scene:
        """The scene and search area; raises InvalidSearch when they make no sense."""
        given = [self.polygon is not None, self.route is not None, self.latitude is not None]
        if sum(given) != 1:
            raise InvalidSearch(
                "location_invalid",
                _("Give exactly one place: a point, an area drawn on the map, or a route."),
            )
        try:
            if self.polygon is not None:
                return shapes.PolygonScene.from_geojson(self.polygon)
            if self.route is not None:
                width = _number(self.corridor_width_m)
                if width is None or width <= 0:
                    raise InvalidSearch(
                        "corridor_width_invalid",
                        _("Give the width of the corridor along the route, in meters."),
                    )
                return shapes.RouteScene.from_geojson(self.route, width)
        except shapes.ShapeError as error:
            raise InvalidSearch("geometry_invalid", str(error)) from error
        lat, lon, radius = (
            _number(self.latitude),
            _number(self.longitude),
            _number(self.radius_m),
        )
        if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise InvalidSearch(
                "location_invalid", _("The scene's latitude or longitude is out of range.")
            )
        if radius is None or radius <= 0:
            raise InvalidSearch("radius_invalid", _("Give the search radius, in meters."))
        return shapes.CircleScene(lat, lon, radius)

    def check_times(self) -> None:
        for value in (self.start, self.end):
            if not isinstance(value, datetime) or timezone.is_naive(value):
                raise InvalidSearch(
                    "time_invalid", _("Give the start and end of the incident with a time zone.")
                )
        if self.end < self.start:
            raise InvalidSearch(
                "time_window_invalid", _("The end of the incident is before its start.")
            )

    def describe(self, scene: shapes.Scene | None = None) -> dict:
        """The parameters as the audit log keeps them."""
        details = {
            "kind": self.kind,
            "incident_type": self.incident_type,
            "start": self.start.isoformat() if isinstance(self.start, datetime) else None,
            "end": self.end.isoformat() if isinstance(self.end, datetime) else None,
            "purpose_statement": self.purpose_statement,
        }
        if self.case is not None:
            details["case_id"] = self.case.pk
        if self.search is not None:
            details["search_id"] = self.search.pk
        if scene is not None:
            details.update(scene.summary())
        else:
            for name in (
                "latitude",
                "longitude",
                "radius_m",
                "corridor_width_m",
                "polygon",
                "route",
            ):
                value = getattr(self, name)
                if value is not None:
                    details[name] = _json_safe(value)
        return details


def _json_safe(value):
    """The value as given, with what JSON cannot hold (NaN, infinity) as text."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    return value


def _number(value) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _violations(params: SearchParams, scene: shapes.Scene, limits: CanvassLimits):
    return check(
        limits,
        case_number=params.case_number,
        start=params.start,
        end=params.end,
        scene=scene,
        purpose_statement=params.purpose_statement,
    )

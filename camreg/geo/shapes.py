"""Shapes for canvass searches: circles, polygons, route corridors and camera view cones.

Distances and bearings between two points come from `camreg.geo.services` (great circle
on the same sphere). Lengths, areas, corridors and cone-against-area tests are computed in
a local metric frame: an azimuthal equidistant projection on that sphere centred on the
scene, in which distances from the centre are exact and every other length within a few
kilometres is off by less than a millionth.

Coordinates in GeoJSON are [longitude, latitude]; every function here that takes separate
numbers takes latitude first, as `geo.services` does.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

import numpy as np
import shapely
from django.utils.translation import gettext as _
from pyproj import Transformer
from shapely.geometry import LineString, Point, Polygon, mapping
from shapely.geometry.base import BaseGeometry

from .services import EARTH_RADIUS_M, bearing_deg, bearings_deg, distance_m, distances_m

SQUARE_METRES_PER_SQUARE_MILE = 1609.344**2  # 2,589,988.110336
# Boundaries are inclusive; these absorb floating-point noise on an exact boundary.
DISTANCE_TOLERANCE_M = 1e-6
ANGLE_TOLERANCE_DEG = 1e-9
# Drawn areas and routes: enough vertices for any real street pattern, no more.
MAX_VERTICES = 2000
# Degrees of arc between the points of a circle or a cone drawn as a polygon.
ARC_STEP_DEG = 5.0
# About a metre: a lon/lat outline's straight edges only approximate the true ones.
CELL_FILTER_PAD_DEG = 1e-5


class ShapeError(ValueError):
    """A drawn area or route that cannot be used (the message says why)."""


# The local metric frame ---------------------------------------------------------------


@lru_cache(maxsize=256)
def _aeqd(lat: float, lon: float) -> Transformer:
    return Transformer.from_pipeline(
        "+proj=pipeline +step +proj=unitconvert +xy_in=deg +xy_out=rad "
        f"+step +proj=aeqd +lat_0={lat!r} +lon_0={lon!r} +R={EARTH_RADIUS_M!r}"
    )


@dataclass(frozen=True)
class LocalFrame:
    """Metres east (x) and north (y) of a centre point."""

    lat: float
    lon: float

    @property
    def _transformer(self) -> Transformer:
        return _aeqd(self.lat, self.lon)

    def xy(self, lat: float, lon: float) -> tuple[float, float]:
        x, y = self._transformer.transform(lon, lat)
        return float(x), float(y)

    def xy_many(self, lats, lons) -> tuple[np.ndarray, np.ndarray]:
        return self._transformer.transform(np.asarray(lons, float), np.asarray(lats, float))

    def latlon(self, x: float, y: float) -> tuple[float, float]:
        lon, lat = self._transformer.transform(x, y, direction="INVERSE")
        return float(lat), float(lon)

    def project(self, geometry: BaseGeometry) -> BaseGeometry:
        """A lon/lat geometry in this frame's metres."""
        return shapely.transform(geometry, self._forward)

    def unproject(self, geometry: BaseGeometry) -> BaseGeometry:
        """A geometry in this frame's metres back in lon/lat."""
        return shapely.transform(geometry, self._inverse)

    def _forward(self, coords: np.ndarray) -> np.ndarray:
        x, y = self._transformer.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    def _inverse(self, coords: np.ndarray) -> np.ndarray:
        lon, lat = self._transformer.transform(coords[:, 0], coords[:, 1], direction="INVERSE")
        return np.column_stack([lon, lat])


def local_frame(lat: float, lon: float) -> LocalFrame:
    return LocalFrame(float(lat), float(lon))


# Points, bearings and view cones ------------------------------------------------------


def angle_between(a: float, b: float) -> float:
    """The smaller angle between two compass bearings, 0 to 180 (350 and 10 are 20 apart)."""
    return abs((a - b + 180.0) % 360.0 - 180.0)


def destination(lat: float, lon: float, bearing: float, distance: float) -> tuple[float, float]:
    """The point `distance` metres from (lat, lon) along the compass `bearing`."""
    lats, lons = _destinations(lat, lon, np.array([bearing], float), distance)
    return float(lats[0]), float(lons[0])


def _destinations(lat: float, lon: float, bearings: np.ndarray, distance: float):
    phi1, lambda1 = math.radians(lat), math.radians(lon)
    delta = distance / EARTH_RADIUS_M
    theta = np.radians(bearings)
    sin_phi2 = math.sin(phi1) * math.cos(delta) + math.cos(phi1) * math.sin(delta) * np.cos(theta)
    phi2 = np.arcsin(np.clip(sin_phi2, -1.0, 1.0))
    lambda2 = lambda1 + np.arctan2(
        np.sin(theta) * math.sin(delta) * math.cos(phi1),
        math.cos(delta) - math.sin(phi1) * np.sin(phi2),
    )
    return np.degrees(phi2), (np.degrees(lambda2) + 540.0) % 360.0 - 180.0


@dataclass(frozen=True)
class CameraView:
    """Where a camera is and what it looks at: compass direction, field of view, range."""

    lat: float
    lon: float
    direction: float  # degrees clockwise from north
    field_of_view: float  # degrees, 1 to 360
    range_m: float


def in_view_cone(camera: CameraView, lat: float, lon: float) -> bool:
    """Whether the point lies in the camera's view cone.

    Inside means: no farther than the range, and the bearing from the camera to the point
    within half the field of view either side of the direction (350 with 40 covers 330
    to 10). Boundaries count as inside; a 360 degree camera sees every bearing; a point at
    the camera itself is inside.
    """
    return _cone_test(camera, lat, lon)[0]


def _cone_test(camera: CameraView, lat: float, lon: float) -> tuple[bool, bool, float]:
    """(inside the cone, pointed toward the point whatever the range, distance)."""
    distance = distance_m(camera.lat, camera.lon, lat, lon)
    if distance <= DISTANCE_TOLERANCE_M or camera.field_of_view >= 360:
        toward = True
    else:
        bearing = bearing_deg(camera.lat, camera.lon, lat, lon)
        half = camera.field_of_view / 2.0
        toward = angle_between(bearing, camera.direction) <= half + ANGLE_TOLERANCE_DEG
    return toward and distance <= camera.range_m + DISTANCE_TOLERANCE_M, toward, distance


def view_cone(camera: CameraView) -> Polygon:
    """The camera's view cone as a lon/lat polygon (a circle for a 360 degree camera)."""
    if camera.field_of_view >= 360:
        bearings = np.linspace(0.0, 360.0, int(360 / ARC_STEP_DEG), endpoint=False)
        lats, lons = _destinations(camera.lat, camera.lon, bearings, camera.range_m)
        return Polygon(np.column_stack([lons, lats]))
    half = camera.field_of_view / 2.0
    steps = max(2, math.ceil(camera.field_of_view / ARC_STEP_DEG) + 1)
    bearings = np.linspace(camera.direction - half, camera.direction + half, steps)
    lats, lons = _destinations(camera.lat, camera.lon, bearings, camera.range_m)
    ring = [(camera.lon, camera.lat), *zip(lons.tolist(), lats.tolist(), strict=True)]
    return Polygon(ring)


# Circles, polygons and routes ---------------------------------------------------------


def circle(lat: float, lon: float, radius_m: float) -> Polygon:
    """A circle of `radius_m` around the point, as a lon/lat polygon (for maps)."""
    bearings = np.linspace(0.0, 360.0, int(360 / ARC_STEP_DEG), endpoint=False)
    lats, lons = _destinations(lat, lon, bearings, radius_m)
    return Polygon(np.column_stack([lons, lats]))


def polygon_from_geojson(geojson) -> Polygon:
    """A simple lon/lat polygon from a GeoJSON Polygon (or a Feature holding one).

    Raises ShapeError when it is not one: wrong type, too few or too many points,
    coordinates out of range, crossing edges, or holes (a search area has none).
    """
    geometry = _geometry(geojson, "Polygon")
    rings = geometry.get("coordinates")
    if not isinstance(rings, list) or len(rings) != 1:
        raise ShapeError(_("Draw the area as one outline without holes."))
    points = _positions(rings[0], minimum=4)
    if points[0] != points[-1]:
        points.append(points[0])
    polygon = Polygon(points)
    if not polygon.is_valid or polygon.area <= 0:
        raise ShapeError(
            _("The outline of the area crosses itself or encloses nothing; draw it again.")
        )
    return polygon


def line_from_geojson(geojson) -> LineString:
    """A lon/lat route from a GeoJSON LineString (or a Feature holding one)."""
    geometry = _geometry(geojson, "LineString")
    points = _positions(geometry.get("coordinates"), minimum=2)
    line = LineString(points)
    if line.length <= 0:
        raise ShapeError(_("A route needs at least two different points."))
    return line


def _geometry(geojson, expected: str) -> dict:
    if isinstance(geojson, dict) and geojson.get("type") == "Feature":
        geojson = geojson.get("geometry")
    if not isinstance(geojson, dict) or geojson.get("type") != expected:
        raise ShapeError(_("Expected a GeoJSON %(type)s.") % {"type": expected})
    return geojson


def _positions(value, *, minimum: int) -> list[tuple[float, float]]:
    if not isinstance(value, list) or not minimum <= len(value) <= MAX_VERTICES:
        raise ShapeError(
            _("Expected between %(minimum)d and %(maximum)d points.")
            % {"minimum": minimum, "maximum": MAX_VERTICES}
        )
    points = []
    for position in value:
        if not isinstance(position, list | tuple) or len(position) < 2:
            raise ShapeError(_("Each point needs a longitude and a latitude."))
        try:
            lon, lat = float(position[0]), float(position[1])
        except (TypeError, ValueError) as error:
            raise ShapeError(_("Coordinates must be numbers.")) from error
        if not (math.isfinite(lon) and math.isfinite(lat)):
            raise ShapeError(_("Coordinates must be numbers."))
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise ShapeError(_("Coordinates are out of range (longitude first, then latitude)."))
        points.append((lon, lat))
    return points


def _centre(geometry: BaseGeometry) -> tuple[float, float]:
    centre = geometry.centroid
    return centre.y, centre.x


def area_m2(polygon: Polygon) -> float:
    """Area of a lon/lat polygon in square metres."""
    lat, lon = _centre(polygon)
    return local_frame(lat, lon).project(polygon).area


def area_sq_mi(polygon: Polygon) -> float:
    return area_m2(polygon) / SQUARE_METRES_PER_SQUARE_MILE


def length_m(line: LineString) -> float:
    """Length of a lon/lat line in metres."""
    lat, lon = _centre(line)
    return local_frame(lat, lon).project(line).length


def corridor(line: LineString, width_m: float) -> Polygon:
    """The corridor of full width `width_m` along a lon/lat route, as a lon/lat polygon."""
    lat, lon = _centre(line)
    frame = local_frame(lat, lon)
    return frame.unproject(frame.project(line).buffer(width_m / 2.0))


# Scenes -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Assessment:
    """One camera against the scene."""

    inside: bool  # the camera stands in the search area
    distance_m: float  # to the scene point, or to the nearest point of the area or route
    faces: bool  # the scene lies in the view cone (for an area: the cone reaches it)
    toward: bool  # points at the scene, even if its range falls short (point scenes)


class Scene:
    """Where an incident happened, and the area searched around it."""

    kind: str

    @property
    def centre(self) -> tuple[float, float]:
        raise NotImplementedError

    def bounds(self) -> tuple[float, float, float, float]:
        """(south, west, north, east) in degrees: every point of the search area is inside."""
        raise NotImplementedError

    def cell_filter(self) -> Polygon:
        """A lon/lat polygon a little larger than the search area (to pick index cells)."""
        return self.outline().buffer(CELL_FILTER_PAD_DEG)

    def contains_many(self, lats: Sequence[float], lons: Sequence[float]) -> list[bool]:
        """Whether each point lies in the search area (boundary included)."""
        raise NotImplementedError

    def assess(self, cameras: Sequence[CameraView]) -> list[Assessment]:
        raise NotImplementedError

    def outline(self) -> Polygon:
        """The search area as a lon/lat polygon (for maps)."""
        raise NotImplementedError

    def summary(self) -> dict:
        raise NotImplementedError


@dataclass(frozen=True)
class CircleScene(Scene):
    """A point (an address or a map click) and a search radius around it."""

    lat: float
    lon: float
    radius_m: float
    kind: str = field(default="point", init=False)

    @property
    def centre(self) -> tuple[float, float]:
        return self.lat, self.lon

    @property
    def area_m2(self) -> float:
        return math.pi * self.radius_m**2

    def bounds(self) -> tuple[float, float, float, float]:
        angle = self.radius_m / EARTH_RADIUS_M
        dlat = math.degrees(angle)
        cos_lat = math.cos(math.radians(self.lat))
        ratio = math.sin(angle) / cos_lat if cos_lat > 1e-12 else 2.0
        dlon = 180.0 if ratio >= 1 else math.degrees(math.asin(ratio))
        pad = 1e-9
        return (
            max(-90.0, self.lat - dlat - pad),
            max(-180.0, self.lon - dlon - pad),
            min(90.0, self.lat + dlat + pad),
            min(180.0, self.lon + dlon + pad),
        )

    def contains(self, lat: float, lon: float) -> bool:
        return distance_m(self.lat, self.lon, lat, lon) <= self.radius_m + DISTANCE_TOLERANCE_M

    def contains_many(self, lats: Sequence[float], lons: Sequence[float]) -> list[bool]:
        if len(lats) != len(lons):
            raise ValueError("as many latitudes as longitudes")
        if not len(lats):
            return []
        inside = distances_m(self.lat, self.lon, lats, lons) <= self.radius_m + DISTANCE_TOLERANCE_M
        return inside.tolist()

    def assess(self, cameras: Sequence[CameraView]) -> list[Assessment]:
        """in_view_cone's test (_cone_test) for every camera at once: a search ranks about
        a hundred cameras, each against the same scene point."""
        if not cameras:
            return []
        count = len(cameras)
        lats = np.fromiter((c.lat for c in cameras), float, count)
        lons = np.fromiter((c.lon for c in cameras), float, count)
        directions = np.fromiter((c.direction for c in cameras), float, count)
        fields = np.fromiter((c.field_of_view for c in cameras), float, count)
        ranges = np.fromiter((c.range_m for c in cameras), float, count)
        distances = distances_m(self.lat, self.lon, lats, lons)
        off = np.abs(
            (bearings_deg(lats, lons, self.lat, self.lon) - directions + 180.0) % 360.0 - 180.0
        )
        toward = (
            (distances <= DISTANCE_TOLERANCE_M)
            | (fields >= 360)
            | (off <= fields / 2.0 + ANGLE_TOLERANCE_DEG)
        )
        faces = toward & (distances <= ranges + DISTANCE_TOLERANCE_M)
        inside = distances <= self.radius_m + DISTANCE_TOLERANCE_M
        return [
            Assessment(*values)
            for values in zip(
                inside.tolist(), distances.tolist(), faces.tolist(), toward.tolist(), strict=True
            )
        ]

    def outline(self) -> Polygon:
        return circle(self.lat, self.lon, self.radius_m)

    def cell_filter(self) -> Polygon:
        # Circumscribed: the polygon's edges lie outside the circle, not across it.
        radius = self.radius_m / math.cos(math.radians(ARC_STEP_DEG / 2))
        return circle(self.lat, self.lon, radius).buffer(CELL_FILTER_PAD_DEG)

    def summary(self) -> dict:
        return {
            "kind": self.kind,
            "latitude": self.lat,
            "longitude": self.lon,
            "radius_m": self.radius_m,
            "area_sq_mi": round(self.area_m2 / SQUARE_METRES_PER_SQUARE_MILE, 4),
        }


class _AreaScene(Scene):
    """A scene that is an area: a drawn polygon, or a corridor along a route."""

    frame: LocalFrame
    area_xy: Polygon  # the search area in the frame's metres
    target_xy: BaseGeometry  # what distances are measured to

    @cached_property
    def _prepared_area(self) -> Polygon:
        shapely.prepare(self.area_xy)
        return self.area_xy

    @property
    def centre(self) -> tuple[float, float]:
        return self.frame.lat, self.frame.lon

    def bounds(self) -> tuple[float, float, float, float]:
        west, south, east, north = self.outline().bounds
        pad = CELL_FILTER_PAD_DEG
        return south - pad, west - pad, north + pad, east + pad

    @cached_property
    def _outline(self) -> Polygon:
        return self.frame.unproject(self.area_xy.segmentize(50.0))

    def outline(self) -> Polygon:
        return self._outline

    def contains(self, lat: float, lon: float) -> bool:
        return self._prepared_area.covers(Point(self.frame.xy(lat, lon)))

    def contains_many(self, lats: Sequence[float], lons: Sequence[float]) -> list[bool]:
        xs, ys = self.frame.xy_many(lats, lons)
        return shapely.covers(self._prepared_area, shapely.points(xs, ys)).tolist()

    def assess(self, cameras: Sequence[CameraView]) -> list[Assessment]:
        if not cameras:
            return []
        xs, ys = self.frame.xy_many([c.lat for c in cameras], [c.lon for c in cameras])
        points = shapely.points(xs, ys)
        area = self._prepared_area
        inside = shapely.covers(area, points)
        distances = shapely.distance(self.target_xy, points)
        out = []
        for camera, point_inside, distance in zip(cameras, inside, distances, strict=True):
            cone = self.frame.project(view_cone(camera))
            faces = bool(point_inside) or bool(shapely.intersects(area, cone))
            out.append(Assessment(bool(point_inside), float(distance), faces, faces))
        return out


class PolygonScene(_AreaScene):
    """An area drawn on the map."""

    kind = "polygon"

    def __init__(self, polygon: Polygon):
        lat, lon = _centre(polygon)
        self.polygon = polygon
        self.frame = local_frame(lat, lon)
        self.area_xy = self.frame.project(polygon)
        self.target_xy = self.area_xy

    @classmethod
    def from_geojson(cls, geojson) -> PolygonScene:
        return cls(polygon_from_geojson(geojson))

    @property
    def area_m2(self) -> float:
        return self.area_xy.area

    @property
    def area_sq_mi(self) -> float:
        return self.area_m2 / SQUARE_METRES_PER_SQUARE_MILE

    def summary(self) -> dict:
        lat, lon = self.centre
        return {
            "kind": self.kind,
            "latitude": lat,
            "longitude": lon,
            "area_sq_mi": round(self.area_sq_mi, 4),
            "area": mapping(self.polygon),
        }


class RouteScene(_AreaScene):
    """A route (such as a suspect's path) and a corridor of full width `width_m` along it."""

    kind = "route"

    def __init__(self, line: LineString, width_m: float):
        lat, lon = _centre(line)
        self.line = line
        self.width_m = float(width_m)
        self.frame = local_frame(lat, lon)
        self.target_xy = self.frame.project(line)
        self.area_xy = self.target_xy.buffer(self.width_m / 2.0)

    @classmethod
    def from_geojson(cls, geojson, width_m: float) -> RouteScene:
        return cls(line_from_geojson(geojson), width_m)

    @property
    def length_m(self) -> float:
        return self.target_xy.length

    @property
    def area_m2(self) -> float:
        return self.area_xy.area

    def summary(self) -> dict:
        lat, lon = self.centre
        return {
            "kind": self.kind,
            "latitude": lat,
            "longitude": lon,
            "length_m": round(self.length_m, 1),
            "corridor_width_m": self.width_m,
            "area_sq_mi": round(self.area_m2 / SQUARE_METRES_PER_SQUARE_MILE, 4),
            "route": mapping(self.line),
        }

"""Boundary geometries: reading an uploaded GeoJSON boundary, summarizing it, and testing
points against it. Nothing here reads the agency."""

from __future__ import annotations

import itertools
import json
import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import shapely
from django.core.exceptions import ValidationError
from pyproj import Geod
from shapely import prepared
from shapely.geometry import shape
from shapely.validation import explain_validity

BOUNDARY_MAX_BYTES = 10 * 1024 * 1024
COUNT_BATCH = 50_000


@dataclass
class BoundarySummary:
    geometry_type: str
    polygons: int
    vertices: int
    west: float
    south: float
    east: float
    north: float
    area_km2: float
    svg_view_box: str
    svg_path: str
    svg_stroke: float

    @property
    def area_sq_miles(self) -> float:
        return self.area_km2 / 2.589988110336


@lru_cache(maxsize=4)
def boundary_shape(boundary_json: str):
    """A prepared shapely geometry for fast point-in-polygon tests."""
    geometry = shape(json.loads(boundary_json))
    return prepared.prep(geometry)


def parse_boundary(data: bytes | str) -> dict:
    """The boundary geometry from an uploaded GeoJSON file, or ValidationError.

    Accepts a bare Polygon or MultiPolygon, a Feature with one, or a FeatureCollection
    with exactly one such Feature. Coordinates are WGS84 longitude, latitude.
    """
    if isinstance(data, bytes):
        if len(data) > BOUNDARY_MAX_BYTES:
            raise ValidationError("The file is larger than 10 MB; simplify the boundary first.")
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ValidationError("The file is not GeoJSON: it is not UTF-8 text.") from exc
    try:
        document = json.loads(data)
    except ValueError as exc:
        raise ValidationError(f"The file is not GeoJSON: it is not valid JSON ({exc}).") from exc
    if not isinstance(document, dict) or not isinstance(document.get("type"), str):
        raise ValidationError('The file is not GeoJSON: it has no GeoJSON "type".')
    kind = document["type"]
    if kind == "FeatureCollection":
        features = document.get("features")
        if not isinstance(features, list) or len(features) != 1:
            count = len(features) if isinstance(features, list) else 0
            raise ValidationError(
                f"The FeatureCollection has {count} features; it must have exactly one, the "
                "jurisdiction (merge the areas into one MultiPolygon first)."
            )
        document, kind = features[0], "Feature"
        if not isinstance(document, dict):
            raise ValidationError("The file is not GeoJSON: the feature is not an object.")
    if kind == "Feature":
        document = document.get("geometry")
        if not isinstance(document, dict):
            raise ValidationError("The feature has no geometry.")
        kind = document.get("type")
    if kind not in ("Polygon", "MultiPolygon"):
        raise ValidationError(
            f"The boundary is a {kind or 'geometry of unknown type'}; it must be a Polygon or "
            "a MultiPolygon."
        )
    geometry = {"type": kind, "coordinates": document.get("coordinates")}
    shape_ = _shape(geometry)
    west, south, east, north = shape_.bounds
    if west < -180 or east > 180 or south < -90 or north > 90:
        raise ValidationError(
            "The coordinates are out of range: GeoJSON needs longitude (-180 to 180) then "
            "latitude (-90 to 90) in WGS84 degrees. Is the file in another projection, or are "
            "longitude and latitude swapped?"
        )
    if not shape_.is_valid:
        raise ValidationError(
            f"The polygon is not valid ({explain_validity(shape_)}). Fix the boundary in a GIS "
            'program (for example with "make valid") and upload it again.'
        )
    if shape_.area <= 0:
        raise ValidationError("The polygon has no area.")
    return geometry


def _shape(geometry: dict):
    try:
        result = shape(geometry)
        result.bounds  # noqa: B018 - forces the coordinates to be read
    except Exception as exc:  # noqa: BLE001 - any malformed coordinate list
        raise ValidationError(
            "The file is not GeoJSON: the polygon's coordinates are not lists of "
            "[longitude, latitude] positions."
        ) from exc
    if result.is_empty:
        raise ValidationError("The polygon is empty.")
    return result


def count_outside(shape_, points) -> int:
    """How many (longitude, latitude) pairs of `points` lie outside `shape_`."""
    outside = 0
    while True:
        batch = list(itertools.islice(points, COUNT_BATCH))
        if not batch:
            return outside
        coords = np.asarray(batch, dtype=float)
        inside = shapely.intersects_xy(shape_, coords[:, 0], coords[:, 1])
        outside += int((~inside).sum())


def _summary_details(summary: BoundarySummary) -> dict:
    return {
        "type": summary.geometry_type,
        "vertices": summary.vertices,
        "bbox": [
            round(summary.west, 6),
            round(summary.south, 6),
            round(summary.east, 6),
            round(summary.north, 6),
        ],
        "area_km2": round(summary.area_km2, 1),
    }


def summarize(geometry: dict) -> BoundarySummary:
    """Bounding box, geodesic area, counts and an SVG outline of a boundary geometry."""
    shape_ = _shape(geometry)
    polygons = list(getattr(shape_, "geoms", [shape_]))
    west, south, east, north = shape_.bounds
    area_m2, _perimeter = Geod(ellps="WGS84").geometry_area_perimeter(shape_)
    # An equirectangular outline, scaled so the shape is not stretched at its latitude.
    scale_x = math.cos(math.radians((south + north) / 2))
    width = max((east - west) * scale_x, 1e-9)
    height = max(north - south, 1e-9)
    size = 400.0 / max(width, height)
    simplified = shapely.simplify(shape_, max(east - west, north - south) / 500)
    path = []
    for polygon in getattr(simplified, "geoms", [simplified]):
        for ring in [polygon.exterior, *polygon.interiors]:
            points = [
                f"{(x - west) * scale_x * size:.1f} {(north - y) * size:.1f}"
                for x, y, *_z in ring.coords
            ]
            if points:
                path.append("M" + " L".join(points) + " Z")
    return BoundarySummary(
        geometry_type=geometry["type"],
        polygons=len(polygons),
        vertices=int(shapely.get_num_coordinates(shape_)),
        west=west,
        south=south,
        east=east,
        north=north,
        area_km2=abs(area_m2) / 1e6,
        svg_view_box=f"-4 -4 {width * size + 8:.1f} {height * size + 8:.1f}",
        svg_path=" ".join(path),
        svg_stroke=2.0,
    )

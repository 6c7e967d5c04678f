"""Geocoding, distances and bearings, and importing address points.

Every distance or bearing in the project is computed here.
"""

from __future__ import annotations

import csv
import gzip
import math
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import numpy as np
from django.conf import settings
from django.db import models, transaction
from django.utils.module_loading import import_string

from .models import AddressPoint

if TYPE_CHECKING:
    from .geocoders import AddressQuery, Geocoder, GeocodeResult

# Mean radius of the Earth (IUGG); the spherical model is within 0.5% of the ellipsoid.
EARTH_RADIUS_M = 6_371_008.8


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance in meters between two WGS84 points."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(min(1.0, a)))


def bearing_deg(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Initial compass bearing from point 1 to point 2: 0 north, 90 east, in [0, 360)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dlambda = math.radians(lon2 - lon1)
    y = math.sin(dlambda) * math.cos(phi2)
    x = math.cos(phi1) * math.sin(phi2) - math.sin(phi1) * math.cos(phi2) * math.cos(dlambda)
    return (math.degrees(math.atan2(y, x)) + 360.0) % 360.0


def distances_m(lat: float, lon: float, lats, lons) -> np.ndarray:
    """distance_m from one point to each of many, as one array (the same haversine)."""
    phi1 = math.radians(lat)
    phi2 = np.radians(np.asarray(lats, float))
    dlambda = np.radians(np.asarray(lons, float) - lon)
    a = np.sin((phi2 - phi1) / 2) ** 2 + math.cos(phi1) * np.cos(phi2) * np.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.minimum(1.0, a)))


def bearings_deg(lats, lons, lat: float, lon: float) -> np.ndarray:
    """bearing_deg from each of many points to one point, as one array."""
    phi1 = np.radians(np.asarray(lats, float))
    phi2 = math.radians(lat)
    dlambda = np.radians(lon - np.asarray(lons, float))
    y = np.sin(dlambda) * math.cos(phi2)
    x = np.cos(phi1) * math.sin(phi2) - np.sin(phi1) * math.cos(phi2) * np.cos(dlambda)
    return (np.degrees(np.arctan2(y, x)) + 360.0) % 360.0


def geocode(query: AddressQuery, *, states: Collection[str] | None = None) -> GeocodeResult | None:
    """The first answer of the geocoders in settings.GEOCODERS, tried in order.

    With `states` (two-letter codes: the caller's jurisdiction, e.g. the agency's), an
    address that names another state finds nothing, and neither does an answer that a
    geocoder places in another state.
    """
    if states is not None and query.state and query.state not in states:
        return None
    for geocoder in geocoders():
        result = geocoder.geocode(query)
        if result is None:
            continue
        if states is not None and result.state and result.state not in states:
            continue
        return result
    return None


def geocoders() -> tuple[Geocoder, ...]:
    """The configured geocoders, each created once."""
    return _load_geocoders(tuple(settings.GEOCODERS))


@lru_cache(maxsize=8)
def _load_geocoders(paths: tuple[str, ...]) -> tuple[Geocoder, ...]:
    return tuple(import_string(path)() for path in paths)


# Importing address points (OpenAddresses CSV).

COLUMNS = ("LON", "LAT", "NUMBER", "STREET", "UNIT", "CITY", "DISTRICT", "REGION", "POSTCODE")
REQUIRED_COLUMNS = ("LON", "LAT", "NUMBER", "STREET")
SKIPPED_LINES_SHOWN = 5


class AddressPointImportError(Exception):
    """The file cannot be imported; nothing was changed."""


@dataclass
class ImportReport:
    imported: int = 0
    deleted: int = 0
    skipped: int = 0
    # (line number, reason) of the first few skipped rows.
    skipped_lines: list[tuple[int, str]] = field(default_factory=list)

    def skip(self, line: int, reason: str) -> None:
        self.skipped += 1
        if len(self.skipped_lines) < SKIPPED_LINES_SHOWN:
            self.skipped_lines.append((line, reason))


def import_address_points(
    path: Path | str, *, replace: bool = False, batch_size: int = 2000
) -> ImportReport:
    """Import an OpenAddresses CSV (or .csv.gz) file, all rows or none.

    Rows with bad coordinates or without number or street are skipped and counted.
    With replace, existing address points are deleted in the same transaction.
    Raises AddressPointImportError when the file cannot be read or has no good row.
    """
    report = ImportReport()
    try:
        with _open_text(Path(path)) as stream, transaction.atomic():
            reader = csv.reader(stream)
            positions = _column_positions(next(reader, None))
            if replace:
                report.deleted = AddressPoint.objects.all().delete()[0]
            batch: list[AddressPoint] = []
            for row in reader:
                values = [
                    row[i].strip() if i is not None and i < len(row) else "" for i in positions
                ]
                if not any(values):
                    continue
                point = _address_point(values)
                if isinstance(point, str):
                    report.skip(reader.line_num, point)
                    continue
                batch.append(point)
                if len(batch) >= batch_size:
                    AddressPoint.objects.bulk_create(batch)
                    report.imported += len(batch)
                    batch = []
            AddressPoint.objects.bulk_create(batch)
            report.imported += len(batch)
            if not report.imported:
                raise AddressPointImportError("The file has no valid address point.")
    except (OSError, EOFError, UnicodeDecodeError, csv.Error) as error:
        raise AddressPointImportError(f"Cannot read {path}: {error}") from error
    return report


@contextmanager
def _open_text(path: Path) -> Iterator[TextIO]:
    with path.open("rb") as raw:
        gzipped = raw.read(2) == b"\x1f\x8b"
    opener = gzip.open if gzipped else open
    with opener(path, "rt", encoding="utf-8-sig", newline="") as stream:
        yield stream


def _column_positions(header: list[str] | None) -> list[int | None]:
    if not header:
        raise AddressPointImportError("The file is empty.")
    index = {name.strip().upper(): i for i, name in enumerate(header)}
    missing = [column for column in REQUIRED_COLUMNS if column not in index]
    if missing:
        raise AddressPointImportError(
            f"Missing column(s) {', '.join(missing)}; expected {','.join(COLUMNS)}."
        )
    return [index.get(column) for column in COLUMNS]


def _char_limits() -> list[tuple[str, int]]:
    return [
        (f.name, f.max_length)
        for f in AddressPoint._meta.local_fields
        if isinstance(f, models.CharField) and f.max_length
    ]


_CHAR_LIMITS = _char_limits()


def _address_point(values: list[str]) -> AddressPoint | str:
    """An unsaved AddressPoint, or why the row cannot be one."""
    lon_text, lat_text, number, street, unit, city, district, region, postcode = values
    try:
        longitude, latitude = float(lon_text), float(lat_text)
    except ValueError:
        return "coordinates are not numbers"
    if not (-180 <= longitude <= 180 and -90 <= latitude <= 90):
        return "coordinates out of range"
    if longitude == 0 and latitude == 0:
        return "coordinates missing (0, 0)"
    point = AddressPoint(
        longitude=longitude,
        latitude=latitude,
        number=number,
        street=street,
        unit=unit,
        city=city,
        district=district,
        region=region,
        postcode=postcode,
    )
    point.set_normalized()
    if not point.norm_number:
        return "no house number"
    if not point.norm_street:
        return "no street"
    for name, limit in _CHAR_LIMITS:
        if len(getattr(point, name)) > limit:
            return f"{name} longer than {limit} characters"
    return point

"""Deterministic demo address points for Kern County, CA.

Streets are real Bakersfield-area and Kern town street names laid out on a simple
grid (east-west streets at a fixed latitude, north-south ones at a fixed longitude);
the addresses themselves are invented. Every point lies inside the county boundary.
"""

from __future__ import annotations

import bisect
import csv
import json
import math
import random
from dataclasses import dataclass
from pathlib import Path

from camreg.geo.services import COLUMNS

from .agency import BOUNDARY_FILE

DEFAULT_COUNT = 4000
DEFAULT_SEED = 2025
TOWN_SHARE = 0.09  # of the points, spread evenly over the other towns
LOT_M = 20.0  # frontage of one lot; house numbers advance by 20 per lot
SIDE_OFFSET_M = 15.0  # from the street's center line to the house point
APARTMENT_SHARE = 0.02  # of Bakersfield lots, holding several units
M_PER_DEG_LAT = 111_195.0

# Bakersfield numbers grow by 1000 per km away from Union Ave (east-west streets)
# and from Truxtun Ave (north-south streets).
UNION_AVE_LON = -119.0040
TRUXTUN_AVE_LAT = 35.3735


@dataclass(frozen=True)
class Street:
    name: str
    axis: str  # "ew": fixed latitude, runs start -> end in longitude; "ns": the reverse
    fixed: float
    start: float  # where the numbers start
    end: float
    first_number: int

    @property
    def length_m(self) -> float:
        return abs(self.end - self.start) * self._m_per_deg_along

    @property
    def _m_per_deg_along(self) -> float:
        if self.axis == "ew":
            return M_PER_DEG_LAT * math.cos(math.radians(self.fixed))
        return M_PER_DEG_LAT

    def point(self, along_m: float, across_m: float) -> tuple[float, float]:
        """(lat, lon) at a distance along the street and to its left (negative: right)."""
        direction = 1 if self.end > self.start else -1
        along_deg = self.start + direction * along_m / self._m_per_deg_along
        if self.axis == "ew":
            return self.fixed + across_m / M_PER_DEG_LAT, along_deg
        lon_per_m = 1 / (M_PER_DEG_LAT * math.cos(math.radians(along_deg)))
        return along_deg, self.fixed + across_m * lon_per_m


@dataclass(frozen=True)
class Place:
    city: str
    streets: tuple[Street, ...]
    zip_code: str = ""  # empty: Bakersfield, where the ZIP code depends on the area


def _bakersfield_street(name: str, axis: str, fixed: float, start: float, end: float) -> Street:
    if axis == "ew":
        km = abs(start - UNION_AVE_LON) * M_PER_DEG_LAT * math.cos(math.radians(fixed)) / 1000
    else:
        km = abs(start - TRUXTUN_AVE_LAT) * M_PER_DEG_LAT / 1000
    return Street(name, axis, fixed, start, end, 100 + int(km * 10) * 100)


_BAKERSFIELD_EW = [
    ("Truxtun Ave", 35.3735, -119.0040, -119.0900),
    ("E Truxtun Ave", 35.3735, -119.0040, -118.9800),
    ("California Ave", 35.3665, -119.0040, -119.1000),
    ("E California Ave", 35.3665, -119.0040, -118.9500),
    ("Brundage Ln", 35.3590, -119.0040, -119.0420),
    ("E Brundage Ln", 35.3590, -119.0040, -118.9600),
    ("Stockdale Hwy", 35.3530, -119.0480, -119.1450),
    ("Wilson Rd", 35.3440, -119.0200, -119.0800),
    ("Ming Ave", 35.3370, -119.0220, -119.1300),
    ("Planz Rd", 35.3300, -119.0100, -119.0700),
    ("White Ln", 35.3225, -119.0040, -119.1100),
    ("E White Ln", 35.3225, -119.0040, -118.9700),
    ("Pacheco Rd", 35.3080, -119.0250, -119.1200),
    ("Panama Ln", 35.2935, -119.0040, -119.1100),
    ("E Panama Ln", 35.2935, -119.0040, -118.9600),
    ("Hosking Ave", 35.2790, -119.0200, -119.0800),
    ("19th St", 35.3770, -119.0040, -119.0420),
    ("24th St", 35.3840, -119.0040, -119.0440),
    ("Rosedale Hwy", 35.3840, -119.0450, -119.1400),
    ("34th St", 35.3920, -119.0040, -119.0300),
    ("Brimhall Rd", 35.3790, -119.0950, -119.1450),
    ("Hageman Rd", 35.4070, -119.0600, -119.1400),
    ("Olive Dr", 35.4140, -119.0350, -119.1300),
    # East Bakersfield streets numbered eastward from Union Ave.
    ("Niles St", 35.3880, -119.0040, -118.9400),
    ("Bernard St", 35.3930, -119.0040, -118.9500),
    ("Columbus St", 35.3970, -119.0040, -118.9600),
    ("Edison Hwy", 35.3700, -118.9800, -118.9000),
    ("Panorama Dr", 35.4030, -118.9950, -118.9400),
]
_BAKERSFIELD_NS = [
    ("Chester Ave", -119.0187, 35.3735, 35.3990),
    ("N Chester Ave", -119.0187, 35.4000, 35.4350),
    ("S Chester Ave", -119.0187, 35.3735, 35.3300),
    ("Union Ave", -119.0040, 35.3735, 35.4000),
    ("S Union Ave", -119.0040, 35.3735, 35.2800),
    ("H St", -119.0215, 35.3735, 35.3950),
    ("S H St", -119.0215, 35.3735, 35.2900),
    ("F St", -119.0265, 35.3735, 35.3950),
    ("Oak St", -119.0420, 35.3740, 35.3840),
    ("Coffee Rd", -119.0805, 35.3745, 35.4400),
    ("Calloway Dr", -119.0975, 35.3800, 35.4400),
    ("Gosford Rd", -119.1070, 35.3500, 35.2900),
    ("Ashe Rd", -119.0900, 35.3500, 35.2900),
    ("Stine Rd", -119.0700, 35.3600, 35.2900),
    ("Akers Rd", -119.0550, 35.3500, 35.2900),
    ("Wible Rd", -119.0380, 35.3600, 35.2900),
    ("Cottonwood Rd", -118.9950, 35.3600, 35.2850),
    ("Mount Vernon Ave", -118.9790, 35.3740, 35.4050),
    ("S Mount Vernon Ave", -118.9790, 35.3735, 35.3200),
    ("Oswell St", -118.9550, 35.3745, 35.4000),
    ("Fairfax Rd", -118.9290, 35.3745, 35.4150),
]

BAKERSFIELD = Place(
    "Bakersfield",
    tuple(
        [_bakersfield_street(name, "ew", *rest) for name, *rest in _BAKERSFIELD_EW]
        + [_bakersfield_street(name, "ns", *rest) for name, *rest in _BAKERSFIELD_NS]
    ),
)


def _bakersfield_zip(lat: float, lon: float) -> str:
    """A plausible Bakersfield ZIP code (93301-93314) for a point."""
    if lon > UNION_AVE_LON and lat >= 35.366:
        return "93305" if lon < -118.965 and lat < 35.395 else "93306"
    if lat >= 35.395 and lon > -119.06:
        return "93308"
    if lat >= 35.366:
        if lon <= -119.13:
            return "93314"
        return "93312" if lon <= -119.06 else "93301"
    if lon > UNION_AVE_LON:
        return "93307"
    if lon <= -119.10:
        return "93311"
    if lat >= 35.322:
        return "93304" if lon > -119.045 else "93309"
    return "93313"


def _town(
    city: str,
    zip_code: str,
    center: tuple[float, float],
    east_west: dict[str, float],
    north_south: dict[str, float],
    half_length_m: float = 1200.0,
) -> Place:
    """A town grid: east-west streets at offsets (m) north of the center, north-south east."""
    lat, lon = center
    m_per_deg_lon = M_PER_DEG_LAT * math.cos(math.radians(lat))
    streets = [
        Street(
            name,
            "ew",
            lat + offset / M_PER_DEG_LAT,
            lon - half_length_m / m_per_deg_lon,
            lon + half_length_m / m_per_deg_lon,
            100,
        )
        for name, offset in east_west.items()
    ] + [
        Street(
            name,
            "ns",
            lon + offset / m_per_deg_lon,
            lat - half_length_m / M_PER_DEG_LAT,
            lat + half_length_m / M_PER_DEG_LAT,
            100,
        )
        for name, offset in north_south.items()
    ]
    return Place(city, tuple(streets), zip_code)


TOWNS = (
    _town(
        "Delano",
        "93215",
        (35.7688, -119.2471),
        {"Cecil Ave": 0, "11th Ave": 500, "Garces Hwy": 1300, "Woollomes Ave": -1500},
        {"Main St": 0, "High St": 300, "Albany St": 700, "Lexington St": -400},
        half_length_m=900,
    ),
    _town(
        "Wasco",
        "93280",
        (35.5944, -119.3409),
        {"7th St": 0, "Poso Dr": 600, "Filburn Ave": -500},
        {"Central Ave": 0, "F St": -300, "Palm Ave": 700, "Beckes St": -900},
    ),
    _town(
        "Shafter",
        "93263",
        (35.5005, -119.2718),
        {"Tulare Ave": 200, "Fresno Ave": 500, "Lerdo Hwy": 800, "Los Angeles Ave": -300},
        {"Central Valley Hwy": 0, "Mannel Ave": 400, "Beech Ave": 900, "Shafter Ave": -600},
    ),
    _town(
        "Tehachapi",
        "93561",
        (35.1322, -118.4490),
        {"Tehachapi Blvd": 0, "Valley Blvd": -1200, "E St": 300},
        {"Curry St": 0, "Green St": -300, "Mill St": 300, "Tucker Rd": -1500},
    ),
    _town(
        "Ridgecrest",
        "93555",
        (35.6225, -117.6709),
        {"Ridgecrest Blvd": 0, "Drummond Ave": 800, "Upjohn Ave": 1200, "Bowman Rd": -1600},
        {"China Lake Blvd": 0, "Norma St": -800, "Downs St": -1600},
    ),
    _town(
        "Arvin",
        "93203",
        (35.2091, -118.8284),
        {"Bear Mountain Blvd": 0, "Sycamore Rd": 1400},
        {"Derby St": -400, "A St": 300, "Meyer St": 900},
    ),
    _town(
        "Lamont",
        "93241",
        (35.2597, -118.9143),
        {"Main St": 0, "Myrtle Ave": 500, "Panama Rd": -1100},
        {"Weedpatch Hwy": 0, "Hall Rd": -1200},
    ),
    _town(
        "Taft",
        "93268",
        (35.1428, -119.4565),
        {"Center St": 0, "Supply Row": -300, "6th St": 500, "10th St": 900},
        {"Lincoln St": 0, "Harrison St": -500, "Cedar St": 400},
    ),
    _town(
        "McFarland",
        "93250",
        (35.6780, -119.2293),
        {"Kern Ave": 0, "Sherwood Ave": 400, "Perkins Ave": -800},
        {"2nd St": 0, "Mast Ave": 700, "Browning Rd": -600},
    ),
)


def _kern_boundary():  # -> shapely PreparedGeometry
    from shapely import prepared
    from shapely.geometry import shape

    geometry = json.loads(BOUNDARY_FILE.read_text())["features"][0]["geometry"]
    return prepared.prep(shape(geometry))


def generate_rows(count: int = DEFAULT_COUNT, seed: int = DEFAULT_SEED) -> list[list[str]]:
    """count distinct address rows (OpenAddresses column order), the same for a seed."""
    from shapely.geometry import Point

    rng = random.Random(seed)
    boundary = _kern_boundary()
    town_total = int(count * TOWN_SHARE)
    quotas = [count - town_total] + [
        town_total // len(TOWNS) + (1 if i < town_total % len(TOWNS) else 0)
        for i in range(len(TOWNS))
    ]
    rows: dict[tuple[str, str, str, str], list[str]] = {}
    for place, quota in zip((BAKERSFIELD, *TOWNS), quotas, strict=True):
        cumulative: list[float] = []
        total = 0.0
        for street in place.streets:
            total += street.length_m
            cumulative.append(total)
        target = len(rows) + quota
        attempts = 0
        while len(rows) < target:
            attempts += 1
            if attempts > 100 * quota:
                raise RuntimeError(f"Cannot place {quota} addresses in {place.city}.")
            street = place.streets[bisect.bisect(cumulative, rng.random() * total)]
            lot = int(rng.random() * int(street.length_m // LOT_M))
            side = int(rng.random() * 2)  # 0: even numbers on the left, 1: odd on the right
            along = (lot + 0.5) * LOT_M + (rng.random() - 0.5) * 6
            across = (SIDE_OFFSET_M + (rng.random() - 0.5) * 8) * (1 - 2 * side)
            lat, lon = street.point(along, across)
            if not boundary.covers(Point(lon, lat)):
                continue
            number = str(street.first_number + 20 * lot + side)
            zip_code = place.zip_code or _bakersfield_zip(lat, lon)
            units = [""]
            if not place.zip_code and rng.random() < APARTMENT_SHARE:
                units = [f"Apt {n}" for n in range(1, 5 + int(rng.random() * 9))]
            for unit in units[: target - len(rows)]:
                key = (place.city, street.name, number, unit)
                rows.setdefault(
                    key,
                    [
                        f"{lon:.7f}",
                        f"{lat:.7f}",
                        number,
                        street.name,
                        unit,
                        place.city,
                        "Kern",
                        "CA",
                        zip_code,
                    ],
                )
    return sorted(rows.values(), key=_sort_key)


def _sort_key(row: list[str]) -> tuple[str, str, int, int]:
    unit_number = int(row[4].split()[-1]) if row[4] else 0
    return row[5], row[3], int(row[2]), unit_number


def write_rows(rows: list[list[str]], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows(rows)

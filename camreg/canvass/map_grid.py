"""The grid of the registry map's clusters: cell levels, the viewport and filters a map
request names, and what an answer holds (camreg.canvass.map_cells tells the whole story)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from camreg.registry.models import RegistrationStatus

from . import index
from .models import MapContribution

# Registrations whose cameras the map shows (its status filter chooses among these).
MAP_STATUSES = (
    RegistrationStatus.ACTIVE,
    RegistrationStatus.PENDING_REVIEW,
    RegistrationStatus.LAPSED,
)
NEVER, RECENT, OLD = MapContribution.NEVER, MapContribution.RECENT, MapContribution.OLD
# "Confirmed within the last year" means confirmed at or after the cut-off, a year before
# the last aging; the map ages the cells itself when the scheduled job is this late.
YEAR = timedelta(days=365)
AGING_LAG = timedelta(hours=1)

MAX_LEVEL = 10  # 0.005 * 2**10 = 5.12 degrees on a side
# At this zoom a level-0 cell is about 117 pixels wide (256-pixel tiles); one zoom out,
# level 1 is; and so on: clusters stay about that far apart on the screen.
LEVEL_ZERO_ZOOM = 15
# From this zoom the map shows cameras, when no more than MAX_CAMERAS match in view.
CAMERA_ZOOM = 15
MAX_CAMERAS = 500
# Besides a row per status, system type and confirmation age, each cell has a row per status
# for all system types and ages together (ALL_SYSTEMS, ANY_AGE): what the map's default
# filters read, one row per status and cell.
ALL_SYSTEMS = ""
ANY_AGE = 9
# A viewport covers at most this many cells of the level it is answered at (a larger one
# is answered a level up): this bounds a clusters answer.
MAX_CELLS = 2500
MICRO = 1_000_000

# Each camera in a cameras answer, in this order.
CAMERA_FIELDS = (
    "id",
    "lat",
    "lon",
    "direction",
    "field_of_view",
    "range_m",
    "system_type",
    "status",
    "registrant_id",
)
# Each cluster in a clusters answer: its centre and how many cameras it holds.
CLUSTER_FIELDS = ("lat", "lon", "count")

Key = tuple  # (cell, status, system_type, confirmed), optionally led by the registrant id


# Cells --------------------------------------------------------------------------------


def cell_degrees(level: int) -> float:
    return index.CELL_DEGREES * (1 << level)


def level_cell(cell: int, level: int) -> int:
    """The key at `level` of the cell holding level-0 cell `cell`."""
    if level == 0:
        return cell
    row, column = divmod(cell, index.COLUMNS)
    return (row >> level) * index.COLUMNS + (column >> level)


def level_for_zoom(zoom: int) -> int:
    return min(MAX_LEVEL, max(0, LEVEL_ZERO_ZOOM - zoom))


@dataclass(frozen=True)
class Viewport:
    """What the map shows: a box of latitude and longitude, and the zoom level."""

    south: float
    west: float
    north: float
    east: float
    zoom: int

    FIELDS = ("south", "west", "north", "east", "zoom")

    @classmethod
    def from_query(cls, query: Mapping) -> Viewport:
        """From south, west, north, east and zoom in a query string; ValueError if wrong."""
        try:
            south, west, north, east = (float(query[name]) for name in cls.FIELDS[:4])
            zoom = int(query["zoom"])
        except (KeyError, TypeError, ValueError) as error:
            raise ValueError("south, west, north, east and zoom must be numbers") from error
        if not all(math.isfinite(v) for v in (south, west, north, east)):
            raise ValueError("the viewport must be finite")
        # Leaflet's bounds may run past the poles or round the world: clip them.
        south, north = max(-90.0, south), min(90.0, north)
        west, east = max(-180.0, west), min(180.0, east)
        if south > north or west > east:
            raise ValueError("south must not be north of north, nor west east of east")
        if not 0 <= zoom <= 30:
            raise ValueError("zoom must be between 0 and 30")
        return cls(south, west, north, east, zoom)

    def span(self, level: int) -> tuple[int, int, int, int]:
        """(first row, last row, first column, last column) of its cells at `level`."""
        return (
            index.row_of(self.south) >> level,
            index.row_of(self.north) >> level,
            index.column_of(self.west) >> level,
            index.column_of(self.east) >> level,
        )

    def cell_count(self, level: int) -> int:
        first_row, last_row, first_column, last_column = self.span(level)
        return (last_row - first_row + 1) * (last_column - first_column + 1)

    def share_of_cells(self, level: int) -> float:
        """How much of the area of its cells at `level` the viewport covers (0 to 1)."""
        side = cell_degrees(level)
        cells = self.cell_count(level) * side * side
        return min(1.0, (self.north - self.south) * (self.east - self.west) / cells)

    def cell_keys(self, level: int) -> list[int]:
        """The keys of its cells at `level`, in order."""
        first_row, last_row, first_column, last_column = self.span(level)
        return [
            row * index.COLUMNS + column
            for row in range(first_row, last_row + 1)
            for column in range(first_column, last_column + 1)
        ]

    def as_dict(self) -> dict:
        return {name: getattr(self, name) for name in self.FIELDS}


@dataclass(frozen=True)
class MapFilters:
    """Which cameras the map shows: registration statuses (among MAP_STATUSES), system
    types (empty: all) and confirmation ages (None: all; else a set of NEVER, RECENT, OLD)."""

    statuses: tuple[str, ...]
    system_types: tuple[str, ...] = ()
    confirmed: frozenset[int] | None = None


@dataclass
class MapAnswer:
    mode: str  # "clusters" or "cameras"
    level: int | None  # the cells' level (clusters)
    clusters: list[list]  # rows of CLUSTER_FIELDS
    cameras: list[list]  # rows of CAMERA_FIELDS
    count: int  # cameras in the answer: the clusters' sum, or the cameras listed

    @property
    def cell_degrees(self) -> float | None:
        return None if self.level is None else cell_degrees(self.level)

"""The registry map's clusters: camera counts per grid cell, kept with the canvass index.

The staff camera map asks for one viewport at one zoom level. Zoomed out, it gets clusters:
for each grid cell in view, how many cameras match the filters and where their centre is,
read from `MapCell` rows kept current as registrations change, so an answer reads a few
hundred rows whatever the registry's size. Zoomed in (from CAMERA_ZOOM, when at most
MAX_CAMERAS match in view), it gets the cameras themselves from the canvass index. Decision
0020 (docs/decisions/0020-static-assets-and-map-clusters.md).

Cells: level 0 is the canvass index's grid (index.CELL_DEGREES, 0.005 degrees, on a side);
each level up doubles the side, to level MAX_LEVEL. A cell's key at level k is
`(row >> k) * index.COLUMNS + (column >> k)`, with the level-0 row and column; a query
lists the viewport's cells (at most MAX_CELLS of them).

What is counted: the cameras of sites in the canvass index whose registration is on the map
(MAP_STATUSES), per status, system type and confirmation age (never confirmed, confirmed
since `MapState.cutoff`, or before it). `MapContribution` remembers what each registrant
added, so a change subtracts the old counts and adds the new ones at every level in the
transaction of the change:

- the index functions (index_registrant, index_new_sites, index_sites, remove_sites,
  rebuild) call `refresh` for the registrants whose sites they index;
- the canvass receivers call it when a registrant is saved with a new status or
  confirmation, or deleted;
- `age()` (a scheduled job, and the map itself when the job is late) moves the one-year
  cut-off forward and recounts the registrants whose confirmation it passed.

`rebuild()` counts everything from scratch (manage.py rebuild_canvass_index does), and
`check()` reports drift without changing anything.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from camreg.registry.models import Camera, Registrant, RegistrationStatus, Site

from . import index
from .models import IndexedSite, MapCell, MapContribution, MapState

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


# Reading -------------------------------------------------------------------------------


def _in_sql(column: str, values) -> tuple[str, list]:
    return f"{column} IN ({', '.join(['%s'] * len(values))})", list(values)


def _cell_conditions(filters: MapFilters) -> tuple[list[str], list]:
    """SQL conditions (and parameters) on MapCell rows for the filters: the rows for all
    system types and ages when neither is filtered, else the detailed rows (the filters
    exclude the others: no system type is ALL_SYSTEMS, no age ANY_AGE)."""
    if not filters.system_types and filters.confirmed is None:
        sql, params = _in_sql("status", filters.statuses)
        return [sql, "system_type = %s", "confirmed = %s"], [*params, ALL_SYSTEMS, ANY_AGE]
    conditions, params = [], []
    for column, values in (
        ("status", filters.statuses),
        ("system_type", filters.system_types),
        ("confirmed", sorted(filters.confirmed) if filters.confirmed is not None else ()),
    ):
        if values or column == "status":
            sql, values_params = _in_sql(column, values)
            conditions.append(sql)
            params += values_params
    return conditions, params


def _cells_sql(select: str, view: Viewport, level: int, filters: MapFilters, tail: str = ""):
    """One query on the unique index of MapCell: the level, the viewport's cells listed (at
    most MAX_CELLS; both databases then probe the index once per cell, where ranges per
    row would make SQLite read the whole level), the filters."""
    table = connection.ops.quote_name(MapCell._meta.db_table)
    cells, cell_params = _in_sql("cell", view.cell_keys(level))
    conditions, params = _cell_conditions(filters)
    where = " AND ".join(["level = %s", cells, *conditions])
    sql = f"SELECT {select} FROM {table} WHERE {where} {tail}"  # noqa: S608  # nosec B608 - placeholders only
    return sql, [level, *cell_params, *params]


def cameras_in_cells(view: Viewport, filters: MapFilters, level: int = 0) -> int:
    """How many cameras match the filters in the viewport's cells at `level` (the cells
    reach a little beyond the viewport)."""
    if not filters.statuses:
        return 0
    sql, params = _cells_sql("SUM(cameras)", view, level, filters)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        (total,) = cursor.fetchone()
    return int(total or 0)


def clusters(view: Viewport, filters: MapFilters, level: int) -> list[list]:
    """[lat, lon, count] per cell of `level` in view holding cameras that match."""
    if not filters.statuses:
        return []
    sql, params = _cells_sql(
        "cell, SUM(cameras), SUM(lat_sum), SUM(lon_sum)", view, level, filters, "GROUP BY cell"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    answer = []
    for _cell, count, lat_sum, lon_sum in sorted(rows):
        count = int(count)
        if count > 0:
            answer.append(
                [
                    round(int(lat_sum) / count / MICRO, 5),
                    round(int(lon_sum) / count / MICRO, 5),
                    count,
                ]
            )
    return answer


def cameras(
    view: Viewport, filters: MapFilters, *, cutoff: datetime, limit: int | None = None
) -> list[list]:
    """Rows of CAMERA_FIELDS for the cameras in view that match, in id order (the first
    `limit` of them).

    One query on the canvass index (its cell ranges and coordinates) joined to the sites,
    registrations and cameras.
    """
    if not filters.statuses:
        return []
    quote = connection.ops.quote_name
    indexed = quote(IndexedSite._meta.db_table)
    site = quote(Site._meta.db_table)
    camera = quote(Camera._meta.db_table)
    registrant = quote(Registrant._meta.db_table)
    cells, params = _in_sql("i.cell", view.cell_keys(0))
    conditions = [
        "s.id = i.site_id",
        "r.id = s.registrant_id",
        "c.site_id = s.id",
        cells,
        "i.latitude BETWEEN %s AND %s",
        "i.longitude BETWEEN %s AND %s",
    ]
    params += [view.south, view.north, view.west, view.east]
    sql, values = _in_sql("r.status", filters.statuses)
    conditions.append(sql)
    params += values
    if filters.system_types:
        sql, values = _in_sql("c.system_type", filters.system_types)
        conditions.append(sql)
        params += values
    if filters.confirmed is not None:
        ages = []
        if NEVER in filters.confirmed:
            ages.append("r.confirmed_at IS NULL")
        if RECENT in filters.confirmed:
            ages.append("r.confirmed_at >= %s")
            params.append(cutoff)
        if OLD in filters.confirmed:
            ages.append("r.confirmed_at < %s")
            params.append(cutoff)
        conditions.append("(" + (" OR ".join(ages) or "1 = 0") + ")")
    sql = (
        "SELECT c.id, i.latitude, i.longitude, c.direction, c.field_of_view, c.range_m, "  # noqa: S608  # nosec B608 - placeholders only
        f"c.system_type, r.status, s.registrant_id FROM {indexed} i "
        # CROSS JOIN: SQLite keeps this order (the index first, not every registration of
        # a status); PostgreSQL plans it as any join.
        f"CROSS JOIN {site} s CROSS JOIN {registrant} r CROSS JOIN {camera} c "
        f"WHERE {' AND '.join(conditions)} ORDER BY c.id"
    )
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [
        [pk, round(lat, 6), round(lon, 6), direction, fov, range_m, system, status, owner]
        for pk, lat, lon, direction, fov, range_m, system, status, owner in rows
    ]


def answer(view: Viewport, filters: MapFilters, *, now: datetime | None = None) -> MapAnswer:
    """What the map shows for this viewport: cameras when zoomed in and few enough,
    otherwise clusters from the map cells, at a level whose cells in view are at most
    MAX_CELLS."""
    cutoff = current_cutoff(now=now)
    if view.zoom >= CAMERA_ZOOM and view.cell_count(0) <= MAX_CELLS:
        # The level-0 cells under the viewport reach beyond it: when they hold few enough,
        # the cameras in view are surely few enough; when they hold not much more than the
        # viewport's share would allow, look (at most MAX_CAMERAS + 1 rows).
        in_cells = cameras_in_cells(view, filters, 0)
        if in_cells <= MAX_CAMERAS:
            rows = cameras(view, filters, cutoff=cutoff)
            return MapAnswer("cameras", None, [], rows, len(rows))
        if in_cells * view.share_of_cells(0) <= 2 * MAX_CAMERAS:
            rows = cameras(view, filters, cutoff=cutoff, limit=MAX_CAMERAS + 1)
            if len(rows) <= MAX_CAMERAS:
                return MapAnswer("cameras", None, [], rows, len(rows))
    level = level_for_zoom(view.zoom)
    while level < MAX_LEVEL and view.cell_count(level) > MAX_CELLS:
        level += 1
    found = clusters(view, filters, level)
    return MapAnswer("clusters", level, found, [], sum(row[2] for row in found))


# The confirmation cut-off ----------------------------------------------------------------


def current_cutoff(*, now: datetime | None = None) -> datetime:
    """The cut-off the cells count confirmation ages from; ages them first when the
    scheduled job is late."""
    now = now or timezone.now()
    cutoff = MapState.objects.filter(pk=1).values_list("cutoff", flat=True).first()
    if cutoff is None or cutoff < now - YEAR - AGING_LAG:
        age(now=now)
        cutoff = MapState.objects.values_list("cutoff", flat=True).get(pk=1)
    return cutoff


def _shared_cutoff() -> datetime:
    """The cut-off, read so that age() cannot move it before this transaction ends (on
    SQLite, writing transactions run one at a time anyway)."""
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(MapState._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT cutoff FROM {table} WHERE id = 1 FOR SHARE")  # noqa: S608  # nosec B608 - no input
            row = cursor.fetchone()
        if row is not None:
            return row[0]
    state, _ = MapState.objects.get_or_create(pk=1, defaults={"cutoff": timezone.now() - YEAR})
    return state.cutoff


def age(*, now: datetime | None = None) -> int:
    """Move the cut-off to a year before `now`; recount the registrants whose
    confirmation it passed. Returns how many were recounted."""
    target = (now or timezone.now()) - YEAR
    with transaction.atomic():
        state, created = MapState.objects.select_for_update().get_or_create(
            pk=1, defaults={"cutoff": target}
        )
        if created or state.cutoff >= target:
            return 0
        passed = sorted(
            set(
                MapContribution.objects.filter(
                    confirmed_at__gte=state.cutoff, confirmed_at__lt=target
                ).values_list("registrant_id", flat=True)
            )
        )
        state.cutoff = target
        state.save(update_fields=["cutoff"])
        refresh(passed)
    return len(passed)


# Counting -------------------------------------------------------------------------------


def _age_of(confirmed_at: datetime | None, cutoff: datetime) -> int:
    if confirmed_at is None:
        return NEVER
    return RECENT if confirmed_at >= cutoff else OLD


def _source(registrant_ids: list[int] | None = None, camera_model=Camera) -> Iterator[tuple]:
    """(registrant, cell, lat, lon, status, confirmed_at, system_type, cameras) per indexed
    site and system type of registrations on the map."""
    cameras = camera_model.objects.filter(
        site__registrant__status__in=MAP_STATUSES, site__canvass_index__isnull=False
    )
    if registrant_ids is not None:
        cameras = cameras.filter(site__registrant_id__in=registrant_ids)
    rows = (
        cameras.values_list(
            "site__registrant_id",
            "site__canvass_index__cell",
            "site__canvass_index__latitude",
            "site__canvass_index__longitude",
            "site__registrant__status",
            "site__registrant__confirmed_at",
            "system_type",
        )
        .annotate(n=Count("pk"))
        .order_by()
    )
    # Streamed (a server-side cursor on PostgreSQL) only for the whole registry.
    yield from rows.iterator(chunk_size=10_000) if registrant_ids is None else rows


def _count(rows: Iterable[tuple], cutoff: datetime | None) -> dict[Key, list]:
    """Contributions: (registrant, cell, status, system, age) -> [confirmed_at, cameras,
    lat_sum, lon_sum]. The cut-off is read (once) only when there are rows."""
    counted: dict[Key, list] = {}
    for registrant_id, cell, lat, lon, status, confirmed_at, system_type, n in rows:
        if cutoff is None:
            cutoff = _shared_cutoff()
        key = (registrant_id, cell, status, system_type, _age_of(confirmed_at, cutoff))
        entry = counted.get(key)
        if entry is None:
            counted[key] = entry = [confirmed_at, 0, 0, 0]
        entry[1] += n
        entry[2] += round(lat * MICRO) * n
        entry[3] += round(lon * MICRO) * n
    return counted


def _stored(registrant_ids: list[int] | None = None) -> dict[Key, list]:
    rows = MapContribution.objects.all()
    if registrant_ids is not None:
        rows = rows.filter(registrant_id__in=registrant_ids)
    values = rows.values_list(*_CONTRIBUTION_COLUMNS)
    return {
        (registrant_id, cell, status, system_type, confirmed): [confirmed_at, n, lat, lon]
        for registrant_id, cell, status, system_type, confirmed, confirmed_at, n, lat, lon in (
            values.iterator(chunk_size=10_000) if registrant_ids is None else values
        )
    }


def _cells(contributions: dict[Key, list], sign: int = 1, into=None) -> dict[Key, list]:
    """Level-0 cells (cell, status, system, age) -> [cameras, lat_sum, lon_sum]."""
    cells = into if into is not None else defaultdict(lambda: [0, 0, 0])
    for (_registrant, *key), (_confirmed_at, n, lat, lon) in contributions.items():
        entry = cells[tuple(key)]
        entry[0] += sign * n
        entry[1] += sign * lat
        entry[2] += sign * lon
    return cells


def _levels(level_zero: Mapping[Key, list]) -> dict[Key, list]:
    """Every level's cells from level 0: (level, cell, status, system, age) -> sums."""
    out: dict[Key, list] = defaultdict(lambda: [0, 0, 0])
    for (cell, status, system_type, confirmed), (n, lat, lon) in level_zero.items():
        if n == 0 and lat == 0 and lon == 0:
            continue
        row, column = divmod(cell, index.COLUMNS)
        for level in range(MAX_LEVEL + 1):
            for system, age in ((system_type, confirmed), (ALL_SYSTEMS, ANY_AGE)):
                entry = out[
                    (
                        level,
                        (row >> level) * index.COLUMNS + (column >> level),
                        status,
                        system,
                        age,
                    )
                ]
                entry[0] += n
                entry[1] += lat
                entry[2] += lon
    return out


_CONTRIBUTION_COLUMNS = (
    "registrant_id",
    "cell",
    "status",
    "system_type",
    "confirmed",
    "confirmed_at",
    "cameras",
    "lat_sum",
    "lon_sum",
)
_CELL_COLUMNS = (
    "level",
    "cell",
    "status",
    "system_type",
    "confirmed",
    "cameras",
    "lat_sum",
    "lon_sum",
)


def _insert_contributions(contributions: dict[Key, list]) -> None:
    if not contributions:
        return
    field = MapContribution._meta.get_field("confirmed_at")
    rows = [
        (*key, field.get_db_prep_save(confirmed_at, connection), n, lat, lon)
        for key, (confirmed_at, n, lat, lon) in contributions.items()
    ]
    _executemany(MapContribution._meta.db_table, _CONTRIBUTION_COLUMNS, rows)


def _executemany(table: str, columns: tuple[str, ...], rows: list[tuple], tail: str = "") -> None:
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(table)} ({', '.join(quote(c) for c in columns)}) "  # noqa: S608  # nosec B608 - model names
        f"VALUES ({', '.join(['%s'] * len(columns))}){tail}"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            cursor.executemany(sql, rows[start : start + 5000])


def _apply(level_zero_delta: Mapping[Key, list]) -> None:
    """Add level-0 changes (which may be negative) to the cells of every level."""
    changes = _levels(level_zero_delta)
    rows = [(*key, n, lat, lon) for key, (n, lat, lon) in changes.items() if n or lat or lon]
    if not rows:
        return
    table = connection.ops.quote_name(MapCell._meta.db_table)
    _executemany(
        MapCell._meta.db_table,
        _CELL_COLUMNS,
        rows,
        tail=(
            " ON CONFLICT (level, cell, status, system_type, confirmed) DO UPDATE SET "
            f"cameras = {table}.cameras + excluded.cameras, "
            f"lat_sum = {table}.lat_sum + excluded.lat_sum, "
            f"lon_sum = {table}.lon_sum + excluded.lon_sum"
        ),
    )
    emptied: dict[int, set[int]] = defaultdict(set)
    for level, cell, *_rest in (row for row in rows if row[5] < 0):
        emptied[level].add(cell)
    for level, cells in emptied.items():
        cells_list = sorted(cells)
        for start in range(0, len(cells_list), 500):
            MapCell.objects.filter(
                level=level, cell__in=cells_list[start : start + 500], cameras__lte=0
            ).delete()


def refresh(registrant_ids: Iterable[int]) -> None:
    """Recount these registrants' cameras on the map (after any change to their sites,
    cameras, status or confirmation, or their deletion), in the caller's transaction."""
    ids = sorted({int(pk) for pk in registrant_ids})
    with transaction.atomic():
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            before = _stored(chunk)
            after = _count(_source(chunk), None)
            if before == after:
                continue
            delta = _cells(after)
            _cells(before, -1, into=delta)
            if before:
                MapContribution.objects.filter(registrant_id__in=chunk).delete()
            _insert_contributions(after)
            _apply(delta)


def rebuild(apps=None) -> int:
    """Count every camera on the map from scratch (the canvass index must be current), in
    one transaction; returns how many cameras the cells hold. A migration passes its
    `apps` (the historical models)."""
    get = apps.get_model if apps is not None else None
    camera_model = get("registry", "Camera") if get else Camera
    with transaction.atomic():
        cutoff = timezone.now() - YEAR
        (get("canvass", "MapState") if get else MapState).objects.update_or_create(
            pk=1, defaults={"cutoff": cutoff}
        )
        (get("canvass", "MapCell") if get else MapCell).objects.all().delete()
        (get("canvass", "MapContribution") if get else MapContribution).objects.all().delete()
        contributions = _count(_source(camera_model=camera_model), cutoff)
        _insert_contributions(contributions)
        level_zero = _cells(contributions)
        rows = [(*key, n, lat, lon) for key, (n, lat, lon) in _levels(level_zero).items()]
        _executemany(MapCell._meta.db_table, _CELL_COLUMNS, rows)
    return sum(n for n, _lat, _lon in level_zero.values())


@dataclass
class CellsReport:
    cameras: int  # cameras the cells should hold
    counted: int  # cameras the level-0 cells hold
    stale_contributions: int  # registrants' counts that differ from their cameras
    stale_cells: int  # cells (any level) whose counts differ from the contributions

    @property
    def current(self) -> bool:
        return self.stale_contributions == 0 and self.stale_cells == 0


def check() -> CellsReport:
    """Compare the cells with the index, registrations and cameras; change nothing."""
    cutoff = MapState.objects.filter(pk=1).values_list("cutoff", flat=True).first()
    expected = _count(_source(), cutoff or timezone.now() - YEAR)
    stored = _stored()
    stale_contributions = sum(
        1 for key in expected.keys() | stored.keys() if expected.get(key) != stored.get(key)
    )
    wanted = {key: value for key, value in _levels(_cells(expected)).items() if value[0]}
    have = {
        (level, cell, status, system_type, confirmed): [n, lat, lon]
        for level, cell, status, system_type, confirmed, n, lat, lon in (
            MapCell.objects.values_list(*_CELL_COLUMNS).iterator(chunk_size=10_000)
        )
    }
    stale_cells = sum(1 for key in wanted.keys() | have.keys() if wanted.get(key) != have.get(key))
    return CellsReport(
        cameras=sum(value[1] for value in expected.values()),
        counted=sum(
            value[0] for key, value in have.items() if key[0] == 0 and key[3] == ALL_SYSTEMS
        ),
        stale_contributions=stale_contributions,
        stale_cells=stale_cells,
    )

"""The registry map's clusters: camera counts per grid cell, kept with the canvass index.

The staff camera map asks for one viewport at one zoom level. Zoomed out, it gets clusters:
for each grid cell in view, how many cameras match the filters and where their centre is,
read from `MapCell` rows kept current as registrations change, so an answer reads a few
hundred rows whatever the registry's size. Zoomed in (from CAMERA_ZOOM, when at most
MAX_CAMERAS match in view), it gets the cameras themselves from the canvass index's camera
rows (one table; decision 0027). Decision
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

from datetime import datetime

from django.db import connection

from .map_counts import (  # noqa: F401 - the map's whole interface is here
    _CELL_COLUMNS,
    CellsReport,
    age,
    check,
    current_cutoff,
    rebuild,
    refresh,
)
from .map_grid import (  # noqa: F401 - the grid's names are the map's too
    AGING_LAG,
    ALL_SYSTEMS,
    ANY_AGE,
    CAMERA_FIELDS,
    CAMERA_ZOOM,
    CLUSTER_FIELDS,
    LEVEL_ZERO_ZOOM,
    MAP_STATUSES,
    MAX_CAMERAS,
    MAX_CELLS,
    MAX_LEVEL,
    MICRO,
    NEVER,
    OLD,
    RECENT,
    YEAR,
    Key,
    MapAnswer,
    MapFilters,
    Viewport,
    cell_degrees,
    level_cell,
    level_for_zoom,
)
from .models import IndexedCamera, MapCell

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

    One query on one table: the canvass index's camera rows (decision 0027), by their
    index on cell and coordinates (the viewport's cells listed), with the registration's
    status and confirmation copied beside each camera.
    """
    if not filters.statuses:
        return []
    table = connection.ops.quote_name(IndexedCamera._meta.db_table)
    cells, params = _in_sql("cell", view.cell_keys(0))
    conditions = [cells, "latitude BETWEEN %s AND %s", "longitude BETWEEN %s AND %s"]
    params += [view.south, view.north, view.west, view.east]
    sql, values = _in_sql("status", filters.statuses)
    conditions.append(sql)
    params += values
    if filters.system_types:
        sql, values = _in_sql("system_type", filters.system_types)
        conditions.append(sql)
        params += values
    if filters.confirmed is not None:
        ages = []
        if NEVER in filters.confirmed:
            ages.append("confirmed_at IS NULL")
        if RECENT in filters.confirmed:
            ages.append("confirmed_at >= %s")
            params.append(cutoff)
        if OLD in filters.confirmed:
            ages.append("confirmed_at < %s")
            params.append(cutoff)
        conditions.append("(" + (" OR ".join(ages) or "1 = 0") + ")")
    sql = (
        "SELECT camera_id, latitude, longitude, direction, field_of_view, range_m, "  # noqa: S608  # nosec B608 - placeholders only
        f"system_type, status, registrant_id FROM {table} "
        f"WHERE {' AND '.join(conditions)} ORDER BY camera_id"
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

"""The canvass spatial index: a fixed grid over latitude and longitude, in a plain table.

Each site is one row of `IndexedSite`: its position and the key of the grid cell it lies
in, `row * COLUMNS + column`, cells CELL_DEGREES on a side (about 555 m north-south and
455 m east-west at Bakersfield's latitude). A B-tree index on (cell, latitude, longitude,
site) answers a search with one short index range per covered cell: SQLite and PostgreSQL
serve it the same way, with no extension. See docs/decisions/0007-canvass-spatial-index.md.

The registry services keep it current: `index_registrant` (or `index_sites`) after any
change to a registrant's sites, inside the same transaction. Deleting a site deletes its
row (the foreign key cascades). `rebuild()` and `manage.py rebuild_canvass_index` build it
from scratch; `check()` reports drift.

Every function here that changes the index also writes the indexed sites' camera rows
(`IndexedCamera`: each camera with what a search and the map read about it, so both read
one table by cell; decision 0027) and recounts the registry map's cells for the
registrants concerned (`map_cells.refresh`), in the same transaction (decision 0020).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np
import shapely
from django.db import connection, models, transaction
from django.db.models import F

from camreg.geo import shapes
from camreg.registry.models import Camera, Registrant, Site
from camreg.rows import many

from . import map_cells
from .models import IndexedCamera, IndexedSite

CELL_DEGREES = 0.005
ROWS = round(180 / CELL_DEGREES)  # 36,000
COLUMNS = round(360 / CELL_DEGREES)  # 72,000
# A search lists its cells (`cell IN (...)`) up to this many; beyond, one range per row.
MAX_LISTED_CELLS = 400
# A circle covering at most this many cells uses them all; larger ones are clipped to it.
UNCLIPPED_CIRCLE_CELLS = 64
BATCH = 500


def row_of(lat: float) -> int:
    return min(ROWS - 1, max(0, math.floor((lat + 90.0) / CELL_DEGREES)))


def column_of(lon: float) -> int:
    return min(COLUMNS - 1, max(0, math.floor((lon + 180.0) / CELL_DEGREES)))


def cell_of(lat: float, lon: float) -> int:
    """The grid cell a point lies in."""
    return row_of(lat) * COLUMNS + column_of(lon)


def covering_cells(scene: shapes.Scene) -> list[int]:
    """The cells that hold every point of the scene's search area, in key order.

    The cells of the bounding box; clipped to the area itself for drawn areas, routes
    (so a long diagonal corridor does not scan its whole box) and large circles.
    """
    south, west, north, east = scene.bounds()
    rows = np.arange(row_of(south), row_of(north) + 1)
    columns = np.arange(column_of(west), column_of(east) + 1)
    grid_rows, grid_columns = (a.ravel() for a in np.meshgrid(rows, columns, indexing="ij"))
    keys = grid_rows * COLUMNS + grid_columns
    clip = not isinstance(scene, shapes.CircleScene) or keys.size > UNCLIPPED_CIRCLE_CELLS
    if clip and keys.size > 1:
        boxes = shapely.box(
            grid_columns * CELL_DEGREES - 180.0,
            grid_rows * CELL_DEGREES - 90.0,
            (grid_columns + 1) * CELL_DEGREES - 180.0,
            (grid_rows + 1) * CELL_DEGREES - 90.0,
        )
        area = scene.cell_filter()
        shapely.prepare(area)
        keys = keys[shapely.intersects(area, boxes)]
    return sorted(int(k) for k in keys)


def _cell_where(scene: shapes.Scene, prefix: str = "") -> tuple[str, list] | None:
    """The WHERE condition (and its parameters) of an index query for the scene: its cells
    listed (or one range per row of them) and the bounding box; None when no cell."""
    south, west, north, east = scene.bounds()
    cells = covering_cells(scene)
    if not cells:
        return None
    if len(cells) <= MAX_LISTED_CELLS:
        cell_sql = f"{prefix}cell IN ({', '.join(['%s'] * len(cells))})"
        params: list = list(cells)
    else:
        runs = list(_runs(cells))
        cell_sql = "(" + " OR ".join([f"{prefix}cell BETWEEN %s AND %s"] * len(runs)) + ")"
        params = [key for run in runs for key in run]
    sql = (
        f"{cell_sql} AND {prefix}latitude BETWEEN %s AND %s AND {prefix}longitude BETWEEN %s AND %s"
    )
    return sql, [*params, south, north, west, east]


def sites_in(scene: shapes.Scene) -> list[int]:
    """Ids of the indexed sites inside the scene's search area, in no particular order.

    One query on the covering index (cells and coordinates), then the exact test on the
    indexed positions.
    """
    where = _cell_where(scene)
    if where is None:
        return []
    table = connection.ops.quote_name(IndexedSite._meta.db_table)
    sql = f"SELECT site_id, latitude, longitude FROM {table} WHERE {where[0]}"  # noqa: S608  # nosec B608 - placeholders only
    with connection.cursor() as cursor:
        cursor.execute(sql, where[1])
        rows = cursor.fetchall()
    if not rows:
        return []
    inside = scene.contains_many([row[1] for row in rows], [row[2] for row in rows])
    return [row[0] for row, keep in zip(rows, inside, strict=True) if keep]


def cameras_in(scene: shapes.Scene, columns: tuple[str, ...], statuses) -> list[tuple]:
    """The `columns` of IndexedCamera for the cameras of registrations in `statuses` whose
    site's indexed position is inside the scene's search area, in no particular order.

    One query on one table (its index on cell and coordinates), then the exact test on the
    indexed positions, as sites_in does. JSON columns come as their text on both databases:
    the caller parses each distinct value once (psycopg would parse every row's, which cost
    more than the rest of the query).
    """
    where = _cell_where(scene)
    statuses = list(statuses)
    if where is None or not statuses:
        return []
    quote = connection.ops.quote_name
    table = quote(IndexedCamera._meta.db_table)
    names = ", ".join(_selected(IndexedCamera._meta.get_field(c), quote) for c in columns)
    sql = (
        f"SELECT latitude, longitude, {names} FROM {table} "  # noqa: S608  # nosec B608 - model names, placeholders
        f"WHERE {where[0]} AND status IN ({', '.join(['%s'] * len(statuses))})"
    )
    rows = many(sql, [*where[1], *statuses])
    if not rows:
        return []
    inside = scene.contains_many([row[0] for row in rows], [row[1] for row in rows])
    return [row[2:] for row, keep in zip(rows, inside, strict=True) if keep]


def _selected(field, quote) -> str:
    column = quote(field.column)
    return f"CAST({column} AS TEXT)" if isinstance(field, models.JSONField) else column


def _runs(cells: list[int]) -> Iterator[tuple[int, int]]:
    """Consecutive keys as (first, last) ranges: one per row of a compact area."""
    start = previous = cells[0]
    for key in cells[1:]:
        if key != previous + 1:
            yield start, previous
            start = key
        previous = key
    yield start, previous


# Keeping the index current -----------------------------------------------------------


def _entry(site_id: int, lat: float, lon: float) -> IndexedSite:
    return IndexedSite(site_id=site_id, latitude=lat, longitude=lon, cell=cell_of(lat, lon))


# What IndexedCamera copies: (its field, the source's alias, the source's field).
CAMERA_COPIED = (
    "label",
    "location_description",
    "placement",
    "coverage",
    "direction",
    "field_of_view",
    "range_m",
    "system_type",
    "brand",
    "recording_mode",
    "retention_days",
    "owner_can_export",
)
SITE_COPIED = {
    "site_latitude": "latitude",
    "site_longitude": "longitude",
    "street": "street",
    "unit": "unit",
    "city": "city",
    "state": "state",
    "postcode": "postcode",
}
REGISTRANT_COPIED = (
    "status",
    "confirmed_at",
    "kind",
    "name",
    "business_name",
    "onsite_contact_name",
    "onsite_contact_phone",
    "phone",
    "alternate_phone",
    "email",
    "preferred_contact",
    "contact_hours",
    "language",
)


def _copied() -> list[tuple[str, str]]:
    """(IndexedCamera column, source expression) for every column of a camera row."""
    quote = connection.ops.quote_name

    def source(alias: str, model, name: str) -> str:
        return f"{alias}.{quote(model._meta.get_field(name).column)}"

    pairs = [
        ("camera", source("c", Camera, "id")),
        ("site_id", source("i", IndexedSite, "site")),
        ("registrant_id", source("s", Site, "registrant")),
        ("cell", source("i", IndexedSite, "cell")),
        ("latitude", source("i", IndexedSite, "latitude")),
        ("longitude", source("i", IndexedSite, "longitude")),
        *((name, source("c", Camera, name)) for name in CAMERA_COPIED),
        *((name, source("s", Site, field)) for name, field in SITE_COPIED.items()),
        *((name, source("r", Registrant, name)) for name in REGISTRANT_COPIED),
    ]
    return [(quote(IndexedCamera._meta.get_field(name).column), expr) for name, expr in pairs]


def _camera_source(where: str) -> tuple[str, str]:
    """(column list, SELECT ...) of the camera rows of the indexed sites matching `where`
    (a condition on c, s, r and i: camera, site, registrant, index entry)."""
    quote = connection.ops.quote_name
    pairs = _copied()
    select = (
        f"SELECT {', '.join(expr for _, expr in pairs)} "  # noqa: S608  # nosec B608 - model names only
        f"FROM {quote(Camera._meta.db_table)} c "
        f"JOIN {quote(Site._meta.db_table)} s ON s.{quote(Site._meta.pk.column)} = "
        f"c.{quote(Camera._meta.get_field('site').column)} "
        f"JOIN {quote(Registrant._meta.db_table)} r ON r.{quote(Registrant._meta.pk.column)} = "
        f"s.{quote(Site._meta.get_field('registrant').column)} "
        f"JOIN {quote(IndexedSite._meta.db_table)} i "
        f"ON i.site_id = s.{quote(Site._meta.pk.column)} "
        f"WHERE {where}"
    )
    return ", ".join(column for column, _ in pairs), select


def write_cameras(where: str = "1 = 1", params: list | tuple = ()) -> None:
    """Insert the camera rows of the indexed sites matching `where` (see _camera_source),
    in cell order (a rebuilt table holds each cell's rows together). The caller has
    deleted their earlier rows."""
    columns, select = _camera_source(where)
    table = connection.ops.quote_name(IndexedCamera._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}) {select} ORDER BY i.cell, i.latitude, i.longitude",  # noqa: S608  # nosec B608 - model names, placeholders
            list(params),
        )


def _in(column: str, values: list) -> tuple[str, list]:
    """`column IN (...)`; for no values a condition that holds for no row (PostgreSQL
    refuses an empty `IN ()`)."""
    if not values:
        return "1 = 0", []
    return f"{column} IN ({', '.join(['%s'] * len(values))})", values


def reindex_camera(camera_id: int) -> None:
    """Rewrite one camera's row (after the camera was saved): none unless its site is
    indexed."""
    IndexedCamera.objects.filter(camera_id=camera_id).delete()
    write_cameras("c.id = %s", [camera_id])


def _batches(values: list[int], size: int = BATCH) -> Iterator[list[int]]:
    for i in range(0, len(values), size):
        yield values[i : i + size]


def index_sites(site_ids: Iterable[int]) -> int:
    """Index these sites at their current position; ids of deleted sites are dropped.

    Call it after sites are created or moved, in the same transaction. Returns how many
    sites are indexed.
    """
    ids = sorted({int(pk) for pk in site_ids})
    indexed = 0
    with transaction.atomic():
        registrants: set[int] = set()
        for chunk in _batches(ids):
            registrants.update(_registrants_of(chunk))
            IndexedCamera.objects.filter(site_id__in=chunk).delete()
            IndexedSite.objects.filter(site_id__in=chunk).delete()
            rows = Site.objects.filter(pk__in=chunk).values_list(
                "pk", "latitude", "longitude", "registrant_id"
            )
            entries = IndexedSite.objects.bulk_create([_entry(*row[:3]) for row in rows])
            write_cameras(*_in("i.site_id", [entry.site_id for entry in entries]))
            registrants.update(row[3] for row in rows)
            indexed += len(entries)
        map_cells.refresh(registrants)
    return indexed


def _registrants_of(site_ids: list[int]) -> set[int]:
    """The registrants of these sites, as the map cells last counted them."""
    return set(
        IndexedSite.objects.filter(site_id__in=site_ids).values_list(
            "site__registrant_id", flat=True
        )
    )


def index_new_sites(sites: Iterable) -> int:
    """Index sites that were just created (saved, never indexed): one INSERT, no lookups.

    For sites that may already be indexed or whose position may have changed since they
    were loaded, use index_sites or index_registrant.
    """
    sites = list(sites)
    entries = [_entry(site.pk, site.latitude, site.longitude) for site in sites]
    IndexedSite.objects.bulk_create(entries)
    if entries:
        write_cameras(*_in("i.site_id", [entry.site_id for entry in entries]))
    map_cells.refresh({site.registrant_id for site in sites})
    return len(entries)


def index_registrant(registrant) -> int:
    """Index all of a registrant's sites, after any change to them (new, moved, removed)."""
    with transaction.atomic():
        IndexedCamera.objects.filter(registrant_id=registrant.pk).delete()
        IndexedSite.objects.filter(site__registrant=registrant).delete()
        rows = Site.objects.filter(registrant=registrant).values_list("pk", "latitude", "longitude")
        entries = IndexedSite.objects.bulk_create([_entry(*row) for row in rows])
        write_cameras("s.registrant_id = %s", [registrant.pk])
        map_cells.refresh([registrant.pk])
        return len(entries)


def remove_sites(site_ids: Iterable[int]) -> int:
    """Take these sites out of the index (deleting a site does this by itself)."""
    ids = sorted({int(pk) for pk in site_ids})
    removed = 0
    with transaction.atomic():
        registrants: set[int] = set()
        for chunk in _batches(ids):
            registrants.update(_registrants_of(chunk))
            IndexedCamera.objects.filter(site_id__in=chunk).delete()
            removed += IndexedSite.objects.filter(site_id__in=chunk).delete()[0]
        map_cells.refresh(registrants)
    return removed


def rebuild(batch_size: int = 5000, *, with_map_cells: bool = True) -> int:
    """Build the whole index from the sites table, in one transaction, then the map cells
    (unless told not to); returns the index's size."""
    total = 0
    with transaction.atomic():
        # Plain DELETEs: the ORM would load every entry to cascade to its camera rows.
        with connection.cursor() as cursor:
            for model in (IndexedCamera, IndexedSite):
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608  # nosec B608 - model names only
        last = 0
        while True:
            rows = list(
                Site.objects.filter(pk__gt=last)
                .order_by("pk")
                .values_list("pk", "latitude", "longitude")[:batch_size]
            )
            if not rows:
                break
            IndexedSite.objects.bulk_create([_entry(*row) for row in rows])
            total += len(rows)
            last = rows[-1][0]
        write_cameras()
        if with_map_cells:
            map_cells.rebuild()
    return total


@dataclass
class IndexReport:
    sites: int
    indexed: int
    missing: int  # sites without an index row
    moved: int  # rows whose position (or cell) no longer matches their site
    # Camera rows missing, left over or differing from their camera, site, registration
    # or index entry (a change made with QuerySet.update(), say).
    stale_cameras: int = 0

    @property
    def current(self) -> bool:
        return self.missing == 0 and self.moved == 0 and self.stale_cameras == 0


def _stale_cameras() -> int:
    """Camera rows that differ from what write_cameras would write now, either way."""
    columns, expected = _camera_source("1 = 1")
    table = connection.ops.quote_name(IndexedCamera._meta.db_table)
    stored = f"SELECT {columns} FROM {table}"  # noqa: S608  # nosec B608 - model names only
    stale = 0
    with connection.cursor() as cursor:
        for first, second in ((expected, stored), (stored, expected)):
            cursor.execute(f"SELECT COUNT(*) FROM ({first} EXCEPT {second}) AS difference")  # noqa: S608  # nosec B608 - model names only
            stale += cursor.fetchone()[0]
    return stale


def check() -> IndexReport:
    """Compare the index with the sites table, without changing anything."""
    moved = IndexedSite.objects.exclude(latitude=F("site__latitude")).count()
    moved += (
        IndexedSite.objects.filter(latitude=F("site__latitude"))
        .exclude(longitude=F("site__longitude"))
        .count()
    )
    wrong_cell = 0
    last = 0
    while True:
        rows = list(
            IndexedSite.objects.filter(site_id__gt=last)
            .order_by("site_id")
            .values_list("site_id", "latitude", "longitude", "cell")[:5000]
        )
        if not rows:
            break
        wrong_cell += sum(1 for _, lat, lon, cell in rows if cell_of(lat, lon) != cell)
        last = rows[-1][0]
    return IndexReport(
        sites=Site.objects.count(),
        indexed=IndexedSite.objects.count(),
        missing=Site.objects.filter(canvass_index__isnull=True).count(),
        moved=moved + wrong_cell,
        stale_cameras=_stale_cameras(),
    )

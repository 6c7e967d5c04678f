"""Keeping the registry map's cell counts current: what each registrant adds to the cells,
the one-year confirmation cut-off, full rebuilds and drift checks (camreg.canvass.map_cells
tells the whole story)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from camreg import rows
from camreg.registry.models import Camera

from . import index
from .map_grid import (
    AGING_LAG,
    ALL_SYSTEMS,
    ANY_AGE,
    MAP_STATUSES,
    MAX_LEVEL,
    MICRO,
    NEVER,
    OLD,
    RECENT,
    YEAR,
    Key,
)
from .models import MapCell, MapContribution, MapState

# The confirmation cut-off ----------------------------------------------------------------


def current_cutoff(*, now: datetime | None = None) -> datetime:
    """The cut-off the cells count confirmation ages from; ages them first when the
    scheduled job is late."""
    now = now or timezone.now()
    state = rows.fetch(MapState, pk=1)  # every map request reads it (decision 0028)
    cutoff = state.cutoff if state is not None else None
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
            " ON CONFLICT (level, cell, status, system_type, confirmed) DO UPDATE SET "  # nosec B608 - the model's table name
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

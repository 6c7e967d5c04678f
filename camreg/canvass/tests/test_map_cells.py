"""The registry map's cells: counts per grid cell at every level, kept current as
registrations change (sites, cameras, status, confirmation, deletion), aged yearly, and the
answers the map reads from them (clusters zoomed out, cameras zoomed in)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from camreg import scheduling
from camreg.canvass import index, map_cells
from camreg.canvass.map_cells import NEVER, OLD, RECENT, MapFilters, Viewport
from camreg.canvass.models import MapCell, MapContribution
from camreg.registry import services as registry
from camreg.registry.models import Camera, Registrant, RegistrationStatus
from camreg.testing.canvass import SCENE, place, register

pytestmark = pytest.mark.django_db

ON_MAP = MapFilters(statuses=map_cells.MAP_STATUSES)
COUNTY = Viewport(34.7, -120.2, 35.9, -117.6, 8)  # Kern County, zoomed out


def level_totals() -> dict[int, int]:
    """Cameras the cells hold, per level: in the rows of all system types and ages, and
    (the same) in the detailed rows."""
    totals: dict[int, int] = {}
    detailed: dict[int, int] = {}
    for level, system_type, cameras in MapCell.objects.values_list(
        "level", "system_type", "cameras"
    ):
        into = totals if system_type == map_cells.ALL_SYSTEMS else detailed
        into[level] = into.get(level, 0) + cameras
    assert totals == detailed
    return totals


def assert_counts(expected: int) -> None:
    """Every level holds `expected` cameras, and the cells agree with the registry."""
    assert level_totals() == dict.fromkeys(range(map_cells.MAX_LEVEL + 1), expected) or (
        expected == 0 and level_totals() == {}
    ), level_totals()
    report = map_cells.check()
    assert report.current, report
    assert report.cameras == expected


def around(lat: float, lon: float, zoom: int, half: float = 0.01) -> Viewport:
    return Viewport(lat - half, lon - half, lat + half, lon + half, zoom)


def test_levels_double_the_cell_side():
    assert map_cells.cell_degrees(0) == index.CELL_DEGREES
    assert map_cells.cell_degrees(3) == pytest.approx(0.04)
    cell = index.cell_of(*SCENE)
    row, column = divmod(cell, index.COLUMNS)
    assert map_cells.level_cell(cell, 0) == cell
    assert map_cells.level_cell(cell, 2) == (row // 4) * index.COLUMNS + column // 4
    # A zoom level maps to a level whose cells are about 117 pixels wide.
    assert map_cells.level_for_zoom(15) == 0
    assert map_cells.level_for_zoom(10) == 5
    assert map_cells.level_for_zoom(2) == map_cells.MAX_LEVEL


def test_viewport_from_a_query():
    view = Viewport.from_query(
        {"south": "35.3", "west": "-119.1", "north": "35.4", "east": "-119", "zoom": "12"}
    )
    assert view == Viewport(35.3, -119.1, 35.4, -119.0, 12)
    # Leaflet's bounds may run round the world: clipped.
    wide = Viewport.from_query(
        {"south": "-95", "west": "-400", "north": "95", "east": "400", "zoom": "0"}
    )
    assert (wide.south, wide.west, wide.north, wide.east) == (-90, -180, 90, 180)
    for bad in (
        {},
        {"south": "x", "west": "0", "north": "1", "east": "1", "zoom": "3"},
        {"south": "2", "west": "0", "north": "1", "east": "1", "zoom": "3"},
        {"south": "0", "west": "0", "north": "1", "east": "1", "zoom": "99"},
        {"south": "nan", "west": "0", "north": "1", "east": "1", "zoom": "3"},
    ):
        with pytest.raises(ValueError):
            Viewport.from_query(bad)


def test_indexing_counts_cameras_at_every_level():
    register("Ana One", place(0, 0), {}, {}, {})
    register("Ben Two", place(2000, 0), {})
    register("Cy Pending", place(0, 3000), {}, status=RegistrationStatus.PENDING_REVIEW)
    register("Dee Unverified", place(0, 100), {}, status=RegistrationStatus.UNVERIFIED)
    register("Eve Rejected", place(0, 200), {}, status=RegistrationStatus.REJECTED)

    assert_counts(5)  # unverified and rejected registrations are not on the map
    statuses = dict(
        MapCell.objects.filter(level=map_cells.MAX_LEVEL, system_type=map_cells.ALL_SYSTEMS)
        .values_list("status")
        .annotate(n=Sum("cameras"))
        .values_list("status", "n")
    )
    assert statuses == {"active": 4, "pending_review": 1}


def test_status_changes_move_the_counts(auto_confirm):
    pending = register("Ana Pending", place(0, 0), {}, {}, status=RegistrationStatus.PENDING_REVIEW)
    assert_counts(2)
    assert set(MapContribution.objects.values_list("status", "confirmed")) == {
        ("pending_review", NEVER)
    }

    registry.confirm_registration(pending)  # saves status and confirmed_at
    assert_counts(2)
    assert set(MapContribution.objects.values_list("status", "confirmed")) == {("active", RECENT)}

    other = register("Ben Pending", place(500, 0), {}, status=RegistrationStatus.PENDING_REVIEW)
    assert_counts(3)
    registry.reject_registration(other, reason="Spam", notify=False, actor=None)
    assert_counts(2)


def test_moving_and_removing_sites_and_cameras():
    ana = register("Ana Mover", place(0, 0), {}, {})
    assert_counts(2)
    old_cell = index.cell_of(*place(0, 0))
    assert MapCell.objects.filter(level=0, cell=old_cell).exists()

    site = ana.sites.get()
    site.latitude, site.longitude = place(5000, 5000)
    site.save()
    Camera.objects.filter(site=site).first().delete()
    index.index_registrant(ana)
    assert_counts(1)
    assert not MapCell.objects.filter(level=0, cell=old_cell).exists()  # emptied cells go
    assert MapCell.objects.filter(level=0, cell=index.cell_of(*place(5000, 5000))).exists()

    registry.remove_all_sites(ana)  # "I moved": sites_changed
    assert_counts(0)


def test_leaving_and_deletion_take_the_cameras_off_the_map():
    ana = register("Ana Leaver", place(0, 0), {}, {})
    ben = register("Ben Deleted", place(100, 0), {})
    assert_counts(3)

    registry.leave(ana)  # erases the sites, then saves the status
    assert_counts(1)

    Registrant.objects.filter(pk=ben.pk).delete()
    assert_counts(0)
    assert not MapContribution.objects.exists()


def test_a_save_that_changes_nothing_on_the_map_writes_nothing():
    ana = register("Ana Quiet", place(0, 0), {})
    ana.refresh_from_db()
    ana.contact_hours = "Mornings"

    def map_statements(save) -> list[str]:
        with CaptureQueriesContext(connection) as queries:
            save()
        return [q["sql"] for q in queries if "canvass_map" in q["sql"]]

    # Not a map field: not even read.
    assert map_statements(lambda: ana.save(update_fields=["contact_hours"])) == []
    # A full save may have changed anything: recounted, found equal, nothing written.
    statements = map_statements(ana.save)
    writes = [sql for sql in statements if sql.split()[0] in ("INSERT", "UPDATE", "DELETE")]
    assert statements and not writes, statements
    assert_counts(1)


def test_aging_moves_confirmations_past_a_year():
    now = timezone.now()
    recent = register("Ana Recent", place(0, 0), {}, confirmed_at=now - timedelta(days=300))
    register("Ben Old", place(100, 0), {}, confirmed_at=now - timedelta(days=400))
    map_cells.rebuild()

    def ages():
        return dict(MapContribution.objects.values_list("registrant_id", "confirmed").order_by())

    assert sorted(ages().values()) == [RECENT, OLD]
    # Sixty-five days and a bit later, Ana's confirmation is over a year old.
    assert map_cells.age(now=now + timedelta(days=66)) == 1
    assert ages()[recent.pk] == OLD
    assert_counts(2)
    assert map_cells.age(now=now + timedelta(days=66)) == 0  # nothing more to age


def test_the_map_ages_the_cells_itself_when_the_job_is_late():
    now = timezone.now()
    register("Ana Recent", place(0, 0), {}, confirmed_at=now - timedelta(days=364))
    within = MapFilters(statuses=map_cells.MAP_STATUSES, confirmed=frozenset({RECENT}))
    over = MapFilters(statuses=map_cells.MAP_STATUSES, confirmed=frozenset({OLD}))
    assert map_cells.answer(COUNTY, within).count == 1
    later = now + timedelta(days=3)
    assert map_cells.answer(COUNTY, within, now=later).count == 0
    assert map_cells.answer(COUNTY, over, now=later).count == 1


def test_rebuild_matches_what_was_kept_incrementally():
    for n in range(6):
        register(f"Person{n} Test", place(n * 700, n * 300), *({} for _ in range(n % 3 + 1)))
    kept = sorted(MapCell.objects.values_list(*map_cells._CELL_COLUMNS))
    assert map_cells.rebuild() == 12
    assert sorted(MapCell.objects.values_list(*map_cells._CELL_COLUMNS)) == kept


def test_rebuild_command_checks_and_rebuilds_the_cells():
    register("Ana One", place(0, 0), {})
    call_command("rebuild_canvass_index", "--check")
    MapCell.objects.filter(level=3).update(cameras=5)
    with pytest.raises(CommandError, match="map cells"):
        call_command("rebuild_canvass_index", "--check")
    call_command("rebuild_canvass_index")
    call_command("rebuild_canvass_index", "--check")


# Answers -------------------------------------------------------------------------------


@pytest.fixture
def town():
    """Nine cameras in a few Bakersfield streets, two at a site far away."""
    registrants = [
        register("Ana Door", place(0, 0), {}, {}),
        register("Ben Yard", place(30, 40), {}),
        register("Cy Corner", place(-60, 20), {}, {}, {}),
        register("Dee Lapsed", place(10, -50), {}, status=RegistrationStatus.LAPSED),
        register("Eve Pending", place(-20, -20), {}, {}, status=RegistrationStatus.PENDING_REVIEW),
        register("Far Away", place(300_000, 300_000), {}, {}),  # in Nevada
    ]
    Camera.objects.filter(site__registrant=registrants[1]).update(system_type="standalone")
    index.index_registrant(registrants[1])
    return registrants


def test_zoomed_out_answers_clusters_whose_counts_are_the_cameras(town):
    answer = map_cells.answer(COUNTY, ON_MAP)
    assert answer.mode == "clusters"
    assert answer.level == map_cells.level_for_zoom(8)
    assert answer.cameras == []
    assert answer.count == sum(count for _lat, _lon, count in answer.clusters) == 9
    # Each cluster sits at the centre of its cameras.
    for lat, lon, _count in answer.clusters:
        assert COUNTY.south < lat < COUNTY.north and COUNTY.west < lon < COUNTY.east
    # Filters apply to the counts: statuses, system types.
    active = MapFilters(statuses=("active",))
    assert map_cells.answer(COUNTY, active).count == 6
    standalone = MapFilters(statuses=map_cells.MAP_STATUSES, system_types=("standalone",))
    assert map_cells.answer(COUNTY, standalone).count == 1
    assert map_cells.answer(COUNTY, MapFilters(statuses=())).count == 0
    # The same cameras are counted at every zoom level until the cameras themselves show.
    for zoom in range(6, map_cells.CAMERA_ZOOM):
        view = around(*SCENE, zoom, half=0.5)
        assert map_cells.answer(view, ON_MAP).count == 9, zoom


def test_zoomed_in_answers_the_cameras(town):
    view = around(*SCENE, map_cells.CAMERA_ZOOM, half=0.003)
    answer = map_cells.answer(view, ON_MAP)
    assert answer.mode == "cameras"
    assert answer.clusters == [] and answer.level is None
    assert answer.count == len(answer.cameras) == 9
    facts = [dict(zip(map_cells.CAMERA_FIELDS, row, strict=True)) for row in answer.cameras]
    assert {f["status"] for f in facts} == {"active", "lapsed", "pending_review"}
    assert all(view.south <= f["lat"] <= view.north for f in facts)
    assert [f["id"] for f in facts] == sorted(f["id"] for f in facts)
    # The same filters as the clusters.
    lapsed = map_cells.answer(view, MapFilters(statuses=("lapsed",)))
    assert [row[7] for row in lapsed.cameras] == ["lapsed"]
    never = MapFilters(statuses=map_cells.MAP_STATUSES, confirmed=frozenset({NEVER}))
    assert map_cells.answer(view, never).count == 9  # none was ever confirmed


def test_zoomed_in_but_crowded_answers_clusters(town, monkeypatch):
    monkeypatch.setattr(map_cells, "MAX_CAMERAS", 5)
    answer = map_cells.answer(around(*SCENE, 17, half=0.003), ON_MAP)
    assert answer.mode == "clusters" and answer.level == 0 and answer.count == 9


def test_an_answer_stays_small_for_any_viewport(town):
    # The whole world at the deepest zoom: answered at a level with at most MAX_CELLS
    # cells in view, and clusters only where there are cameras.
    world = Viewport(-90, -180, 90, 180, 19)
    answer = map_cells.answer(world, ON_MAP)
    assert answer.mode == "clusters"
    assert (
        world.cell_count(answer.level) <= map_cells.MAX_CELLS or answer.level == map_cells.MAX_LEVEL
    )
    assert answer.count == 11
    assert len(json.dumps(answer.clusters)) < 1000


def test_the_scheduler_ages_the_cells():
    job = scheduling.Job("camreg.canvass.tasks.age_map_cells", 10 * scheduling.MINUTE)
    assert job in scheduling.JOBS
    assert scheduling.enqueue_job(job)  # the test settings run tasks at once

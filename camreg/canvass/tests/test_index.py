"""The canvass spatial index stays correct as sites are added, moved and removed."""

import random

import pytest
from django.core.management import CommandError, call_command

from camreg.canvass import index, services
from camreg.canvass.limits import CanvassLimits
from camreg.canvass.models import IndexedSite
from camreg.geo import shapes
from camreg.registry.models import Site
from camreg.testing.canvass import NOW, SCENE, circle, place, register

pytestmark = pytest.mark.django_db
LIMITS = CanvassLimits()


def found(actor, **changes) -> list[str]:
    result = services.search(circle(**changes), limits=LIMITS, actor=actor, now=NOW)
    return sorted(r.name for r in result.cameras)


def test_cell_keys():
    # Row from latitude, column from longitude, 0.005 degrees each, from (-90, -180).
    assert index.cell_of(-90, -180) == 0
    assert index.cell_of(-90, -179.994) == 1
    assert index.cell_of(-89.994, -180) == index.COLUMNS
    row, column = (35.3733 + 90) // 0.005, (-119.0187 + 180) // 0.005
    assert index.cell_of(*SCENE) == row * 72_000 + column == 25_074 * 72_000 + 12_196
    assert index.cell_of(90, 180) == index.ROWS * index.COLUMNS - 1


def test_a_640_m_circle_covers_a_dozen_cells():
    cells = index.covering_cells(shapes.CircleScene(*SCENE, 640))
    assert 9 <= len(cells) <= 16
    assert index.cell_of(*SCENE) in cells


def test_a_diagonal_route_covers_only_the_cells_along_it():
    start, end = place(-1700, -1700), place(1700, 1700)  # 4.8 km, north-east
    line = {"type": "LineString", "coordinates": [[start[1], start[0]], [end[1], end[0]]]}
    scene = shapes.RouteScene.from_geojson(line, 150)
    south, west, north, east = scene.bounds()
    rows = index.row_of(north) - index.row_of(south) + 1
    columns = index.column_of(east) - index.column_of(west) + 1
    cells = index.covering_cells(scene)
    assert len(cells) < rows * columns / 3  # 8 x 9 box, about a quarter of it
    for fraction in (0, 0.25, 0.5, 0.75, 1):
        lat = start[0] + (end[0] - start[0]) * fraction
        lon = start[1] + (end[1] - start[1]) * fraction
        assert index.cell_of(lat, lon) in cells


def test_index_matches_a_full_scan(deputy):
    """Random sites over 3 km; random circles, polygons and routes: the index finds
    exactly what measuring every camera finds, across cell edges."""
    rng = random.Random(4)
    for i in range(150):
        register(f"R{i} Resident", place(rng.uniform(-1500, 1500), rng.uniform(-1500, 1500)))
    sites = list(Site.objects.values_list("registrant__name", "latitude", "longitude"))

    def expected(scene):
        inside = scene.contains_many([s[1] for s in sites], [s[2] for s in sites])
        return sorted(name for (name, _, _), keep in zip(sites, inside, strict=True) if keep)

    for _ in range(12):
        centre = place(rng.uniform(-800, 800), rng.uniform(-800, 800))
        radius = rng.uniform(100, 640)
        scene = shapes.CircleScene(*centre, radius)
        assert found(deputy.user, latitude=centre[0], longitude=centre[1], radius_m=radius) == (
            expected(scene)
        )
    for _ in range(6):
        a = place(rng.uniform(-1200, 1200), rng.uniform(-1200, 1200))
        b = place(rng.uniform(-1200, 1200), rng.uniform(-1200, 1200))
        c = place(rng.uniform(-1200, 1200), rng.uniform(-1200, 1200))
        polygon = {
            "type": "Polygon",
            "coordinates": [[[a[1], a[0]], [b[1], b[0]], [c[1], c[0]], [a[1], a[0]]]],
        }
        line = {"type": "LineString", "coordinates": [[a[1], a[0]], [b[1], b[0]], [c[1], c[0]]]}
        for changes, scene in (
            ({"polygon": polygon}, shapes.PolygonScene.from_geojson(polygon)),
            (
                {"route": line, "corridor_width_m": 150},
                shapes.RouteScene.from_geojson(line, 150),
            ),
        ):
            area = {"latitude": None, "longitude": None, "radius_m": None, **changes}
            limits = CanvassLimits(max_area_sq_mi=None, max_route_length_m=None)
            result = services.search(circle(**area), limits=limits, actor=deputy.user, now=NOW)
            assert sorted(r.name for r in result.cameras) == expected(scene)


def test_a_moved_site_is_found_at_its_new_place_once_reindexed(deputy):
    registrant = register("Ana Mover", place(30, 0), {"direction": 180})
    assert found(deputy.user, radius_m=100) == ["Ana Mover"]
    site = registrant.sites.get()
    site.latitude, site.longitude = place(5000, 0)
    site.save()
    # Before the index hears of it: the indexed position leads to the site, whose real
    # position is then measured, so it is not listed where it no longer is.
    assert found(deputy.user, radius_m=100) == []
    assert index.check().moved == 1
    index.index_sites([site.pk])
    assert found(deputy.user, radius_m=100) == []
    new_place = place(5000, 0)
    assert found(deputy.user, latitude=new_place[0], longitude=new_place[1]) == ["Ana Mover"]
    assert index.check().current


def test_removed_and_deleted_sites_leave_the_index(deputy):
    one = register("Ana One", place(20, 0))
    two = register("Ben Two", place(-20, 0))
    assert found(deputy.user) == ["Ana One", "Ben Two"]
    assert index.remove_sites(one.sites.values_list("pk", flat=True)) == 1
    assert found(deputy.user) == ["Ben Two"]
    two.sites.all().delete()  # the foreign key takes the index row along
    assert found(deputy.user) == []
    assert IndexedSite.objects.count() == 0
    assert index.check().missing == 1  # Ana One's site still exists, unindexed
    assert index.index_registrant(one) == 1
    assert found(deputy.user) == ["Ana One"]


def test_index_registrant_follows_added_and_removed_sites(deputy):
    registrant = register("Ana Two Sites", place(20, 0))
    second = Site.objects.create(
        registrant=registrant,
        street="2400 Ming Ave",
        city="Bakersfield",
        postcode="93304",
        latitude=place(-40, 0)[0],
        longitude=place(-40, 0)[1],
        location_source="pin",
    )
    second.cameras.create(
        label="Garage", direction=0, retention_days=30, system_type="other", range_m=50
    )
    assert index.index_registrant(registrant) == 2
    result = services.search(circle(), limits=LIMITS, actor=deputy.user, now=NOW)
    assert sorted(r.label for r in result.cameras) == ["Front door", "Garage"]
    registrant.sites.exclude(pk=second.pk).delete()
    assert index.index_registrant(registrant) == 1
    assert IndexedSite.objects.get().site_id == second.pk


def test_index_sites_ignores_ids_of_sites_that_are_gone(deputy):
    register("Ana Gone", place(20, 0))
    assert index.index_sites([987654]) == 0
    assert IndexedSite.objects.count() == 1


def test_rebuild_and_the_command(deputy, capsys):
    for i in range(5):
        register(f"R{i} Resident", place(10 * i, 0))
    IndexedSite.objects.all().delete()
    with pytest.raises(CommandError, match="5 missing"):
        call_command("rebuild_canvass_index", "--check")
    assert found(deputy.user) == []
    call_command("rebuild_canvass_index")
    assert "Canvass index rebuilt: 5 site(s)." in capsys.readouterr().out
    assert len(found(deputy.user)) == 5
    call_command("rebuild_canvass_index", "--check")
    assert "The canvass index is current" in capsys.readouterr().out
    IndexedSite.objects.update(cell=1)
    with pytest.raises(CommandError, match="5 out of date"):
        call_command("rebuild_canvass_index", "--check")
    assert index.rebuild() == 5 and index.check().current


def test_a_large_circle_lists_cell_ranges(deputy):
    """A supervisor's 10 km circle covers too many cells to list them one by one."""
    register("Ana Near", place(20, 0))
    register("Ben Far", place(0, 9000))
    scene = shapes.CircleScene(*SCENE, 10_000)
    assert len(index.covering_cells(scene)) > index.MAX_LISTED_CELLS
    assert sorted(index.sites_in(scene)) == sorted(Site.objects.values_list("pk", flat=True))

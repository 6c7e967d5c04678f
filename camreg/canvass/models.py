"""Cases, and the spatial index canvass searches read."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class LocationKind(models.TextChoices):
    POINT = "point", _("Address or map point")
    POLYGON = "polygon", _("Area drawn on the map")
    ROUTE = "route", pgettext_lazy("canvass case", "Route")


class SearchArea(models.Model):
    """Where and when a canvass searches: a case's first search, and each later one.

    Where is one of: a point (from an address or the map) with a search radius; a polygon
    (GeoJSON Polygon, lon/lat); a route (GeoJSON LineString, lon/lat) with the full width of
    the corridor searched along it. Times are stored in UTC.
    """

    location_kind = models.CharField(
        pgettext_lazy("canvass case", "where"),
        max_length=10,
        choices=LocationKind.choices,
        default=LocationKind.POINT,
    )
    address = models.CharField(pgettext_lazy("canvass case", "address"), max_length=300, blank=True)
    # The scene point for a point case; the middle of the area or route otherwise.
    latitude = models.FloatField()
    longitude = models.FloatField()
    radius_m = models.PositiveIntegerField(_("search radius (meters)"), null=True, blank=True)
    area = models.JSONField(_("area or route (GeoJSON)"), null=True, blank=True)
    corridor_width_m = models.PositiveIntegerField(
        _("corridor width (meters)"), null=True, blank=True
    )
    start = models.DateTimeField(pgettext_lazy("canvass case", "start"))
    end = models.DateTimeField(pgettext_lazy("canvass case", "end"))

    class Meta:
        abstract = True


class Case(SearchArea):
    """An incident deputies canvass for: its case number, what happened, where and when.

    The place and times on the case are its first search; later searches of the same case
    (a wider area, another time) are its CaseSearch rows. One case per case number: a
    number already in use opens that case (services.create_case refuses a second one).
    """

    case_number = models.CharField(_("case number"), max_length=60, db_index=True)
    incident_type = models.CharField(_("incident type"), max_length=100)
    # The deputy's statement that the canvass is not aimed at lawful protest or other
    # protected activity, as they affirmed it when creating the case.
    purpose_statement = models.TextField(_("purpose statement"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="canvass_cases"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # A closed case leaves the deputies' lists of open cases; it can be reopened.
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Case {self.case_number}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class CaseSearch(SearchArea):
    """A later search of a case: another area or time window, under the same case number
    and purpose statement. The case's own place and times are its first search."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="searches")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"Search {self.pk} of case {self.case_id}"


class IndexedSite(models.Model):
    """The canvass spatial index: every site's position and its grid cell.

    Cameras stand at their site, so the index holds sites; see camreg/canvass/index.py and
    docs/decisions/0007-canvass-spatial-index.md. Rows are kept current by index_sites()
    and remove_sites() (called by the registry services) and go with their site on delete.
    """

    site = models.OneToOneField(
        "registry.Site",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="canvass_index",
    )
    latitude = models.FloatField()
    longitude = models.FloatField()
    cell = models.BigIntegerField()

    class Meta:
        indexes = [
            # Covering: a search reads cells and coordinates from the index alone.
            models.Index(
                fields=["cell", "latitude", "longitude", "site"], name="canvass_index_cell"
            )
        ]

    def __str__(self) -> str:
        return f"Index entry for site {self.site_id}"


class IndexedCamera(models.Model):
    """The canvass index's camera rows: every camera of an indexed site, with what a search
    and the registry map read about it, so both read this one table by cell.

    `cell`, `latitude` and `longitude` are the indexed position (its IndexedSite's: what
    the index lookup and the map's viewport test use); `site_latitude` and `site_longitude`
    are the site's current position (what distances and view cones are measured from). The
    other columns copy the camera, its site and its registration. Rows are written by the
    index functions (camreg/canvass/index.py: with their IndexedSite, in the same
    transaction) and kept current by the canvass receivers of the Registrant, Site and
    Camera saves; they go with their IndexedSite or their camera (foreign keys), so a
    registrant's erasure takes the copied personal data with the cameras.
    `rebuild_canvass_index --check` reports drift. Decision 0027.
    """

    # The index entry of the camera's site (its key is the site's id): the rows go with it.
    site = models.ForeignKey(IndexedSite, on_delete=models.CASCADE, related_name="cameras")
    camera = models.OneToOneField(
        "registry.Camera", on_delete=models.CASCADE, related_name="canvass_row"
    )
    registrant_id = models.BigIntegerField(db_index=True)
    cell = models.BigIntegerField()
    latitude = models.FloatField()
    longitude = models.FloatField()
    site_latitude = models.FloatField()
    site_longitude = models.FloatField()
    # The camera.
    label = models.CharField(max_length=100)
    location_description = models.CharField(max_length=200, blank=True)
    placement = models.CharField(max_length=10)
    coverage = models.JSONField(default=list, blank=True)
    direction = models.PositiveSmallIntegerField()
    field_of_view = models.PositiveSmallIntegerField()
    range_m = models.PositiveIntegerField()
    system_type = models.CharField(max_length=20)
    brand = models.CharField(max_length=100, blank=True)
    recording_mode = models.CharField(max_length=12)
    retention_days = models.PositiveSmallIntegerField()
    owner_can_export = models.BooleanField(default=False)
    # Its site's address.
    street = models.CharField(max_length=200)
    unit = models.CharField(max_length=50, blank=True)
    city = models.CharField(max_length=100)
    state = models.CharField(max_length=2)
    postcode = models.CharField(max_length=10)
    # Its registration.
    status = models.CharField(max_length=20)
    confirmed_at = models.DateTimeField(null=True)
    kind = models.CharField(max_length=20)
    name = models.CharField(max_length=200, blank=True)
    business_name = models.CharField(max_length=200, blank=True)
    onsite_contact_name = models.CharField(max_length=200, blank=True)
    onsite_contact_phone = models.CharField(max_length=20, blank=True)
    phone = models.CharField(max_length=20, blank=True)
    alternate_phone = models.CharField(max_length=20, blank=True)
    email = models.CharField(max_length=254, blank=True)
    preferred_contact = models.CharField(max_length=10)
    contact_hours = models.CharField(max_length=200, blank=True)
    language = models.CharField(max_length=10)

    class Meta:
        indexes = [
            models.Index(fields=["cell", "latitude", "longitude"], name="canvass_camera_cell")
        ]

    def __str__(self) -> str:
        return f"Index entry for camera {self.camera_id}"


class MapCell(models.Model):
    """The registry map's clusters: how many cameras lie in each grid cell, at each level.

    Level 0 cells are the canvass index's cells (index.CELL_DEGREES on a side); each level
    up doubles the side. A row counts the cameras of one registration status, system type
    and confirmation age (`MapContribution.NEVER`, `RECENT`, `OLD`) in the cell, with the
    sums of their positions in microdegrees (the cluster's centre is sum / cameras). Kept
    current with the index (camreg/canvass/map_cells.py); the map reads a viewport's cells
    instead of its cameras when zoomed out. Decision 0020.
    """

    level = models.PositiveSmallIntegerField()
    cell = models.BigIntegerField()
    status = models.CharField(max_length=20)
    system_type = models.CharField(max_length=20)
    confirmed = models.PositiveSmallIntegerField()
    cameras = models.IntegerField()
    lat_sum = models.BigIntegerField()
    lon_sum = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["level", "cell", "status", "system_type", "confirmed"],
                name="canvass_mapcell_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.cameras} camera(s) in cell {self.cell} at level {self.level}"


class MapContribution(models.Model):
    """What one registrant adds to the level-0 map cells, as last counted.

    Lets a change (sites moved or removed, a new status, an older confirmation) take the
    registrant's earlier counts out of every level before adding the new ones, even when
    the sites are already gone. No foreign key: the row must outlive its registrant's
    deletion until the receiver has subtracted it.
    """

    NEVER, RECENT, OLD = 0, 1, 2  # never confirmed; within the last year; longer ago

    registrant_id = models.BigIntegerField(db_index=True)
    cell = models.BigIntegerField()
    status = models.CharField(max_length=20)
    system_type = models.CharField(max_length=20)
    confirmed = models.PositiveSmallIntegerField()
    # When the registration was last confirmed: the yearly cut-off moves past it (aging).
    confirmed_at = models.DateTimeField(null=True, db_index=True)
    cameras = models.IntegerField()
    lat_sum = models.BigIntegerField()
    lon_sum = models.BigIntegerField()

    def __str__(self) -> str:
        return f"Registrant {self.registrant_id}: {self.cameras} camera(s) in cell {self.cell}"


class MapState(models.Model):
    """One row: the moment the map cells' confirmation ages were counted from.

    A camera counts as confirmed "within the last year" when its registration was confirmed
    at or after `cutoff` (a year before the last aging); map_cells.age() moves it forward.
    """

    cutoff = models.DateTimeField()

    def __str__(self) -> str:
        return f"Map cells aged to {self.cutoff:%Y-%m-%d %H:%M}"

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


class Case(models.Model):
    """An incident deputies canvass for: its case number, what happened, where and when.

    Where is one of: a point (from an address or the map) with a search radius; a polygon
    (GeoJSON Polygon, lon/lat); a route (GeoJSON LineString, lon/lat) with the full width of
    the corridor searched along it. Times are stored in UTC.
    """

    case_number = models.CharField(_("case number"), max_length=60, db_index=True)
    incident_type = models.CharField(_("incident type"), max_length=100)
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
    # The deputy's statement that the canvass is not aimed at lawful protest or other
    # protected activity, as they affirmed it when creating the case.
    purpose_statement = models.TextField(_("purpose statement"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="canvass_cases"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Case {self.case_number}"


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

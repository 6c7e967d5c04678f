"""The agency that runs the program: everything that differs between agencies."""

from zoneinfo import available_timezones

from django.db import models
from django.utils.translation import gettext_lazy as _


class ConfirmMode(models.TextChoices):
    REVIEW = "review", _("A staff member reviews each registration")
    AUTOMATIC = "automatic", _("Registrations are confirmed once the email is verified")


def _time_zone_choices() -> list[tuple[str, str]]:
    return [(tz, tz) for tz in sorted(available_timezones())]


class Agency(models.Model):
    """One row: the agency running this installation (see agency.services.current)."""

    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=40)
    program_name = models.CharField(max_length=200)
    logo = models.FileField(upload_to="agency/", blank=True)
    contact_email = models.EmailField()
    contact_phone = models.CharField(max_length=40)
    website = models.URLField(blank=True)
    address = models.TextField(blank=True)
    time_zone = models.CharField(max_length=64, choices=_time_zone_choices)
    # GeoJSON geometry (Polygon or MultiPolygon) in WGS84 longitude/latitude.
    boundary = models.JSONField()
    # The area the boundary covers, as people name it ("Kern County").
    jurisdiction_name = models.CharField(max_length=200)
    confirm_mode = models.CharField(
        max_length=20, choices=ConfirmMode.choices, default=ConfirmMode.REVIEW
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name

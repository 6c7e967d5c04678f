"""Canvass tests: registered cameras around a scene in Bakersfield, searches, and the case form.

Imports canvass (and the apps below it) only.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from camreg.agency import services as agency_services
from camreg.canvass import index
from camreg.canvass.services import SearchParams
from camreg.geo import shapes
from camreg.registry.models import Registrant, RegistrationStatus
from camreg.testing.registrants import make_registrant

SCENE = (35.3733, -119.0187)  # near 1200 Truxtun Ave, Bakersfield
NOW = datetime(2026, 11, 20, 18, 0, tzinfo=UTC)
START = NOW - timedelta(days=5)  # the incident began five days ago
END = START + timedelta(hours=1)
CASE_NUMBER = "KC2026-004711"
PURPOSE = "Burglary investigation; not aimed at protected activity."
TRUXTUN = (35.3733, -119.0210)  # where the `address_points` fixture puts 1200 Truxtun Ave


def place(north_m: float, east_m: float, origin=SCENE) -> tuple[float, float]:
    """A point so many metres north and east of the origin."""
    lat, lon = origin
    if north_m:
        lat, lon = shapes.destination(lat, lon, 0 if north_m > 0 else 180, abs(north_m))
    if east_m:
        lat, lon = shapes.destination(lat, lon, 90 if east_m > 0 else 270, abs(east_m))
    return lat, lon


def register(
    name: str,
    where: tuple[float, float],
    *cameras: dict,
    status: str = RegistrationStatus.ACTIVE,
    **contact,
) -> Registrant:
    """A registrant with one site and its cameras, indexed."""
    registrant = make_registrant(
        name,
        email=f"{name.split()[0].lower()}@example.com",
        status=status,
        latitude=where[0],
        longitude=where[1],
        cameras=[
            {
                "label": camera.get("label", "Front door"),
                "direction": camera.get("direction", 0),
                "field_of_view": camera.get("fov", 90),
                "range_m": camera.get("range_m", 30),
                "retention_days": camera.get("retention_days", 30),
                "recording_mode": camera.get("recording_mode", "continuous"),
                "system_type": "dvr_nvr",
                "owner_can_export": camera.get("owner_can_export", True),
            }
            for camera in cameras or ({},)
        ],
        phone="+16615550100",
        preferred_contact=contact.pop("preferred_contact", "phone"),
        contact_hours=contact.pop("contact_hours", "Evenings"),
        language=contact.pop("language", "en"),
        **contact,
    )
    index.index_registrant(registrant)
    return registrant


def circle(radius_m: float = 640, **changes) -> SearchParams:
    values = {
        "case_number": CASE_NUMBER,
        "start": START,
        "end": END,
        "latitude": SCENE[0],
        "longitude": SCENE[1],
        "radius_m": radius_m,
        "purpose_statement": PURPOSE,
        "incident_type": "Burglary",
        **changes,
    }
    return SearchParams(**values)


def local(value) -> str:
    """A datetime as typed in the case form, in the agency's time zone."""
    zone = ZoneInfo(agency_services.current().time_zone)
    return timezone.localtime(value, zone).strftime("%Y-%m-%dT%H:%M")


def scene_fixture(origin=SCENE) -> None:
    """Cameras around the scene: facing toward or away, short or long retention."""
    register(
        "Ana Facing", place(-40, 0, origin), {"label": "Faces north", "direction": 0, "range_m": 60}
    )
    register("Ben Away", place(-20, 0, origin), {"label": "Faces south", "direction": 180})
    register(
        "Cy Short",
        place(-10, 0, origin),
        {"label": "Short memory", "direction": 0, "retention_days": 2},
    )
    register(
        "Dee Far", place(-120, 0, origin), {"label": "Far north", "direction": 0, "range_m": 200}
    )
    register(
        "Eve Lapsed",
        place(0, 30, origin),
        {"label": "Lapsed cam", "direction": 270},
        status="lapsed",
    )
    register("Outside Olly", place(0, 900, origin), {"label": "Too far"})

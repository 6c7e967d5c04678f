"""Building staff users, registered cameras around a scene in Bakersfield, and searches."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from camreg.canvass import index
from camreg.canvass.services import SearchParams
from camreg.geo import shapes
from camreg.registry.models import Camera, Registrant, RegistrationStatus, Site

SCENE = (35.3733, -119.0187)  # near 1200 Truxtun Ave, Bakersfield
NOW = datetime(2026, 11, 20, 18, 0, tzinfo=UTC)
START = NOW - timedelta(days=5)  # the incident began five days ago
END = START + timedelta(hours=1)
CASE_NUMBER = "KC2026-004711"
PURPOSE = "Burglary investigation; not aimed at protected activity."


def staff(email: str, *roles: str, verified: bool = True):
    from camreg.accounts.models import User

    user = User.objects.create_user(
        email, "x" * 16, full_name=email.split("@")[0].title(), roles=list(roles)
    )
    # As django-otp's middleware does once the second factor is checked.
    user.is_verified = lambda: verified
    return user


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
    registrant = Registrant.objects.create(
        kind="resident",
        name=name,
        email=f"{name.split()[0].lower()}@example.com",
        phone="+16615550100",
        preferred_contact=contact.pop("preferred_contact", "phone"),
        contact_hours=contact.pop("contact_hours", "Evenings"),
        language=contact.pop("language", "en"),
        status=status,
        **contact,
    )
    site = Site.objects.create(
        registrant=registrant,
        street="1200 Truxtun Ave",
        city="Bakersfield",
        postcode="93301",
        latitude=where[0],
        longitude=where[1],
        location_source="pin",
    )
    for camera in cameras or ({},):
        Camera.objects.create(
            site=site,
            label=camera.get("label", "Front door"),
            direction=camera.get("direction", 0),
            field_of_view=camera.get("fov", 90),
            range_m=camera.get("range_m", 30),
            retention_days=camera.get("retention_days", 30),
            recording_mode=camera.get("recording_mode", "continuous"),
            system_type="dvr_nvr",
            owner_can_export=camera.get("owner_can_export", True),
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

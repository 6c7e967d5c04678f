"""What a search finds: each camera with what a deputy needs to ask for its video, and the
search as a whole, with the shapes the map draws."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from shapely.geometry import mapping

from camreg.canvass.limits import Violation
from camreg.canvass.services.params import SearchParams
from camreg.geo import shapes
from camreg.registry.models import RegistrationStatus

FACES, TOWARD, AWAY = "faces", "toward", "away"


@dataclass(slots=True)
class CameraResult:
    """One camera found by a search, with what a deputy needs to ask for its video."""

    rank: int
    camera_id: int
    site_id: int
    registrant_id: int
    registration_status: str
    listed_apart: bool  # lapsed or unconfirmed registration
    # The camera.
    label: str
    location_description: str
    placement: str
    coverage: list
    latitude: float
    longitude: float
    direction: int
    field_of_view: int
    range_m: int
    system_type: str
    brand: str
    # Against the scene.
    distance_m: float
    inside_area: bool
    faces_scene: bool
    # Its video of the incident.
    retention_days: int
    video_retained: bool
    overwrite_at: datetime
    days_left: int  # whole days before it is overwritten; negative: overwritten
    recording_mode: str
    recording_note: str
    owner_can_export: bool
    # Whom to contact, and how.
    registrant_kind: str
    name: str
    business_name: str
    onsite_contact_name: str
    onsite_contact_phone: str
    phone: str
    alternate_phone: str
    email: str
    preferred_contact: str
    contact_hours: str
    language: str
    address_line: str
    reason: str = ""
    # How it is aimed: FACES (sees the scene), TOWARD (points at it, range falls short) or
    # AWAY; explanations.facing_phrase says it in words, the same on every page.
    facing: str = ""

    def view(self) -> shapes.CameraView:
        return shapes.CameraView(
            self.latitude, self.longitude, self.direction, self.field_of_view, self.range_m
        )

    def cone_geojson(self) -> dict:
        """The view cone as a GeoJSON Polygon (lon/lat), for the map."""
        return mapping(shapes.view_cone(self.view()))


@dataclass
class SearchResult:
    params: SearchParams
    scene: shapes.Scene
    cameras: list[CameraResult]  # active registrations, best first
    apart: list[CameraResult]  # lapsed and unconfirmed registrations, best first
    searched_at: datetime
    overridden: list[Violation] = field(default_factory=list)
    audit_event_id: int | None = None

    @property
    def counts(self) -> dict[str, int]:
        return tally((c.registration_status, c.registrant_id) for c in (*self.cameras, *self.apart))

    def area_geojson(self) -> dict:
        """The searched area as a GeoJSON Polygon (lon/lat), for the map."""
        return mapping(self.scene.outline())


def tally(found: Iterable[tuple[str, int]]) -> dict[str, int]:
    """A search's counts (its audit record's "results") from the registration status and
    registrant of each camera found: active ones, the ones listed apart (lapsed,
    unconfirmed), all, and their registrants."""
    statuses, registrants = [], set()
    for status, registrant_id in found:
        statuses.append(status)
        registrants.add(registrant_id)
    active = statuses.count(RegistrationStatus.ACTIVE)
    lapsed = statuses.count(RegistrationStatus.LAPSED)
    return {
        "active": active,
        "lapsed": lapsed,
        "unconfirmed": len(statuses) - active - lapsed,
        "total": len(statuses),
        "registrants": len(registrants),
    }

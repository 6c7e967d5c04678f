"""Cases and canvass searches: every rule about them lives here.

The console, the API and commands call `create_case` and `search`; nothing else reads the
registry for a canvass. Every search, refused or not, is in the audit log.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import lru_cache

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from shapely.geometry import mapping

from camreg.accounts.roles import Permission, can
from camreg.audit import services as audit
from camreg.audit.models import Outcome
from camreg.geo import shapes
from camreg.registry.models import Camera, RecordingMode, Registrant, RegistrationStatus, Site

from . import index
from .limits import (
    CanvassError,
    CanvassLimits,
    InvalidSearch,
    LimitExceeded,
    Violation,
    check,
)
from .models import Case, LocationKind

__all__ = [
    "CameraResult",
    "CanvassError",
    "CanvassLimits",
    "InvalidSearch",
    "LimitExceeded",
    "SearchParams",
    "SearchResult",
    "Violation",
    "create_case",
    "search",
]

# Registrations whose cameras a search lists: active ones first, the others apart.
MAIN_STATUSES = {RegistrationStatus.ACTIVE}
APART_STATUSES = {RegistrationStatus.LAPSED, RegistrationStatus.PENDING_REVIEW}

SECONDS_PER_DAY = 86_400


# Search parameters --------------------------------------------------------------------


@dataclass(frozen=True)
class SearchParams:
    """What a deputy searches for. Exactly one of: a point with `radius_m`, a `polygon`
    (GeoJSON Polygon), or a `route` (GeoJSON LineString) with `corridor_width_m` (full
    width). `start` and `end` are aware datetimes."""

    case_number: str
    start: datetime
    end: datetime
    latitude: float | None = None
    longitude: float | None = None
    radius_m: float | None = None
    polygon: dict | None = None
    route: dict | None = None
    corridor_width_m: float | None = None
    purpose_statement: str = ""
    incident_type: str = ""
    case: Case | None = field(default=None, compare=False)

    @classmethod
    def from_case(cls, case: Case) -> SearchParams:
        kind = case.location_kind
        return cls(
            case_number=case.case_number,
            start=case.start,
            end=case.end,
            latitude=case.latitude if kind == LocationKind.POINT else None,
            longitude=case.longitude if kind == LocationKind.POINT else None,
            radius_m=case.radius_m if kind == LocationKind.POINT else None,
            polygon=case.area if kind == LocationKind.POLYGON else None,
            route=case.area if kind == LocationKind.ROUTE else None,
            corridor_width_m=case.corridor_width_m if kind == LocationKind.ROUTE else None,
            purpose_statement=case.purpose_statement,
            incident_type=case.incident_type,
            case=case,
        )

    @property
    def kind(self) -> str:
        if self.polygon is not None:
            return LocationKind.POLYGON
        if self.route is not None:
            return LocationKind.ROUTE
        return LocationKind.POINT

    def scene(self) -> shapes.Scene:
        """The scene and search area; raises InvalidSearch when they make no sense."""
        given = [self.polygon is not None, self.route is not None, self.latitude is not None]
        if sum(given) != 1:
            raise InvalidSearch(
                "location_invalid",
                _("Give exactly one place: a point, an area drawn on the map, or a route."),
            )
        try:
            if self.polygon is not None:
                return shapes.PolygonScene.from_geojson(self.polygon)
            if self.route is not None:
                width = _number(self.corridor_width_m)
                if width is None or width <= 0:
                    raise InvalidSearch(
                        "corridor_width_invalid",
                        _("Give the width of the corridor along the route, in meters."),
                    )
                return shapes.RouteScene.from_geojson(self.route, width)
        except shapes.ShapeError as error:
            raise InvalidSearch("geometry_invalid", str(error)) from error
        lat, lon, radius = (
            _number(self.latitude),
            _number(self.longitude),
            _number(self.radius_m),
        )
        if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise InvalidSearch(
                "location_invalid", _("The scene's latitude or longitude is out of range.")
            )
        if radius is None or radius <= 0:
            raise InvalidSearch("radius_invalid", _("Give the search radius, in meters."))
        return shapes.CircleScene(lat, lon, radius)

    def check_times(self) -> None:
        for value in (self.start, self.end):
            if not isinstance(value, datetime) or timezone.is_naive(value):
                raise InvalidSearch(
                    "time_invalid", _("Give the start and end of the incident with a time zone.")
                )
        if self.end < self.start:
            raise InvalidSearch(
                "time_window_invalid", _("The end of the incident is before its start.")
            )

    def describe(self, scene: shapes.Scene | None = None) -> dict:
        """The parameters as the audit log keeps them."""
        details = {
            "kind": self.kind,
            "incident_type": self.incident_type,
            "start": self.start.isoformat() if isinstance(self.start, datetime) else None,
            "end": self.end.isoformat() if isinstance(self.end, datetime) else None,
            "purpose_statement": self.purpose_statement,
        }
        if self.case is not None:
            details["case_id"] = self.case.pk
        if scene is not None:
            details.update(scene.summary())
        else:
            for name in (
                "latitude",
                "longitude",
                "radius_m",
                "corridor_width_m",
                "polygon",
                "route",
            ):
                value = getattr(self, name)
                if value is not None:
                    details[name] = _json_safe(value)
        return details


def _json_safe(value):
    """The value as given, with what JSON cannot hold (NaN, infinity) as text."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    return value


def _number(value) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


# Results ------------------------------------------------------------------------------


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
        lapsed = sum(1 for c in self.apart if c.registration_status == RegistrationStatus.LAPSED)
        return {
            "active": len(self.cameras),
            "lapsed": lapsed,
            "unconfirmed": len(self.apart) - lapsed,
            "total": len(self.cameras) + len(self.apart),
            "registrants": len({c.registrant_id for c in (*self.cameras, *self.apart)}),
        }

    def area_geojson(self) -> dict:
        """The searched area as a GeoJSON Polygon (lon/lat), for the map."""
        return mapping(self.scene.outline())


# Cases --------------------------------------------------------------------------------


def create_case(
    *,
    actor,
    case_number: str,
    incident_type: str,
    start: datetime,
    end: datetime,
    latitude: float | None = None,
    longitude: float | None = None,
    radius_m: float | None = None,
    polygon: dict | None = None,
    route: dict | None = None,
    corridor_width_m: float | None = None,
    address: str = "",
    purpose_statement: str = "",
    limits: CanvassLimits | None = None,
    request=None,
) -> Case:
    """Create a case for a canvass.

    The case number must match the agency's format (`limits.case_number_pattern`) and the
    purpose statement is required as for a search (LimitExceeded otherwise); the place and
    times must make sense (InvalidSearch). Size and time limits are checked by `search`,
    where a supervisor can override them.
    """
    limits = limits or CanvassLimits()
    if not can(actor, Permission.CANVASS):
        raise PermissionDenied(Permission.CANVASS.value)
    params = SearchParams(
        case_number=(case_number or "").strip(),
        start=start,
        end=end,
        latitude=latitude,
        longitude=longitude,
        radius_m=radius_m,
        polygon=polygon,
        route=route,
        corridor_width_m=corridor_width_m,
        purpose_statement=(purpose_statement or "").strip(),
        incident_type=(incident_type or "").strip(),
    )
    params.check_times()
    scene = params.scene()
    if not params.incident_type:
        raise InvalidSearch("incident_type_missing", _("Enter the type of incident."))
    required = [v for v in _violations(params, scene, limits) if not v.overridable]
    if required:
        raise LimitExceeded(required)
    lat, lon = scene.centre
    with transaction.atomic():
        case = Case.objects.create(
            case_number=params.case_number,
            incident_type=params.incident_type,
            location_kind=params.kind,
            address=(address or "").strip(),
            latitude=lat,
            longitude=lon,
            radius_m=round(scene.radius_m) if isinstance(scene, shapes.CircleScene) else None,
            area=polygon if polygon is not None else route,
            corridor_width_m=(
                round(scene.width_m) if isinstance(scene, shapes.RouteScene) else None
            ),
            start=start,
            end=end,
            purpose_statement=params.purpose_statement,
            created_by=actor,
        )
        audit.record(
            "canvass.case_created",
            actor=actor,
            request=request,
            target=case,
            case_number=case.case_number,
            details=params.describe(scene),
        )
    return case


# The search ---------------------------------------------------------------------------


def _violations(params: SearchParams, scene: shapes.Scene, limits: CanvassLimits):
    return check(
        limits,
        case_number=params.case_number,
        start=params.start,
        end=params.end,
        scene=scene,
        purpose_statement=params.purpose_statement,
    )


def search(
    case_or_params: Case | SearchParams,
    *,
    limits: CanvassLimits,
    actor,
    request=None,
    override_reason: str = "",
    now: datetime | None = None,
) -> SearchResult:
    """The registered cameras that may have seen the incident, best first.

    Raises PermissionDenied without Permission.CANVASS, InvalidSearch for a malformed
    search, LimitExceeded when a limit is broken and not overridden: a user with
    Permission.CANVASS_OVERRIDE may exceed size and time limits by giving
    `override_reason`. Every search is audited ("canvass.searched", with its parameters
    and result counts; refusals with outcome "denied"), and every override too
    ("canvass.limit_overridden").
    """
    params = (
        SearchParams.from_case(case_or_params)
        if isinstance(case_or_params, Case)
        else case_or_params
    )
    params = _normalised(params)
    override_reason = (override_reason or "").strip()

    def refuse(codes: list[str], scene: shapes.Scene | None = None) -> None:
        audit.record(
            "canvass.searched",
            actor=actor,
            request=request,
            target=params.case,
            case_number=params.case_number,
            reason=override_reason,
            outcome=Outcome.DENIED,
            details={**params.describe(scene), "refused": codes},
        )

    if not can(actor, Permission.CANVASS):
        refuse(["permission_denied"])
        raise PermissionDenied(Permission.CANVASS.value)
    try:
        params.check_times()
        scene = params.scene()
    except CanvassError as error:
        refuse([error.code])
        raise
    violations = _violations(params, scene, limits)
    if violations:
        blocking = [v for v in violations if not v.overridable]
        may_override = can(actor, Permission.CANVASS_OVERRIDE)
        note = ""
        if override_reason and not may_override and not blocking:
            note = _("Only a supervisor can exceed a limit.")
        if blocking or not override_reason or not may_override:
            refuse([v.code for v in violations], scene)
            raise LimitExceeded(violations, note=note)

    now = now or timezone.now()
    cameras, apart = _find(scene, params, now)
    result = SearchResult(
        params=params,
        scene=scene,
        cameras=cameras,
        apart=apart,
        searched_at=now,
        overridden=violations,
    )
    details = {
        **params.describe(scene),
        "results": result.counts,
        "registrant_ids": sorted({c.registrant_id for c in (*cameras, *apart)}),
    }
    if violations:
        details["overridden"] = [v.code for v in violations]
    searched = {
        "actor": actor,
        "request": request,
        "target": params.case,
        "case_number": params.case_number,
    }
    if violations:
        with transaction.atomic():
            audit.record(
                "canvass.limit_overridden",
                **searched,
                reason=override_reason,
                details={**params.describe(scene), "limits": [v.as_dict() for v in violations]},
            )
            event = audit.record(
                "canvass.searched", **searched, reason=override_reason, details=details
            )
    else:
        event = audit.record("canvass.searched", **searched, details=details)
    result.audit_event_id = event.pk
    return result


def _normalised(params: SearchParams) -> SearchParams:
    return replace(
        params,
        case_number=(params.case_number or "").strip(),
        purpose_statement=(params.purpose_statement or "").strip(),
        incident_type=(params.incident_type or "").strip(),
    )


# Finding and ranking ------------------------------------------------------------------

# What a search reads for each camera: (model, field) in the order of the result row.
_FIELDS = (
    (Camera, "id"),
    (Camera, "label"),
    (Camera, "location_description"),
    (Camera, "placement"),
    (Camera, "coverage"),
    (Camera, "direction"),
    (Camera, "field_of_view"),
    (Camera, "range_m"),
    (Camera, "system_type"),
    (Camera, "brand"),
    (Camera, "recording_mode"),
    (Camera, "retention_days"),
    (Camera, "owner_can_export"),
    (Camera, "site"),
    (Site, "latitude"),
    (Site, "longitude"),
    (Site, "street"),
    (Site, "unit"),
    (Site, "city"),
    (Site, "state"),
    (Site, "postcode"),
    (Site, "registrant"),
    (Registrant, "status"),
    (Registrant, "kind"),
    (Registrant, "name"),
    (Registrant, "business_name"),
    (Registrant, "onsite_contact_name"),
    (Registrant, "onsite_contact_phone"),
    (Registrant, "phone"),
    (Registrant, "alternate_phone"),
    (Registrant, "email"),
    (Registrant, "preferred_contact"),
    (Registrant, "contact_hours"),
    (Registrant, "language"),
)
_STATUS = _FIELDS.index((Registrant, "status"))
# Where the camera stands and what it sees: CameraView's arguments.
_VIEW = tuple(
    _FIELDS.index(item)
    for item in (
        (Site, "latitude"),
        (Site, "longitude"),
        (Camera, "direction"),
        (Camera, "field_of_view"),
        (Camera, "range_m"),
    )
)
_SITE_BATCH = 500


@lru_cache(maxsize=1)
def _camera_query() -> str:
    """SELECT ... FROM camera JOIN site JOIN registrant WHERE camera.site_id IN (...):
    plain SQL both databases run, built once from the models' table and column names."""
    quote = connection.ops.quote_name
    alias = {Camera: "c", Site: "s", Registrant: "r"}
    columns = ", ".join(
        f"{alias[model]}.{quote(model._meta.get_field(name).column)}" for model, name in _FIELDS
    )
    site_fk = quote(Camera._meta.get_field("site").column)
    registrant_fk = quote(Site._meta.get_field("registrant").column)
    return (
        f"SELECT {columns} FROM {quote(Camera._meta.db_table)} c "  # noqa: S608  # nosec B608 - model names only
        f"JOIN {quote(Site._meta.db_table)} s ON s.{quote(Site._meta.pk.column)} = c.{site_fk} "
        f"JOIN {quote(Registrant._meta.db_table)} r "
        f"ON r.{quote(Registrant._meta.pk.column)} = s.{registrant_fk} "
        f"WHERE c.{site_fk} IN "
    )


def _camera_rows(site_ids: list[int]) -> list[tuple]:
    """Every camera at these sites, with its site and registrant, as rows in _FIELDS order."""
    rows: list[tuple] = []
    head = _camera_query()
    with connection.cursor() as cursor:
        for i in range(0, len(site_ids), _SITE_BATCH):
            batch = site_ids[i : i + _SITE_BATCH]
            cursor.execute(head + "(" + ", ".join(["%s"] * len(batch)) + ")", batch)
            rows.extend(cursor.fetchall())
    return rows


def _find(
    scene: shapes.Scene, params: SearchParams, now: datetime
) -> tuple[list[CameraResult], list[CameraResult]]:
    """The cameras inside the search area: (active ones, the ones listed apart), ranked."""
    site_ids = index.sites_in(scene)
    rows = [row for row in _camera_rows(site_ids) if row[_STATUS] in _LISTED]
    lat, lon, direction, fov, range_m = _VIEW
    views = [
        shapes.CameraView(row[lat], row[lon], row[direction], row[fov], row[range_m])
        for row in rows
    ]
    main: list[CameraResult] = []
    apart: list[CameraResult] = []
    for row, assessment in zip(rows, scene.assess(views), strict=True):
        if assessment.inside:  # at its site's current position, not only the indexed one
            result = _result(row, assessment, scene, params.start, now)
            (apart if result.listed_apart else main).append(result)
    return _ranked(main), _ranked(apart)


_LISTED = frozenset(MAIN_STATUSES | APART_STATUSES)


def _result(
    row: tuple, assessment: shapes.Assessment, scene: shapes.Scene, start, now
) -> CameraResult:
    (
        camera_id, label, location_description, placement, coverage, direction,
        field_of_view, range_m, system_type, brand, recording_mode, retention_days,
        owner_can_export, site_id, lat, lon, street, unit, city, state, postcode,
        registrant_id, status, kind, name, business_name, onsite_name, onsite_phone,
        phone, alternate_phone, email, preferred_contact, contact_hours, language,
    ) = row  # fmt: skip
    overwrite_at = start + timedelta(days=retention_days)
    remaining_days = (overwrite_at - now).total_seconds() / SECONDS_PER_DAY
    retained = retention_days > 0 and remaining_days > 0
    motion = recording_mode == RecordingMode.MOTION
    if isinstance(coverage, str):
        coverage = json.loads(coverage)
    result = CameraResult(
        rank=0,
        camera_id=camera_id,
        site_id=site_id,
        registrant_id=registrant_id,
        registration_status=status,
        listed_apart=status not in MAIN_STATUSES,
        label=label,
        location_description=location_description,
        placement=placement,
        coverage=coverage or [],
        latitude=lat,
        longitude=lon,
        direction=direction,
        field_of_view=field_of_view,
        range_m=range_m,
        system_type=system_type,
        brand=brand,
        distance_m=round(assessment.distance_m, 1),
        inside_area=assessment.inside,
        faces_scene=assessment.faces,
        retention_days=retention_days,
        video_retained=retained,
        overwrite_at=overwrite_at,
        days_left=math.floor(remaining_days),
        recording_mode=recording_mode,
        recording_note=(
            _("Records on motion only: it may have missed part of the incident.") if motion else ""
        ),
        owner_can_export=bool(owner_can_export),
        registrant_kind=kind,
        name=name,
        business_name=business_name,
        onsite_contact_name=onsite_name,
        onsite_contact_phone=onsite_phone,
        phone=phone,
        alternate_phone=alternate_phone,
        email=email,
        preferred_contact=preferred_contact,
        contact_hours=contact_hours,
        language=language,
        address_line=f"{street} {unit}".strip() + f", {city}, {state} {postcode}",
    )
    result.reason = _reason(result, assessment, scene, remaining_days)
    return result


def _ranked(results: list[CameraResult]) -> list[CameraResult]:
    """Most likely to hold usable footage first: video still kept, then facing the scene,
    then nearest. A camera whose video is overwritten holds nothing, whatever it faces."""
    results.sort(key=lambda r: (not r.video_retained, not r.faces_scene, r.distance_m, r.camera_id))
    for rank, result in enumerate(results, start=1):
        result.rank = rank
    return results


def _reason(
    result: CameraResult, assessment: shapes.Assessment, scene: shapes.Scene, remaining_days: float
) -> str:
    """Why the camera ranks where it does: "faces the scene, 12 days of video left, 48 m away"."""
    if assessment.faces:
        facing = _("faces the scene")
    elif assessment.toward:
        facing = _("points toward the scene, but its %(range)s m range does not reach it") % {
            "range": result.range_m
        }
    else:
        facing = _("does not face the scene")

    if result.retention_days == 0:
        kept = _("keeps no recordings")
    elif result.video_retained:
        days = result.days_left
        if days >= 1:
            left = ngettext("%(days)d day of video left", "%(days)d days of video left", days)
            kept = left % {"days": days}
        else:
            kept = _("less than a day of video left")
    else:
        days = math.floor(-remaining_days)
        if days >= 1:
            ago = ngettext(
                "video overwritten %(days)d day ago", "video overwritten %(days)d days ago", days
            )
            kept = ago % {"days": days}
        else:
            kept = _("video overwritten in the last day")

    distance = result.distance_m
    if distance < 0.5:
        where = _("at the scene") if isinstance(scene, shapes.CircleScene) else _("in the area")
    elif distance < 1000:
        where = _("%(metres)d m away") % {"metres": round(distance)}
    else:
        where = _("%(km).1f km away") % {"km": distance / 1000}

    if result.recording_mode == RecordingMode.MOTION:
        motion = _("records on motion only")
        return f"{facing}, {kept}, {where}, {motion}"
    return f"{facing}, {kept}, {where}"


# Reading a case and what is printed or exported from it -------------------------------


def view_case(case: Case, *, actor, request=None) -> Case:
    """Open a case page: needs Permission.CANVASS; every view is audited."""
    if not can(actor, Permission.CANVASS):
        raise PermissionDenied(Permission.CANVASS.value)
    audit.record(
        "canvass.case_viewed",
        actor=actor,
        request=request,
        target=case,
        case_number=case.case_number,
    )
    return case


def record_output(action: str, result: SearchResult, *, actor, request=None, **details) -> None:
    """Audit a contact sheet printed ("canvass.contact_sheet_printed") or a CSV export
    ("canvass.exported") of a search's results, with its row counts."""
    if action not in ("canvass.contact_sheet_printed", "canvass.exported"):
        raise ValueError(action)
    if not can(actor, Permission.CANVASS):
        raise PermissionDenied(Permission.CANVASS.value)
    audit.record(
        action,
        actor=actor,
        request=request,
        target=result.params.case,
        case_number=result.params.case_number,
        details={
            "rows": len(result.cameras) + len(result.apart),
            "results": result.counts,
            "search_event_id": result.audit_event_id,
            **details,
        },
    )

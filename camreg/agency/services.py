"""Reading and changing the agency's configuration (program settings)."""

from __future__ import annotations

import hashlib
import io
import itertools
import json
import math
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from camreg import caching

from . import signals
from .models import Agency

CACHE_KEY = "settings:current:v2"
CACHE_SECONDS = 300
MAP_BOUNDS_KEY = "agency:map-bounds:v1"


class AgencyNotSetUp(Agency.DoesNotExist):
    """This installation has no agency yet: `manage.py setup_agency` creates it."""

    def __init__(self, message: str = "") -> None:
        super().__init__(
            message
            or "No agency is set up yet. Run `manage.py setup_agency` (see "
            "docs/operations.md), or `manage.py load_demo` for the demo."
        )


def current() -> Agency:
    """The agency of this installation (cached; read once per request).

    Raises AgencyNotSetUp on a database without one: the agency is never created here.
    """
    agency = current_or_none()
    if agency is None:
        raise AgencyNotSetUp
    return agency


def current_or_none() -> Agency | None:
    """The agency, or None while setup is pending (a missing agency is not cached, so the
    site comes up as soon as setup_agency has run)."""
    agency = caching.shared(CACHE_KEY, _load, CACHE_SECONDS)
    if agency is None:
        caching.forget(CACHE_KEY)
    return agency


def _load() -> Agency | None:
    return Agency.objects.order_by("pk").first()


def update(agency: Agency, **changes) -> Agency:
    for field, value in changes.items():
        setattr(agency, field, value)
    agency.full_clean()
    agency.save()
    caching.forget(CACHE_KEY)
    caching.forget(MAP_BOUNDS_KEY)
    boundary_shape.cache_clear()
    return agency


@lru_cache(maxsize=4)
def boundary_shape(boundary_json: str):
    """A prepared shapely geometry for fast point-in-polygon tests."""
    from shapely import prepared
    from shapely.geometry import shape

    geometry = shape(json.loads(boundary_json))
    return prepared.prep(geometry)


def contains(lat: float, lon: float, agency: Agency | None = None) -> bool:
    """Whether a point lies inside the agency's jurisdiction boundary."""
    from shapely.geometry import Point

    agency = agency or current()
    prepared_shape = boundary_shape(json.dumps(agency.boundary, sort_keys=True))
    return prepared_shape.covers(Point(lon, lat))


def case_number_is_valid(case_number: str, agency: Agency | None = None) -> bool:
    """Whether a case number matches the agency's case number format, in full."""
    agency = agency or current()
    try:
        return re.fullmatch(agency.case_number_pattern, case_number or "") is not None
    except re.error:
        return False


def map_bounds() -> list[list[float]]:
    """[[south, west], [north, east]] of the jurisdiction boundary: where every map starts
    (cached like the agency; forgotten when the agency changes)."""
    return caching.shared(MAP_BOUNDS_KEY, _compute_map_bounds, CACHE_SECONDS)


def _compute_map_bounds() -> list[list[float]]:
    west, south, east, north = _shape(current().boundary).bounds
    return [[round(south, 6), round(west, 6)], [round(north, 6), round(east, 6)]]


def geocode(query, agency: Agency | None = None):
    """Where an address is (geo.services.geocode), looked up only in the agency's states:
    an address that names another state is not found."""
    from camreg.geo import services as geo_services

    agency = agency or current()
    return geo_services.geocode(query, states=agency.state_codes or None)


# Setting up the agency (manage.py setup_agency; the demo) ------------------------------

SETUP_FIELDS = (
    "name",
    "name_es",
    "short_name",
    "program_name",
    "contact_email",
    "contact_phone",
    "website",
    "address",
    "time_zone",
    "jurisdiction_name",
    "states",
    "confirm_mode",
)
SETUP_REQUIRED = (
    "name",
    "short_name",
    "program_name",
    "contact_email",
    "contact_phone",
    "time_zone",
    "jurisdiction_name",
    "states",
    "boundary",
)


def create(values: dict[str, Any]) -> Agency:
    """Create the agency of this installation from `values` (SETUP_FIELDS and `boundary`,
    a geometry), validated. Raises ValidationError, creating nothing, when a value is not
    allowed or an agency exists already. Not audited: set_up (the command) audits."""
    with transaction.atomic():
        if Agency.objects.exists():
            raise ValidationError(f"An agency is already set up: {Agency.objects.first()}.")
        agency = Agency(**_setup_values(values))
        _validate(agency)
        agency.save()
    caching.forget(CACHE_KEY)
    caching.forget(MAP_BOUNDS_KEY)
    return agency


def set_up(
    values: dict[str, Any], *, update: bool = False, boundary_file: str = ""
) -> tuple[Agency, list[str]]:
    """Create the agency, or with `update` change the one there is, audited as the system.

    Returns the agency and the names of the fields set or changed. Raises ValidationError,
    changing nothing, when a value is not allowed, when an agency exists and `update` is
    not given, or when a new boundary would leave registered sites outside.
    """
    from camreg.audit import services as audit

    with transaction.atomic():
        existing = Agency.objects.select_for_update().order_by("pk").first()
        if existing is None:
            missing = [name for name in SETUP_REQUIRED if values.get(name) in (None, "")]
            if missing:
                raise ValidationError(
                    {name: "This is needed to set up the agency." for name in missing}
                )
            agency = create(values)
            given = sorted(name for name in (*SETUP_FIELDS, "boundary") if name in values)
            details: dict[str, Any] = {
                "values": {
                    name: _loggable(getattr(agency, name)) for name in given if name != "boundary"
                },
                "boundary": _boundary_details(agency.boundary, boundary_file),
            }
            audit.record("agency.set_up", target=agency, details=details)
            return agency, given
        if not update:
            raise ValidationError(
                f"An agency is already set up ({existing}); nothing was changed. Run again "
                "with --update to change it."
            )
        changes = {name: values[name] for name in SETUP_FIELDS if name in values}
        if "states" in changes:
            changes["states"] = _normalized_states(changes["states"])
        trial = Agency(**{**_field_values(existing), **changes})
        _validate(trial)
        changed = change(changes, action="agency.setup_updated", details={"via": "setup_agency"})
        if values.get("boundary") is not None and values["boundary"] != existing.boundary:
            replace_boundary(values["boundary"], filename=boundary_file)
            changed.append("boundary")
        return current(), changed


def _field_values(agency: Agency) -> dict[str, Any]:
    return {
        field.attname: getattr(agency, field.attname)
        for field in Agency._meta.concrete_fields
        if field.attname not in ("id", "updated_at")
    }


def _setup_values(values: dict[str, Any]) -> dict[str, Any]:
    result = {name: values[name] for name in (*SETUP_FIELDS, "boundary") if name in values}
    if "states" in result:
        result["states"] = _normalized_states(result["states"])
    return {name: value for name, value in result.items() if value is not None}


def _normalized_states(value) -> str:
    from camreg.geo.states import parse_codes

    try:
        return ",".join(parse_codes(value))
    except ValueError:
        return value if isinstance(value, str) else ",".join(value)


def _validate(agency: Agency) -> None:
    """Every field of an (unsaved) agency, or ValidationError naming each bad one."""
    import phonenumbers

    errors: dict[str, list[str]] = {}
    try:
        agency.full_clean(exclude=["boundary"])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        agency.boundary = parse_boundary(json.dumps(agency.boundary))
    except (ValidationError, TypeError, ValueError) as exc:
        messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
        errors.setdefault("boundary", []).extend(messages)
    if agency.contact_phone and "contact_phone" not in errors:
        try:
            number = phonenumbers.parse(agency.contact_phone, "US")
            valid = phonenumbers.is_valid_number(number)
        except phonenumbers.NumberParseException:
            valid = False
        if not valid:
            errors["contact_phone"] = [
                "This is not a phone number we can call: give the area code, for example "
                "(661) 555-0100."
            ]
    if errors:
        raise ValidationError(errors)


def _boundary_details(geometry: dict, file_name: str = "") -> dict:
    encoded = json.dumps(geometry, sort_keys=True, separators=(",", ":")).encode()
    return {
        "file_name": file_name[:200],
        "sha256": hashlib.sha256(encoded).hexdigest(),
        **_summary_details(summarize(geometry)),
    }


# Changing the settings (program settings in the console) ------------------------------

PROFILE_FIELDS = (
    "name",
    "short_name",
    "program_name",
    "contact_email",
    "contact_phone",
    "website",
    "address",
    "time_zone",
    "jurisdiction_name",
)
LIMIT_FIELDS = (
    "case_number_pattern",
    "case_number_example",
    "canvass_min_window_minutes",
    "canvass_max_window_minutes",
    "canvass_max_radius_m",
    "canvass_max_area_sq_miles",
    "canvass_max_route_length_m",
    "canvass_max_corridor_width_m",
    "canvass_require_purpose_statement",
    "footage_request_link_days",
    "evidence_retention_days",
    "annual_confirmation_grace_days",
)


def change(
    changes: dict[str, Any],
    *,
    action: str,
    request=None,
    actor=None,
    details: dict | None = None,
    on_commit: Callable[[], None] | None = None,
) -> list[str]:
    """Apply settings changes to the agency and audit them as `action`.

    Returns the names of the fields that changed (nothing is saved or audited when none
    did). Raises ValidationError, changing nothing, when a value is not allowed.
    """
    from camreg.audit import services as audit

    with transaction.atomic():
        agency = Agency.objects.select_for_update().get(pk=current().pk)
        before = {name: getattr(agency, name) for name in changes}
        changed = [name for name, value in changes.items() if _differs(before[name], value)]
        if not changed:
            return []
        update(agency, **{name: changes[name] for name in changed})
        values = {
            name: [_loggable(before[name]), _loggable(changes[name])]
            for name in changed
            if name not in ("boundary", "logo")
        }
        audit.record(
            action,
            actor=actor,
            request=request,
            target=agency,
            details={"changed": changed, "values": values, **(details or {})},
        )
        if on_commit is not None:
            transaction.on_commit(on_commit)
    return changed


def _differs(old, new) -> bool:
    if hasattr(old, "name") and not isinstance(old, str):  # a FieldFile
        old = old.name or ""
    if hasattr(new, "name") and not isinstance(new, str):
        new = new.name or ""
    return old != new


def _loggable(value):
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


# The jurisdiction boundary ------------------------------------------------------------

BOUNDARY_MAX_BYTES = 10 * 1024 * 1024
COUNT_BATCH = 50_000


@dataclass
class BoundarySummary:
    geometry_type: str
    polygons: int
    vertices: int
    west: float
    south: float
    east: float
    north: float
    area_km2: float
    svg_view_box: str
    svg_path: str
    svg_stroke: float

    @property
    def area_sq_miles(self) -> float:
        return self.area_km2 / 2.589988110336


def parse_boundary(data: bytes | str) -> dict:
    """The boundary geometry from an uploaded GeoJSON file, or ValidationError.

    Accepts a bare Polygon or MultiPolygon, a Feature with one, or a FeatureCollection
    with exactly one such Feature. Coordinates are WGS84 longitude, latitude.
    """
    if isinstance(data, bytes):
        if len(data) > BOUNDARY_MAX_BYTES:
            raise ValidationError("The file is larger than 10 MB; simplify the boundary first.")
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ValidationError("The file is not GeoJSON: it is not UTF-8 text.") from exc
    try:
        document = json.loads(data)
    except ValueError as exc:
        raise ValidationError(f"The file is not GeoJSON: it is not valid JSON ({exc}).") from exc
    if not isinstance(document, dict) or not isinstance(document.get("type"), str):
        raise ValidationError('The file is not GeoJSON: it has no GeoJSON "type".')
    kind = document["type"]
    if kind == "FeatureCollection":
        features = document.get("features")
        if not isinstance(features, list) or len(features) != 1:
            count = len(features) if isinstance(features, list) else 0
            raise ValidationError(
                f"The FeatureCollection has {count} features; it must have exactly one, the "
                "jurisdiction (merge the areas into one MultiPolygon first)."
            )
        document, kind = features[0], "Feature"
        if not isinstance(document, dict):
            raise ValidationError("The file is not GeoJSON: the feature is not an object.")
    if kind == "Feature":
        document = document.get("geometry")
        if not isinstance(document, dict):
            raise ValidationError("The feature has no geometry.")
        kind = document.get("type")
    if kind not in ("Polygon", "MultiPolygon"):
        raise ValidationError(
            f"The boundary is a {kind or 'geometry of unknown type'}; it must be a Polygon or "
            "a MultiPolygon."
        )
    geometry = {"type": kind, "coordinates": document.get("coordinates")}
    shape_ = _shape(geometry)
    west, south, east, north = shape_.bounds
    if west < -180 or east > 180 or south < -90 or north > 90:
        raise ValidationError(
            "The coordinates are out of range: GeoJSON needs longitude (-180 to 180) then "
            "latitude (-90 to 90) in WGS84 degrees. Is the file in another projection, or are "
            "longitude and latitude swapped?"
        )
    if not shape_.is_valid:
        from shapely.validation import explain_validity

        raise ValidationError(
            f"The polygon is not valid ({explain_validity(shape_)}). Fix the boundary in a GIS "
            'program (for example with "make valid") and upload it again.'
        )
    if shape_.area <= 0:
        raise ValidationError("The polygon has no area.")
    return geometry


def _shape(geometry: dict):
    from shapely.geometry import shape

    try:
        result = shape(geometry)
        result.bounds  # noqa: B018 - forces the coordinates to be read
    except Exception as exc:  # noqa: BLE001 - any malformed coordinate list
        raise ValidationError(
            "The file is not GeoJSON: the polygon's coordinates are not lists of "
            "[longitude, latitude] positions."
        ) from exc
    if result.is_empty:
        raise ValidationError("The polygon is empty.")
    return result


def points_outside(geometry: dict) -> list[str]:
    """What the geometry would leave out: one description per app that holds points
    outside it (registered sites, demo addresses), from `signals.boundary_replacing`."""
    shape_ = _shape(geometry)
    answers = signals.boundary_replacing.send(sender=Agency, shape=shape_)
    return [answer for _receiver, answer in answers if answer]


def count_outside(shape_, points) -> int:
    """How many (longitude, latitude) pairs of `points` lie outside `shape_`."""
    import numpy as np
    import shapely

    outside = 0
    while True:
        batch = list(itertools.islice(points, COUNT_BATCH))
        if not batch:
            return outside
        coords = np.asarray(batch, dtype=float)
        inside = shapely.intersects_xy(shape_, coords[:, 0], coords[:, 1])
        outside += int((~inside).sum())


def replace_boundary(geometry: dict, *, filename: str = "", request=None, actor=None) -> Agency:
    """Make `geometry` (from parse_boundary) the jurisdiction boundary, audited.

    Refused (ValidationError, nothing changed) when registered sites would fall outside.
    """
    parts = points_outside(geometry)
    if parts:
        raise ValidationError(
            f"{' and '.join(parts)} would fall outside this boundary. The boundary must contain "
            "every registered site; nothing was changed."
        )
    old = summarize(current().boundary)
    new = summarize(geometry)
    encoded = json.dumps(geometry, sort_keys=True, separators=(",", ":")).encode()
    change(
        {"boundary": geometry},
        action="settings.boundary_replaced",
        request=request,
        actor=actor,
        details={
            "file_name": filename[:200],
            "sha256": hashlib.sha256(encoded).hexdigest(),
            "before": _summary_details(old),
            "after": _summary_details(new),
        },
    )
    return current()


def _summary_details(summary: BoundarySummary) -> dict:
    return {
        "type": summary.geometry_type,
        "vertices": summary.vertices,
        "bbox": [
            round(summary.west, 6),
            round(summary.south, 6),
            round(summary.east, 6),
            round(summary.north, 6),
        ],
        "area_km2": round(summary.area_km2, 1),
    }


def summarize(geometry: dict) -> BoundarySummary:
    """Bounding box, geodesic area, counts and an SVG outline of a boundary geometry."""
    import shapely
    from pyproj import Geod

    shape_ = _shape(geometry)
    polygons = list(getattr(shape_, "geoms", [shape_]))
    west, south, east, north = shape_.bounds
    area_m2, _perimeter = Geod(ellps="WGS84").geometry_area_perimeter(shape_)
    # An equirectangular outline, scaled so the shape is not stretched at its latitude.
    scale_x = math.cos(math.radians((south + north) / 2))
    width = max((east - west) * scale_x, 1e-9)
    height = max(north - south, 1e-9)
    size = 400.0 / max(width, height)
    simplified = shapely.simplify(shape_, max(east - west, north - south) / 500)
    path = []
    for polygon in getattr(simplified, "geoms", [simplified]):
        for ring in [polygon.exterior, *polygon.interiors]:
            points = [
                f"{(x - west) * scale_x * size:.1f} {(north - y) * size:.1f}"
                for x, y, *_z in ring.coords
            ]
            if points:
                path.append("M" + " L".join(points) + " Z")
    return BoundarySummary(
        geometry_type=geometry["type"],
        polygons=len(polygons),
        vertices=int(shapely.get_num_coordinates(shape_)),
        west=west,
        south=south,
        east=east,
        north=north,
        area_km2=abs(area_m2) / 1e6,
        svg_view_box=f"-4 -4 {width * size + 8:.1f} {height * size + 8:.1f}",
        svg_path=" ".join(path),
        svg_stroke=2.0,
    )


# The logo --------------------------------------------------------------------------------

LOGO_MAX_BYTES = 5 * 1024 * 1024
LOGO_MAX_PIXELS = 40_000_000
LOGO_MAX_SIDE = 1024


def reencode_logo(uploaded) -> tuple[bytes, str]:
    """A clean PNG or JPEG (pixels only, at most 1024 px) of an uploaded logo, and its
    extension; ValidationError for anything else."""
    from PIL import Image, UnidentifiedImageError

    if uploaded.size > LOGO_MAX_BYTES:
        raise ValidationError("The logo is larger than 5 MB. Choose a smaller image.")
    try:
        uploaded.seek(0)
        with Image.open(uploaded) as probe:
            fmt = probe.format
            if fmt not in ("PNG", "JPEG"):
                raise ValidationError("The logo must be a PNG or JPEG image.")
            if probe.width * probe.height > LOGO_MAX_PIXELS:
                raise ValidationError("The logo has too many pixels. Choose a smaller image.")
            probe.verify()
        uploaded.seek(0)
        with Image.open(uploaded) as image:
            image.load()
            mode = "RGBA" if fmt == "PNG" else "RGB"
            image = image.convert(mode)
            image.thumbnail((LOGO_MAX_SIDE, LOGO_MAX_SIDE))
            clean = Image.new(mode, image.size)
            clean.paste(image)
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise ValidationError(
            "The file is not an image we can read. Choose a PNG or JPEG."
        ) from exc
    out = io.BytesIO()
    if fmt == "PNG":
        clean.save(out, format="PNG", optimize=True)
        return out.getvalue(), "png"
    clean.save(out, format="JPEG", quality=90, optimize=True)
    return out.getvalue(), "jpg"


def update_profile(
    changes: dict[str, Any],
    *,
    logo: tuple[bytes, str] | None = None,
    remove_logo: bool = False,
    request=None,
    actor=None,
) -> list[str]:
    """Change the agency profile (and logo: re-encoded bytes and extension), audited."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    changes = {name: changes[name] for name in PROFILE_FIELDS if name in changes}
    old_logo = current().logo.name or ""
    stored = ""
    if logo is not None:
        content, extension = logo
        stored = default_storage.save(
            f"agency/logo-{secrets.token_hex(8)}.{extension}", ContentFile(content)
        )
        changes["logo"] = stored
    elif remove_logo and old_logo:
        changes["logo"] = ""

    def delete_old() -> None:
        if old_logo and changes.get("logo", old_logo) != old_logo:
            default_storage.delete(old_logo)

    try:
        changed = change(
            changes,
            action="settings.agency_updated",
            request=request,
            actor=actor,
            on_commit=delete_old,
        )
    except Exception:
        if stored:
            default_storage.delete(stored)
        raise
    return changed

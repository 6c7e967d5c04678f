"""Finding and ranking: the cameras inside the search area, read with their site and
registrant in plain SQL, each with the fate of its video, most likely to hold usable
footage first."""

from __future__ import annotations

import json
import math
from datetime import datetime, timedelta
from functools import lru_cache

from django.db import connection
from django.utils.translation import gettext as _

from camreg.canvass import index
from camreg.canvass.services.explanations import _reason
from camreg.canvass.services.params import SearchParams
from camreg.canvass.services.results import CameraResult
from camreg.geo import shapes
from camreg.registry.models import Camera, RecordingMode, Registrant, RegistrationStatus, Site

# Registrations whose cameras a search lists: active ones first, the others apart.
MAIN_STATUSES = {RegistrationStatus.ACTIVE}
APART_STATUSES = {RegistrationStatus.LAPSED, RegistrationStatus.PENDING_REVIEW}

SECONDS_PER_DAY = 86_400


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

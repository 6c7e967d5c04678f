"""Finding and ranking: the cameras inside the search area, read from the canvass index's
camera rows (one table, by cell: decision 0027), each with the fate of its video, most
likely to hold usable footage first."""

from __future__ import annotations

import json
import math
from datetime import datetime, timedelta

from camreg.canvass import index
from camreg.canvass.services.explanations import Phrases, _reason
from camreg.canvass.services.params import SearchParams
from camreg.canvass.services.results import CameraResult, tally
from camreg.geo import shapes
from camreg.registry.models import RecordingMode, RegistrationStatus

# Registrations whose cameras a search lists: active ones first, the others apart.
MAIN_STATUSES = {RegistrationStatus.ACTIVE}
APART_STATUSES = {RegistrationStatus.LAPSED, RegistrationStatus.PENDING_REVIEW}

SECONDS_PER_DAY = 86_400


# What a search reads for each camera (IndexedCamera fields), in the order of the result row:
# the camera, its site (its current position), its registration.
_FIELDS = (
    "camera_id",
    *index.CAMERA_COPIED,
    "site_id",
    *index.SITE_COPIED,
    "registrant_id",
    *(name for name in index.REGISTRANT_COPIED if name != "confirmed_at"),
)
# Where the camera stands and what it sees: CameraView's arguments.
_VIEW = tuple(
    _FIELDS.index(name)
    for name in ("site_latitude", "site_longitude", "direction", "field_of_view", "range_m")
)


def _find(
    scene: shapes.Scene, params: SearchParams, now: datetime
) -> tuple[list[CameraResult], list[CameraResult]]:
    """The cameras inside the search area: (active ones, the ones listed apart), ranked."""
    return rank(candidates_in(scene), scene, params, now)


Candidate = tuple[tuple, shapes.Assessment]  # a camera row (_FIELDS) and how it sees the scene


def candidates_in(scene: shapes.Scene) -> list[Candidate]:
    """The cameras inside the search area, each with its assessment, in no order: what a
    search found, before the ranking and the words that explain it."""
    rows = index.cameras_in(scene, _FIELDS, sorted(_LISTED))
    lat, lon, direction, fov, range_m = _VIEW
    views = [
        shapes.CameraView(row[lat], row[lon], row[direction], row[fov], row[range_m])
        for row in rows
    ]
    return [
        (row, assessment)
        for row, assessment in zip(rows, scene.assess(views), strict=True)
        # at its site's current position, not only the indexed one
        if assessment.inside
    ]


_STATUS = _FIELDS.index("status")
_REGISTRANT = _FIELDS.index("registrant_id")


def counts(candidates: list[Candidate]) -> dict[str, int]:
    """SearchResult.counts of the search that found these, before they are ranked."""
    return tally((row[_STATUS], row[_REGISTRANT]) for row, _ in candidates)


def registrant_ids(candidates: list[Candidate]) -> list[int]:
    return sorted({row[_REGISTRANT] for row, _ in candidates})


def rank(
    candidates: list[Candidate], scene: shapes.Scene, params: SearchParams, now: datetime
) -> tuple[list[CameraResult], list[CameraResult]]:
    """The candidates as results, explained and ranked: (active ones, the ones apart)."""
    main: list[CameraResult] = []
    apart: list[CameraResult] = []
    words = Phrases()
    coverages: dict[str, list] = {}
    start = params.start
    for row, assessment in candidates:
        result = _result(row, assessment, scene, start, now, words, coverages)
        (apart if result.listed_apart else main).append(result)
    return _ranked(main), _ranked(apart)


_LISTED = frozenset(MAIN_STATUSES | APART_STATUSES)


def _result(
    row: tuple,
    assessment: shapes.Assessment,
    scene: shapes.Scene,
    start,
    now,
    words: Phrases,
    coverages: dict[str, list],
) -> CameraResult:
    (
        camera_id, label, location_description, placement, coverage_text, direction,
        field_of_view, range_m, system_type, brand, recording_mode, retention_days,
        owner_can_export, site_id, lat, lon, street, unit, city, state, postcode,
        registrant_id, status, kind, name, business_name, onsite_name, onsite_phone,
        phone, alternate_phone, email, preferred_contact, contact_hours, language,
    ) = row  # fmt: skip
    overwrite_at = start + timedelta(days=retention_days)
    remaining_days = (overwrite_at - now).total_seconds() / SECONDS_PER_DAY
    retained = retention_days > 0 and remaining_days > 0
    motion = recording_mode == RecordingMode.MOTION
    # The index gives the JSON text (index.cameras_in): most are the same few, parsed once.
    coverage = coverages.get(coverage_text)
    if coverage is None:
        coverage = coverages[coverage_text] = json.loads(coverage_text) if coverage_text else []
    coverage = list(coverage)
    # Positional, in CameraResult's field order: a search builds about a hundred of these,
    # and 45 keyword arguments cost four times as much to match (test_ranking checks the
    # order field by field).
    result = CameraResult(
        0,  # rank
        camera_id,
        site_id,
        registrant_id,
        status,  # registration_status
        status not in MAIN_STATUSES,  # listed_apart
        label,
        location_description,
        placement,
        coverage,
        lat,  # latitude
        lon,  # longitude
        direction,
        field_of_view,
        range_m,
        system_type,
        brand,
        round(assessment.distance_m, 1),  # distance_m
        assessment.inside,  # inside_area
        assessment.faces,  # faces_scene
        retention_days,
        retained,  # video_retained
        overwrite_at,
        math.floor(remaining_days),  # days_left
        recording_mode,
        words.motion_note if motion else "",  # recording_note
        bool(owner_can_export),
        kind,  # registrant_kind
        name,
        business_name,
        onsite_name,  # onsite_contact_name
        onsite_phone,  # onsite_contact_phone
        phone,
        alternate_phone,
        email,
        preferred_contact,
        contact_hours,
        language,
        f"{street} {unit}".strip() + f", {city}, {state} {postcode}",  # address_line
    )
    result.reason = _reason(result, assessment, scene, remaining_days, words)
    return result


def _ranked(results: list[CameraResult]) -> list[CameraResult]:
    """Most likely to hold usable footage first: video still kept, then facing the scene,
    then nearest. A camera whose video is overwritten holds nothing, whatever it faces."""
    results.sort(key=lambda r: (not r.video_retained, not r.faces_scene, r.distance_m, r.camera_id))
    for rank, result in enumerate(results, start=1):
        result.rank = rank
    return results

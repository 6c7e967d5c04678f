"""What the REST API takes and returns (the OpenAPI schema is generated from these).

Every rule the API enforces on a field is declared in the schema, so that a request the
schema allows is never refused for its shape: text may not hold control characters (a
`pattern`), times are ISO 8601 with an offset and a year from 1970 to 2999 (a `pattern`),
and a time window is a start and a length in minutes (`minimum`/`maximum`), since JSON
Schema cannot compare two fields. The agency's own limits (case number format, radius,
window length, purpose statement) are filled in when the schema is served
(`camreg.api.openapi`): fields carry `x-agency-limit` markers for that.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import AfterValidator, AwareDatetime, BeforeValidator, StrictBool, WithJsonSchema

# Incidents canvassed are recent; this keeps date arithmetic (retention, deadlines) sane.
EARLIEST_YEAR = 1970
LATEST_YEAR = 2999
# RFC 3339 with seconds and an offset, in a year from 1970 to 2999.
TIME_PATTERN = (
    r"^(19[7-9][0-9]|2[0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
    r"[Tt]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,6})?"
    r"([Zz]|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$"
)
_TIME_RE = re.compile(TIME_PATTERN)

# Control characters (C0 but tab, line feed and carriage return; DEL and C1) are refused.
_CONTROL = r"\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F"
TEXT_PATTERN = rf"^[^{_CONTROL}]*$"
# The same, with at least one character that is not a space (a required text).
VISIBLE_PATTERN = rf"^[^{_CONTROL}]*[^\s{_CONTROL}][^{_CONTROL}]*$"
_CONTROL_RE = re.compile(rf"[{_CONTROL}]")

# The hard bounds, whatever the agency's limits (a supervisor's override stays within them).
MAX_RADIUS_M = 100_000
MAX_WINDOW_MINUTES = 10_080  # one week
CASE_NUMBER_MAX_LENGTH = 60


def _plain_text(value: str) -> str:
    if _CONTROL_RE.search(value):
        raise ValueError("must not contain control characters")
    return value


def _time_text(value: Any) -> Any:
    """Only the text the schema declares is a time (never a number of seconds)."""
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not _TIME_RE.fullmatch(value):
        raise ValueError(
            "must be a date and time in ISO 8601 with seconds and an offset, from 1970 to 2999, "
            "for example 2026-11-20T22:15:00-08:00"
        )
    return value


def _json_number(value: Any) -> Any:
    """A JSON number only: not text, not true or false."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("must be a number")
    return value


def _json_integer(value: Any) -> Any:
    _json_number(value)
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError("must be a whole number")
        return int(value)
    return value


def _sane_time(value: datetime) -> datetime:
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValueError(f"must be in a year from {EARLIEST_YEAR} to {LATEST_YEAR}")
    return value.astimezone(UTC)


Text = Annotated[str, AfterValidator(_plain_text)]
Time = Annotated[
    AwareDatetime,
    BeforeValidator(_time_text),
    AfterValidator(_sane_time),
    WithJsonSchema({"type": "string", "format": "date-time", "pattern": TIME_PATTERN}),
]
# In a JSON body, the JSON types the schema declares (no "12" for 12, no 1 for true).
Number = Annotated[float, BeforeValidator(_json_number)]
Integer = Annotated[int, BeforeValidator(_json_integer)]


def text(
    default: Any = "",
    *,
    max_length: int,
    visible: bool = False,
    json_schema_extra: dict | None = None,
    **kwargs,
) -> Any:
    """A text field: declared without control characters (and, `visible`, not blank)."""
    return Field(
        default,
        max_length=max_length,
        json_schema_extra={
            "pattern": VISIBLE_PATTERN if visible else TEXT_PATTERN,
            **(json_schema_extra or {}),
        },
        **kwargs,
    )


SCENE_DESCRIPTION = (
    "Scene {what}, within the bounding box of the agency's jurisdiction (the schema's "
    "`minimum` and `maximum`); a point inside the box but outside the boundary answers 422 "
    "`outside_jurisdiction`."
)


def limit(name: str, **kwargs) -> dict:
    """`json_schema_extra` marking a field for the agency's limits (camreg.api.openapi)."""
    return {"x-agency-limit": name, **kwargs}


class Error(Schema):
    code: str = Field(description="Stable, machine-readable error code.")
    message: str = Field(description="What went wrong, for a person.")


class FieldError(Schema):
    loc: list[str | int] = Field(description="Where the error is: source and field name.")
    msg: str
    type: str


class InvalidRequest(Error):
    errors: list[FieldError] = Field(default_factory=list)


class LimitViolation(Schema):
    code: str
    message: str
    overridable: bool
    limit: float | str | None = None
    value: float | str | None = None


class LimitError(Error):
    """A search refused: `code` names the first limit broken, `violations` all of them."""

    limit: float | str | None = Field(None, description="The limit the search breaks.")
    value: float | str | None = Field(None, description="The search's value for it.")
    overridable: bool = Field(False, description="A supervisor may exceed it with a reason.")
    violations: list[LimitViolation] = Field(default_factory=list)
    errors: list[FieldError] = Field(
        default_factory=list, description="For `invalid_request`: each field that is wrong."
    )


class NearbyQuery(Schema):
    lat: float = Field(
        ...,
        ge=-90,
        le=90,
        allow_inf_nan=False,
        description=SCENE_DESCRIPTION.format(what="latitude"),
        json_schema_extra=limit("latitude"),
    )
    lon: float = Field(
        ...,
        ge=-180,
        le=180,
        allow_inf_nan=False,
        description=SCENE_DESCRIPTION.format(what="longitude"),
        json_schema_extra=limit("longitude"),
    )
    radius_m: float = Field(
        ...,
        gt=0,
        le=MAX_RADIUS_M,
        allow_inf_nan=False,
        description=(
            "Search radius in meters, at most the agency's limit (the schema's `maximum`). "
            "A supervisor's token may exceed it with `override_reason`."
        ),
        json_schema_extra=limit("max_radius_m"),
    )
    start: Time = Field(..., description="Start of the incident, ISO 8601 with an offset.")
    minutes: int = Field(
        ...,
        ge=1,
        le=MAX_WINDOW_MINUTES,
        description=(
            "Length of the time window from `start`, in minutes, within the agency's limits "
            "(the schema's `minimum` and `maximum`). A supervisor's token may go beyond them "
            "with `override_reason`."
        ),
        json_schema_extra=limit("window_minutes"),
    )
    case_number: Text = text(
        ...,
        max_length=CASE_NUMBER_MAX_LENGTH,
        description="The case number in the agency's format (the schema's `pattern`).",
        json_schema_extra=limit("case_number"),
    )
    purpose_statement: bool = Field(
        ...,
        description=(
            "true: the caller affirms that the search is part of the investigation of a "
            "specific incident and is not aimed at lawful protest or other protected activity."
        ),
        json_schema_extra=limit("purpose_statement"),
    )
    incident_type: Text = text("", max_length=100)
    override_reason: Text = text(
        "",
        max_length=2000,
        description="Supervisors only: the written reason for exceeding a size or time limit.",
    )


class Camera(Schema):
    rank: int
    reason: str = Field(description="Why the camera is ranked where it is.")
    camera_id: int
    site_id: int
    registrant_id: int
    registration_status: str
    listed_apart: bool = Field(description="Lapsed or unconfirmed registration.")
    label: str
    location_description: str
    placement: str
    coverage: list[Any]
    latitude: float
    longitude: float
    direction: int
    field_of_view: int
    range_m: int
    system_type: str
    brand: str
    distance_m: float
    inside_area: bool
    faces_scene: bool
    retention_days: int
    video_retained: bool
    overwrite_at: datetime
    days_left: int
    recording_mode: str
    recording_note: str
    owner_can_export: bool
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


class Counts(Schema):
    active: int
    lapsed: int
    unconfirmed: int
    total: int
    registrants: int


class NearbyResult(Schema):
    case_number: str
    searched_at: datetime
    cameras: list[Camera] = Field(description="Active registrations, best first.")
    apart: list[Camera] = Field(
        description="Lapsed and unconfirmed registrations, listed apart, best first."
    )
    counts: Counts
    overridden: list[LimitViolation] = Field(
        description="Limits exceeded with a supervisor's reason."
    )
    audit_event_id: int | None


# Footage requests ------------------------------------------------------------------------

Id = Annotated[int, Field(ge=1, le=2**53)]
BodyId = Annotated[int, Field(ge=1, le=2**53), BeforeValidator(_json_integer)]
WindowMinutes = Annotated[int, Field(ge=1, le=MAX_WINDOW_MINUTES), BeforeValidator(_json_integer)]


class FootageRequestIn(Schema):
    case_id: BodyId = Field(..., description="The case the video is for.")
    camera_ids: list[BodyId] = Field(
        ...,
        min_length=1,
        max_length=200,
        description="Cameras chosen from a search; one request goes to each of their owners.",
    )
    message: Text = text("", max_length=2000, description="A message to the registrants.")
    window_start: Time | None = Field(None, description="Default: the case's start.")
    window_minutes: WindowMinutes | None = Field(
        None, description="Length of the window asked for, in minutes. Default: the case's."
    )
    repeat: StrictBool = Field(
        False,
        description=(
            "true: ask again owners already asked on this case (whatever they answered). "
            "Without it, such a request answers 422 `already_asked`, naming them."
        ),
    )


class RequestedCameraOut(Schema):
    camera_id: int | None
    label: str
    retention_days: int
    overwrite_at: datetime


class ContactAttemptOut(Schema):
    at: datetime
    kind: str
    outcome: str
    note: str
    staff_name: str


class FootageRequestOut(Schema):
    id: int
    case_id: int
    case_number: str
    registrant_id: int | None
    status: str
    answer: str
    answer_note: str
    answered_at: datetime | None
    window_start: datetime
    window_end: datetime
    requester_name: str
    requester_phone: str
    requester_email: str
    message: str
    language: str
    created_at: datetime
    sent_at: datetime | None
    reminder_sent_at: datetime | None
    footage_received_at: datetime | None
    closed_at: datetime | None
    link_expires_at: datetime | None
    overwrite_deadline: datetime | None
    days_left: int | None = Field(description="Whole days before the first video is overwritten.")
    cameras: list[RequestedCameraOut]
    contact_attempts: list[ContactAttemptOut]


class FootageRequestsOut(Schema):
    requests: list[FootageRequestOut] = Field(description="One per registrant, most urgent first.")


# Cases -----------------------------------------------------------------------------------


class CaseIn(Schema):
    """A new case: its number, what happened, where (a point and a radius) and when.

    The served schema declares the agency's limits as two alternatives (`anyOf`): within
    them, or beyond them with `override_reason` (a supervisor's token only: 403 otherwise).
    """

    case_number: Text = text(
        ...,
        max_length=CASE_NUMBER_MAX_LENGTH,
        description="The case number in the agency's format (the schema's `pattern`).",
        json_schema_extra=limit("case_number"),
    )
    incident_type: Text = text(
        ..., max_length=100, visible=True, description="For example Burglary or Hit and run."
    )
    lat: Number = Field(
        ...,
        ge=-90,
        le=90,
        allow_inf_nan=False,
        description=SCENE_DESCRIPTION.format(what="latitude"),
        json_schema_extra=limit("latitude"),
    )
    lon: Number = Field(
        ...,
        ge=-180,
        le=180,
        allow_inf_nan=False,
        description=SCENE_DESCRIPTION.format(what="longitude"),
        json_schema_extra=limit("longitude"),
    )
    radius_m: Integer = Field(
        ...,
        ge=1,
        le=MAX_RADIUS_M,
        description="Search radius in meters, at most the agency's limit.",
        json_schema_extra=limit("max_radius_m"),
    )
    address: Text = text("", max_length=300, description="The scene's address, as known.")
    start: Time = Field(..., description="Start of the incident, ISO 8601 with an offset.")
    minutes: Integer = Field(
        ...,
        ge=1,
        le=MAX_WINDOW_MINUTES,
        description="Length of the time window from `start`, within the agency's limits.",
        json_schema_extra=limit("window_minutes"),
    )
    purpose_statement: StrictBool = Field(
        ...,
        description=(
            "true: the caller affirms that the case is the investigation of a specific "
            "incident and is not aimed at lawful protest or other protected activity."
        ),
        json_schema_extra=limit("purpose_statement"),
    )
    override_reason: Text = text(
        "",
        max_length=2000,
        description=(
            "Supervisors only: the written reason for exceeding the radius or time limits "
            "(audited as `canvass.limit_overridden`)."
        ),
        json_schema_extra=limit("override_reason"),
    )


class CaseSearchOut(Schema):
    number: int = Field(description="1: the place and times the case was opened with.")
    kind: str = Field(description="`point`, `polygon` or `route`.")
    address: str
    latitude: float
    longitude: float
    radius_m: int | None
    area: dict[str, Any] | None = Field(description="GeoJSON Polygon or LineString, if any.")
    corridor_width_m: int | None
    start: datetime
    end: datetime
    created_at: datetime
    created_by: str


class CaseSummary(Schema):
    id: int
    case_number: str
    incident_type: str
    status: str = Field(description="`open` or `closed`.")
    address: str
    latitude: float
    longitude: float
    radius_m: int | None
    start: datetime
    end: datetime
    created_at: datetime
    created_by: str
    closed_at: datetime | None


class CaseOut(CaseSummary):
    purpose_statement: str
    searches: list[CaseSearchOut] = Field(description="Every search of the case, first first.")
    requests: list[FootageRequestOut] = Field(
        description="Its footage requests with their answers, most urgent first."
    )


class CaseList(Schema):
    count: int = Field(description="How many cases match.")
    page: int
    page_size: int
    cases: list[CaseSummary] = Field(description="Newest first.")


class CaseListQuery(Schema):
    status: Literal["open", "closed", "all"] = Field(
        "all", description="`open`, `closed` or `all`."
    )
    mine: bool = Field(False, description="true: only the cases this service account created.")
    case_number: Text = text(
        "", max_length=CASE_NUMBER_MAX_LENGTH, description="Only the case with this number."
    )
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(20, ge=1, le=100)


class CaseExists(Error):
    case_id: int = Field(description="The case that has this number: read or use it.")

"""What the REST API takes and returns (the OpenAPI schema is generated from these)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import AfterValidator, AwareDatetime

# Incidents canvassed are recent; this keeps date arithmetic (retention, deadlines) sane.
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2999, 12, 31, tzinfo=UTC)


def _plain_text(value: str) -> str:
    if any(ord(ch) < 32 and ch not in "\t\n\r" for ch in value):
        raise ValueError("must not contain control characters")
    return value


def _sane_time(value: datetime) -> datetime:
    try:
        value = value.astimezone(UTC)
    except (OverflowError, ValueError) as error:
        raise ValueError("is out of range") from error
    if not EARLIEST <= value <= LATEST:
        raise ValueError("must be between 1970 and 2999")
    return value


Text = Annotated[str, AfterValidator(_plain_text)]
Time = Annotated[AwareDatetime, AfterValidator(_sane_time)]


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
    lat: float = Field(..., ge=-90, le=90, allow_inf_nan=False, description="Scene latitude.")
    lon: float = Field(..., ge=-180, le=180, allow_inf_nan=False, description="Scene longitude.")
    radius_m: float = Field(
        ..., gt=0, le=100_000, allow_inf_nan=False, description="Search radius in meters."
    )
    start: Time = Field(..., description="Start of the incident, ISO 8601 with an offset.")
    end: Time = Field(..., description="End of the incident, ISO 8601 with an offset.")
    case_number: Text = Field(
        ..., max_length=60, description="The case number, e.g. KC2026-001234."
    )
    purpose_statement: bool = Field(
        ...,
        description=(
            "true: the caller affirms that the search is part of the investigation of a "
            "specific incident and is not aimed at lawful protest or other protected activity."
        ),
    )
    incident_type: Text = Field("", max_length=100)
    override_reason: Text = Field(
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


class FootageRequestIn(Schema):
    case_id: Id = Field(..., description="The case (created in the console) the video is for.")
    camera_ids: list[Id] = Field(
        ...,
        min_length=1,
        max_length=200,
        description="Cameras chosen from a search; one request goes to each of their owners.",
    )
    message: Text = Field("", max_length=2000, description="A message to the registrants.")
    window_start: Time | None = Field(None, description="Default: the case's start.")
    window_end: Time | None = Field(None, description="Default: the case's end.")


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

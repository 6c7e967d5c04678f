"""Footage requests: every rule about them lives here.

The console, the API and the scheduled tasks call these functions; nothing else writes a
request. Every change and every read of a request by staff is in the audit log, with the
case number. Registrants answer through a private link (only its SHA-256 hash is stored)
that works for that request only, until it is answered or the link expires.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from camreg import tokens
from camreg.accounts.roles import Permission, check
from camreg.agency import services as agency_services
from camreg.audit import services as audit
from camreg.canvass.models import Case
from camreg.outreach import services as outreach
from camreg.registry.models import Camera, Registrant, RegistrationStatus

from .models import (
    OPEN_STATUSES,
    Answer,
    ContactAttempt,
    ContactKind,
    ContactOutcome,
    FootageLink,
    FootageRequest,
    LinkPurpose,
    RequestedCamera,
    Status,
)

__all__ = [
    "FootageError",
    "LinkInvalid",
    "OwnerGroup",
    "Plan",
    "answer",
    "close",
    "create_requests",
    "days_left",
    "expire_links",
    "forget_registrant",
    "get_request",
    "list_requests",
    "log_contact",
    "mark_footage_received",
    "open_link",
    "plan_requests",
    "send_reminders",
]

REMINDER_AFTER = timedelta(hours=48)
MESSAGE_MAX_LENGTH = 2000
NOTE_MAX_LENGTH = 2000
MAX_WINDOW = timedelta(days=7)
MAX_CAMERAS = 200


class FootageError(ValueError):
    """A request that cannot be made or changed: a stable `code` and a message for people."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


class LinkInvalid(Exception):
    """A registrant link that is unknown, expired, or whose request is already answered."""


# Planning: which registrants, which cameras ----------------------------------------------


@dataclass
class OwnerGroup:
    """The selected cameras of one registrant, soonest overwritten first."""

    registrant: Registrant
    cameras: list[Camera]
    overwrite_at: dict[int, datetime]  # camera id -> when the incident's video is overwritten

    @property
    def deadline(self) -> datetime | None:
        return min(self.overwrite_at.values()) if self.overwrite_at else None

    @property
    def has_email(self) -> bool:
        return bool(self.registrant.email)


@dataclass
class Plan:
    groups: list[OwnerGroup] = field(default_factory=list)
    # Selected cameras that cannot be asked about: unknown, or registration not active.
    skipped: list[int] = field(default_factory=list)


def _overwrite_at(case: Case, retention_days: int) -> datetime:
    return case.start + timedelta(days=retention_days)


def _camera_ids(camera_ids) -> list[int]:
    ids = []
    for value in camera_ids or []:
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise FootageError("camera_invalid", "A selected camera is not valid.") from None
        if number not in ids:
            ids.append(number)
    return ids


def plan_requests(case: Case, camera_ids, *, actor) -> Plan:
    """The selected cameras grouped by owner (active registrations only), most urgent first."""
    check(actor, Permission.CANVASS)
    ids = _camera_ids(camera_ids)
    if not ids:
        raise FootageError("no_cameras", "Select at least one camera.")
    if len(ids) > MAX_CAMERAS:
        raise FootageError("too_many_cameras", f"Select at most {MAX_CAMERAS} cameras at once.")
    cameras = (
        Camera.objects.filter(pk__in=ids, site__registrant__status=RegistrationStatus.ACTIVE)
        .select_related("site", "site__registrant")
        .order_by("site__registrant_id", "pk")
    )
    groups: dict[int, OwnerGroup] = {}
    found = set()
    for camera in cameras:
        found.add(camera.pk)
        registrant = camera.site.registrant
        group = groups.setdefault(registrant.pk, OwnerGroup(registrant, [], {}))
        group.cameras.append(camera)
        group.overwrite_at[camera.pk] = _overwrite_at(case, camera.retention_days)
    ordered = sorted(groups.values(), key=lambda g: (g.deadline, g.registrant.pk))
    for group in ordered:
        group.cameras.sort(key=lambda c: (group.overwrite_at[c.pk], c.pk))
    return Plan(groups=ordered, skipped=[i for i in ids if i not in found])


# Creating and sending ---------------------------------------------------------------------


def _new_link(footage_request: FootageRequest, purpose: str) -> str:
    """A link for the request's email (`purpose`: the request or the reminder). Following
    the revocation rule (camreg.tokens), it replaces an earlier unused link of the same
    purpose only: the reminder's link does not stop the first email's from working."""
    _row, raw = tokens.issue(
        FootageLink,
        purpose=purpose,
        expires_at=footage_request.link_expires_at,
        revoke_earlier_for="request",
        request=footage_request,
    )
    return settings.SITE_URL + reverse("footage-public:answer", kwargs={"token": raw})


def _email_context(footage_request: FootageRequest, link: str) -> dict:
    registrant = footage_request.registrant
    cameras = [
        {
            "label": rc.label,
            "address": rc.camera.site.address_line if rc.camera is not None else "",
        }
        for rc in footage_request.requested_cameras.select_related("camera__site")
    ]
    return {
        "name": registrant.name if registrant else "",
        "case_number": footage_request.case.case_number,
        "cameras": cameras,
        "window_start": footage_request.window_start,
        "window_end": footage_request.window_end,
        "requester_name": footage_request.requester_name,
        "requester_phone": footage_request.requester_phone,
        "requester_email": footage_request.requester_email,
        "message": footage_request.message,
        "link": link,
        "link_expires_at": footage_request.link_expires_at,
    }


def _check_window(start: datetime, end: datetime) -> None:
    for value in (start, end):
        if not isinstance(value, datetime) or timezone.is_naive(value):
            raise FootageError("window_invalid", "Give the start and end with a time zone.")
    if end <= start:
        raise FootageError("window_invalid", "The end of the time window must be after its start.")
    if end - start > MAX_WINDOW:
        raise FootageError("window_too_long", "The time window can be at most 7 days long.")


def create_requests(
    case: Case,
    camera_ids,
    *,
    actor,
    message: str,
    window_start: datetime | None = None,
    window_end: datetime | None = None,
    request=None,
) -> list[FootageRequest]:
    """Ask each owner of the selected cameras for their video: one request per registrant.

    Only cameras of active registrations are asked about (others are left out; FootageError
    when none remain). Each request is emailed at once, in the registrant's language, with a
    private link valid for the agency's `footage_request_link_days`. A registrant without an
    email address gets a request in status "draft" for the deputy to follow up by phone or
    visit. The time window defaults to the case's. Returns the requests, most urgent first.
    """
    check(actor, Permission.CANVASS)
    message = (message or "").strip()
    if len(message) > MESSAGE_MAX_LENGTH:
        raise FootageError(
            "message_too_long", f"The message can be at most {MESSAGE_MAX_LENGTH} characters."
        )
    window_start = window_start or case.start
    window_end = window_end or case.end
    _check_window(window_start, window_end)
    plan = plan_requests(case, camera_ids, actor=actor)
    if not plan.groups:
        raise FootageError(
            "no_active_cameras",
            "None of the selected cameras belongs to an active registration.",
        )
    agency = agency_services.current()
    now = timezone.now()
    expires = now + timedelta(days=agency.footage_request_link_days)
    created = []
    with transaction.atomic():
        for group in plan.groups:
            registrant = group.registrant
            footage_request = FootageRequest.objects.create(
                case=case,
                registrant=registrant,
                window_start=window_start,
                window_end=window_end,
                requested_by=actor,
                requester_name=actor.full_name,
                requester_phone=getattr(actor, "phone", "") or agency.contact_phone,
                requester_email=actor.email,
                message=message,
                language=registrant.language or settings.LANGUAGE_CODE,
                status=Status.DRAFT,
                overwrite_deadline=group.deadline,
            )
            RequestedCamera.objects.bulk_create(
                RequestedCamera(
                    request=footage_request,
                    camera=camera,
                    label=camera.label,
                    retention_days=camera.retention_days,
                    overwrite_at=group.overwrite_at[camera.pk],
                )
                for camera in group.cameras
            )
            details = {
                "registrant_id": registrant.pk,
                "camera_ids": [c.pk for c in group.cameras],
                "window_start": window_start.isoformat(),
                "window_end": window_end.isoformat(),
                "language": footage_request.language,
            }
            if registrant.email:
                footage_request.link_expires_at = expires
                link = _new_link(footage_request, LinkPurpose.REQUEST)
                outreach.queue_email(
                    to=registrant.email,
                    template="footage_request",
                    context=_email_context(footage_request, link),
                    language=footage_request.language,
                    registrant=registrant,
                )
                footage_request.status = Status.SENT
                footage_request.sent_at = now
                footage_request.save(update_fields=["link_expires_at", "status", "sent_at"])
                action = "footage.request_sent"
            else:
                details["reason"] = "no email address on file"
                action = "footage.request_created"
            audit.record(
                action,
                actor=actor,
                request=request,
                target=footage_request,
                case_number=case.case_number,
                details=details,
            )
            created.append(footage_request)
        if plan.skipped:
            audit.record(
                "footage.cameras_skipped",
                actor=actor,
                request=request,
                target=case,
                case_number=case.case_number,
                details={"camera_ids": plan.skipped},
            )
    return created


# The registrant's answer -----------------------------------------------------------------


def _usable_link(raw: str) -> FootageLink:
    link = tokens.find_usable(
        FootageLink.objects.select_related("request", "request__case", "request__registrant"),
        raw,
        purpose=LinkPurpose.values,
    )
    if link is None:
        raise LinkInvalid
    footage_request = link.request
    if footage_request.status != Status.SENT or footage_request.registrant is None:
        raise LinkInvalid
    return link


def open_link(raw: str) -> FootageRequest:
    """The request a registrant's link opens, if it can still be answered (not used up)."""
    return _usable_link(raw).request


def answer(token: str, choice: str, note: str = "", *, request=None) -> FootageRequest:
    """Record the registrant's answer to the request their link belongs to; uses the link up.

    Raises LinkInvalid (unknown, expired or already answered) or FootageError (bad choice).
    """
    if choice not in Answer.values:
        raise FootageError("answer_invalid", "Choose one of the answers.")
    note = (note or "").strip()[:NOTE_MAX_LENGTH]
    link = _usable_link(token)
    footage_request = link.request
    now = timezone.now()
    with transaction.atomic():
        if not tokens.use(link, now=now):  # used a moment ago by another request
            raise LinkInvalid
        changed = FootageRequest.objects.filter(pk=footage_request.pk, status=Status.SENT).update(
            status=Status.ANSWERED, answer=choice, answer_note=note, answered_at=now
        )
        if not changed:  # answered a moment ago through the other link, or expired
            raise LinkInvalid
        tokens.revoke(footage_request.links.all(), now=now)  # the other email's link
        footage_request.refresh_from_db()
        audit.record(
            "footage.answered",
            actor=footage_request.registrant,
            request=request,
            target=footage_request,
            case_number=footage_request.case.case_number,
            details={"answer": choice, "with_note": bool(note)},
        )
    return footage_request


# Staff follow-up -------------------------------------------------------------------------


def log_contact(
    footage_request: FootageRequest,
    *,
    actor,
    kind: str,
    outcome: str,
    note: str = "",
    at: datetime | None = None,
    request=None,
) -> ContactAttempt:
    """Log a call, visit, email or text to the registrant about the request."""
    check(actor, Permission.CANVASS)
    if kind not in ContactKind.values:
        raise FootageError("contact_kind_invalid", "Choose how you contacted them.")
    if outcome not in ContactOutcome.values:
        raise FootageError("contact_outcome_invalid", "Choose the outcome.")
    now = timezone.now()
    at = at or now
    if at > now + timedelta(minutes=5):
        raise FootageError("contact_in_future", "The time of the contact is in the future.")
    with transaction.atomic():
        attempt = ContactAttempt.objects.create(
            request=footage_request,
            staff=actor,
            staff_name=actor.full_name,
            at=at,
            kind=kind,
            outcome=outcome,
            note=(note or "").strip()[:NOTE_MAX_LENGTH],
        )
        audit.record(
            "footage.contact_logged",
            actor=actor,
            request=request,
            target=footage_request,
            case_number=footage_request.case.case_number,
            details={"contact_id": attempt.pk, "kind": kind, "outcome": outcome},
        )
    return attempt


def mark_footage_received(
    footage_request: FootageRequest, *, actor, note: str = "", request=None
) -> FootageRequest:
    """The footage has arrived (in person, on a drive, ...): the request is done."""
    check(actor, Permission.CANVASS)
    if footage_request.status in (Status.FOOTAGE_RECEIVED, Status.CLOSED):
        raise FootageError("not_open", "This request is already finished.")
    with transaction.atomic():
        footage_request.status = Status.FOOTAGE_RECEIVED
        footage_request.footage_received_at = timezone.now()
        if note:
            footage_request.close_note = note.strip()[:NOTE_MAX_LENGTH]
        footage_request.save(update_fields=["status", "footage_received_at", "close_note"])
        _retire_links(footage_request)
        audit.record(
            "footage.footage_received",
            actor=actor,
            request=request,
            target=footage_request,
            case_number=footage_request.case.case_number,
        )
    return footage_request


def close(
    footage_request: FootageRequest, *, actor, note: str = "", request=None
) -> FootageRequest:
    """Close the request (nothing more to do); its link stops working."""
    check(actor, Permission.CANVASS)
    if footage_request.status == Status.CLOSED:
        raise FootageError("not_open", "This request is already closed.")
    with transaction.atomic():
        previous = footage_request.status
        footage_request.status = Status.CLOSED
        footage_request.closed_at = timezone.now()
        if note:
            footage_request.close_note = note.strip()[:NOTE_MAX_LENGTH]
        footage_request.save(update_fields=["status", "closed_at", "close_note"])
        _retire_links(footage_request)
        audit.record(
            "footage.closed",
            actor=actor,
            request=request,
            target=footage_request,
            case_number=footage_request.case.case_number,
            reason=footage_request.close_note,
            details={"previous_status": previous},
        )
    return footage_request


def _retire_links(footage_request: FootageRequest) -> None:
    footage_request.links.all().delete()


# Reading ---------------------------------------------------------------------------------


def _with_related(queryset: QuerySet) -> QuerySet:
    return queryset.select_related("case", "registrant", "requested_by").prefetch_related(
        Prefetch("requested_cameras", queryset=RequestedCamera.objects.order_by("overwrite_at"))
    )


def get_request(request_id: int, actor, *, request=None) -> FootageRequest:
    """One request for staff (audited as a view); FootageRequest.DoesNotExist if there is none."""
    check(actor, Permission.CANVASS)
    footage_request = _with_related(FootageRequest.objects).get(pk=request_id)
    audit.record(
        "footage.request_viewed",
        actor=actor,
        request=request,
        target=footage_request,
        case_number=footage_request.case.case_number,
    )
    return footage_request


def list_requests(
    actor,
    *,
    mine: bool = False,
    case: Case | None = None,
    open_only: bool = False,
    limit: int | None = 500,
) -> list[FootageRequest]:
    """Requests sorted by overwrite deadline, soonest first (no deadline last).

    Not audited here: the caller records the view it shows (the console's dashboard does).
    """
    check(actor, Permission.CANVASS)
    queryset = _with_related(FootageRequest.objects.all())
    if mine:
        queryset = queryset.filter(requested_by=actor)
    if case is not None:
        queryset = queryset.filter(case=case)
    if open_only:
        queryset = queryset.filter(status__in=OPEN_STATUSES)
    queryset = queryset.order_by(*FootageRequest._meta.ordering)
    return list(queryset[:limit] if limit else queryset)


def days_left(footage_request: FootageRequest, now: datetime | None = None) -> int | None:
    """Whole days before the first requested camera overwrites the video; negative: gone."""
    if footage_request.overwrite_deadline is None:
        return None
    now = now or timezone.now()
    return math.floor((footage_request.overwrite_deadline - now).total_seconds() / 86_400)


# Scheduled work --------------------------------------------------------------------------


def expire_links(now: datetime | None = None) -> int:
    """Requests sent but not answered before their link expired become "expired"."""
    now = now or timezone.now()
    expired = 0
    due = FootageRequest.objects.filter(status=Status.SENT, link_expires_at__lte=now)
    for footage_request in due.select_related("case"):
        with transaction.atomic():
            changed = FootageRequest.objects.filter(
                pk=footage_request.pk, status=Status.SENT
            ).update(status=Status.EXPIRED)
            if not changed:
                continue
            _retire_links(footage_request)
            audit.record(
                "footage.request_expired",
                target=footage_request,
                case_number=footage_request.case.case_number,
            )
            expired += 1
    return expired


def send_reminders(now: datetime | None = None) -> int:
    """One reminder to registrants who have not answered 48 hours after the request, while
    their link works and at least one requested camera still holds the incident's video."""
    now = now or timezone.now()
    due = (
        FootageRequest.objects.filter(
            status=Status.SENT,
            reminder_sent_at__isnull=True,
            sent_at__lte=now - REMINDER_AFTER,
            link_expires_at__gt=now,
            registrant__isnull=False,
        )
        .filter(Q(requested_cameras__overwrite_at__gt=now))
        .distinct()
        .select_related("case", "registrant")
    )
    sent = 0
    for footage_request in due:
        registrant = footage_request.registrant
        if not registrant.email or registrant.status != RegistrationStatus.ACTIVE:
            continue
        with transaction.atomic():
            claimed = FootageRequest.objects.filter(
                pk=footage_request.pk, status=Status.SENT, reminder_sent_at__isnull=True
            ).update(reminder_sent_at=now)
            if not claimed:
                continue
            link = _new_link(footage_request, LinkPurpose.REMINDER)
            outreach.queue_email(
                to=registrant.email,
                template="footage_reminder",
                context=_email_context(footage_request, link),
                language=footage_request.language,
                registrant=registrant,
            )
            audit.record(
                "footage.reminder_sent",
                target=footage_request,
                case_number=footage_request.case.case_number,
                details={"registrant_id": registrant.pk},
            )
            sent += 1
    return sent


# Leaving the program -----------------------------------------------------------------------


def forget_registrant(registrant: Registrant) -> int:
    """Erase what a leaving registrant's requests hold about them; the rows stay.

    Call it where the registry erases a registrant's personal data.
    """
    requests = FootageRequest.objects.filter(registrant=registrant)
    FootageLink.objects.filter(request__in=requests).delete()
    changed = 0
    for footage_request in requests:
        footage_request.registrant = None
        footage_request.answer_note = ""
        if footage_request.status in (Status.DRAFT, Status.SENT):
            footage_request.status = Status.CLOSED
            footage_request.closed_at = timezone.now()
            footage_request.close_note = "The registrant left the program."
        footage_request.save()
        changed += 1
    return changed

"""Creating footage requests: one per owner of the selected cameras, emailed at once."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from camreg.accounts.roles import Permission, check
from camreg.agency import services as agency_services
from camreg.audit import services as audit
from camreg.canvass.models import Case
from camreg.footage.models import FootageRequest, LinkPurpose, RequestedCamera, Status
from camreg.footage.services.calls import channel_for, create_call_task
from camreg.footage.services.common import FootageError
from camreg.footage.services.links import _email_context, _new_link
from camreg.footage.services.planning import plan_requests
from camreg.outreach import services as outreach

MESSAGE_MAX_LENGTH = 2000
MAX_WINDOW = timedelta(days=7)


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
    repeat: bool = False,
    request=None,
) -> list[FootageRequest]:
    """Ask each owner of the selected cameras for their video: one request per registrant.

    Only cameras of active registrations are asked about (others are left out; FootageError
    when none remain). Each request is emailed at once, in the registrant's language, with a
    private link valid for the agency's `footage_request_link_days`. A registrant without an
    email address gets a request in status "draft" for the deputy to follow up by phone or
    visit. An owner who prefers a phone call or a text message (or has no email address)
    also gets a call task with a script in their language (services.calls). The time window
    defaults to the case's. Returns the requests, most urgent first.

    An owner already asked on this case (any earlier request, whatever its answer) is asked
    again only with `repeat=True`: FootageError "already_asked" otherwise, naming them.
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
    if plan.repeats and not repeat:
        names = ", ".join(g.registrant.display_name or f"#{g.registrant.pk}" for g in plan.repeats)
        raise FootageError(
            "already_asked",
            f"Already asked on this case: {names}. Check their earlier answers, and confirm "
            "that you want to ask again.",
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
            if group.earlier:
                details["asked_before"] = [r.pk for r in group.earlier]
            audit.record(
                action,
                actor=actor,
                request=request,
                target=footage_request,
                case_number=case.case_number,
                details=details,
            )
            channel = channel_for(registrant)
            if channel is not None:
                create_call_task(footage_request, channel, actor=actor, request=request)
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

"""Call tasks: owners who prefer a phone call or a text message get one, not only an email.

A request to such an owner creates a call task on the case with their number, their
preferred times and a script in their language; the deputy logs each attempt's outcome. An
outcome that answers the request (will provide, no footage, declined) is recorded on the
request as the owner's answer, given by phone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format

from camreg.accounts.roles import Permission, check
from camreg.agency import services as agency_services
from camreg.audit import services as audit
from camreg.footage.models import (
    Answer,
    CallChannel,
    CallTask,
    ContactAttempt,
    ContactOutcome,
    FootageRequest,
    Status,
    TaskStatus,
)
from camreg.footage.services.common import NOTE_MAX_LENGTH, FootageError
from camreg.footage.services.followup import log_contact
from camreg.footage.services.links import _retire_links
from camreg.registry.models import ContactMethod, Registrant
from camreg.web import phones

# Outcomes that leave the task to do: the owner was not reached.
NOT_REACHED = frozenset({ContactOutcome.NO_ANSWER, ContactOutcome.LEFT_MESSAGE})
# Outcomes that are the owner's answer to the request, given by phone.
ANSWER_OF_OUTCOME = {
    ContactOutcome.WILL_PROVIDE: Answer.WILL_PROVIDE,
    ContactOutcome.NO_FOOTAGE: Answer.NO_FOOTAGE,
    ContactOutcome.DECLINED: Answer.CANNOT_HELP,
}


def channel_for(registrant: Registrant) -> str | None:
    """How to reach an owner besides email: by call or text when that is what they prefer,
    by call when they gave no email address; None when email is enough or there is no
    number to call."""
    if not (registrant.phone or registrant.alternate_phone):
        return None
    if registrant.preferred_contact == ContactMethod.TEXT:
        return CallChannel.TEXT
    if registrant.preferred_contact == ContactMethod.PHONE or not registrant.email:
        return CallChannel.CALL
    return None


def create_call_task(footage_request: FootageRequest, channel: str, *, actor, request=None):
    """A call task for a new request (inside its transaction); audited."""
    task = CallTask.objects.create(request=footage_request, channel=channel)
    audit.record(
        "footage.call_task_created",
        actor=actor,
        request=request,
        target=footage_request,
        case_number=footage_request.case.case_number,
        details={"call_task_id": task.pk, "channel": channel},
    )
    return task


@dataclass(frozen=True)
class Script:
    """What the deputy says or sends, in `language` (the owner's)."""

    language: str
    text: str


def script(task: CallTask, language: str | None = None) -> Script:
    """The call or text script of a task, in the owner's language (or `language`)."""
    footage_request = task.request
    language = language or footage_request.language or "en"
    agency = agency_services.current()
    registrant = footage_request.registrant
    zone = ZoneInfo(agency.time_zone or "America/Los_Angeles")
    cameras = list(footage_request.requested_cameras.select_related("camera__site"))
    start = timezone.localtime(footage_request.window_start, zone)
    end = timezone.localtime(footage_request.window_end, zone)
    deadline = footage_request.overwrite_deadline
    template = (
        "footage/scripts/text.txt"
        if task.channel == CallChannel.TEXT
        else "footage/scripts/call.txt"
    )
    with translation.override(language):
        context = {
            "agency": agency,
            "name": registrant.name if registrant else "",
            "asked_for_call": bool(
                registrant and registrant.preferred_contact == ContactMethod.PHONE
            ),
            "requester_name": footage_request.requester_name,
            "requester_phone": phones.national(footage_request.requester_phone),
            "case_number": footage_request.case.case_number,
            "start": date_format(start, "DATETIME_FORMAT"),
            "end": date_format(
                end, "TIME_FORMAT" if end.date() == start.date() else "DATETIME_FORMAT"
            ),
            "cameras": [
                {
                    "label": rc.label,
                    "address": rc.camera.site.address_line if rc.camera is not None else "",
                }
                for rc in cameras
            ],
            "overwrite_date": (
                date_format(timezone.localtime(deadline, zone), "DATE_FORMAT") if deadline else ""
            ),
            "has_email": bool(registrant and registrant.email and footage_request.sent_at),
        }
        text = render_to_string(template, context)
    lines = [line.strip() for line in text.splitlines()]
    paragraphs, current = [], []
    for line in lines:
        if line:
            current.append(line)
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return Script(language, "\n\n".join(paragraphs))


def log_call(
    task: CallTask,
    *,
    actor,
    outcome: str,
    note: str = "",
    at: datetime | None = None,
    request=None,
) -> ContactAttempt:
    """Log one attempt of a call task (a call or a text, as the task says).

    The task stays to do while the owner was not reached (no answer, message left), and is
    done otherwise. "Will provide", "has no footage" and "declined" are the owner's answer:
    an unanswered request records it (status answered; its link stops working).
    """
    check(actor, Permission.CANVASS)
    if task.status != TaskStatus.OPEN:
        raise FootageError("task_not_open", "This call task is already done.")
    with transaction.atomic():
        attempt = log_contact(
            task.request,
            actor=actor,
            kind=task.channel,
            outcome=outcome,
            note=note,
            at=at,
            request=request,
        )
        task.attempts += 1
        fields = ["attempts"]
        if outcome not in NOT_REACHED:
            task.status = TaskStatus.DONE
            task.outcome = outcome
            task.done_at = timezone.now()
            task.done_by = actor
            fields += ["status", "outcome", "done_at", "done_by"]
        task.save(update_fields=fields)
        answer = ANSWER_OF_OUTCOME.get(outcome)
        if answer is not None:
            _answer_by_phone(task.request, answer, attempt, actor=actor, request=request)
    return attempt


def _answer_by_phone(footage_request: FootageRequest, answer: str, attempt, *, actor, request):
    open_statuses = (Status.DRAFT, Status.SENT, Status.EXPIRED)
    changed = FootageRequest.objects.filter(pk=footage_request.pk, status__in=open_statuses).update(
        status=Status.ANSWERED,
        answer=answer,
        answer_note=(attempt.note or "")[:NOTE_MAX_LENGTH],
        answered_at=attempt.at,
    )
    if not changed:
        return
    footage_request.refresh_from_db()
    _retire_links(footage_request)
    audit.record(
        "footage.answered_by_phone",
        actor=actor,
        request=request,
        target=footage_request,
        case_number=footage_request.case.case_number,
        details={"answer": answer, "contact_id": attempt.pk},
    )

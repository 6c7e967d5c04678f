"""What footage adds to a case page (canvass.signals.case_workspace, decision 0021): the
owners asked, each request's status and answer, calls and visits, call tasks with their
scripts, renewals and the footage received; and a mark beside each camera already asked.

Reading it shows owners' names and contact details, so it is audited
("footage.case_requests_viewed", with the requests and registrants shown).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from camreg.accounts.roles import Permission, check
from camreg.audit import services as audit
from camreg.canvass.models import Case
from camreg.canvass.workspace import CameraMark, CaseSection
from camreg.footage.models import (
    Answer,
    CallTask,
    ContactAttempt,
    ContactOutcome,
    FootageRequest,
    RequestedCamera,
    Status,
    TaskStatus,
)
from camreg.footage.services.calls import script
from camreg.footage.services.reading import days_left
from camreg.footage.services.renewal import can_renew

NEGATIVE_ANSWERS = (Answer.NO_FOOTAGE, Answer.CANNOT_HELP)


def task_of(footage_request: FootageRequest) -> CallTask | None:
    try:
        return footage_request.call_task
    except CallTask.DoesNotExist:
        return None


@dataclass
class RequestRow:
    """One request as the case page and the request page show it."""

    r: FootageRequest
    days_left: int | None
    task: CallTask | None
    contacts: list[ContactAttempt] = field(default_factory=list)
    renewable: bool = False
    script: object = None  # calls.Script of an open call task
    english_script: object = None  # the same in English when the owner's language is not

    @property
    def said_no(self) -> bool:
        return self.r.answer in NEGATIVE_ANSWERS


def request_row(footage_request: FootageRequest, now=None) -> RequestRow:
    task = task_of(footage_request)
    row = RequestRow(
        r=footage_request,
        days_left=days_left(footage_request, now),
        task=task,
        contacts=list(footage_request.contact_attempts.all()),
        renewable=can_renew(footage_request),
    )
    if task is not None and task.status == TaskStatus.OPEN and footage_request.registrant:
        row.script = script(task)
        if row.script.language != "en":
            row.english_script = script(task, language="en")
    return row


def case_requests(case: Case) -> list[FootageRequest]:
    """Every request of the case, soonest overwrite deadline first, with what its row shows."""
    return list(
        FootageRequest.objects.filter(case=case)
        .select_related("case", "registrant", "requested_by", "call_task")
        .prefetch_related(
            Prefetch(
                "requested_cameras", queryset=RequestedCamera.objects.order_by("overwrite_at")
            ),
            "contact_attempts",
            "renewals",
        )
        .order_by(*FootageRequest._meta.ordering)
    )


def mark_text(footage_request: FootageRequest) -> str:
    """ "Asked Nov 20 (request #12): answered “I have no footage for that time”"."""
    when = timezone.localtime(footage_request.sent_at or footage_request.created_at)
    head = f"Asked {date_format(when, 'M j')} (request #{footage_request.pk})"
    status = footage_request.status
    if footage_request.answer:
        state = f"answered “{footage_request.get_answer_display()}”"
        if status == Status.FOOTAGE_RECEIVED:
            state += ", footage received"
    elif status == Status.FOOTAGE_RECEIVED:
        state = "footage received"
    elif status == Status.EXPIRED:
        state = "expired without an answer"
    elif status == Status.CLOSED:
        state = "closed without an answer"
    elif status == Status.DRAFT:
        state = "not emailed (no email address): call or visit"
    else:
        state = "waiting for an answer"
    return f"{head}: {state}"


def case_section(case: Case, *, actor, request=None, camera_ids=()) -> CaseSection:
    """The footage requests part of the case page, and the marks beside cameras asked."""
    check(actor, Permission.CANVASS)
    requests = case_requests(case)
    now = timezone.now()
    rows = [request_row(r, now) for r in requests]
    marks: dict[int, list[CameraMark]] = {}
    for footage_request in requests:
        url = reverse("footage:request", kwargs={"pk": footage_request.pk})
        text = mark_text(footage_request)
        warn = footage_request.answer in NEGATIVE_ANSWERS
        for requested in footage_request.requested_cameras.all():
            if requested.camera_id is not None:
                marks.setdefault(requested.camera_id, []).append(CameraMark(text, url, warn))
    counts = {
        "requests": len(requests),
        "waiting": sum(1 for r in requests if r.status in (Status.SENT, Status.DRAFT)),
        "expired": sum(1 for r in requests if r.status == Status.EXPIRED),
        "will_provide": sum(1 for r in requests if r.answer == Answer.WILL_PROVIDE),
        "said_no": sum(1 for r in requests if r.answer in NEGATIVE_ANSWERS),
        "received": sum(1 for r in requests if r.status == Status.FOOTAGE_RECEIVED),
        "calls": sum(1 for row in rows if row.task and row.task.status == TaskStatus.OPEN),
    }
    if requests:
        audit.record(
            "footage.case_requests_viewed",
            actor=actor,
            request=request,
            target=case,
            case_number=case.case_number,
            details={
                "request_ids": [r.pk for r in requests],
                "registrant_ids": sorted({r.registrant_id for r in requests if r.registrant_id}),
            },
        )
    return CaseSection(
        title="Footage requests",
        anchor="footage-requests",
        template="footage/_case_section.html",
        context={
            "case": case,
            "rows": rows,
            "counts": counts,
            "outcomes": ContactOutcome.choices,
        },
        order=10,
        camera_marks=marks,
        stylesheets=("footage/footage.css",),
    )

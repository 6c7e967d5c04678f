"""The console's home page for each role: what the person's work needs first.

- Deputies, investigators and supervisors (canvass): their open cases, their footage
  requests waiting for an answer (soonest overwrite deadline first), calls and texts to
  make, and the answers that came in.
- Supervisors (canvass override): the limit overrides of the last 30 days to review.
- Supervisors and coordinators (review, settings): registrations waiting for review and
  the program's counts.
- Auditors and administrators: where their work is.

Owners' names appear in a deputy's lists, so a home page that shows any is audited
("console.home_viewed", with the requests and registrants shown).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Count
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from camreg.accounts.roles import Permission, permissions_of
from camreg.audit import services as audit
from camreg.audit.models import AuditEvent
from camreg.canvass import services as canvass
from camreg.footage import services as footage
from camreg.footage.models import Answer, FootageRequest, Status
from camreg.registry.models import Camera, Registrant, RegistrationStatus

OVERRIDES_SINCE = timedelta(days=30)
PROGRAM_SINCE = timedelta(days=30)


@dataclass
class Override:
    at: object
    by: str
    case_number: str
    reason: str
    limits: list[str]
    url: str = ""


@dataclass
class Home:
    permissions: set = field(default_factory=set)
    open_cases: list | None = None
    work: footage.DeputyWork | None = None
    overrides: list[Override] | None = None
    pending_review: int | None = None
    program: dict | None = None

    def has(self, permission: Permission) -> bool:
        return permission in self.permissions


def _case_url(event: AuditEvent) -> str:
    if event.target_type != "canvass.case" or not event.target_id:
        return ""
    try:
        return reverse("canvass:case", kwargs={"pk": int(event.target_id)})
    except (NoReverseMatch, ValueError):
        return ""


def recent_overrides(now=None, limit: int = 25) -> list[Override]:
    """Searches run beyond the agency's limits in the last 30 days, newest first."""
    now = now or timezone.now()
    events = AuditEvent.objects.filter(
        action="canvass.limit_overridden", at__gte=now - OVERRIDES_SINCE
    ).order_by("-at", "-pk")[:limit]
    return [
        Override(
            at=event.at,
            by=event.actor_label,
            case_number=event.case_number,
            reason=event.reason,
            limits=[
                item.get("message") or item.get("code", "")
                for item in (event.details or {}).get("limits", [])
                if isinstance(item, dict)
            ],
            url=_case_url(event),
        )
        for event in events
    ]


def program_counts(now=None) -> dict:
    """Registrations by status, active cameras and the last 30 days of footage requests."""
    now = now or timezone.now()
    by_status = dict(
        Registrant.objects.values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    recent = FootageRequest.objects.filter(created_at__gte=now - PROGRAM_SINCE)
    return {
        "by_status": [(s.label, by_status.get(s.value, 0)) for s in RegistrationStatus],
        "cameras": Camera.objects.filter(
            site__registrant__status=RegistrationStatus.ACTIVE
        ).count(),
        "requests": recent.count(),
        "answered": recent.exclude(answer="").count(),
        "will_provide": recent.filter(answer=Answer.WILL_PROVIDE).count(),
        "received": recent.filter(status=Status.FOOTAGE_RECEIVED).count(),
    }


def home_for(user, *, request=None) -> Home:
    held = permissions_of(user)
    home = Home(permissions=held)
    if Permission.CANVASS in held:
        home.open_cases = canvass.open_cases(user)
        home.work = footage.work_of(user)
    if Permission.CANVASS_OVERRIDE in held:
        home.overrides = recent_overrides()
    if Permission.REVIEW in held:
        home.pending_review = Registrant.objects.filter(
            status=RegistrationStatus.PENDING_REVIEW
        ).count()
    if held & {Permission.REVIEW, Permission.SETTINGS}:
        home.program = program_counts()
    if home.work is not None and home.work.request_ids:
        audit.record(
            "console.home_viewed",
            actor=user,
            request=request,
            details={
                "request_ids": home.work.request_ids,
                "registrant_ids": home.work.registrant_ids,
            },
        )
    return home

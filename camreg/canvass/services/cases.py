"""Cases: opening one for a canvass (one case per case number), reading it, closing and
reopening it; each audited."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from camreg.accounts.roles import Permission, can
from camreg.audit import services as audit
from camreg.canvass.limits import CanvassError, CanvassLimits, InvalidSearch, LimitExceeded
from camreg.canvass.models import Case
from camreg.canvass.services.params import SearchParams, _violations
from camreg.geo import shapes


class CaseNumberInUse(CanvassError):
    """A case with this number exists already: `case` is it. Open it, or add a search to it
    (services.add_search), rather than opening a second case for the same incident."""

    def __init__(self, case: Case):
        super().__init__(
            "case_number_in_use",
            _("Case %(number)s already exists. Open it, or add this search to it.")
            % {"number": case.case_number},
        )
        self.case = case


def find_case(case_number: str) -> Case | None:
    """The case with this number (spaces around it and letter case ignored), if there is one;
    the oldest if an earlier version of the software let a number be used twice."""
    number = (case_number or "").strip()
    if not number:
        return None
    return (
        Case.objects.select_related("created_by")
        .filter(case_number__iexact=number)
        .order_by("pk")
        .first()
    )


def create_case(
    *,
    actor,
    case_number: str,
    incident_type: str,
    start: datetime,
    end: datetime,
    latitude: float | None = None,
    longitude: float | None = None,
    radius_m: float | None = None,
    polygon: dict | None = None,
    route: dict | None = None,
    corridor_width_m: float | None = None,
    address: str = "",
    purpose_statement: str = "",
    limits: CanvassLimits | None = None,
    override_reason: str | None = None,
    request=None,
) -> Case:
    """Create a case for a canvass.

    The case number must match the agency's format (`limits.case_number_pattern`) and the
    purpose statement is required as for a search (LimitExceeded otherwise); the place and
    times must make sense (InvalidSearch). Size and time limits are checked by `search`,
    where a supervisor can override them. A number that a case already has raises
    CaseNumberInUse, naming that case: one incident, one case.

    With `override_reason` (the API passes it, even empty), the size and time limits are
    checked here as `search` checks them: exceeding one needs Permission.CANVASS_OVERRIDE
    and a written reason (LimitExceeded otherwise), and the override is audited
    ("canvass.limit_overridden") with the case. Without it (the console, which asks for the
    reason when the case's search runs) they are left to `search`.
    """
    limits = limits or CanvassLimits()
    if not can(actor, Permission.CANVASS):
        raise PermissionDenied(Permission.CANVASS.value)
    params = SearchParams(
        case_number=(case_number or "").strip(),
        start=start,
        end=end,
        latitude=latitude,
        longitude=longitude,
        radius_m=radius_m,
        polygon=polygon,
        route=route,
        corridor_width_m=corridor_width_m,
        purpose_statement=(purpose_statement or "").strip(),
        incident_type=(incident_type or "").strip(),
    )
    params.check_times()
    scene = params.scene()
    if not params.incident_type:
        raise InvalidSearch("incident_type_missing", _("Enter the type of incident."))
    violations = _violations(params, scene, limits)
    required = [v for v in violations if not v.overridable]
    if required:
        raise LimitExceeded(required)
    overridden = []
    if override_reason is not None:
        overridden = violations
        override_reason = override_reason.strip()
        may_override = can(actor, Permission.CANVASS_OVERRIDE)
        if overridden and (not override_reason or not may_override):
            note = _("Only a supervisor can exceed a limit.") if override_reason else ""
            raise LimitExceeded(overridden, note=note)
    existing = find_case(params.case_number)
    if existing is not None:
        raise CaseNumberInUse(existing)
    lat, lon = scene.centre
    with transaction.atomic():
        case = Case.objects.create(
            case_number=params.case_number,
            incident_type=params.incident_type,
            location_kind=params.kind,
            address=(address or "").strip(),
            latitude=lat,
            longitude=lon,
            radius_m=round(scene.radius_m) if isinstance(scene, shapes.CircleScene) else None,
            area=polygon if polygon is not None else route,
            corridor_width_m=(
                round(scene.width_m) if isinstance(scene, shapes.RouteScene) else None
            ),
            start=start,
            end=end,
            purpose_statement=params.purpose_statement,
            created_by=actor,
        )
        audit.record(
            "canvass.case_created",
            actor=actor,
            request=request,
            target=case,
            case_number=case.case_number,
            details=params.describe(scene),
        )
        if overridden:
            audit.record(
                "canvass.limit_overridden",
                actor=actor,
                request=request,
                target=case,
                case_number=case.case_number,
                reason=override_reason,
                details={**params.describe(scene), "limits": [v.as_dict() for v in overridden]},
            )
    return case


def view_case(case: Case, *, actor, request=None) -> Case:
    """Open a case page: needs Permission.CANVASS; every view is audited."""
    if not can(actor, Permission.CANVASS):
        raise PermissionDenied(Permission.CANVASS.value)
    audit.record(
        "canvass.case_viewed",
        actor=actor,
        request=request,
        target=case,
        case_number=case.case_number,
    )
    return case


def open_cases(actor, *, limit: int = 20) -> list[Case]:
    """The open cases `actor` created, newest first (their home page; no personal data)."""
    if not can(actor, Permission.CANVASS):
        raise PermissionDenied(Permission.CANVASS.value)
    queryset = Case.objects.filter(created_by=actor, closed_at__isnull=True)
    return list(queryset.order_by("-created_at", "-pk")[:limit])


def close_case(case: Case, *, actor, request=None) -> Case:
    """Close a case: it leaves the lists of open cases; its page and requests stay."""
    return _set_closed(case, closed=True, actor=actor, request=request)


def reopen_case(case: Case, *, actor, request=None) -> Case:
    return _set_closed(case, closed=False, actor=actor, request=request)


def _set_closed(case: Case, *, closed: bool, actor, request) -> Case:
    if not can(actor, Permission.CANVASS):
        raise PermissionDenied(Permission.CANVASS.value)
    if case.is_open != closed:  # already as asked
        return case
    with transaction.atomic():
        case.closed_at = timezone.now() if closed else None
        case.closed_by = actor if closed else None
        case.save(update_fields=["closed_at", "closed_by"])
        audit.record(
            "canvass.case_closed" if closed else "canvass.case_reopened",
            actor=actor,
            request=request,
            target=case,
            case_number=case.case_number,
        )
    return case

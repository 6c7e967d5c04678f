"""The canvass search: who may run it, its limits and their override, and its audit record.

Every search, refused or not, is in the audit log.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from camreg.accounts.roles import Permission, can
from camreg.audit import services as audit
from camreg.audit.models import Outcome
from camreg.canvass.limits import CanvassError, CanvassLimits, LimitExceeded
from camreg.canvass.models import Case
from camreg.canvass.services import ranking
from camreg.canvass.services.params import SearchParams, _violations
from camreg.canvass.services.results import SearchResult
from camreg.geo import shapes


def search(
    case_or_params: Case | SearchParams,
    *,
    limits: CanvassLimits,
    actor,
    request=None,
    override_reason: str = "",
    now: datetime | None = None,
) -> SearchResult:
    """The registered cameras that may have seen the incident, best first.

    Raises PermissionDenied without Permission.CANVASS, InvalidSearch for a malformed
    search, LimitExceeded when a limit is broken and not overridden: a user with
    Permission.CANVASS_OVERRIDE may exceed size and time limits by giving
    `override_reason`. Every search is audited ("canvass.searched", with its parameters
    and result counts; refusals with outcome "denied"), and every override too
    ("canvass.limit_overridden").
    """
    params = (
        SearchParams.from_case(case_or_params)
        if isinstance(case_or_params, Case)
        else case_or_params
    )
    params = _normalised(params)
    override_reason = (override_reason or "").strip()

    def refuse(codes: list[str], scene: shapes.Scene | None = None) -> None:
        audit.record(
            "canvass.searched",
            actor=actor,
            request=request,
            target=params.case,
            case_number=params.case_number,
            reason=override_reason,
            outcome=Outcome.DENIED,
            details={**params.describe(scene), "refused": codes},
        )

    if not can(actor, Permission.CANVASS):
        refuse(["permission_denied"])
        raise PermissionDenied(Permission.CANVASS.value)
    try:
        params.check_times()
        scene = params.scene()
    except CanvassError as error:
        refuse([error.code])
        raise
    violations = _violations(params, scene, limits)
    if violations:
        blocking = [v for v in violations if not v.overridable]
        may_override = can(actor, Permission.CANVASS_OVERRIDE)
        note = ""
        if override_reason and not may_override and not blocking:
            note = _("Only a supervisor can exceed a limit.")
        if blocking or not override_reason or not may_override:
            refuse([v.code for v in violations], scene)
            raise LimitExceeded(violations, note=note)

    now = now or timezone.now()
    found = ranking.candidates_in(scene)
    details = {
        **params.describe(scene),
        "results": ranking.counts(found),
        "registrant_ids": ranking.registrant_ids(found),
    }
    if violations:
        details["overridden"] = [v.code for v in violations]
    searched = {
        "actor": actor,
        "request": request,
        "target": params.case,
        "case_number": params.case_number,
    }
    if violations:
        with transaction.atomic():
            audit.record(
                "canvass.limit_overridden",
                **searched,
                reason=override_reason,
                details={**params.describe(scene), "limits": [v.as_dict() for v in violations]},
            )
            event = audit.record(
                "canvass.searched", **searched, reason=override_reason, details=details
            )
        cameras, apart = ranking.rank(found, scene, params, now)
    else:
        # The ranking needs no database: it runs while the record is being committed.
        with audit.recording("canvass.searched", **searched, details=details) as event:
            cameras, apart = ranking.rank(found, scene, params, now)
    return SearchResult(
        params=params,
        scene=scene,
        cameras=cameras,
        apart=apart,
        searched_at=now,
        overridden=violations,
        audit_event_id=event.pk,
    )


def _normalised(params: SearchParams) -> SearchParams:
    return replace(
        params,
        case_number=(params.case_number or "").strip(),
        purpose_statement=(params.purpose_statement or "").strip(),
        incident_type=(params.incident_type or "").strip(),
    )

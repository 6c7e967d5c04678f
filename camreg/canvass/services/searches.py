"""The searches of a case: its first one (the place and times it was opened with) and each
later one a deputy adds, for a wider area or another time window; adding one is audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from camreg.accounts.roles import Permission, can
from camreg.audit import services as audit
from camreg.canvass.limits import CanvassLimits, InvalidSearch, LimitExceeded
from camreg.canvass.models import Case, CaseSearch, SearchArea
from camreg.canvass.services.params import SearchParams, _violations
from camreg.geo import shapes


@dataclass(frozen=True)
class CaseSearchEntry:
    """One search of a case as its page lists it: `number` counts from 1 (the case's own);
    `search` is None for the first one, whose place and times are the case's."""

    number: int
    search: CaseSearch | None
    area: SearchArea
    created_by: object
    created_at: datetime

    @property
    def key(self) -> str:
        """The value of the page's `search` parameter that selects it."""
        return str(self.search.pk) if self.search is not None else "first"


def searches_of(case: Case) -> list[CaseSearchEntry]:
    """Every search of the case, first one first."""
    entries = [CaseSearchEntry(1, None, case, case.created_by, case.created_at)]
    for number, search in enumerate(
        case.searches.select_related("created_by").order_by("pk"), start=2
    ):
        entries.append(
            CaseSearchEntry(number, search, search, search.created_by, search.created_at)
        )
    return entries


def add_search(
    case: Case,
    *,
    actor,
    start: datetime,
    end: datetime,
    latitude: float | None = None,
    longitude: float | None = None,
    radius_m: float | None = None,
    polygon: dict | None = None,
    route: dict | None = None,
    corridor_width_m: float | None = None,
    address: str = "",
    limits: CanvassLimits | None = None,
    request=None,
) -> CaseSearch:
    """Add a search to an open case: another place or time window under the case's number
    and purpose statement. Checked as a new case is (InvalidSearch, LimitExceeded for the
    limits no one may override); size and time limits are checked when it runs."""
    limits = limits or CanvassLimits()
    if not can(actor, Permission.CANVASS):
        raise PermissionDenied(Permission.CANVASS.value)
    if not case.is_open:
        raise InvalidSearch("case_closed", _("This case is closed. Reopen it to search again."))
    params = SearchParams(
        case_number=case.case_number,
        start=start,
        end=end,
        latitude=latitude,
        longitude=longitude,
        radius_m=radius_m,
        polygon=polygon,
        route=route,
        corridor_width_m=corridor_width_m,
        purpose_statement=case.purpose_statement,
        incident_type=case.incident_type,
        case=case,
    )
    params.check_times()
    scene = params.scene()
    required = [v for v in _violations(params, scene, limits) if not v.overridable]
    if required:
        raise LimitExceeded(required)
    lat, lon = scene.centre
    with transaction.atomic():
        search = CaseSearch.objects.create(
            case=case,
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
            created_by=actor,
        )
        audit.record(
            "canvass.search_added",
            actor=actor,
            request=request,
            target=case,
            case_number=case.case_number,
            details={**params.describe(scene), "search_id": search.pk},
        )
    return search

"""Canvass console pages: cases (one per case number), their searches, the case page as the
deputy's workspace (decision 0021), closing and reopening; the contact sheet and CSV export
are in output_views.py.

Thin: check the permission, parse, call canvass.services (which audits), render.
"""

from __future__ import annotations

import json
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from camreg.accounts.roles import Permission, can, permission_required
from camreg.agency import services as agency_services
from camreg.registry.models import ContactMethod, RecordingMode, RegistrationStatus

from . import services, workspace
from .forms import INCIDENT_TYPES, CaseForm, OverrideForm
from .limits import CanvassLimits, InvalidSearch, LimitExceeded
from .models import Case, LocationKind

PAGE_SIZE = 50
LANGUAGE_NAMES = {"en": "English", "es": "Spanish"}


def _agency():
    agency = agency_services.current()
    return agency, CanvassLimits.from_agency(agency), agency.time_zone or "America/Los_Angeles"


def _footage_url() -> str | None:
    try:
        return reverse("footage:request-create")
    except NoReverseMatch:
        return None


# Cases ---------------------------------------------------------------------------------


@permission_required(Permission.CANVASS)
@never_cache
@require_GET
def cases(request: HttpRequest) -> HttpResponse:
    show_all = request.GET.get("show") == "all"
    queryset = Case.objects.select_related("created_by").order_by("-created_at", "-pk")
    if not show_all:
        queryset = queryset.filter(created_by=request.user)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "canvass/cases.html",
        {"page": page, "show_all": show_all, "tz": _agency()[2]},
    )


@permission_required(Permission.CANVASS)
@never_cache
@require_http_methods(["GET", "POST"])
def case_create(request: HttpRequest) -> HttpResponse:
    agency, limits, tz = _agency()
    may_override = can(request.user, Permission.CANVASS_OVERRIDE)
    form = CaseForm(request.POST or None, limits=limits, time_zone=tz, may_override=may_override)
    if request.method == "POST" and form.is_valid():
        params = form.scene_params
        data = form.cleaned_data
        existing = services.find_case(params.case_number)
        if existing is not None:
            return _number_in_use(request, existing, form, tz)
        try:
            case = services.create_case(
                actor=request.user,
                request=request,
                limits=limits,
                case_number=params.case_number,
                incident_type=params.incident_type,
                start=params.start,
                end=params.end,
                latitude=params.latitude,
                longitude=params.longitude,
                radius_m=params.radius_m,
                polygon=params.polygon,
                route=params.route,
                corridor_width_m=params.corridor_width_m,
                address=form.matched_address or data.get("address", ""),
                purpose_statement=params.purpose_statement,
            )
        except services.CaseNumberInUse as error:  # opened a moment ago by someone else
            return _number_in_use(request, error.case, form, tz)
        except (LimitExceeded, InvalidSearch) as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"Case {case.case_number} created.")
            return redirect("canvass:case", pk=case.pk)
    return render(
        request,
        "canvass/case_form.html",
        {
            "form": form,
            "errors": form.error_summary() if form.is_bound else [],
            "incident_types": INCIDENT_TYPES,
            "limits": limits,
            "tz": tz,
        },
    )


def _number_in_use(request: HttpRequest, case: Case, form: CaseForm, tz: str) -> HttpResponse:
    """A case with this number exists: open it, or add the place and times typed to it."""
    return render(
        request,
        "canvass/case_exists.html",
        {
            "case": case,
            "tz": tz,
            "place": form.place_data(),
            "incident_type": form.cleaned_data.get("incident_type", ""),
            "searches": services.searches_of(case),
        },
    )


def _place_initial(entry: services.CaseSearchEntry, tz: str) -> dict:
    """The form's values for a search like `entry` (a starting point for the next one)."""
    area = entry.area
    zone = ZoneInfo(tz)
    initial = {
        "start": timezone.localtime(area.start, zone).strftime("%Y-%m-%dT%H:%M"),
        "end": timezone.localtime(area.end, zone).strftime("%Y-%m-%dT%H:%M"),
    }
    if area.location_kind == LocationKind.POINT:
        initial.update(
            where="point",
            latitude=round(area.latitude, 6),
            longitude=round(area.longitude, 6),
            radius_m=area.radius_m,
        )
    else:
        coordinates = (area.area or {}).get("coordinates") or []
        points = coordinates[0][:-1] if area.location_kind == LocationKind.POLYGON else coordinates
        lines = "\n".join(f"{lat:.6f}, {lon:.6f}" for lon, lat, *_ in points)
        initial.update(where=area.location_kind, **{area.location_kind: lines})
        if area.location_kind == LocationKind.ROUTE:
            initial["corridor_width_m"] = area.corridor_width_m
    return initial


@permission_required(Permission.CANVASS)
@never_cache
@require_http_methods(["GET", "POST"])
def search_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Another search of a case: a wider area, another place or time window."""
    case = get_object_or_404(Case.objects.select_related("created_by"), pk=pk)
    agency, limits, tz = _agency()
    may_override = can(request.user, Permission.CANVASS_OVERRIDE)
    searches = services.searches_of(case)
    form = CaseForm(
        request.POST or None,
        limits=limits,
        time_zone=tz,
        may_override=may_override,
        case=case,
        initial=_place_initial(searches[-1], tz),
    )
    if request.method == "POST" and form.is_valid():
        params = form.scene_params
        try:
            search = services.add_search(
                case,
                actor=request.user,
                request=request,
                limits=limits,
                start=params.start,
                end=params.end,
                latitude=params.latitude,
                longitude=params.longitude,
                radius_m=params.radius_m,
                polygon=params.polygon,
                route=params.route,
                corridor_width_m=params.corridor_width_m,
                address=form.matched_address or form.cleaned_data.get("address", ""),
            )
        except (LimitExceeded, InvalidSearch) as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, f"Search {len(searches) + 1} added to case {case.case_number}."
            )
            return redirect(
                reverse("canvass:case", kwargs={"pk": case.pk}) + f"?search={search.pk}"
            )
    return render(
        request,
        "canvass/case_form.html",
        {
            "form": form,
            "case": case,
            "search_number": len(searches) + 1,
            "errors": form.error_summary() if form.is_bound else [],
            "limits": limits,
            "tz": tz,
        },
    )


@permission_required(Permission.CANVASS)
@require_POST
def case_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Close a case, or reopen it."""
    case = get_object_or_404(Case, pk=pk)
    if request.POST.get("action") == "reopen":
        services.reopen_case(case, actor=request.user, request=request)
        messages.success(request, f"Case {case.case_number} reopened.")
    else:
        services.close_case(case, actor=request.user, request=request)
        messages.success(request, f"Case {case.case_number} closed.")
    return redirect("canvass:case", pk=case.pk)


# One case and its search ------------------------------------------------------------------


def _selected(request: HttpRequest, searches: list) -> services.CaseSearchEntry:
    """The search the page shows: `search` in the query or form, else the latest one."""
    data = request.POST if request.method == "POST" else request.GET
    key = data.get("search", "") or request.GET.get("search", "")
    for entry in searches:
        if entry.key == key:
            return entry
    return searches[-1]


def _search(request: HttpRequest, case: Case, limits, override_reason: str = "", entry=None):
    """(result, refusal): the search's result, or the LimitExceeded / InvalidSearch."""
    try:
        return (
            services.search(
                services.SearchParams.from_case(case, entry.search if entry else None),
                limits=limits,
                actor=request.user,
                request=request,
                override_reason=override_reason,
            ),
            None,
        )
    except (LimitExceeded, InvalidSearch) as error:
        return None, error


def _labels(choices) -> dict:
    return {value: str(label) for value, label in choices}


def _rows(result, tz: str) -> list[dict]:
    """Each camera of the result as the pages show it: listed ones, then those apart."""
    statuses = _labels(RegistrationStatus.choices)
    modes = _labels(RecordingMode.choices)
    contacts = _labels(ContactMethod.choices)
    zone = ZoneInfo(tz)
    rows = []
    for camera in (*result.cameras, *result.apart):
        marker = f"A{camera.rank}" if camera.listed_apart else str(camera.rank)
        rows.append(
            {
                "c": camera,
                "marker": marker,
                "status": statuses.get(camera.registration_status, camera.registration_status),
                "mode": modes.get(camera.recording_mode, camera.recording_mode),
                "contact": contacts.get(camera.preferred_contact, camera.preferred_contact),
                "language": LANGUAGE_NAMES.get(camera.language, camera.language),
                "overwrite_at": timezone.localtime(camera.overwrite_at, zone),
                "days_over": -camera.days_left,
                "facing": services.facing_phrase(camera),
                "marks": [],
            }
        )
    return rows


def _owners(cameras, by_id: dict) -> list[dict]:
    """The cameras grouped by owner and site, as the page and the contact sheet show them."""
    owners = []
    for owner in services.by_owner(cameras):
        rows = [by_id[c.camera_id] for c in owner.cameras]
        owners.append(
            {
                "owner": owner,
                "contact": by_id[owner.best.camera_id],
                "sites": [
                    {"site": site, "rows": [by_id[c.camera_id] for c in site.cameras]}
                    for site in owner.sites
                ],
                "rows": rows,
                "markers": ", ".join(row["marker"] for row in rows),
                "asked": any(row["marks"] for row in rows),
            }
        )
    return owners


def _map_data(result, rows) -> str:
    area = result.area_geojson()
    cameras = [
        {
            "marker": row["marker"],
            "id": row["c"].camera_id,
            "site": row["c"].site_id,
            "lat": row["c"].latitude,
            "lon": row["c"].longitude,
            "apart": row["c"].listed_apart,
            "faces": row["c"].faces_scene,
            "label": f"{row['marker']}: {row['c'].label}",
            "cone": row["c"].cone_geojson()["coordinates"][0],
        }
        for row in rows
    ]
    lat, lon = result.scene.centre
    return json.dumps(
        {"area": area["coordinates"][0], "scene": [lat, lon], "cameras": cameras},
        separators=(",", ":"),
    )


@permission_required(Permission.CANVASS)
@never_cache
@require_http_methods(["GET", "POST"])
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The case as the deputy's workspace: its searches, the results of one (grouped by
    owner), and what the apps above canvass add (footage requests, calls, answers)."""
    case = get_object_or_404(Case.objects.select_related("created_by", "closed_by"), pk=pk)
    agency, limits, tz = _agency()
    may_override = can(request.user, Permission.CANVASS_OVERRIDE)
    services.view_case(case, actor=request.user, request=request)
    searches = services.searches_of(case)
    selected = _selected(request, searches)
    override_form = OverrideForm(request.POST or None) if may_override else None
    reason = ""
    if request.method == "POST" and override_form is not None and override_form.is_valid():
        reason = override_form.cleaned_data["override_reason"]
    result, refusal = _search(request, case, limits, reason, selected)
    rows = _rows(result, tz) if result else []
    by_id = {row["c"].camera_id: row for row in rows}
    sections = workspace.sections(case, actor=request.user, request=request, camera_ids=list(by_id))
    marks = workspace.camera_marks(sections)
    for row in rows:
        row["marks"] = marks.get(row["c"].camera_id, [])
    context = {
        "case": case,
        "tz": tz,
        "searches": searches,
        "selected": selected,
        "result": result,
        "refusal": refusal,
        "violations": getattr(refusal, "violations", []),
        "overridable": bool(getattr(refusal, "violations", None))
        and all(v.overridable for v in refusal.violations),
        "may_override": may_override,
        "override_form": override_form,
        "override_reason": reason if result and result.overridden else "",
        "errors": override_form.error_summary()
        if override_form is not None and override_form.is_bound
        else [],
        "owners": _owners(result.cameras, by_id) if result else [],
        "apart_owners": _owners(result.apart, by_id) if result else [],
        "map_data": _map_data(result, rows) if result else "",
        "footage_url": _footage_url() if case.is_open else None,
        "sections": sections,
    }
    return render(request, "canvass/case.html", context)


def _output(request: HttpRequest, pk: int):
    """The case and its search for the contact sheet and export (a supervisor's override
    reason comes with a POST from the case page)."""
    case = get_object_or_404(Case.objects.select_related("created_by"), pk=pk)
    agency, limits, tz = _agency()
    reason = request.POST.get("override_reason", "") if request.method == "POST" else ""
    selected = _selected(request, services.searches_of(case))
    result, refusal = _search(request, case, limits, reason, selected)
    return case, tz, result, refusal, selected


def _refused(request, case, refusal, selected) -> HttpResponse:
    messages.error(request, f"The search for this case was refused: {refusal.message}")
    return redirect(reverse("canvass:case", kwargs={"pk": case.pk}) + f"?search={selected.key}")

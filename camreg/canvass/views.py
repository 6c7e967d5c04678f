"""Canvass console pages: cases, the search for a case, its contact sheet and CSV export.

Thin: check the permission, parse, call canvass.services (which audits), render.
"""

from __future__ import annotations

import csv
import json
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from camreg.accounts.roles import Permission, can, permission_required
from camreg.agency import services as agency_services
from camreg.registry.models import ContactMethod, RecordingMode, RegistrationStatus

from . import services
from .forms import INCIDENT_TYPES, CaseForm, OverrideForm
from .limits import CanvassLimits, InvalidSearch, LimitExceeded
from .models import Case

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


# One case and its search ------------------------------------------------------------------


def _search(request: HttpRequest, case: Case, limits, override_reason: str = ""):
    """(result, refusal): the search's result, or the LimitExceeded / InvalidSearch."""
    try:
        return (
            services.search(
                case,
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
            }
        )
    return rows


def _map_data(result, rows) -> str:
    area = result.area_geojson()
    cameras = [
        {
            "marker": row["marker"],
            "id": row["c"].camera_id,
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
    case = get_object_or_404(Case.objects.select_related("created_by"), pk=pk)
    agency, limits, tz = _agency()
    may_override = can(request.user, Permission.CANVASS_OVERRIDE)
    services.view_case(case, actor=request.user, request=request)
    override_form = OverrideForm(request.POST or None) if may_override else None
    reason = ""
    if request.method == "POST" and override_form is not None and override_form.is_valid():
        reason = override_form.cleaned_data["override_reason"]
    result, refusal = _search(request, case, limits, reason)
    rows = _rows(result, tz) if result else []
    context = {
        "case": case,
        "tz": tz,
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
        "rows": [r for r in rows if not r["c"].listed_apart],
        "apart_rows": [r for r in rows if r["c"].listed_apart],
        "map_data": _map_data(result, rows) if result else "",
        "footage_url": _footage_url(),
    }
    return render(request, "canvass/case.html", context)


def _output(request: HttpRequest, pk: int):
    """The case and its search for the contact sheet and export (a supervisor's override
    reason comes with a POST from the case page)."""
    case = get_object_or_404(Case, pk=pk)
    agency, limits, tz = _agency()
    reason = request.POST.get("override_reason", "") if request.method == "POST" else ""
    result, refusal = _search(request, case, limits, reason)
    return case, tz, result, refusal


def _refused(request, case, refusal) -> HttpResponse:
    messages.error(request, f"The search for this case was refused: {refusal.message}")
    return redirect("canvass:case", pk=case.pk)


@permission_required(Permission.CANVASS)
@never_cache
@require_http_methods(["GET", "POST"])
def contact_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    case, tz, result, refusal = _output(request, pk)
    if refusal is not None:
        return _refused(request, case, refusal)
    rows = _rows(result, tz)
    services.record_output(
        "canvass.contact_sheet_printed", result, actor=request.user, request=request
    )
    return render(
        request,
        "canvass/contact_sheet.html",
        {
            "case": case,
            "tz": tz,
            "result": result,
            "rows": [r for r in rows if not r["c"].listed_apart],
            "apart_rows": [r for r in rows if r["c"].listed_apart],
            "printed_at": timezone.localtime(result.searched_at, ZoneInfo(tz)),
        },
    )


CSV_COLUMNS = [
    "case_number",
    "list",
    "rank",
    "camera_id",
    "camera",
    "registration_status",
    "reason",
    "distance_m",
    "faces_scene",
    "video_retained",
    "days_left",
    "overwrite_at",
    "recording_mode",
    "owner_can_export",
    "name",
    "business_name",
    "phone",
    "alternate_phone",
    "email",
    "preferred_contact",
    "contact_hours",
    "language",
    "address",
]


def _csv_safe(value) -> str:
    """Text a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r") and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


@permission_required(Permission.CANVASS)
@never_cache
@require_http_methods(["GET", "POST"])
def export(request: HttpRequest, pk: int) -> HttpResponse:
    case, tz, result, refusal = _output(request, pk)
    if refusal is not None:
        return _refused(request, case, refusal)
    rows = _rows(result, tz)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in case.case_number)
    response["Content-Disposition"] = f'attachment; filename="canvass-{filename}.csv"'
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        c = row["c"]
        writer.writerow(
            [
                _csv_safe(v)
                for v in (
                    case.case_number,
                    "apart" if c.listed_apart else "main",
                    row["marker"],
                    c.camera_id,
                    c.label,
                    row["status"],
                    c.reason,
                    f"{c.distance_m:.0f}",
                    "yes" if c.faces_scene else "no",
                    "yes" if c.video_retained else "no",
                    c.days_left,
                    row["overwrite_at"].isoformat(timespec="minutes"),
                    row["mode"],
                    "yes" if c.owner_can_export else "no",
                    c.name,
                    c.business_name,
                    c.phone,
                    c.alternate_phone,
                    c.email,
                    row["contact"],
                    c.contact_hours,
                    row["language"],
                    c.address_line,
                )
            ]
        )
    services.record_output("canvass.exported", result, actor=request.user, request=request)
    return response

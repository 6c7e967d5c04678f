"""What is printed or downloaded from a case's search: the contact sheet (one row per owner)
and the CSV export (one row per camera). Both audited by canvass.services.record_output."""

from __future__ import annotations

import csv
from zoneinfo import ZoneInfo

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from camreg.accounts.roles import Permission, permission_required
from camreg.web import phones

from . import services
from .views import _output, _owners, _refused, _rows


@permission_required(Permission.CANVASS)
@never_cache
@require_http_methods(["GET", "POST"])
def contact_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    case, tz, result, refusal, selected = _output(request, pk)
    if refusal is not None:
        return _refused(request, case, refusal, selected)
    rows = _rows(result, tz)
    by_id = {row["c"].camera_id: row for row in rows}
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
            "selected": selected,
            "owners": _owners(result.cameras, by_id),
            "apart_owners": _owners(result.apart, by_id),
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
    case, tz, result, refusal, selected = _output(request, pk)
    if refusal is not None:
        return _refused(request, case, refusal, selected)
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
                    phones.national(c.phone),
                    phones.national(c.alternate_phone),
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

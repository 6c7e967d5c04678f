"""The auditor's screen: the audit log, filtered, exported, and its hash chain verified.

Looking at the log, exporting it and verifying it are audited themselves.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import UTC, tzinfo

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from camreg.accounts.roles import Permission, permission_required
from camreg.audit import actions as audit_actions
from camreg.audit import services
from camreg.audit.models import AuditEvent, Outcome

from .audit_forms import AuditFilterForm

PAGE_SIZE = 50
# Up to this many rows the chain is verified on every view of the screen; beyond, on demand.
INLINE_VERIFY_MAX_ROWS = 5000
EXPORT_BATCH = 2000
CSV_TYPE = "text/csv; charset=utf-8"
CSV_COLUMNS = (
    "id",
    "time",
    "time_utc",
    "actor_type",
    "actor_id",
    "actor",
    "role",
    "ip_address",
    "action",
    "target_type",
    "target_id",
    "case_number",
    "reason",
    "outcome",
    "details",
    "prev_hash",
    "hash",
)
# Text a spreadsheet would take for a formula; such cells get a leading apostrophe.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _filter_form(request: HttpRequest) -> AuditFilterForm:
    return AuditFilterForm(request.GET if request.GET else None)


def _last_verification() -> AuditEvent | None:
    return AuditEvent.objects.filter(action="audit.chain_verified").order_by("-pk").first()


def _check_chain() -> dict:
    checked, broken = services.verify_chain()
    return {"checked": checked, "broken": broken, "at": timezone.now()}


def _chain_details(chain: dict) -> dict:
    broken = chain["broken"]
    return {
        "rows_checked": chain["checked"],
        "broken_event_id": broken.event_id if broken else None,
        "problem": broken.problem if broken else "",
    }


@permission_required(Permission.AUDIT_VIEW)
@require_GET
@never_cache
def events(request: HttpRequest) -> HttpResponse:
    form = _filter_form(request)
    valid = not form.is_bound or form.is_valid()
    matching = form.apply(AuditEvent.objects.all()).order_by("-pk") if valid else None
    page = None
    if matching is not None:
        page = Paginator(matching, PAGE_SIZE).get_page(request.GET.get("page"))
        page.object_list = list(page.object_list)
        audit_actions.readable(page.object_list)
    total = AuditEvent.objects.count()
    chain = _check_chain() if total <= INLINE_VERIFY_MAX_ROWS else None
    services.record(
        "audit.viewed",
        request=request,
        details={
            "filters": form.active_filters(),
            "page": page.number if page else None,
            "rows": page.paginator.count if page else 0,
            **({"chain": _chain_details(chain)} if chain else {}),
        },
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "console/audit/events.html",
        {
            "form": form,
            "errors": form.error_summary(),
            "page": page,
            "query_string": query.urlencode(),
            "chain": chain,
            "last_verification": None if chain else _last_verification(),
            "action_groups": form.action_groups(_distinct("action")),
            "target_types": _distinct("target_type"),
        },
        status=200 if valid else 400,
    )


def _distinct(field: str) -> list[str]:
    values = AuditEvent.objects.exclude(**{field: ""}).values_list(field, flat=True)
    return list(values.order_by(field).distinct()[:500])


class _Echo:
    def write(self, value: str) -> str:
        return value


def _cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _csv_rows(matching: QuerySet[AuditEvent], zone: tzinfo) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    after = 0
    while True:
        batch = list(matching.filter(pk__gt=after).order_by("pk")[:EXPORT_BATCH])
        if not batch:
            return
        for event in batch:
            yield writer.writerow(
                [
                    event.pk,
                    event.at.astimezone(zone).isoformat(),
                    event.at.astimezone(UTC).isoformat(),
                    event.actor_type,
                    _cell(event.actor_id),
                    _cell(event.actor_label),
                    _cell(event.role),
                    event.ip_address or "",
                    _cell(event.action),
                    _cell(event.target_type),
                    _cell(event.target_id),
                    _cell(event.case_number),
                    _cell(event.reason),
                    event.outcome,
                    _cell(json.dumps(event.details, sort_keys=True, ensure_ascii=False)),
                    event.prev_hash,
                    event.hash,
                ]
            )
        after = batch[-1].pk


@permission_required(Permission.AUDIT_VIEW)
@require_GET
@never_cache
def export(request: HttpRequest) -> HttpResponse:
    """Every matching event as CSV, oldest first, streamed; the export itself is audited."""
    form = _filter_form(request)
    if form.is_bound and not form.is_valid():
        return render(
            request,
            "console/audit/events.html",
            {
                "form": form,
                "errors": form.error_summary(),
                "page": None,
                "action_groups": form.action_groups([]),
            },
            status=400,
        )
    # The rows that exist now: the export's own event and later ones are not included.
    last = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    matching = form.apply(AuditEvent.objects.filter(pk__lte=last))
    rows = matching.count()
    services.record(
        "audit.exported",
        request=request,
        details={"filters": form.active_filters(), "rows": rows, "last_event_id": last},
    )
    # The rows are written after the request's time zone is reset, so they get it passed on.
    zone = timezone.get_current_timezone()
    response = StreamingHttpResponse(_csv_rows(matching, zone), content_type=CSV_TYPE)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="audit-log-{stamp}.csv"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@permission_required(Permission.AUDIT_VIEW)
@require_http_methods(["GET", "POST"])
@never_cache
def verify(request: HttpRequest) -> HttpResponse:
    """Verify the whole hash chain on demand (for logs too large to check on every view)."""
    result = None
    if request.method == "POST":
        result = _check_chain()
        services.record(
            "audit.chain_verified",
            request=request,
            outcome=Outcome.SUCCESS if result["broken"] is None else Outcome.FAILURE,
            details=_chain_details(result),
        )
    return render(
        request,
        "console/audit/verify.html",
        {
            "result": result,
            "last_verification": _last_verification(),
            "total": AuditEvent.objects.count(),
        },
    )

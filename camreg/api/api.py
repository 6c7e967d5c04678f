"""The REST API (/api/v1/): its routes, its errors, and its documentation page.

Every route authenticates with a bearer token (auth.py), asks the permission module through
the services it calls, and answers errors as JSON `{"code", "message"}` with a stable code.
"""

from __future__ import annotations

import logging
from dataclasses import asdict
from datetime import timedelta

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from ninja import NinjaAPI, Path, Query, Status
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError
from ninja.openapi.docs import DocsBase

from camreg.accounts.roles import Permission, can, check
from camreg.agency import services as agency_services
from camreg.audit import services as audit
from camreg.audit.models import Outcome
from camreg.canvass import services as canvass
from camreg.canvass.limits import PURPOSE_STATEMENT
from camreg.canvass.models import Case
from camreg.footage import services as footage
from camreg.footage.models import FootageRequest
from camreg.registry.models import Camera
from camreg.web.errors import JSON_ERRORS

from . import openapi, schemas
from .auth import token_auth

logger = logging.getLogger(__name__)


class SwaggerPage(DocsBase):
    """The documentation page: Swagger UI (npm `swagger-ui-dist`, served from the static
    files) reading /api/v1/openapi.json, started by a static script (the
    Content-Security-Policy allows no inline or third-party scripts)."""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs) -> HttpResponse:
        schema = api.get_openapi_schema(path_params=kwargs)
        return render(
            request,
            "api/docs.html",
            {
                "title": schema["info"]["title"],
                "version": schema["info"]["version"],
                "schema_url": self.get_openapi_url(api, kwargs),
            },
        )


class Api(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None, limits=None, bounds=None):
        """The document with the agency's current limits declared (api.openapi), or with
        `limits` and `bounds` ([[south, west], [north, east]]) given."""
        document = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        if limits is None:
            limits, bounds = openapi.current_limits()
        return openapi.declare_limits(document, limits, bounds)


api = Api(
    title="Camera Registry API",
    version="1",
    description=(
        "Open a case, canvass the registered cameras near an incident and request their "
        "footage, as the console does and with its limits. Authenticate with "
        "`Authorization: Bearer <token>` (an administrator creates tokens for a service "
        "account in the console; every call is audited in its name). Every error is JSON "
        "with a stable `code` and a `message`; the agency's limits (case number format, "
        "radius, time window, jurisdiction) are declared in this schema."
    ),
    urls_namespace="api",
    auth=token_auth,
    docs=SwaggerPage(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)

COMMON = {401: schemas.Error, 403: schemas.Error, 422: schemas.InvalidRequest}


# Errors --------------------------------------------------------------------------------


def _error(request, status: int, code: str, message: str, **extra) -> HttpResponse:
    response = api.create_response(
        request, {"code": code, "message": message, **extra}, status=status
    )
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


@api.exception_handler(AuthenticationError)
def unauthorized(request, exc):
    return _error(
        request,
        401,
        "unauthorized",
        "Send a valid API token: Authorization: Bearer <token>.",
    )


@api.exception_handler(AuthorizationError)
def forbidden_ninja(request, exc):
    return _error(request, 403, "forbidden", "Your roles do not allow this.")


@api.exception_handler(PermissionDenied)
def forbidden(request, exc):
    return _error(request, 403, "forbidden", "Your roles do not allow this.")


@api.exception_handler(Http404)
def not_found(request, exc):
    return _error(request, 404, "not_found", "There is nothing here.")


@api.exception_handler(ObjectDoesNotExist)
def object_not_found(request, exc):
    return _error(request, 404, "not_found", "There is nothing here.")


@api.exception_handler(ValidationError)
def invalid_request(request, exc):
    errors = [
        {
            "loc": [part if isinstance(part, int) else str(part) for part in e.get("loc", [])],
            "msg": str(e.get("msg", "")),
            "type": str(e.get("type", "")),
        }
        for e in exc.errors
    ]
    fields = ", ".join(str(e["loc"][-1]) for e in errors if e["loc"]) or "the request"
    return _error(
        request,
        422,
        "invalid_request",
        f"Check {fields}: the request is not valid.",
        errors=errors,
    )


@api.exception_handler(canvass.LimitExceeded)
def limit_exceeded(request, exc):
    first = exc.violations[0]
    return _error(
        request,
        422,
        exc.code,
        exc.message,
        limit=first.limit,
        value=first.value,
        overridable=first.overridable,
        violations=[v.as_dict() for v in exc.violations],
    )


@api.exception_handler(canvass.CanvassError)
def invalid_search(request, exc):
    return _error(request, 422, exc.code, exc.message)


@api.exception_handler(HttpError)
def http_error(request, exc):
    status = exc.status_code
    code = {400: "bad_request", 405: "method_not_allowed", 429: "throttled"}.get(
        status, "http_error"
    )
    return _error(request, status, code, str(exc))


@api.exception_handler(RequestDataTooBig)
def request_too_large(request, exc):
    """A body over DATA_UPLOAD_MAX_MEMORY_SIZE (or read past MAX_REQUEST_BODY): 413, the code
    the body-limit middleware answers too when Content-Length alone says so."""
    code, message = JSON_ERRORS[413]
    return _error(request, 413, code, message)


@api.exception_handler(Exception)
def server_error(request, exc):
    logger.exception("API error", exc_info=exc)
    return _error(request, 500, "server_error", "Something went wrong on our side.")


# Canvass -------------------------------------------------------------------------------


def _outside(request, lat: float, lon: float) -> HttpResponse | None:
    """422 `outside_jurisdiction` for a scene outside the agency's boundary, else None."""
    if agency_services.contains(lat, lon):
        return None
    return _error(
        request,
        422,
        "outside_jurisdiction",
        "This point is outside the agency's jurisdiction: no camera registered with this "
        "agency can be there. Refer the incident to the local agency.",
    )


def _window(start, minutes: int):
    return start, start + timedelta(minutes=minutes)


@api.get(
    "/cameras/nearby",
    response={200: schemas.NearbyResult, **COMMON, 422: schemas.LimitError},
    url_name="cameras-nearby",
    summary="Cameras near a scene, best first",
    tags=["canvass"],
)
def cameras_nearby(request, query: Query[schemas.NearbyQuery]):
    """The canvass search the console runs, with the same limits, ranking and audit.

    A refused search answers 422 with the code of the limit it breaks (for example
    `radius_too_large`, `time_window_too_long`, `case_number_invalid`,
    `purpose_statement_missing`), `outside_jurisdiction` for a scene outside the agency's
    boundary, or `invalid_request` for what is malformed. Every search, refused or not, is
    audited.
    """
    start, end = _window(query.start, query.minutes)
    params = canvass.SearchParams(
        case_number=query.case_number,
        start=start,
        end=end,
        latitude=query.lat,
        longitude=query.lon,
        radius_m=query.radius_m,
        purpose_statement=PURPOSE_STATEMENT if query.purpose_statement else "",
        incident_type=query.incident_type,
    )
    # Without the canvass role, `search` refuses (and audits) before the place is looked at.
    outside = (
        _outside(request, query.lat, query.lon) if can(request.user, Permission.CANVASS) else None
    )
    if outside is not None:
        audit.record(
            "canvass.searched",
            actor=request.user,
            request=request,
            case_number=params.case_number.strip(),
            outcome=Outcome.DENIED,
            details={**params.describe(), "refused": ["outside_jurisdiction"]},
        )
        return outside
    result = canvass.search(
        params,
        limits=canvass.CanvassLimits.from_agency(agency_services.current()),
        actor=request.user,
        request=request,
        override_reason=query.override_reason,
    )
    return Status(
        200,
        {
            "case_number": result.params.case_number,
            "searched_at": result.searched_at,
            "cameras": [asdict(c) for c in result.cameras],
            "apart": [asdict(c) for c in result.apart],
            "counts": result.counts,
            "overridden": [v.as_dict() for v in result.overridden],
            "audit_event_id": result.audit_event_id,
        },
    )


# Cases ---------------------------------------------------------------------------------


def _name(user) -> str:
    return (getattr(user, "full_name", "") or "") if user is not None else ""


def _case_summary(case: Case) -> dict:
    return {
        "id": case.pk,
        "case_number": case.case_number,
        "incident_type": case.incident_type,
        "status": "open" if case.is_open else "closed",
        "address": case.address,
        "latitude": case.latitude,
        "longitude": case.longitude,
        "radius_m": case.radius_m,
        "start": case.start,
        "end": case.end,
        "created_at": case.created_at,
        "created_by": _name(case.created_by),
        "closed_at": case.closed_at,
    }


def _case(case: Case, actor) -> dict:
    return {
        **_case_summary(case),
        "purpose_statement": case.purpose_statement,
        "searches": [
            {
                "number": entry.number,
                "kind": entry.area.location_kind,
                "address": entry.area.address,
                "latitude": entry.area.latitude,
                "longitude": entry.area.longitude,
                "radius_m": entry.area.radius_m,
                "area": entry.area.area,
                "corridor_width_m": entry.area.corridor_width_m,
                "start": entry.area.start,
                "end": entry.area.end,
                "created_at": entry.created_at,
                "created_by": _name(entry.created_by),
            }
            for entry in canvass.searches_of(case)
        ],
        "requests": [
            _footage_request(item) for item in footage.list_requests(actor, case=case, limit=None)
        ],
    }


@api.post(
    "/cases",
    response={
        201: schemas.CaseOut,
        400: schemas.Error,
        401: schemas.Error,
        403: schemas.Error,
        409: schemas.CaseExists,
        422: schemas.LimitError,
    },
    url_name="cases",
    summary="Open a case (one per case number), with the console's limits",
    tags=["cases"],
)
def case_create(request, body: schemas.CaseIn):
    """Open a case for an incident: its number in the agency's format, the purpose
    statement, a point and radius inside the jurisdiction, a time window; audited
    (`canvass.case_created`).

    The radius and the window must be within the agency's limits, which the schema
    declares; a supervisor's token may exceed them with a written `override_reason`
    (audited as `canvass.limit_overridden`); any other token giving one for a case beyond
    the limits answers 403 `override_not_allowed`. A case number that a case has already
    answers 409 `case_number_in_use` with that case's `case_id`: search and request footage
    under it rather than opening a second case. Then search with `GET /cameras/nearby`
    (the same number) and ask owners with `POST /footage-requests` (its `case_id`).
    """
    check(request.user, Permission.CANVASS)
    outside = _outside(request, body.lat, body.lon)
    if outside is not None:
        return outside
    start, end = _window(body.start, body.minutes)
    reason = body.override_reason.strip()
    try:
        case = canvass.create_case(
            actor=request.user,
            request=request,
            limits=canvass.CanvassLimits.from_agency(agency_services.current()),
            case_number=body.case_number,
            incident_type=body.incident_type,
            start=start,
            end=end,
            latitude=body.lat,
            longitude=body.lon,
            radius_m=body.radius_m,
            address=body.address,
            purpose_statement=PURPOSE_STATEMENT if body.purpose_statement else "",
            override_reason=reason,
        )
    except canvass.CaseNumberInUse as error:
        return Status(409, {"code": error.code, "message": error.message, "case_id": error.case.pk})
    except canvass.LimitExceeded as error:
        beyond = all(v.overridable for v in error.violations)
        if reason and beyond and not can(request.user, Permission.CANVASS_OVERRIDE):
            return _error(
                request,
                403,
                "override_not_allowed",
                "Only a supervisor can exceed a limit. " + " ".join(error.codes),
            )
        raise
    case = Case.objects.select_related("created_by").get(pk=case.pk)
    return Status(201, _case(case, request.user))


@api.get(
    "/cases",
    response={200: schemas.CaseList, **COMMON},
    url_name="case-list",
    summary="Cases, newest first, open or closed",
    tags=["cases"],
)
def case_list(request, query: Query[schemas.CaseListQuery]):
    """Every case (no personal data), newest first, a page at a time; `status=open` for
    the cases still open, `mine=true` for those this service account opened."""
    check(request.user, Permission.CANVASS)
    cases = Case.objects.select_related("created_by").order_by("-created_at", "-pk")
    if query.status == "open":
        cases = cases.filter(closed_at__isnull=True)
    elif query.status == "closed":
        cases = cases.filter(closed_at__isnull=False)
    if query.mine:
        cases = cases.filter(created_by=request.user)
    if query.case_number.strip():
        cases = cases.filter(case_number__iexact=query.case_number.strip())
    count = cases.count()
    first = (query.page - 1) * query.page_size
    page = cases[first : first + query.page_size] if first < count else []
    return Status(
        200,
        {
            "count": count,
            "page": query.page,
            "page_size": query.page_size,
            "cases": [_case_summary(case) for case in page],
        },
    )


@api.get(
    "/cases/{case_id}",
    response={200: schemas.CaseOut, 404: schemas.Error, **COMMON},
    url_name="case",
    summary="One case: its searches, its footage requests and their answers",
    tags=["cases"],
)
def case_detail(request, case_id: Path[schemas.Id]):
    """The case as the console's case page shows it: each search (area and window) and
    each footage request with its status, answer and contact log. Every read is audited
    (`canvass.case_viewed`)."""
    check(request.user, Permission.CANVASS)
    case = Case.objects.select_related("created_by").filter(pk=case_id).first()
    if case is None:
        raise Http404
    canvass.view_case(case, actor=request.user, request=request)
    return Status(200, _case(case, request.user))


# Footage requests ----------------------------------------------------------------------


def _footage_request(item) -> dict:
    return {
        "id": item.pk,
        "case_id": item.case_id,
        "case_number": item.case.case_number,
        "registrant_id": item.registrant_id,
        "status": item.status,
        "answer": item.answer,
        "answer_note": item.answer_note,
        "answered_at": item.answered_at,
        "window_start": item.window_start,
        "window_end": item.window_end,
        "requester_name": item.requester_name,
        "requester_phone": item.requester_phone,
        "requester_email": item.requester_email,
        "message": item.message,
        "language": item.language,
        "created_at": item.created_at,
        "sent_at": item.sent_at,
        "reminder_sent_at": item.reminder_sent_at,
        "footage_received_at": item.footage_received_at,
        "closed_at": item.closed_at,
        "link_expires_at": item.link_expires_at,
        "overwrite_deadline": item.overwrite_deadline,
        "days_left": footage.days_left(item),
        "cameras": [
            {
                "camera_id": c.camera_id,
                "label": c.label,
                "retention_days": c.retention_days,
                "overwrite_at": c.overwrite_at,
            }
            for c in item.requested_cameras.all()
        ],
        "contact_attempts": [
            {
                "at": a.at,
                "kind": a.kind,
                "outcome": a.outcome,
                "note": a.note,
                "staff_name": a.staff_name,
            }
            for a in item.contact_attempts.order_by("at", "pk")
        ],
    }


# Refusals that depend on what exists rather than on the request's shape: 409 Conflict
# (send again once resolved: `repeat: true` for an owner already asked).
CONFLICTS = {"already_asked", "no_active_cameras", "case_closed"}


@api.exception_handler(footage.FootageError)
def footage_refused(request, exc):
    return _error(request, 409 if exc.code in CONFLICTS else 422, exc.code, exc.message)


@api.post(
    "/footage-requests",
    response={
        201: schemas.FootageRequestsOut,
        400: schemas.Error,
        404: schemas.Error,
        409: schemas.Error,
        **COMMON,
    },
    url_name="footage-requests",
    summary="Request footage from the owners of selected cameras",
    tags=["footage requests"],
)
def footage_requests_create(request, body: schemas.FootageRequestIn):
    """One request per registrant of the chosen cameras (active registrations only), emailed
    in the registrant's language with a private link; audited.

    404 `case_not_found` or `cameras_not_found` (none of the ids is a registered camera);
    409 `no_active_cameras` (none belongs to an active registration) or `already_asked`
    (an owner was asked on this case before, whatever the answer: look at the case's
    requests, then send again with `repeat: true` to ask anyway, as the console's warning
    lets a deputy confirm)."""
    check(request.user, Permission.CANVASS)
    case = Case.objects.filter(pk=body.case_id).first()
    if case is None:
        return Status(404, {"code": "case_not_found", "message": "There is no case with this id."})
    if not Camera.objects.filter(pk__in=body.camera_ids).exists():
        return Status(
            404,
            {"code": "cameras_not_found", "message": "None of the selected cameras is registered."},
        )
    window_start = body.window_start or case.start
    minutes = body.window_minutes or max(1, round((case.end - case.start).total_seconds() / 60))
    created = footage.create_requests(
        case,
        body.camera_ids,
        actor=request.user,
        message=body.message,
        window_start=window_start,
        window_end=window_start + timedelta(minutes=minutes),
        repeat=body.repeat,
        request=request,
    )
    ids = [item.pk for item in created]
    return Status(201, {"requests": [_footage_request(item) for item in _reload(created, ids)]})


def _reload(created, ids):
    order = {pk: n for n, pk in enumerate(ids)}
    rows = FootageRequest.objects.select_related("case").prefetch_related(
        "requested_cameras", "contact_attempts"
    )
    return sorted(rows.filter(pk__in=ids), key=lambda item: order[item.pk])


@api.get(
    "/footage-requests/{request_id}",
    response={200: schemas.FootageRequestOut, 404: schemas.Error, **COMMON},
    url_name="footage-request",
    summary="One footage request: its status, answer and contact log",
    tags=["footage requests"],
)
def footage_request_detail(request, request_id: Path[schemas.Id]):
    """The request as the console shows it; every read is audited."""
    item = footage.get_request(request_id, request.user, request=request)
    return Status(200, _footage_request(item))

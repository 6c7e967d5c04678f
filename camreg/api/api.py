"""The REST API (/api/v1/): its routes, its errors, and its documentation page.

Every route authenticates with a bearer token (auth.py), asks the permission module through
the services it calls, and answers errors as JSON `{"code", "message"}` with a stable code.
"""

from __future__ import annotations

import logging
from dataclasses import asdict

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from ninja import NinjaAPI, Path, Query, Status
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError
from ninja.openapi.docs import DocsBase

from camreg.accounts.roles import Permission, check
from camreg.agency import services as agency_services
from camreg.canvass import services as canvass
from camreg.canvass.limits import PURPOSE_STATEMENT
from camreg.canvass.models import Case
from camreg.footage import services as footage
from camreg.footage.models import FootageRequest
from camreg.web.errors import JSON_ERRORS

from . import schemas
from .auth import token_auth

logger = logging.getLogger(__name__)


class OperationList(DocsBase):
    """The documentation page: the operations listed from the schema, server-rendered
    (the Content-Security-Policy allows no inline or third-party scripts)."""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs) -> HttpResponse:
        schema = api.get_openapi_schema(path_params=kwargs)
        operations = []
        for path, methods in schema["paths"].items():
            for method, operation in methods.items():
                parameters = [
                    {
                        "name": p["name"],
                        "where": p["in"],
                        "required": p.get("required", False),
                        "description": p.get("description")
                        or p.get("schema", {}).get("description", ""),
                    }
                    for p in operation.get("parameters", [])
                ]
                operations.append(
                    {
                        "method": method.upper(),
                        "path": path,
                        "summary": operation.get("summary", ""),
                        "description": operation.get("description", ""),
                        "parameters": parameters,
                        "responses": [
                            (code, answer.get("description", ""))
                            for code, answer in operation.get("responses", {}).items()
                        ],
                        "anchor": operation.get("operationId", ""),
                    }
                )
        return render(
            request,
            "api/docs.html",
            {
                "title": schema["info"]["title"],
                "version": schema["info"]["version"],
                "description": schema["info"].get("description", ""),
                "operations": operations,
                "schema_url": self.get_openapi_url(api, kwargs),
            },
        )


api = NinjaAPI(
    title="Camera Registry API",
    version="1",
    description=(
        "Canvass the registered cameras near an incident and request their footage. "
        "Authenticate with `Authorization: Bearer <token>` (an administrator creates tokens "
        "for a service account in the console; every call is audited in its name). Errors are "
        "JSON with a stable `code` and a `message`."
    ),
    urls_namespace="api",
    auth=token_auth,
    docs=OperationList(),
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
    `purpose_statement_missing`) or of what is malformed (`invalid_request`).
    """
    params = canvass.SearchParams(
        case_number=query.case_number,
        start=query.start,
        end=query.end,
        latitude=query.lat,
        longitude=query.lon,
        radius_m=query.radius_m,
        purpose_statement=PURPOSE_STATEMENT if query.purpose_statement else "",
        incident_type=query.incident_type,
    )
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


@api.exception_handler(footage.FootageError)
def footage_refused(request, exc):
    return _error(request, 422, exc.code, exc.message)


@api.post(
    "/footage-requests",
    response={201: schemas.FootageRequestsOut, 400: schemas.Error, 404: schemas.Error, **COMMON},
    url_name="footage-requests",
    summary="Request footage from the owners of selected cameras",
    tags=["footage requests"],
)
def footage_requests_create(request, body: schemas.FootageRequestIn):
    """One request per registrant of the chosen cameras (active registrations only), emailed
    in the registrant's language with a private link; audited. Refusals answer 422 with a
    stable code (`no_active_cameras`, `window_invalid`, `window_too_long`, ...)."""
    check(request.user, Permission.CANVASS)
    case = Case.objects.filter(pk=body.case_id).first()
    if case is None:
        return Status(404, {"code": "case_not_found", "message": "There is no case with this id."})
    created = footage.create_requests(
        case,
        body.camera_ids,
        actor=request.user,
        message=body.message,
        window_start=body.window_start,
        window_end=body.window_end,
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

"""Error answers: 400, 403, 404, 413 and 500 in the site's layout and the visitor's language.

`camreg/urls.py` names these handlers; `CSRF_FAILURE_VIEW` names `csrf_failure`;
`RequestBodyLimitMiddleware` answers `request_too_large`. Under `/api/` every one answers the
API's JSON error shape, `{"code", "message"}`, with the same stable codes as the API itself.

The pages extend the base layout. 403, 404, 400 and 413 render with the request (the layout
shows the agency, a signed-in staff member gets the console menu); when that fails (no
database, no agency yet) they render without it. The 500 page never uses the request's
context processors: whatever broke may be the database, so it renders from settings alone.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFilesSent
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils import translation

from .http import API_PREFIX, body_limit, is_staff_path, visitor_language

logger = logging.getLogger(__name__)

# The API's JSON error for each status: (code, message). camreg.api uses these too.
JSON_ERRORS = {
    400: ("bad_request", "The request is not valid."),
    403: ("forbidden", "Your roles do not allow this."),
    404: ("not_found", "There is nothing here."),
    413: ("request_too_large", "The request body is larger than this service accepts."),
    500: ("server_error", "Something went wrong on our side."),
}


class RequestBodyTooLarge(RequestDataTooBig):
    """A request body grew past its limit while it was read (no Content-Length said so)."""


def json_error(status: int, **extra) -> JsonResponse:
    code, message = JSON_ERRORS[status]
    return JsonResponse({"code": code, "message": message, **extra}, status=status)


def render_error(
    request: HttpRequest,
    status: int,
    template_name: str,
    context: dict | None = None,
    *,
    with_request: bool = True,
) -> HttpResponse:
    if request.path_info.startswith(API_PREFIX):
        return json_error(status)
    language = visitor_language(request)
    context = {**(context or {}), "status": status, "staff_page": is_staff_path(request.path_info)}
    body = None
    with translation.override(language):
        if with_request:
            try:
                body = loader.render_to_string(template_name, context, request)
            except Exception:  # noqa: BLE001 - the page must still answer, without the agency
                logger.exception(
                    "The %s page failed with the request; rendering it without", status
                )
        if body is None:
            # No request: no context processors, so nothing reads the database or the cache.
            bare = {"agency": None, "demo_mode": settings.DEMO_MODE, "LANGUAGE_CODE": language}
            body = loader.render_to_string(template_name, {**context, **bare})
    response = HttpResponse(body, status=status)
    response["Content-Language"] = language
    return response


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler400; a body over a limit (Django's DATA_UPLOAD_MAX_MEMORY_SIZE, or ours while
    reading a body without Content-Length) is a 413."""
    if isinstance(exception, RequestDataTooBig):
        return request_too_large(request)
    if isinstance(exception, TooManyFilesSent):
        return render_error(
            request, 400, "400.html", {"max_files": settings.DATA_UPLOAD_MAX_NUMBER_FILES}
        )
    return render_error(request, 400, "400.html")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler403: a role without the permission, or a page the visitor may not open."""
    return render_error(request, 403, "403.html")


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler404."""
    return render_error(request, 404, "404.html")


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: rendered without the database (no context processors)."""
    return render_error(request, 500, "500.html", with_request=False)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: a form sent without its security token (a stale page, cookies off)."""
    return render_error(request, 403, "403_csrf.html")


def request_too_large(request: HttpRequest, limit: int | None = None) -> HttpResponse:
    """413: the request body is over the limit (MAX_REQUEST_BODY or its path's own)."""
    if limit is None:
        limit = body_limit(request.path_info)
    return render_error(request, 413, "413.html", {"limit": limit})

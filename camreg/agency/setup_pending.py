"""A new installation without an agency: every page says that setup is pending.

Until `manage.py setup_agency` has created the agency (in development: `manage.py
load_demo`), every request except `/healthz` and static files is answered 503 with a short
page in the visitor's language and the other one (the API with JSON). Nothing is created
here: the agency is configuration an administrator gives.
"""

from __future__ import annotations

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation

from . import services as agency_services

# Answered as usual while setup is pending (monitoring must see the site is up).
EXEMPT_PATHS = ("/healthz",)
API_PREFIX = "/api/"
RETRY_AFTER_SECONDS = 300


class SetupPendingMiddleware:
    """Answers "This registry is being set up" (503) while there is no agency."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._exempt(request.path_info):
            return self.get_response(request)
        try:
            pending = agency_services.current_or_none() is None
        except DatabaseError:
            pending = False  # the page itself reports a database that does not answer
        if not pending:
            return self.get_response(request)
        response = pending_response(request)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response

    @staticmethod
    def _exempt(path: str) -> bool:
        static = settings.STATIC_URL or ""
        return path in EXEMPT_PATHS or bool(static.startswith("/") and path.startswith(static))


def pending_response(request: HttpRequest) -> HttpResponse:
    if request.path_info.startswith(API_PREFIX):
        return JsonResponse(
            {
                "code": "setup_pending",
                "message": "This registry is being set up: the agency is not configured yet.",
            },
            status=503,
        )
    language = translation.get_language() or settings.LANGUAGE_CODE
    others = [code for code, _name in settings.LANGUAGES if not language.startswith(code)]
    body = render_to_string("agency/setup_pending.html", {"other_languages": others})
    response = HttpResponse(body, status=503)
    response["Content-Language"] = language
    return response

from zoneinfo import ZoneInfo

from django.db import DatabaseError
from django.utils import timezone, translation

from camreg import caching
from camreg.agency import services as agency_services


class RequestCacheMiddleware:
    """Configuration read through camreg.caching is read at most once per request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with caching.request_scope():
            return self.get_response(request)


class AgencyTimeZoneMiddleware:
    """Times are stored in UTC and shown in the agency's time zone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            timezone.activate(ZoneInfo(agency_services.current().time_zone))
        except DatabaseError:
            pass  # the page (e.g. /healthz) reports the database itself; show UTC meanwhile
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


STAFF_PREFIXES = ("/console/", "/staff/")


class StaffLanguageMiddleware:
    """The staff console is in English; public pages follow the visitor's choice."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(STAFF_PREFIXES):
            translation.activate("en")
            request.LANGUAGE_CODE = "en"
        return self.get_response(request)


class PermissionsPolicyMiddleware:
    """Turn off browser features the site never uses."""

    POLICY = (
        "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
        "microphone=(), payment=(), usb=(), interest-cohort=()"
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.POLICY)
        return response

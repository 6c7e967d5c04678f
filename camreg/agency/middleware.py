from zoneinfo import ZoneInfo

from django.db import DatabaseError
from django.utils import timezone

from . import services as agency_services


class AgencyTimeZoneMiddleware:
    """Times are stored in UTC and shown in the agency's time zone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            timezone.activate(ZoneInfo(agency_services.current().time_zone))
        except (DatabaseError, agency_services.AgencyNotSetUp):
            pass  # the page (e.g. /healthz) reports the database itself; show UTC meanwhile
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()

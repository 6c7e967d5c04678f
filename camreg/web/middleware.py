from django.utils import translation

from camreg import caching


class RequestCacheMiddleware:
    """Configuration read through camreg.caching is read at most once per request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with caching.request_scope():
            return self.get_response(request)


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

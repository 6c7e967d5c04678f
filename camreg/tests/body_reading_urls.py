"""The site's URLs plus one view that reads `wsgi.input` itself, as a resumable-upload
endpoint will: for test_request_limits.py (a body sent without Content-Length)."""

from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from camreg.urls import handler400, handler403, handler404, handler500  # noqa: F401
from camreg.urls import urlpatterns as site_urlpatterns


@csrf_exempt
def read_raw_body(request):
    data = request.META["wsgi.input"].read()
    return HttpResponse(f"read {len(data)} bytes", content_type="text/plain")


urlpatterns = [path("test-only/read-raw-body/", read_raw_body), *site_urlpatterns]

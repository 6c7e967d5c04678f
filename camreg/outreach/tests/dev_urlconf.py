"""The site's URLs with the development pages mounted whatever the settings (for tests)."""

from django.urls import include, path

from camreg.urls import urlpatterns as site_urlpatterns

urlpatterns = [
    *[pattern for pattern in site_urlpatterns if str(pattern.pattern) != "dev/"],
    path("dev/", include("camreg.outreach.dev_urls")),
]

from django.conf import settings
from django.urls import include, path

from camreg.api.api import api

urlpatterns = [
    path("", include("camreg.public.urls")),
    path("api/v1/", api.urls),
    path("", include("camreg.registry.urls")),
    path("staff/", include("camreg.accounts.urls")),
    path("console/staff/", include("camreg.accounts.console_urls")),
    path("console/settings/", include("camreg.console.settings_urls")),
    path("console/audit/", include("camreg.console.audit_urls")),
    path("console/canvass/", include("camreg.canvass.urls")),
    path("console/api-tokens/", include("camreg.api.urls")),
    path("console/footage/", include("camreg.footage.urls")),
    path("console/evidence/", include("camreg.evidence.urls")),
    path("console/", include("camreg.console.urls")),
    path("", include("camreg.outreach.urls")),
    path("footage/", include("camreg.evidence.public_urls")),
    path("footage/", include("camreg.footage.public_urls")),
    path("shared/", include("camreg.evidence.share_urls")),
    path("confirm/", include("camreg.confirmation.urls")),
]

# Error pages in the site's layout and the visitor's language; JSON under /api/.
handler400 = "camreg.web.errors.bad_request"
handler403 = "camreg.web.errors.permission_denied"
handler404 = "camreg.web.errors.page_not_found"
handler500 = "camreg.web.errors.server_error"

if settings.DEBUG and settings.DEMO_MODE:
    urlpatterns += [path("dev/", include("camreg.outreach.dev_urls"))]

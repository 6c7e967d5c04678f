"""Console pages of evidence (mounted at /console/evidence/)."""

from django.urls import path

app_name = "evidence"

urlpatterns: list = [
    # Staff intake (views.intake).
    # Evidence files, downloads, custody reports (views.files).
    # Releases, share links, stills, bulletins (views.releases).
]

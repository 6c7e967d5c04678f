"""The page of a share link for another law-enforcement agency (mounted at /shared/): the
released files with their SHA-256, and their downloads (views.releases)."""

from django.urls import path

from .views import releases

app_name = "evidence-share"

urlpatterns = [
    path("<str:token>/", releases.shared_page, name="page"),
    path("<str:token>/files/<uuid:file_id>/", releases.shared_download, name="download"),
]

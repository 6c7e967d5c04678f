"""Evidence pages outside the console: the owner's upload page and tus endpoint behind a
footage request's private link (mounted at /footage/, beside the answer page), and the
download page of a share link for another agency (mounted at /shared/)."""

from django.urls import path

from .views import upload

app_name = "evidence-public"

urlpatterns: list = [
    # Upload page and tus endpoint (views.upload). The tus paths start with /footage/files/
    # (MAX_REQUEST_BODY_BY_PATH and the proxy's location give them the file limit).
    path("files/<str:token>/", upload.owner_files, name="owner-files"),
    path("files/<str:token>/<str:upload_id>", upload.owner_file, name="owner-file"),
    path("<str:token>/upload/", upload.owner_page, name="upload"),
    # Share links (views.releases).
]

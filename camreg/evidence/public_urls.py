"""Evidence pages outside the console: the owner's upload page and tus endpoint behind a
footage request's private link (mounted at /footage/, beside the answer page), and the
download page of a share link for another agency (mounted at /shared/)."""

from django.urls import path

app_name = "evidence-public"

urlpatterns: list = [
    # Upload page and tus endpoint (views.upload).
    # Share links (views.releases).
]

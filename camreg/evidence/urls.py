"""Console pages of evidence (mounted at /console/evidence/)."""

from django.urls import path

from .views import files, intake, releases, retention, upload

app_name = "evidence"

urlpatterns: list = [
    # Staff intake (views.intake) and its tus endpoint (views.upload), under /tus/ for the
    # body limit (MAX_REQUEST_BODY_BY_PATH) and the proxy's location.
    path("intake/request/<int:pk>/", intake.intake_request, name="intake-request"),
    path("intake/case/<int:pk>/", intake.intake_case, name="intake-case"),
    path("intake/<uuid:submission_id>/", intake.intake_files, name="intake-files"),
    path("intake/<uuid:submission_id>/finish/", intake.intake_finish, name="intake-finish"),
    path("tus/<uuid:submission_id>/", upload.staff_files, name="staff-files"),
    path("tus/<uuid:submission_id>/<str:upload_id>", upload.staff_file, name="staff-file"),
    # Evidence files, downloads, custody reports (views.files).
    path("", files.index, name="index"),
    path("files/<int:pk>/", files.file_detail, name="file"),
    path("files/<int:pk>/poster/", files.poster, name="poster"),
    path("files/<int:pk>/download/", files.download, name="download"),
    path("files/<int:pk>/custody/", files.file_custody, name="file-custody"),
    path("files/<int:pk>/retention/", files.change_retention, name="file-retention"),
    path("cases/<int:case_id>/custody/", files.case_custody, name="case-custody"),
    # Retention periods: the categories an evidence custodian sets (views.retention).
    path("retention/", retention.category_list, name="retention-categories"),
    path("retention/new/", retention.category_new, name="retention-category-new"),
    path("retention/<int:pk>/", retention.category_edit, name="retention-category"),
    path("retention/<int:pk>/delete/", retention.category_delete, name="retention-category-delete"),
    # Releases, share links, stills, bulletins (views.releases).
    path("releases/", releases.release_queue, name="release-queue"),
    path("cases/<int:case_pk>/releases/new/", releases.release_create, name="release-create"),
    path("releases/<int:pk>/", releases.release_detail, name="release"),
    path("releases/<int:pk>/decide/", releases.release_decide, name="release-decide"),
    path("releases/<int:pk>/revoke/", releases.release_revoke, name="release-revoke"),
    path("releases/<int:pk>/links/new/", releases.share_link_new, name="share-link-new"),
    path(
        "releases/<int:pk>/links/<int:link_pk>/revoke/",
        releases.share_link_revoke,
        name="share-link-revoke",
    ),
    path("files/<int:file_pk>/stills/new/", releases.still_create, name="still-create"),
    path("stills/<int:pk>/", releases.still_detail, name="still"),
    path("stills/<int:pk>/image/", releases.still_image, name="still-image"),
    path("stills/<int:pk>/bulletin/", releases.bulletin, name="bulletin"),
]

"""The tus endpoints and the owner's upload page. Thin: find the scope (the request link, or
the staff member's submission), hand the headers and the body stream to services.tus, and
turn its refusals into responses.

- `/footage/files/<token>/` (POST creation, OPTIONS) and `/footage/files/<token>/<id>`
  (HEAD, PATCH, DELETE): the owner, authenticated by the link's secret in the URL (so no
  CSRF token: csrf_exempt). Only the uploads of that request's owner submissions are found.
- `/console/evidence/files/<submission>/...`: the same for a staff intake (session, the
  canvass permission, and the CSRF token in the X-CSRFToken header).
- `/footage/<token>/upload/`: the owner's page (statements, files, progress).

The body is never read here: tus.append reads `request` (the WSGI stream, bounded by the
body-limit middleware at the file limit for these paths) CHUNK bytes at a time.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from camreg.accounts.roles import Permission, can, is_verified, permission_required
from camreg.footage import services as footage
from camreg.web.http import link_page_language, render_link_page

from ..models import Submission, SubmissionSource, Upload
from ..services import intake, tus
from ..upload_forms import StatementsForm

TUS_METHODS = ("OPTIONS", "POST", "HEAD", "PATCH", "DELETE")


# Responses ---------------------------------------------------------------------------------


def _tus_response(status: int = 204, text: str = "", **headers) -> HttpResponse:
    response = HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")
    response["Tus-Resumable"] = tus.TUS_RESUMABLE
    response["Cache-Control"] = "no-store"
    for name, value in headers.items():
        if value is not None:
            response[name.replace("_", "-")] = value
    return response


def _refusal(error: tus.TusError, language: str) -> HttpResponse:
    with translation.override(language):
        text = error.text()
    response = _tus_response(error.status, text)
    response["Content-Language"] = language
    if error.status == 412:
        response["Tus-Version"] = tus.TUS_VERSION
    return response


def _options() -> HttpResponse:
    return _tus_response(
        204,
        Tus_Version=tus.TUS_VERSION,
        Tus_Extension=tus.EXTENSIONS,
        Tus_Max_Size=str(settings.EVIDENCE_MAX_FILE_BYTES),
        Tus_Checksum_Algorithm=tus.CHECKSUM_ALGORITHMS,
    )


def _method(request: HttpRequest) -> str:
    """The method, or X-HTTP-Method-Override on a POST (tus clients behind old proxies)."""
    override = request.headers.get("X-HTTP-Method-Override", "").upper()
    if request.method == "POST" and override in ("PATCH", "DELETE", "HEAD"):
        return override
    return request.method


def _content_length(request: HttpRequest) -> int | None:
    try:
        value = int(request.META.get("CONTENT_LENGTH") or "")
    except ValueError:
        return None
    return value if value >= 0 else None


def _offset_headers(upload: Upload) -> dict:
    return {
        "Upload_Offset": str(upload.offset),
        "Upload_Expires": tus.expires_header(upload),
    }


# The protocol, for any scope ---------------------------------------------------------------


def _collection(request, submission_for, base_path: str, sender, language) -> HttpResponse:
    method = _method(request)
    if method == "OPTIONS":
        return _options()
    if request.headers.get("Tus-Resumable") != tus.TUS_RESUMABLE:
        return _refusal(
            tus.TusError(412, "tus_version", f"Tus-Resumable: {tus.TUS_VERSION} is required."),
            language,
        )
    if method != "POST":
        return _tus_response(405, "", Allow="OPTIONS, POST")
    try:
        submission = submission_for()
        upload = tus.create(
            submission,
            length_header=request.headers.get("Upload-Length"),
            metadata_header=request.headers.get("Upload-Metadata"),
        )
        location = f"{base_path}{upload.pk}"
        body_type = request.headers.get("Content-Type") or ""
        # creation-with-upload: the first bytes in the creation request itself.
        if body_type.startswith(tus.OFFSET_CONTENT_TYPE) and (_content_length(request) or 0):
            upload = tus.append(
                upload,
                offset_header="0",
                content_type=body_type,
                stream=request,
                content_length=_content_length(request),
                checksum_header=request.headers.get("Upload-Checksum"),
                sender=sender,
            )
    except tus.TusError as error:
        return _refusal(error, language)
    return _tus_response(201, "", Location=location, **_offset_headers(upload))


def _one(request, uploads, upload_id, sender, language) -> HttpResponse:
    method = _method(request)
    if method == "OPTIONS":
        return _options()
    if request.headers.get("Tus-Resumable") != tus.TUS_RESUMABLE:
        return _refusal(
            tus.TusError(412, "tus_version", f"Tus-Resumable: {tus.TUS_VERSION} is required."),
            language,
        )
    try:
        upload = tus.find(uploads, upload_id)
        if method in ("HEAD", "PATCH"):
            tus.settle(upload, sender)
        if method == "HEAD":
            return _tus_response(
                200, "", Upload_Length=str(upload.length), **_offset_headers(upload)
            )
        if method == "PATCH":
            upload = tus.append(
                upload,
                offset_header=request.headers.get("Upload-Offset"),
                content_type=request.headers.get("Content-Type"),
                stream=request,
                content_length=_content_length(request),
                checksum_header=request.headers.get("Upload-Checksum"),
                sender=sender,
            )
            return _tus_response(204, "", **_offset_headers(upload))
        if method == "DELETE":
            tus.terminate(upload)
            return _tus_response(204)
    except tus.TusError as error:
        return _refusal(error, language)
    return _tus_response(405, "", Allow="OPTIONS, HEAD, PATCH, DELETE")


# The owner, through the request link --------------------------------------------------------


def _owner_scope(request: HttpRequest, token: str):
    """(the footage request, its language) or a refusal response."""
    try:
        footage_request = footage.open_upload_link(token)
    except footage.LinkExpired as expired:
        language = link_page_language(request, expired.language)
        error = tus.TusError(
            410,
            "link_expired",
            translation.gettext_lazy(
                "This link has expired. To send the video now, contact the deputy who asked for it."
            ),
        )
        return None, _refusal(error, language)
    except footage.LinkInvalid:
        language = link_page_language(request, None)
        error = tus.TusError(
            404, "link_invalid", translation.gettext_lazy("This link does not work.")
        )
        return None, _refusal(error, language)
    return footage_request, None


def _owner_sender(request: HttpRequest) -> tus.Sender:
    return tus.Sender(actor=None, actor_name=tus.OWNER, request=request)


def _open_owner_submission(footage_request):
    submission = intake.open_owner_submission(footage_request)
    if submission is None:
        raise tus.TusError(
            409,
            "no_statements",
            translation.gettext_lazy(
                "Please answer the questions about the video on the upload page first."
            ),
        )
    return submission


@csrf_exempt
@never_cache
@require_http_methods(TUS_METHODS)
def owner_files(request: HttpRequest, token: str) -> HttpResponse:
    footage_request, refusal = _owner_scope(request, token)
    if refusal is not None:
        return refusal
    return _collection(
        request,
        lambda: _open_owner_submission(footage_request),
        reverse("evidence-public:owner-files", kwargs={"token": token}),
        _owner_sender(request),
        link_page_language(request, footage_request.language),
    )


@csrf_exempt
@never_cache
@require_http_methods(TUS_METHODS)
def owner_file(request: HttpRequest, token: str, upload_id: str) -> HttpResponse:
    footage_request, refusal = _owner_scope(request, token)
    if refusal is not None:
        return refusal
    uploads = Upload.objects.filter(
        submission__footage_request=footage_request,
        submission__source=SubmissionSource.OWNER,
    )
    return _one(
        request,
        uploads,
        upload_id,
        _owner_sender(request),
        link_page_language(request, footage_request.language),
    )


# Staff intake -----------------------------------------------------------------------------


def _staff_submission(request: HttpRequest, submission_id) -> Submission:
    user = request.user
    if not user.is_authenticated or not is_verified(user) or not can(user, Permission.CANVASS):
        raise PermissionDenied
    try:
        key = uuid.UUID(str(submission_id))
    except ValueError:
        raise Http404 from None
    submission = (
        Submission.objects.select_related("case", "footage_request")
        .filter(public_id=key, source=SubmissionSource.STAFF)
        .first()
    )
    if submission is None:
        raise Http404
    return submission


def _staff_sender(request: HttpRequest, submission: Submission) -> tus.Sender:
    return tus.Sender(
        actor=request.user,
        actor_name=intake.staff_name(request.user),
        request=request,
        details={"received_from": submission.received_from},
    )


@never_cache
@permission_required(Permission.CANVASS)
@require_http_methods(TUS_METHODS)
def staff_files(request: HttpRequest, submission_id) -> HttpResponse:
    submission = _staff_submission(request, submission_id)
    return _collection(
        request,
        lambda: submission,
        reverse("evidence:staff-files", kwargs={"submission_id": submission.public_id}),
        _staff_sender(request, submission),
        "en",
    )


@never_cache
@permission_required(Permission.CANVASS)
@require_http_methods(TUS_METHODS)
def staff_file(request: HttpRequest, submission_id, upload_id: str) -> HttpResponse:
    submission = _staff_submission(request, submission_id)
    return _one(
        request,
        Upload.objects.filter(submission=submission),
        upload_id,
        _staff_sender(request, submission),
        "en",
    )


# The owner's upload page --------------------------------------------------------------------


def upload_texts() -> dict:
    """What upload.js says, in the page's language ({name} placeholders filled there)."""
    _ = translation.gettext_lazy
    return {
        "waiting": _("Waiting"),
        "sending": _("Sending: {done} of {total} ({percent}%)"),
        "resuming": _("Continuing where it stopped…"),
        "paused": _("Paused"),
        "sent": _("Sent"),
        "retrying": _("Connection lost: trying again…"),
        "failed": _("Not sent: {message}"),
        "pause": _("Pause"),
        "resume": _("Resume"),
        "no_files": _("Choose at least one file."),
        "too_many": _("Choose at most {count} files."),
        "too_big": _("“{name}” is larger than {size}, the most one file may be."),
        "network": _("The connection to the server failed. Check your connection and try again."),
        "started": _("Sending {count} files."),
        "file_sent": _("“{name}” has been sent."),
        "file_paused": _("“{name}” is paused."),
        "file_resumed": _("“{name}” is sending again."),
        "summary": _("Finished: {sent} of {total} files sent."),
    }


def _page_context(footage_request, token: str, form, submission) -> dict:
    received = []
    if submission is not None:
        received = list(submission.evidence_files.order_by("created_at", "pk"))
    return {
        "fr": footage_request,
        "form": form,
        "submission": submission,
        "received": received,
        "endpoint": reverse("evidence-public:owner-files", kwargs={"token": token}),
        "max_file_bytes": settings.EVIDENCE_MAX_FILE_BYTES,
        "max_files": settings.EVIDENCE_MAX_FILES,
        "texts": upload_texts(),
    }


@never_cache
@require_http_methods(["GET", "POST"])
def owner_page(request: HttpRequest, token: str) -> HttpResponse:
    """GET: the statements, the file list and the progress bars. POST `action=statements`
    (from the page's script) stores the statements on the open submission and answers JSON;
    `action=finish` marks the sending done."""
    try:
        footage_request = footage.open_upload_link(token)
    except footage.LinkExpired as expired:
        language = link_page_language(request, expired.language)
        return render_link_page(request, "evidence/upload_expired.html", {}, language, status=410)
    except footage.LinkInvalid:
        language = link_page_language(request, None)
        return render_link_page(request, "footage/link_invalid.html", {}, language, status=410)
    language = link_page_language(request, footage_request.language)
    submission = intake.open_owner_submission(footage_request)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action == "finish":
        if submission is not None:
            intake.finish(submission)
        page = reverse("evidence-public:upload", kwargs={"token": token})
        return redirect(f"{page}?lang={language}&sent=1")
    form = StatementsForm(request.POST if action == "statements" else None)
    if action == "statements":
        with translation.override(language):
            valid = form.is_valid()
            errors = form.error_summary()
        if not valid:
            return JsonResponse(
                {"ok": False, "errors": [{"field": f, "message": str(m)} for f, _l, m in errors]},
                status=400,
            )
        submission = intake.owner_statements(
            footage_request, language=language, **form.statements()
        )
        return JsonResponse({"ok": True, "submission": str(submission.public_id)})
    context = _page_context(footage_request, token, form, submission)
    context["sent"] = request.GET.get("sent") == "1"
    return render_link_page(request, "evidence/upload.html", context, language)

"""Staff intake: a deputy adds footage collected in person (a USB stick, a phone) to a footage
request or a case, through the same tus pipeline as the owner's upload page. Thin views: the
canvass permission, the form, services.intake; the files go to views.upload.staff_files."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from camreg.accounts.roles import Permission, permission_required
from camreg.canvass.models import Case
from camreg.footage.models import FootageRequest

from ..models import Submission, SubmissionSource, SubmissionStatus
from ..services import intake
from ..upload_forms import IntakeForm
from .upload import upload_texts


def _intake(request: HttpRequest, case: Case, footage_request: FootageRequest | None):
    form = IntakeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        submission = intake.start_intake(
            request.user,
            case=case,
            footage_request=footage_request,
            received_from=form.cleaned_data["received_from"],
            request=request,
            **form.statements(),
        )
        return redirect("evidence:intake-files", submission_id=submission.public_id)
    return render(
        request,
        "evidence/intake.html",
        {
            "case": case,
            "fr": footage_request,
            "form": form,
            "errors": form.error_summary(),
        },
        status=400 if form.is_bound else 200,
    )


@never_cache
@permission_required(Permission.CANVASS)
@require_http_methods(["GET", "POST"])
def intake_request(request: HttpRequest, pk: int) -> HttpResponse:
    footage_request = get_object_or_404(
        FootageRequest.objects.select_related("case", "registrant"), pk=pk
    )
    return _intake(request, footage_request.case, footage_request)


@never_cache
@permission_required(Permission.CANVASS)
@require_http_methods(["GET", "POST"])
def intake_case(request: HttpRequest, pk: int) -> HttpResponse:
    return _intake(request, get_object_or_404(Case, pk=pk), None)


def _staff_submission(submission_id) -> Submission:
    submission = (
        Submission.objects.select_related("case", "footage_request")
        .filter(public_id=submission_id, source=SubmissionSource.STAFF)
        .first()
    )
    if submission is None:
        raise Http404("No such intake")
    return submission


@never_cache
@permission_required(Permission.CANVASS)
@require_http_methods(["GET"])
def intake_files(request: HttpRequest, submission_id) -> HttpResponse:
    """The files of an intake: choose them, watch them arrive."""
    submission = _staff_submission(submission_id)
    return render(
        request,
        "evidence/intake_files.html",
        {
            "submission": submission,
            "case": submission.case,
            "fr": submission.footage_request,
            "received": submission.evidence_files.order_by("created_at", "pk"),
            "endpoint": reverse(
                "evidence:staff-files", kwargs={"submission_id": submission.public_id}
            ),
            "open": submission.status == SubmissionStatus.OPEN,
            "max_file_bytes": settings.EVIDENCE_MAX_FILE_BYTES,
            "max_files": settings.EVIDENCE_MAX_FILES,
            "texts": upload_texts(),
        },
    )


@permission_required(Permission.CANVASS)
@require_POST
def intake_finish(request: HttpRequest, submission_id) -> HttpResponse:
    submission = _staff_submission(submission_id)
    intake.finish(submission, actor=request.user, request=request)
    count = submission.evidence_files.count()
    messages.success(request, f"Intake finished: {count} file{'s' if count != 1 else ''} received.")
    if submission.footage_request_id:
        return redirect("footage:request", pk=submission.footage_request_id)
    return redirect("canvass:case", pk=submission.case_id)

"""Evidence files in the console: the file page, its poster, the download, the custody reports
of a file and of a case, and a custodian's change of retention category. Thin: check the
permission, call services.reading / services.retention, render.

Evidence is never shown inline from this origin: a download is an attachment with
`X-Content-Type-Options: nosniff` and a sandboxing Content-Security-Policy, streamed.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from camreg.accounts.roles import Permission, can, permission_required
from camreg.canvass.models import Case
from camreg.web.forms import UswdsFormMixin

from ..models import EvidenceFile, FileStatus, RetentionCategory
from ..services import reading, retention

SANDBOX = "sandbox; default-src 'none'; frame-ancestors 'none'"


class DownloadForm(UswdsFormMixin, forms.Form):
    reason = forms.CharField(
        label="Reason (optional)",
        required=False,
        max_length=reading.REASON_MAX,
        help_text="Kept on the custody record, for example “copy for the DA”.",
    )


class RetentionForm(UswdsFormMixin, forms.Form):
    category = forms.ModelChoiceField(
        label="Retention category",
        queryset=RetentionCategory.objects.all(),
        empty_label=None,
    )
    reason = forms.CharField(
        label="Reason",
        max_length=reading.REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def _file(request: HttpRequest, pk: int) -> EvidenceFile:
    try:
        return reading.get_file(pk, request.user)
    except EvidenceFile.DoesNotExist:
        raise Http404("No such evidence file") from None


def _detail(request, evidence_file, retention_form=None, status=200):
    custodian = can(request.user, Permission.EVIDENCE)
    if retention_form is None and custodian:
        retention_form = RetentionForm(
            prefix="retention", initial={"category": evidence_file.retention_category_id}
        )
    errors = retention_form.error_summary() if retention_form is not None else []
    return render(
        request,
        "evidence/files/detail.html",
        {
            "f": evidence_file,
            "submission": evidence_file.submission,
            "download_form": DownloadForm(prefix="download"),
            "retention_form": retention_form if custodian else None,
            "errors": errors,
            "ready": evidence_file.status == FileStatus.READY,
        },
        status=status,
    )


@never_cache
@permission_required(Permission.EVIDENCE_VIEW)
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The cases holding evidence, the most recently received first: where a custodian (who
    does not open case pages) starts, and a deputy's way back to a case's footage."""
    cases = reading.cases_with_evidence(actor=request.user)
    return render(
        request,
        "evidence/files/index.html",
        {"cases": cases, "opens_cases": can(request.user, Permission.CANVASS)},
    )


@never_cache
@permission_required(Permission.EVIDENCE_VIEW)
@require_GET
def file_detail(request: HttpRequest, pk: int) -> HttpResponse:
    evidence_file = _file(request, pk)
    reading.record_view(evidence_file, actor=request.user, request=request)
    return _detail(request, evidence_file)


@never_cache
@permission_required(Permission.EVIDENCE_VIEW)
@require_GET
def poster(request: HttpRequest, pk: int) -> HttpResponse:
    """The poster frame (a JPEG the worker made), for the pages that show the file."""
    evidence_file = _file(request, pk)
    opened = reading.open_poster(evidence_file)
    if opened is None:
        raise Http404("No poster frame")
    response = FileResponse(opened, content_type="image/jpeg")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SANDBOX
    response["Cache-Control"] = "private, no-store"
    return response


@never_cache
@permission_required(Permission.EVIDENCE_VIEW)
@require_GET
def download(request: HttpRequest, pk: int) -> HttpResponse:
    evidence_file = _file(request, pk)
    form = DownloadForm(request.GET, prefix="download")
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        opened = reading.open_for_download(
            evidence_file, actor=request.user, request=request, reason=reason
        )
    except reading.NotDownloadable as refusal:
        messages.error(request, refusal.message)
        return redirect("evidence:file", pk=evidence_file.pk)
    response = FileResponse(
        opened,
        as_attachment=True,
        filename=reading.download_name(evidence_file),
        content_type="application/octet-stream",
    )
    response["Content-Length"] = str(evidence_file.size)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SANDBOX
    response["Cache-Control"] = "private, no-store"
    return response


@permission_required(Permission.EVIDENCE)
@require_POST
def change_retention(request: HttpRequest, pk: int) -> HttpResponse:
    evidence_file = _file(request, pk)
    form = RetentionForm(request.POST, prefix="retention")
    if form.is_valid():
        try:
            retention.change_category(
                evidence_file,
                form.cleaned_data["category"],
                actor=request.user,
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except retention.RetentionError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "Retention category changed.")
            return redirect("evidence:file", pk=evidence_file.pk)
    return _detail(request, evidence_file, form, status=400)


@never_cache
@permission_required(Permission.EVIDENCE_VIEW)
@require_GET
def file_custody(request: HttpRequest, pk: int) -> HttpResponse:
    evidence_file = _file(request, pk)
    report = reading.file_report(evidence_file, actor=request.user, request=request)
    return render(
        request,
        "evidence/files/custody_file.html",
        {"report": report, "f": evidence_file, "printed_at": timezone.now()},
    )


@never_cache
@permission_required(Permission.EVIDENCE_VIEW)
@require_GET
def case_custody(request: HttpRequest, case_id: int) -> HttpResponse:
    case = get_object_or_404(Case, pk=case_id)
    reports = reading.case_report(case, actor=request.user, request=request)
    return render(
        request,
        "evidence/files/custody_case.html",
        {"case": case, "reports": reports, "printed_at": timezone.now()},
    )

"""Release pages: propose a release of a case's evidence, the custodian's queue, a release's
page (decision, share links, revocation), stills and their printable bulletin, and the share
link's page for another agency (mounted at /shared/). Thin: parse, call services, render.

Console pages (English) are for deputies, investigators, supervisors and evidence custodians
(`Permission.EVIDENCE_VIEW`); only custodians decide, revoke and manage share links
(`Permission.EVIDENCE`, and services.releases checks again).
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from camreg.accounts.roles import Permission, permission_required
from camreg.audit import services as audit
from camreg.canvass.models import Case
from camreg.web.http import rate_limited

from ..models import (
    EvidenceFile,
    FileStatus,
    Release,
    ReleaseKind,
    ReleaseStatus,
    ShareLink,
    Still,
)
from ..release_forms import (
    TERM_3,
    BulletinForm,
    DecisionForm,
    ReleaseForm,
    RevokeForm,
    StillForm,
)
from ..services import releases, sharing, stills
from ..services.storage import evidence_storage

# Requests to share-link pages per address (forged links are guessed here, if anywhere).
DEFAULT_SHARE_RATE = "120/h"


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _apply_error(form: forms.Form, error) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


def _ready_files(case: Case) -> list[EvidenceFile]:
    return list(case.evidence_files.filter(status=FileStatus.READY).order_by("created_at", "pk"))


# Proposing ---------------------------------------------------------------------------------


@never_cache
@permission_required(Permission.EVIDENCE_VIEW)
@require_http_methods(["GET", "POST"])
def release_create(request: HttpRequest, case_pk: int) -> HttpResponse:
    """Propose a release of a case's evidence files (`?file=<id>` preselects files)."""
    case = get_object_or_404(Case, pk=case_pk)
    _require(releases.can_propose(request.user))
    files = _ready_files(case)
    if request.method == "POST":
        form = ReleaseForm(request.POST, files_of_case=files)
        if form.is_valid():
            data = form.cleaned_data
            try:
                release = releases.propose(
                    case,
                    actor=request.user,
                    kind=data["kind"],
                    legal_basis=data["legal_basis"],
                    recipient=data["recipient"],
                    description=data["description"],
                    files=data["files"],
                    request=request,
                )
            except releases.ReleaseError as error:
                _apply_error(form, error)
            else:
                messages.success(
                    request, f"Release {release.pk} proposed: an evidence custodian decides on it."
                )
                return redirect("evidence:release", pk=release.pk)
    else:
        chosen = [f for f in request.GET.getlist("file") if f.isdigit()]
        form = ReleaseForm(
            files_of_case=files,
            initial={"files": chosen, "kind": ReleaseKind.SHARE_LINK},
        )
    earlier = case.releases.select_related("requested_by", "decided_by").order_by("-pk")
    return render(
        request,
        "evidence/releases/create.html",
        {
            "case": case,
            "form": form,
            "files": files,
            "errors": form.error_summary(),
            "earlier": earlier,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


# The custodian's queue ---------------------------------------------------------------------


@never_cache
@permission_required(Permission.EVIDENCE)
@require_GET
def release_queue(request: HttpRequest) -> HttpResponse:
    pending = list(releases.pending_releases())
    audit.record(
        "evidence.release_queue_viewed",
        actor=request.user,
        request=request,
        details={"pending": len(pending)},
    )
    return render(
        request,
        "evidence/releases/queue.html",
        {"pending": pending, "decided": releases.recent_decisions()},
    )


# A release ---------------------------------------------------------------------------------


def _release_or_404(pk: int) -> Release:
    return get_object_or_404(
        Release.objects.select_related("case", "requested_by", "decided_by"), pk=pk
    )


def _detail(
    request: HttpRequest,
    release: Release,
    *,
    decision_form=None,
    revoke_form=None,
    new_link: str = "",
    status: int = 200,
) -> HttpResponse:
    decision_form = decision_form or DecisionForm(prefix="decision")
    revoke_form = revoke_form or RevokeForm(prefix="revoke")
    custodian = releases.can_decide(request.user)
    errors = decision_form.error_summary() + revoke_form.error_summary()
    audit.record(
        "evidence.release_viewed",
        actor=request.user,
        request=request,
        target=release,
        case_number=release.case.case_number,
    )
    response = render(
        request,
        "evidence/releases/detail.html",
        {
            "release": release,
            "files": release.evidence_files.order_by("pk"),
            "stills": release.stills.all(),
            "custodian": custodian,
            "may_approve": release.status == ReleaseStatus.PENDING
            and releases.may_approve(release, request.user),
            "own_request": release.requested_by_id == request.user.pk,
            "decision_form": decision_form,
            "revoke_form": revoke_form,
            "links": sharing.links_of(release) if custodian else [],
            "new_link": new_link,
            "errors": errors,
            "term": TERM_3[release.legal_basis],
            "share_days": sharing.lifetime().days,
        },
        status=status,
    )
    if new_link:
        response["Cache-Control"] = "no-store"
    return response


def _share_url(request: HttpRequest, secret: str) -> str:
    return request.build_absolute_uri(reverse("evidence-share:page", kwargs={"token": secret}))


@never_cache
@permission_required(Permission.EVIDENCE_VIEW)
@require_GET
def release_detail(request: HttpRequest, pk: int) -> HttpResponse:
    release = _release_or_404(pk)
    _require(releases.can_propose(request.user))
    return _detail(request, release)


@never_cache
@permission_required(Permission.EVIDENCE)
@require_POST
def release_decide(request: HttpRequest, pk: int) -> HttpResponse:
    release = _release_or_404(pk)
    _require(releases.can_decide(request.user))
    form = DecisionForm(request.POST, prefix="decision")
    action = request.POST.get("action")
    if not form.is_valid():
        return _detail(request, release, decision_form=form, status=400)
    note = form.cleaned_data["note"]
    try:
        if action == "approve":
            approval = releases.approve(release, actor=request.user, note=note, request=request)
        elif action == "refuse":
            releases.refuse(release, actor=request.user, note=note, request=request)
            approval = None
        else:
            raise releases.ReleaseError("action_unknown", "Choose Approve or Refuse.")
    except releases.ReleaseError as error:
        form.add_error("note" if error.field == "note" else None, error.message)
        return _detail(request, _release_or_404(pk), decision_form=form, status=400)
    if approval is not None and approval.share_secret:
        messages.success(request, f"Release {release.pk} approved; the share link is below.")
        return _detail(
            request, approval.release, new_link=_share_url(request, approval.share_secret)
        )
    verb = "approved" if approval is not None else "refused"
    messages.success(request, f"Release {release.pk} {verb}.")
    return redirect("evidence:release", pk=release.pk)


@never_cache
@permission_required(Permission.EVIDENCE)
@require_POST
def release_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    release = _release_or_404(pk)
    _require(releases.can_decide(request.user))
    form = RevokeForm(request.POST, prefix="revoke")
    if form.is_valid():
        try:
            releases.revoke(
                release, actor=request.user, note=form.cleaned_data["note"], request=request
            )
        except releases.ReleaseError as error:
            form.add_error("note" if error.field == "note" else None, error.message)
        else:
            messages.success(request, f"Release {release.pk} revoked.")
            return redirect("evidence:release", pk=release.pk)
    return _detail(request, _release_or_404(pk), revoke_form=form, status=400)


@never_cache
@permission_required(Permission.EVIDENCE)
@require_POST
def share_link_new(request: HttpRequest, pk: int) -> HttpResponse:
    """A new link for an approved share-link release (the earlier one stops working)."""
    release = _release_or_404(pk)
    _require(releases.can_decide(request.user))
    if release.kind != ReleaseKind.SHARE_LINK or release.status != ReleaseStatus.APPROVED:
        messages.error(request, "Only an approved share-link release gets a new link.")
        return redirect("evidence:release", pk=release.pk)
    _link, secret = sharing.issue_link(release, actor=request.user, request=request)
    messages.success(request, "New share link made; the earlier link no longer works.")
    return _detail(request, release, new_link=_share_url(request, secret))


@never_cache
@permission_required(Permission.EVIDENCE)
@require_POST
def share_link_revoke(request: HttpRequest, pk: int, link_pk: int) -> HttpResponse:
    release = _release_or_404(pk)
    link = get_object_or_404(ShareLink, pk=link_pk, release=release)
    _require(releases.can_decide(request.user))
    if sharing.revoke_link(link, actor=request.user, request=request):
        messages.success(request, f"Share link {link.pk} revoked: it no longer works.")
    else:
        messages.info(request, f"Share link {link.pk} was no longer working.")
    return redirect("evidence:release", pk=release.pk)


# Stills and bulletins ----------------------------------------------------------------------


@never_cache
@permission_required(Permission.EVIDENCE_VIEW)
@require_http_methods(["GET", "POST"])
def still_create(request: HttpRequest, file_pk: int) -> HttpResponse:
    """Pick a time in a video; the frame is extracted and shown on the still's page."""
    evidence_file = get_object_or_404(EvidenceFile.objects.select_related("case"), pk=file_pk)
    _require(releases.can_propose(request.user))
    usable = stills.can_take_still(evidence_file)
    form = StillForm(request.POST or None)
    if request.method == "POST" and usable and form.is_valid():
        try:
            seconds = stills.parse_time(form.cleaned_data["at"])
            still = stills.take_still(evidence_file, seconds, actor=request.user, request=request)
        except stills.StillError as error:
            form.add_error("at" if error.field == "at" else None, error.message)
        else:
            return redirect("evidence:still", pk=still.pk)
    return render(
        request,
        "evidence/releases/still_create.html",
        {
            "file": evidence_file,
            "usable": usable,
            "form": form,
            "errors": form.error_summary(),
            "earlier": evidence_file.stills.select_related("release").order_by("-pk"),
            "duration": (
                stills.format_time(evidence_file.duration_seconds)
                if evidence_file.duration_seconds
                else ""
            ),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


def _still_or_404(pk: int) -> Still:
    return get_object_or_404(
        Still.objects.select_related(
            "evidence_file", "evidence_file__case", "release", "created_by"
        ),
        pk=pk,
    )


@never_cache
@permission_required(Permission.EVIDENCE_VIEW)
@require_http_methods(["GET", "POST"])
def still_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The still, and the bulletin's words proposed for release."""
    still = _still_or_404(pk)
    _require(releases.can_propose(request.user))
    proposable = still.release_id is None or still.release.status == ReleaseStatus.REFUSED
    if request.method == "POST" and proposable:
        form = BulletinForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                stills.propose_bulletin(
                    still,
                    actor=request.user,
                    headline=data["headline"],
                    bulletin_text=data["bulletin_text"],
                    recipient=data["recipient"],
                    request=request,
                )
            except (stills.StillError, releases.ReleaseError) as error:
                _apply_error(form, error)
            else:
                messages.success(
                    request,
                    f"Release {still.release_id} proposed: the bulletin stays a draft until an "
                    "evidence custodian approves it.",
                )
                return redirect("evidence:still", pk=still.pk)
    else:
        form = BulletinForm(
            initial={"headline": still.headline, "bulletin_text": still.bulletin_text}
        )
    return render(
        request,
        "evidence/releases/still_detail.html",
        {
            "still": still,
            "file": still.evidence_file,
            "at": stills.format_time(still.at_seconds),
            "form": form,
            "errors": form.error_summary(),
            "proposable": proposable,
            "printable": stills.is_printable(still),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@never_cache
@permission_required(Permission.EVIDENCE_VIEW)
@require_GET
def still_image(request: HttpRequest, pk: int) -> HttpResponse:
    """The still's JPEG (made by us), for staff: inline on our pages; `?download=1` as an
    attachment once its release is approved."""
    still = _still_or_404(pk)
    _require(releases.can_propose(request.user))
    download = request.GET.get("download") == "1"
    if download and not stills.is_printable(still):
        raise PermissionDenied("The still's release is not approved.")
    try:
        handle = evidence_storage().open(still.image_name, "rb")
    except FileNotFoundError:
        raise Http404("The still's image is missing") from None
    name = f"{still.evidence_file.case.case_number}-still-{still.pk}.jpg"
    response = FileResponse(
        handle, content_type="image/jpeg", as_attachment=download, filename=name
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    if download:
        audit.record(
            "evidence.still_downloaded",
            actor=request.user,
            request=request,
            target=still,
            case_number=still.evidence_file.case.case_number,
            details={"release": still.release_id, "sha256": still.sha256},
        )
    return response


@never_cache
@permission_required(Permission.EVIDENCE_VIEW)
@require_GET
def bulletin(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable bulletin; a draft, not printable, until its release is approved."""
    still = _still_or_404(pk)
    _require(releases.can_propose(request.user))
    language = stills.bulletin_language(request.GET.get("language"))
    stills.record_bulletin_printed(still, actor=request.user, language=language, request=request)
    requester = still.release.requested_by if still.release_id else still.created_by
    return render(
        request,
        "evidence/releases/bulletin.html",
        {
            "still": still,
            "case": still.evidence_file.case,
            "printable": stills.is_printable(still),
            "contact": requester,
            "at": stills.format_time(still.at_seconds),
            "bulletin_language": language,
            "bulletin_languages": stills.bulletin_languages(),
        },
    )


# The share link's page (public, for another agency) ----------------------------------------


def _gone(request: HttpRequest, reason: str, status: int) -> HttpResponse:
    response = render(request, "evidence/shared/gone.html", {"reason": reason}, status=status)
    response["X-Robots-Tag"] = "noindex"
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _open_link(request: HttpRequest, token: str) -> ShareLink | HttpResponse:
    rate = getattr(settings, "EVIDENCE_SHARE_LINK_RATE", DEFAULT_SHARE_RATE)
    if rate_limited(request, "evidence-share", rate):
        return _gone(request, "limited", 429)
    try:
        return sharing.open_link(token)
    except sharing.LinkUnknown:
        return _gone(request, "unknown", 404)
    except sharing.LinkGone as gone:
        return _gone(request, gone.reason, 410)


@never_cache
@require_GET
def shared_page(request: HttpRequest, token: str) -> HttpResponse:
    link = _open_link(request, token)
    if isinstance(link, HttpResponse):
        return link
    files = sharing.files_of(link)
    audit.record(
        "evidence.share_link_opened",
        request=request,
        target=link.release,
        case_number=link.release.case.case_number,
        details={"share_link": link.pk, "by": sharing.recipient_label(link)},
    )
    response = render(
        request,
        "evidence/shared/page.html",
        {"link": link, "release": link.release, "files": files, "token": token},
    )
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response


@never_cache
@require_GET
def shared_download(request: HttpRequest, token: str, file_id) -> HttpResponse:
    link = _open_link(request, token)
    if isinstance(link, HttpResponse):
        return link
    try:
        evidence_file, handle = sharing.download(link, file_id, request=request)
    except EvidenceFile.DoesNotExist:
        return _gone(request, "unknown", 404)
    except FileNotFoundError:
        raise Http404("The file is missing from the evidence storage") from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=evidence_file.original_name,
        content_type=evidence_file.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response

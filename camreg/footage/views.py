"""Footage request pages. Thin: check the permission, parse, call services, render.

Console pages (English) are for staff holding the canvass permission; every view is audited.
The answer page is public: the registrant opens it from the email link, in their language.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from camreg.accounts.roles import Permission, permission_required
from camreg.audit import services as audit
from camreg.canvass.models import Case
from camreg.canvass.workspace import CaseSection
from camreg.web.http import link_page_language, render_link_page

from . import services, signals
from .forms import AnswerForm, CallForm, ContactForm, FinishForm, RequestForm
from .models import CallTask, ContactOutcome, FootageRequest, Status

# Console ----------------------------------------------------------------------------------


def _case_from(request: HttpRequest) -> Case | None:
    data = request.POST if request.method == "POST" else request.GET
    value = data.get("case", "")
    if not value:
        return None
    try:
        return Case.objects.get(pk=int(value))
    except (ValueError, Case.DoesNotExist):
        raise Http404("No such case") from None


def _camera_ids(request: HttpRequest) -> list[str]:
    data = request.POST if request.method == "POST" else request.GET
    return data.getlist("camera")


@never_cache
@permission_required(Permission.CANVASS)
@require_http_methods(["GET", "POST"])
def request_create(request: HttpRequest) -> HttpResponse:
    """Confirm and send footage requests for cameras chosen in a case's results.

    The results page posts `case` and `camera` (several); the form shown posts them back
    with `action=send`, the time window and the message.
    """
    case = _case_from(request)
    if case is None:
        return render(request, "footage/request_create.html", {"case": None})
    camera_ids = _camera_ids(request)
    try:
        plan = services.plan_requests(case, camera_ids, actor=request.user)
    except services.FootageError as error:
        return render(
            request,
            "footage/request_create.html",
            {"case": case, "problem": error.message},
            status=400,
        )
    sending = request.method == "POST" and request.POST.get("action") == "send"
    if sending:
        form = RequestForm(request.POST)
    else:
        form = RequestForm(
            initial={
                "window_start": timezone.localtime(case.start),
                "window_end": timezone.localtime(case.end),
            }
        )
    if sending and form.is_valid():
        try:
            created = services.create_requests(
                case,
                camera_ids,
                actor=request.user,
                message=form.cleaned_data["message"],
                window_start=form.cleaned_data["window_start"],
                window_end=form.cleaned_data["window_end"],
                repeat=form.cleaned_data["repeat"],
                request=request,
            )
        except services.FootageError as error:
            if error.code == "already_asked":
                form.add_error("repeat", error.message)
            else:
                form.add_error(None, error.message)
        else:
            emailed = sum(1 for r in created if r.status == Status.SENT)
            text = f"{emailed} footage request{'s' if emailed != 1 else ''} sent by email."
            drafts = len(created) - emailed
            if drafts:
                text += (
                    f" {drafts} owner{'s have' if drafts != 1 else ' has'} no email address:"
                    " contact them by phone or in person and log it on the request."
                )
            calls = sum(1 for r in created if services.task_of(r) is not None)
            if calls:
                text += (
                    f" {calls} owner{'s prefer' if calls != 1 else ' prefers'} a call or a text:"
                    " see the call tasks on the case."
                )
            messages.success(request, text)
            return redirect(reverse("canvass:case", kwargs={"pk": case.pk}) + "#footage-requests")
    audit.record(
        "footage.request_form_viewed",
        actor=request.user,
        request=request,
        target=case,
        case_number=case.case_number,
        details={"camera_ids": [c.pk for group in plan.groups for c in group.cameras]},
    )
    return render(
        request,
        "footage/request_create.html",
        {
            "case": case,
            "plan": plan,
            "form": form,
            "errors": form.error_summary(),
            "camera_ids": [c.pk for group in plan.groups for c in group.cameras],
        },
        status=400 if form.is_bound and form.errors else 200,
    )


def _rows(requests: list[FootageRequest]) -> list[dict]:
    now = timezone.now()
    return [{"r": r, "days_left": services.days_left(r, now)} for r in requests]


@never_cache
@permission_required(Permission.CANVASS)
@require_http_methods(["GET"])
def dashboard(request: HttpRequest) -> HttpResponse:
    """My requests and the agency's, soonest overwrite deadline first."""
    show_all = request.GET.get("show") == "all"
    mine = services.list_requests(request.user, mine=True, open_only=not show_all)
    everyone = services.list_requests(request.user, open_only=not show_all)
    audit.record(
        "footage.dashboard_viewed",
        actor=request.user,
        request=request,
        details={"show": "all" if show_all else "open", "count": len(everyone)},
    )
    return render(
        request,
        "footage/dashboard.html",
        {"mine": _rows(mine), "everyone": _rows(everyone), "show_all": show_all},
    )


def page_sections(footage_request: FootageRequest, *, actor, request=None) -> list[CaseSection]:
    """What the apps above footage show on the request's page (signals.request_page_sections:
    the footage received, from evidence), in their order."""
    replies = signals.request_page_sections.send(
        sender=FootageRequest, footage_request=footage_request, actor=actor, request=request
    )
    found = [reply for _receiver, reply in replies if isinstance(reply, CaseSection)]
    return sorted(found, key=lambda s: (s.order, s.anchor))


def _detail(request: HttpRequest, pk: int, forms: dict | None = None, status: int = 200):
    try:
        footage_request = services.get_request(pk, request.user, request=request)
    except FootageRequest.DoesNotExist:
        raise Http404("No such footage request") from None
    forms = forms or {}
    contact_form = forms.get("contact") or ContactForm(prefix="contact")
    received_form = forms.get("received") or FinishForm(prefix="received")
    close_form = forms.get("close") or FinishForm(prefix="close")
    errors = []
    for form in (contact_form, received_form, close_form):
        errors.extend(form.error_summary())
    sections = page_sections(footage_request, actor=request.user, request=request)
    return render(
        request,
        "footage/request_detail.html",
        {
            "sections": sections,
            "fr": footage_request,
            "row": services.request_row(footage_request),
            "outcomes": ContactOutcome.choices,
            "days_left": services.days_left(footage_request),
            "contacts": footage_request.contact_attempts.all(),
            "contact_form": contact_form,
            "received_form": received_form,
            "close_form": close_form,
            "errors": errors,
            "finished": footage_request.status in (Status.FOOTAGE_RECEIVED, Status.CLOSED),
        },
        status=status,
    )


@never_cache
@permission_required(Permission.CANVASS)
@require_http_methods(["GET"])
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, pk)


@permission_required(Permission.CANVASS)
@require_POST
def request_contact(request: HttpRequest, pk: int) -> HttpResponse:
    footage_request = get_object_or_404(FootageRequest, pk=pk)
    form = ContactForm(request.POST, prefix="contact")
    if form.is_valid():
        try:
            services.log_contact(
                footage_request,
                actor=request.user,
                kind=form.cleaned_data["kind"],
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
                at=form.cleaned_data["at"],
                request=request,
            )
        except services.FootageError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "Contact logged.")
            return redirect("footage:request", pk=pk)
    return _detail(request, pk, {"contact": form}, status=400)


def _finish(request: HttpRequest, pk: int, which: str, action, done: str) -> HttpResponse:
    footage_request = get_object_or_404(FootageRequest, pk=pk)
    form = FinishForm(request.POST, prefix=which)
    if form.is_valid():
        try:
            action(
                footage_request,
                actor=request.user,
                note=form.cleaned_data["note"],
                request=request,
            )
        except services.FootageError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, done)
            return redirect("footage:request", pk=pk)
    return _detail(request, pk, {which: form}, status=400)


@permission_required(Permission.CANVASS)
@require_POST
def request_received(request: HttpRequest, pk: int) -> HttpResponse:
    return _finish(
        request, pk, "received", services.mark_footage_received, "Marked as footage received."
    )


@permission_required(Permission.CANVASS)
@require_POST
def request_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _finish(request, pk, "close", services.close, "Request closed.")


def _back(request: HttpRequest, footage_request: FootageRequest) -> HttpResponse:
    """To the page the form was on (`next`, when it is on this site), else the request."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("footage:request", pk=footage_request.pk)


@permission_required(Permission.CANVASS)
@require_POST
def call_log(request: HttpRequest, pk: int) -> HttpResponse:
    """Log the outcome of one attempt of a call task (from the case or the request page)."""
    task = get_object_or_404(CallTask.objects.select_related("request", "request__case"), pk=pk)
    form = CallForm(request.POST, prefix=f"call-{task.pk}")
    if form.is_valid():
        try:
            services.log_call(
                task,
                actor=request.user,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
                at=form.cleaned_data["at"],
                request=request,
            )
        except services.FootageError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"Call logged on request #{task.request_id}.")
    else:
        problems = "; ".join(
            f"{label}: {text}" if label else text for _id, label, text in form.error_summary()
        )
        messages.error(request, f"The call was not logged: {problems}")
    return _back(request, task.request)


@permission_required(Permission.CANVASS)
@require_POST
def request_renew(request: HttpRequest, pk: int) -> HttpResponse:
    """Send an unanswered request again with a new link, or extend its link."""
    footage_request = get_object_or_404(
        FootageRequest.objects.select_related("case", "registrant"), pk=pk
    )
    extending = request.POST.get("action") == "extend"
    try:
        if extending:
            services.extend(footage_request, actor=request.user, request=request)
        else:
            services.resend(footage_request, actor=request.user, request=request)
    except services.FootageError as error:
        messages.error(request, error.message)
    else:
        until = timezone.localtime(footage_request.link_expires_at).strftime("%b %-d, %Y %H:%M")
        if extending:
            messages.success(
                request, f"Request #{pk}: the link already emailed now works until {until}."
            )
        else:
            messages.success(
                request, f"Request #{pk} sent again; its new link works until {until}."
            )
    return _back(request, footage_request)


# The registrant's answer page -------------------------------------------------------------


def _language_for(request: HttpRequest, footage_request: FootageRequest | None) -> str:
    """?lang= when the visitor switched language on the page, else the registrant's."""
    return link_page_language(
        request, footage_request.language if footage_request is not None else None
    )


_render_public = render_link_page


@never_cache
@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows the request and the answer form (nothing is used up); POST records the answer."""
    try:
        footage_request = services.open_link(token)
    except services.LinkInvalid:
        try:  # answered "I will provide it": the link now opens the upload page
            services.open_upload_link(token)
        except services.LinkInvalid:
            return _render_public(
                request, "footage/link_invalid.html", {}, _language_for(request, None), status=410
            )
        # By URL name: the evidence app (above this one) serves the upload page.
        return redirect(reverse("evidence-public:upload", kwargs={"token": token}))
    language = _language_for(request, footage_request)
    form = AnswerForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            answered = services.answer(
                token, form.cleaned_data["answer"], form.cleaned_data["note"], request=request
            )
        except services.LinkInvalid:
            return _render_public(request, "footage/link_invalid.html", {}, language, status=410)
        return _render_public(
            request, "footage/answer_thanks.html", {"fr": answered, "token": token}, language
        )
    with translation.override(language):
        errors = form.error_summary()
    return _render_public(
        request,
        "footage/answer.html",
        {
            "fr": footage_request,
            "cameras": footage_request.requested_cameras.select_related("camera__site"),
            "form": form,
            "errors": errors,
        },
        language,
        status=400 if form.is_bound else 200,
    )

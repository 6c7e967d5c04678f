"""Console pages of the yearly confirmation and the outbox: the funnel per month and the list
behind each number, confirmations on the registrant's behalf, undeliverable emails (retry,
cancel). Thin: check the permission, parse, call services, render; changes are audited by the
services in their transaction, reads of personal data here."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from camreg.accounts.roles import Permission, permission_required
from camreg.audit import services as audit
from camreg.confirmation import services as confirmation
from camreg.outreach import services as outreach
from camreg.outreach.models import OutboxMessage
from camreg.registry import services as registry
from camreg.registry.models import Registrant

from .forms import ConfirmForForm, OutboxActionForm

LIST_PAGE_SIZE = 100


@permission_required(Permission.REVIEW)
@never_cache
@require_GET
def funnel(request: HttpRequest) -> HttpResponse:
    """Due, sent, reminded, confirmed, lapsed and purged per month of the due date."""
    rows = confirmation.funnel()
    return render(
        request,
        "console/confirmation/funnel.html",
        {
            "rows": rows,
            "stages": confirmation.STAGES,
            "policy": confirmation.Policy.from_settings(),
        },
    )


@permission_required(Permission.REVIEW)
@never_cache
@require_GET
def funnel_list(request: HttpRequest, month: str, stage: str) -> HttpResponse:
    """The registrations behind one number of the funnel (audited: it names people)."""
    first = confirmation.parse_month(month)
    if first is None or stage not in confirmation.STAGES:
        raise Http404("No such month or stage.")
    cycles = confirmation.cycles(first, stage)
    page = Paginator(cycles, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    audit.record(
        "confirmation.funnel_listed",
        request=request,
        details={"month": first.strftime("%Y-%m"), "stage": stage, "count": page.paginator.count},
    )
    return render(
        request,
        "console/confirmation/funnel_list.html",
        {
            "month": first,
            "stage": stage,
            "stage_label": confirmation.STAGES[stage][0],
            "page": page,
        },
    )


@permission_required(Permission.REGISTRANT_EDIT)
@require_POST
def confirm_for(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff confirm a registration on the registrant's behalf (a call, a letter), with a
    reason: it restarts the year, and brings a lapsed registration back."""
    registrant = get_object_or_404(Registrant, pk=pk)
    form = ConfirmForForm(request.POST, prefix="confirm")
    back = reverse("console:registrant", kwargs={"pk": pk})
    if not form.is_valid():
        messages.error(request, "Write why you are confirming on the registrant's behalf.")
        return redirect(back + "#confirmation")
    try:
        registry.confirm_for(
            registrant, actor=request.user, reason=form.cleaned_data["reason"], request=request
        )
    except registry.NotConfirmable:
        messages.error(request, "Only an active or lapsed registration can be confirmed.")
    else:
        messages.success(
            request,
            f"Registration #{pk} is confirmed on the registrant's behalf; "
            "the next annual confirmation is due in a year.",
        )
    return redirect(back + "#confirmation")


# The outbox ------------------------------------------------------------------------------


@permission_required(Permission.REVIEW)
@never_cache
@require_GET
def outbox(request: HttpRequest) -> HttpResponse:
    """Emails that could not be delivered, with the mail server's reason."""
    failed = outreach.failed_messages().select_related("registrant")
    page = Paginator(failed, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    audit.record("outbox.failed_listed", request=request, details={"count": page.paginator.count})
    return render(request, "console/outbox/failed.html", {"page": page, "form": OutboxActionForm()})


@permission_required(Permission.REVIEW)
@require_POST
def outbox_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    message = get_object_or_404(OutboxMessage, pk=pk)
    form = OutboxActionForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        if action == "retry":
            outreach.retry(message, actor=request.user, request=request, reason=reason)
            messages.success(request, f"Email #{pk} is queued again.")
        elif action == "cancel":
            outreach.cancel(message, actor=request.user, request=request, reason=reason)
            messages.success(request, f"Email #{pk} is cancelled; it will not be sent.")
        else:
            raise Http404("No such action.")
    except (outreach.NotFailed, outreach.NotCancellable):
        messages.error(request, f"Email #{pk} changed meanwhile; nothing was done.")
    return redirect("console:outbox")

"""Staff console pages. Thin: check the permission, parse, call services, render.

Reads of personal data go through console.services (which audits them); changes go
through registry.services (which audits them in the same transaction).
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from camreg.accounts.roles import Permission, can, permission_required
from camreg.audit import history as audit_history
from camreg.audit.actions import readable
from camreg.canvass import map_cells
from camreg.confirmation import services as confirmation
from camreg.registry import services as registry
from camreg.registry.forms import RegistrationForm
from camreg.registry.models import Registrant, RegistrationStatus, SystemType

from . import home as home_page
from . import services
from .forms import (
    MAP_STATUSES,
    ConfirmForForm,
    EditReasonForm,
    MapFilterForm,
    NoteForm,
    RegistrantSearchForm,
    RejectForm,
)

MAX_BULK = 500


@permission_required(Permission.CONSOLE)
@never_cache
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The console's start page: each role's work first (console/home.py)."""
    return render(
        request,
        "console/home.html",
        {"home": home_page.home_for(request.user, request=request)},
    )


def _back(request: HttpRequest, default: str) -> HttpResponse:
    """Return to the page named in `next` when it is on this site, else to `default`."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(default)


# Review --------------------------------------------------------------------------------


@permission_required(Permission.REVIEW)
@never_cache
@require_GET
def review(request: HttpRequest) -> HttpResponse:
    page, rows = services.review_queue(request=request, page_number=request.GET.get("page"))
    return render(request, "console/review.html", {"page": page, "rows": rows})


@permission_required(Permission.REVIEW)
@require_POST
def review_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    registrant = get_object_or_404(Registrant, pk=pk)
    try:
        registry.confirm_reviewed(registrant, actor=request.user, request=request)
    except registry.NotPending:
        messages.error(
            request,
            f"Registration #{pk} is no longer waiting for review, so nothing was changed.",
        )
    else:
        messages.success(
            request, f"Registration #{pk} is confirmed. The confirmation email is on its way."
        )
    return _back(request, "console:review")


@permission_required(Permission.REVIEW)
@require_POST
def review_bulk_confirm(request: HttpRequest) -> HttpResponse:
    ids = []
    for value in request.POST.getlist("selected")[:MAX_BULK]:
        try:
            ids.append(int(value))
        except ValueError:
            continue
    if not ids:
        messages.error(request, "Select at least one registration to confirm.")
        return redirect("console:review")
    result = registry.bulk_confirm(ids, actor=request.user, request=request)
    if result.confirmed:
        count = len(result.confirmed)
        messages.success(
            request,
            f"{count} registration{'s' if count != 1 else ''} confirmed. "
            "The confirmation emails are on their way.",
        )
    if result.skipped:
        listed = ", ".join(f"#{pk}" for pk in result.skipped)
        messages.warning(request, f"Not confirmed (no longer waiting for review): {listed}.")
    return redirect("console:review")


@permission_required(Permission.REVIEW)
@never_cache
@require_http_methods(["GET", "POST"])
def review_reject(request: HttpRequest, pk: int) -> HttpResponse:
    registrant = get_object_or_404(Registrant, pk=pk)
    if registrant.status != RegistrationStatus.PENDING_REVIEW:
        messages.error(request, f"Registration #{pk} is not waiting for review.")
        return redirect("console:review")
    form = RejectForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        notify = not form.cleaned_data["spam"]
        try:
            registry.reject_registration(
                registrant,
                reason=form.cleaned_data["reason"],
                notify=notify,
                actor=request.user,
                request=request,
            )
        except registry.NotPending:
            messages.error(
                request,
                f"Registration #{pk} is no longer waiting for review, so nothing was changed.",
            )
        else:
            messages.success(
                request,
                f"Registration #{pk} is rejected. "
                + (
                    "The registrant will receive the reason by email."
                    if notify
                    else "No email was sent."
                ),
            )
        return redirect("console:review")
    services.record_view(registrant, request=request, page="reject")
    return render(
        request,
        "console/review_reject.html",
        {
            "registrant": registrant,
            "sites": list(registrant.sites.all()),
            "form": form,
            "errors": form.error_summary(),
        },
        status=400 if form.is_bound else 200,
    )


# Registry map --------------------------------------------------------------------------


@permission_required(Permission.REGISTRY_VIEW)
@never_cache
@require_GET
def registry_map(request: HttpRequest) -> HttpResponse:
    form = MapFilterForm.from_query(request.GET)
    errors = form.error_summary() if form.is_bound and not form.is_valid() else []
    return render(
        request,
        "console/registry_map.html",
        {
            "form": form,
            "errors": errors,
            "bounds": json.dumps(services.jurisdiction_bounds()),
            "status_labels": json.dumps({value: str(label) for value, label in MAP_STATUSES}),
            "system_labels": json.dumps({t.value: str(t.label) for t in SystemType}),
            "registrant_url": reverse("console:registrant", kwargs={"pk": 0}),
        },
    )


@permission_required(Permission.REGISTRY_VIEW)
@never_cache
@gzip_page
@require_GET
def registry_map_data(request: HttpRequest) -> JsonResponse:
    """What the map shows of one viewport (`south`, `west`, `north`, `east`, `zoom` in the
    query, with the filters): clusters as rows of `cluster_fields` when zoomed out, cameras
    as rows of `fields` when zoomed in; no names or addresses. Decision 0020."""
    form = MapFilterForm.from_query(request.GET)
    if form.is_bound and not form.is_valid():
        return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
    if any(name in request.GET for name in map_cells.Viewport.FIELDS):
        try:
            view = map_cells.Viewport.from_query(request.GET)
        except ValueError as error:
            return JsonResponse({"errors": {"view": [{"message": str(error)}]}}, status=400)
    else:
        view = services.default_map_view()
    filters = form.filters()
    answer = services.map_points(filters, view, request=request)
    return JsonResponse(
        {
            "mode": answer.mode,
            "view": view.as_dict(),
            "level": answer.level,
            "cell_degrees": answer.cell_degrees,
            "camera_zoom": map_cells.CAMERA_ZOOM,
            "cluster_fields": services.CLUSTER_FIELDS,
            "clusters": answer.clusters,
            "fields": services.MAP_FIELDS,
            "cameras": answer.cameras,
            "count": answer.count,
            "filters": filters,
            # The registrant page of a camera: replace the trailing "0/" with its registrant_id.
            "registrant_url": reverse("console:registrant", kwargs={"pk": 0}),
        },
        json_dumps_params={"separators": (",", ":")},
    )


# Registrants ---------------------------------------------------------------------------


@permission_required(Permission.REGISTRY_VIEW)
@never_cache
@require_GET
def registrants(request: HttpRequest) -> HttpResponse:
    form = RegistrantSearchForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    page = services.search_registrants(
        query=data.get("q", ""),
        status=data.get("status", ""),
        page_number=request.GET.get("page"),
        request=request,
    )
    query_string = request.GET.copy()
    query_string.pop("page", None)
    return render(
        request,
        "console/registrants.html",
        {
            "form": form,
            "errors": form.error_summary(),
            "page": page,
            "searched": bool(data.get("q") or data.get("status")),
            "query_string": query_string.urlencode(),
        },
    )


def _detail(request: HttpRequest, registrant: Registrant, note_form: NoteForm | None = None):
    context = services.registrant_detail(registrant, request=request)
    note_form = note_form or NoteForm()
    cycle = confirmation.cycles_of(registrant).first()
    context.update(
        confirmation_cycle=cycle,
        purge_on=confirmation.purge_date_of(cycle) if cycle is not None else None,
        can_confirm_for=registrant.status in registry.CONFIRMABLE
        and registrant.erased_at is None
        and can(request.user, Permission.REGISTRANT_EDIT),
        confirm_form=ConfirmForForm(prefix="confirm"),
        note_form=note_form,
        errors=note_form.error_summary(),
        is_tombstone=registrant.status == RegistrationStatus.LEFT
        or registrant.erased_at is not None,
        is_pending=registrant.status == RegistrationStatus.PENDING_REVIEW,
        **_access_history(request, registrant),
    )
    return render(
        request, "console/registrant.html", context, status=400 if note_form.errors else 200
    )


def _access_history(request: HttpRequest, registrant: Registrant) -> dict:
    """ "Who viewed this registrant": the audit events about them, for those who oversee
    registrations (supervisors, coordinators: `registrant.edit`) and auditors (docs/roles.md).
    """
    if not (
        can(request.user, Permission.REGISTRANT_EDIT) or can(request.user, Permission.AUDIT_VIEW)
    ):
        return {"access_history": None}
    events, total = audit_history.about(
        "registry.registrant", registrant.pk, detail_key="registrant_id"
    )
    return {
        "access_history": readable(events),
        "access_history_total": total,
        "access_history_link": can(request.user, Permission.AUDIT_VIEW),
    }


@permission_required(Permission.REGISTRY_VIEW)
@never_cache
@require_GET
def registrant(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, get_object_or_404(Registrant, pk=pk))


@permission_required(Permission.REGISTRANT_NOTE)
@require_POST
def registrant_note(request: HttpRequest, pk: int) -> HttpResponse:
    registrant = get_object_or_404(Registrant, pk=pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            registry.add_note(
                registrant, author=request.user, body=form.cleaned_data["body"], request=request
            )
        except registry.NotEditable:
            messages.error(request, "This registrant left the program; notes cannot be added.")
        else:
            messages.success(request, "Note added.")
        return redirect(reverse("console:registrant", kwargs={"pk": pk}) + "#notes")
    # The detail page shows registrant data: only for those who may see it.
    if not can(request.user, Permission.REGISTRY_VIEW):
        messages.error(request, "Write the note before adding it.")
        return redirect("console:home")
    return _detail(request, registrant, note_form=form)


@permission_required(Permission.REGISTRANT_EDIT)
@never_cache
@require_http_methods(["GET", "POST"])
def registrant_edit(request: HttpRequest, pk: int) -> HttpResponse:
    registrant = get_object_or_404(Registrant, pk=pk)
    if registrant.status == RegistrationStatus.LEFT:
        messages.error(request, "This registrant left the program; there is nothing to edit.")
        return redirect("console:registrant", pk=pk)
    if request.method == "POST":
        form = RegistrationForm(request.POST, request.FILES, with_terms=False)
        reason_form = EditReasonForm(request.POST, prefix="staff")
        if form.is_structure_change:
            reason_form.show_errors = False
        form_ok = form.is_valid()
        reason_ok = reason_form.is_valid()
        if form_ok and reason_ok and not form.is_structure_change:
            sites = form.prepare_sites()
            if sites is not None:
                try:
                    registry.update_registration_for(
                        registrant,
                        form.contact.cleaned_data,
                        sites,
                        reason=reason_form.cleaned_data["reason"],
                        actor=request.user,
                        request=request,
                    )
                except registry.NotEditable:
                    messages.error(request, "This registrant left the program meanwhile.")
                except registry.EmailInUse:
                    messages.error(
                        request,
                        "Another registration uses this email address (one person, one "
                        "registration); nothing was changed.",
                    )
                else:
                    messages.success(
                        request,
                        f"Registration #{pk} is updated. The reason is in the audit log.",
                    )
                return redirect("console:registrant", pk=pk)
    else:
        form = RegistrationForm(with_terms=False, initial=RegistrationForm.initial_for(registrant))
        reason_form = EditReasonForm(prefix="staff")
    services.record_view(registrant, request=request, page="edit")
    errors = reason_form.error_summary() + form.error_summary()
    return render(
        request,
        "console/registrant_edit.html",
        {"registrant": registrant, "form": form, "reason_form": reason_form, "errors": errors},
        status=400 if errors else 200,
    )

"""Staff administration in the console: invite, assign roles, deactivate (Administrator)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import services
from .forms import DeactivateForm, InviteForm, RolesForm
from .models import User
from .roles import Permission, permission_required


def _with_authenticator(queryset):
    return queryset.annotate(
        has_authenticator=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True))
    )


@permission_required(Permission.USERS)
@require_http_methods(["GET"])
def staff_list(request: HttpRequest) -> HttpResponse:
    people = _with_authenticator(User.objects.all()).order_by("-is_active", "full_name", "email")
    return render(request, "accounts/staff/list.html", {"people": people})


@permission_required(Permission.USERS)
@require_http_methods(["GET", "POST"])
def invite(request: HttpRequest) -> HttpResponse:
    form = InviteForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        user, _link = services.invite(
            email=form.cleaned_data["email"],
            full_name=form.cleaned_data["full_name"],
            roles=form.cleaned_data["roles"],
            actor=request.user,
            request=request,
        )
        messages.success(request, f"Invitation sent to {user.email}.")
        return redirect("staff:detail", pk=user.pk)
    status = 400 if form.is_bound else 200
    return render(
        request,
        "accounts/staff/invite.html",
        {
            "form": form,
            "errors": form.error_summary(),
            "invitation_days": settings.STAFF_INVITATION_DAYS,
        },
        status=status,
    )


def _detail_page(request, person: User, *, roles_form=None, status: int = 200) -> HttpResponse:
    roles_form = roles_form or RolesForm(initial={"roles": person.roles})
    errors = roles_form.error_summary() if roles_form.is_bound else []
    return render(
        request,
        "accounts/staff/detail.html",
        {
            "person": person,
            "is_me": person.pk == request.user.pk,
            "roles_form": roles_form,
            "deactivate_form": DeactivateForm(auto_id="id_deactivate_%s"),
            "errors": errors,
            "has_authenticator": services.has_authenticator(person),
            "recovery_codes_left": services.recovery_codes_left(person),
        },
        status=status,
    )


@permission_required(Permission.USERS)
@require_http_methods(["GET", "POST"])
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(User, pk=pk)
    if request.method == "GET":
        return _detail_page(request, person)
    form = RolesForm(request.POST)
    if form.is_valid():
        try:
            changed = services.change_roles(
                person, form.cleaned_data["roles"], actor=request.user, request=request
            )
        except services.StaffChangeRefused as refused:
            form.add_error("roles", str(refused))
        else:
            messages.success(
                request,
                f"Roles of {person} saved." if changed else "The roles were already like that.",
            )
            return redirect("staff:detail", pk=person.pk)
    return _detail_page(request, person, roles_form=form, status=400)


def _refused(request, person: User, refused: Exception) -> HttpResponse:
    messages.error(request, str(refused))
    return redirect("staff:detail", pk=person.pk)


@permission_required(Permission.USERS)
@require_POST
def deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(User, pk=pk)
    form = DeactivateForm(request.POST, auto_id="id_deactivate_%s")
    reason = form.cleaned_data.get("reason", "") if form.is_valid() else ""
    try:
        services.deactivate(person, actor=request.user, request=request, reason=reason)
    except services.StaffChangeRefused as refused:
        return _refused(request, person, refused)
    messages.success(request, f"{person} is deactivated and can no longer sign in.")
    return redirect("staff:detail", pk=person.pk)


@permission_required(Permission.USERS)
@require_POST
def reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(User, pk=pk)
    services.reactivate(person, actor=request.user, request=request)
    messages.success(request, f"{person} can sign in again.")
    return redirect("staff:detail", pk=person.pk)


@permission_required(Permission.USERS)
@require_POST
def reset_mfa(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(User, pk=pk)
    try:
        services.reset_mfa(person, actor=request.user, request=request)
    except services.StaffChangeRefused as refused:
        return _refused(request, person, refused)
    messages.success(
        request,
        f"The second factor of {person} is reset. At the next sign-in they set up their "
        "authenticator app again.",
    )
    return redirect("staff:detail", pk=person.pk)


@permission_required(Permission.USERS)
@require_POST
def resend_invitation(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(User, pk=pk)
    if not person.invitation_pending:
        messages.error(request, f"{person} has already accepted the invitation.")
    else:
        services.resend_invitation(person, actor=request.user, request=request)
        messages.success(request, f"A new invitation is on its way to {person.email}.")
    return redirect("staff:detail", pk=person.pk)

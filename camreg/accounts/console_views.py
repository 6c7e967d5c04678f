"""Staff administration in the console: invite, assign roles, deactivate, unlock; service
accounts for the API (Administrator)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from . import services
from .forms import DeactivateForm, InviteForm, RolesForm, ServiceAccountForm
from .models import AccountKind, AuthenticatorDevice, User
from .roles import Permission, permission_required


def _with_authenticator(queryset):
    return queryset.annotate(
        has_authenticator=Exists(
            AuthenticatorDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
        )
    )


def _mark_locked(people) -> list[User]:
    locked = services.locked_accounts()
    people = list(people)
    for person in people:
        person.locked_until = locked.get(person.email)
    return people


@permission_required(Permission.USERS)
@require_http_methods(["GET"])
def staff_list(request: HttpRequest) -> HttpResponse:
    everyone = _mark_locked(
        _with_authenticator(User.objects.all()).order_by("-is_active", "full_name", "email")
    )
    people = [u for u in everyone if u.kind == AccountKind.PERSON]
    service_accounts = [u for u in everyone if u.kind == AccountKind.SERVICE]
    return render(
        request,
        "accounts/staff/list.html",
        {
            "people": people,
            "service_accounts": service_accounts,
            "locked": [u for u in everyone if u.locked_until],
        },
    )


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


@permission_required(Permission.USERS)
@require_http_methods(["GET", "POST"])
def service_account_create(request: HttpRequest) -> HttpResponse:
    form = ServiceAccountForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            account = services.create_service_account(
                name=form.cleaned_data["name"],
                roles=form.cleaned_data["roles"],
                actor=request.user,
                request=request,
            )
        except services.StaffChangeRefused as refused:
            form.add_error("roles", str(refused))
        else:
            messages.success(
                request, f"Service account {account} created. Now create an API token for it."
            )
            return redirect("staff:detail", pk=account.pk)
    status = 400 if form.is_bound else 200
    return render(
        request,
        "accounts/staff/service_account_create.html",
        {"form": form, "errors": form.error_summary() if form.is_bound else []},
        status=status,
    )


def _detail_page(request, person: User, *, roles_form=None, status: int = 200) -> HttpResponse:
    service = person.is_service_account
    roles_form = roles_form or RolesForm(initial={"roles": person.roles}, service_account=service)
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
            "locked_until": services.locked_until(person),
        },
        status=status,
    )


@permission_required(Permission.USERS)
@require_http_methods(["GET", "POST"])
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(User, pk=pk)
    if request.method == "GET":
        return _detail_page(request, person)
    form = RolesForm(request.POST, service_account=person.is_service_account)
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
    if person.is_service_account:
        messages.success(request, f"{person} is deactivated; its API tokens are revoked for good.")
    else:
        messages.success(
            request, f"{person} is deactivated: signed out everywhere and can no longer sign in."
        )
    return redirect("staff:detail", pk=person.pk)


@permission_required(Permission.USERS)
@require_POST
def reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(User, pk=pk)
    services.reactivate(person, actor=request.user, request=request)
    if person.is_service_account:
        messages.success(request, f"{person} is active again. Create a new API token for it.")
    else:
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


@permission_required(Permission.USERS)
@require_POST
def unlock(request: HttpRequest, pk: int) -> HttpResponse:
    """Lift a sign-in lockout of the account (not of a network address)."""
    person = get_object_or_404(User, pk=pk)
    if services.unlock(person, actor=request.user, request=request):
        messages.success(request, f"Sign-in to the account of {person} is unlocked.")
    else:
        messages.info(request, f"Sign-in to the account of {person} is not locked.")
    next_page = request.POST.get("next")
    if next_page == "list":
        return redirect("staff:list")
    return redirect("staff:detail", pk=person.pk)

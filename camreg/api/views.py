"""API tokens in the console (/console/api-tokens/): list, create (shown once), revoke.

Tokens belong to service accounts (decision 0019), which administrators create under Staff.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from camreg.accounts.models import AccountKind, User
from camreg.accounts.roles import Permission, permission_required

from . import services
from .forms import TokenForm
from .models import ApiToken


def _account_from_query(request: HttpRequest) -> User | None:
    account = request.GET.get("account", "")
    if not account.isdigit():
        return None
    return User.objects.filter(pk=int(account), kind=AccountKind.SERVICE).first()


@permission_required(Permission.USERS)
@require_http_methods(["GET"])
def token_list(request: HttpRequest) -> HttpResponse:
    tokens = ApiToken.objects.select_related("user", "created_by")
    account = _account_from_query(request)
    if account is not None:
        tokens = tokens.filter(user=account)
    return render(request, "api/tokens/list.html", {"tokens": tokens, "account": account})


@never_cache
@permission_required(Permission.USERS)
@require_http_methods(["GET", "POST"])
def token_create(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = TokenForm(request.POST)
    else:
        account = _account_from_query(request)
        form = TokenForm(initial={"account": account.pk} if account else None)
    if form.is_bound and form.is_valid():
        try:
            token, raw = services.create_token(
                user=form.cleaned_data["account"],
                name=form.cleaned_data["name"],
                actor=request.user,
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error.messages[0])
        else:
            # Shown in this answer only: never stored, never redirected to.
            return render(request, "api/tokens/created.html", {"token": token, "raw": raw})
    status = 400 if form.is_bound else 200
    return render(
        request,
        "api/tokens/create.html",
        {
            "form": form,
            "errors": form.error_summary() if form.is_bound else [],
            "has_service_accounts": form.fields["account"].queryset.exists(),
        },
        status=status,
    )


@permission_required(Permission.USERS)
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk)
    services.revoke(token, actor=request.user, request=request)
    messages.success(request, f"The token {token.prefix}… ({token.name}) is revoked.")
    return redirect("api-tokens:list")

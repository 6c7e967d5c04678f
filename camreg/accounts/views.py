"""Staff sign-in: password, then a second factor (set up on the first sign-in); sign-out;
password reset and invitations by single-use email links.

django-axes counts every failure (wrong password or wrong code) per account and per
address and locks sign-in after AXES_FAILURE_LIMIT of them for AXES_COOLOFF_TIME.
"""

from __future__ import annotations

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from camreg.accounts.roles import is_verified
from camreg.web.http import rate_limited

from . import services
from .forms import CodeForm, EnrolForm, NewPasswordForm, PasswordResetRequestForm, SignInForm
from .models import TokenPurpose

GET_POST = ["GET", "POST"]
AFTER_CODES_KEY = "staff_after_recovery_codes"


def _lockout_minutes() -> int:
    return max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))


def locked_out(request: HttpRequest, response=None, credentials=None) -> HttpResponse:
    """Shown when sign-in is locked (also called by django-axes: AXES_LOCKOUT_CALLABLE)."""
    return render(
        request,
        "accounts/locked_out.html",
        {"minutes": _lockout_minutes(), "failures": settings.AXES_FAILURE_LIMIT},
        status=429,
    )


def _form_page(request, template: str, context: dict) -> HttpResponse:
    form = context["form"]
    context.setdefault("errors", form.error_summary())
    status = 400 if form.is_bound and form.errors else 200
    return render(request, template, context, status=status)


def _restart(request: HttpRequest, message: str | None = None) -> HttpResponse:
    if message:
        messages.info(request, message)
    return redirect("accounts:sign-in")


# Sign-in --------------------------------------------------------------------------------


@never_cache
@csrf_protect
@sensitive_post_parameters("password")
@require_http_methods(GET_POST)
def sign_in(request: HttpRequest) -> HttpResponse:
    next_url = services.safe_next(request, request.POST.get("next") or request.GET.get("next"))
    form = SignInForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        email = form.cleaned_data["email"].strip().lower()
        if not AxesProxyHandler.is_allowed(request, {"username": email}):
            services.record_blocked(request, email, stage="password")
            return locked_out(request)
        # Through authenticate(), so django-axes sees (and counts) every failure.
        user = authenticate(request, username=email, password=form.cleaned_data["password"])
        if user is None:
            if services.record_failure(request, email, stage="password"):
                return locked_out(request)
            form.add_error(
                None,
                "The email address or password is not right. Check both and try again. "
                f"After {settings.AXES_FAILURE_LIMIT} failed attempts, sign-in is locked "
                f"for {_lockout_minutes()} minutes.",
            )
        else:
            services.start_pending(request, user, next_url)
            if services.has_authenticator(user):
                return redirect("accounts:sign-in-code")
            return redirect("accounts:sign-in-enrol")
    return _form_page(
        request,
        "accounts/sign_in.html",
        {"form": form, "next": next_url, "signed_in": is_verified(request.user)},
    )


@never_cache
@csrf_protect
@sensitive_post_parameters("code")
@require_http_methods(GET_POST)
def sign_in_code(request: HttpRequest) -> HttpResponse:
    pending = services.pending_user(request)
    if pending is None:
        return _restart(request, "Sign in with your email address and password first.")
    user, state = pending
    if not services.has_authenticator(user):
        return redirect("accounts:sign-in-enrol")
    form = CodeForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        if not AxesProxyHandler.is_allowed(request, {"username": user.email}):
            services.clear_pending(request)
            services.record_blocked(request, user.email, stage="second_factor")
            return locked_out(request)
        result = services.check_code(user, form.cleaned_data["code"])
        if result.device is not None:
            services.complete_sign_in(request, user, result.device, method=result.method)
            if result.method == "recovery_code":
                left = services.recovery_codes_left(user)
                messages.warning(
                    request,
                    f"You used a recovery code; {left} left. Each code works only once.",
                )
            return redirect(state.get("next") or settings.LOGIN_REDIRECT_URL)
        if result.throttled:
            form.add_error("code", "Wait a few seconds, then enter the code again.")
        else:
            if services.count_code_failure(request, user):
                services.clear_pending(request)
                return locked_out(request)
            form.add_error(
                "code",
                "That code is not right. Enter the code your app shows now, or a recovery code.",
            )
    return _form_page(request, "accounts/sign_in_code.html", {"form": form})


@never_cache
@csrf_protect
@sensitive_post_parameters("code")
@require_http_methods(GET_POST)
def sign_in_enrol(request: HttpRequest) -> HttpResponse:
    """First sign-in (or after a reset): set up the authenticator app, by QR code or key."""
    pending = services.pending_user(request)
    if pending is None:
        return _restart(request, "Sign in with your email address and password first.")
    user, state = pending
    if services.has_authenticator(user):
        return redirect("accounts:sign-in-code")
    device = services.enrolment_device(user)
    form = EnrolForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        if services.confirm_enrolment(request, user, device, form.cleaned_data["code"]):
            request.session[AFTER_CODES_KEY] = state.get("next")
            return redirect("accounts:recovery-codes")
        form.add_error(
            "code",
            "That code is not right. Check that the app shows this account, and that the "
            "clock of your phone is set automatically, then enter the current code.",
        )
    return _form_page(
        request,
        "accounts/enrol.html",
        {
            "form": form,
            "qr_svg": services.qr_svg(device),
            "secret": services.grouped_secret(device),
            "issuer": settings.OTP_TOTP_ISSUER,
            "account": user.email,
        },
    )


@never_cache
@require_http_methods(["GET"])
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """The new recovery codes, shown once right after setting up the authenticator."""
    codes = request.session.pop(services.NEW_RECOVERY_CODES_KEY, None)
    if not codes or not is_verified(request.user):
        if is_verified(request.user):
            return redirect(settings.LOGIN_REDIRECT_URL)
        return redirect("accounts:sign-in")
    next_url = request.session.pop(AFTER_CODES_KEY, None)
    return render(
        request,
        "accounts/recovery_codes.html",
        {
            "codes": [services.format_recovery_code(c) for c in codes],
            "next": services.safe_next(request, next_url),
        },
    )


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    was_signed_in = request.user.is_authenticated
    services.sign_out(request)
    if was_signed_in:
        messages.info(request, "You are signed out.")
    return redirect("accounts:sign-in")


# Password reset ---------------------------------------------------------------------


@never_cache
@csrf_protect
@require_http_methods(GET_POST)
def password_reset(request: HttpRequest) -> HttpResponse:
    form = PasswordResetRequestForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        email = form.cleaned_data["email"]
        limited = rate_limited(request, "staff-password-reset-ip", "20/h") or rate_limited(
            request, "staff-password-reset-email", "5/h", key=email.lower()
        )
        if not limited:
            services.request_password_reset(request, email)
        # The same answer whether or not the address belongs to anyone.
        return redirect("accounts:password-reset-sent")
    return _form_page(request, "accounts/password_reset.html", {"form": form})


@require_http_methods(["GET"])
def password_reset_sent(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/password_reset_sent.html",
        {"minutes": settings.STAFF_PASSWORD_RESET_MINUTES},
    )


def _link_invalid(request: HttpRequest, kind: str) -> HttpResponse:
    return render(request, "accounts/link_invalid.html", {"kind": kind}, status=410)


@never_cache
@csrf_protect
@sensitive_post_parameters("new_password1", "new_password2")
@require_http_methods(GET_POST)
def password_reset_confirm(request: HttpRequest, token: str) -> HttpResponse:
    staff_token = services.find_token(token, TokenPurpose.PASSWORD_RESET)
    if staff_token is None:
        return _link_invalid(request, "reset")
    form = NewPasswordForm(staff_token.user, request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        if not services.complete_password_reset(request, staff_token, form.password):
            return _link_invalid(request, "reset")
        messages.success(
            request,
            "Your password is changed. Sign in with it, then enter the code from your "
            "authenticator app.",
        )
        return redirect("accounts:sign-in")
    return _form_page(
        request, "accounts/password_reset_confirm.html", {"form": form, "person": staff_token.user}
    )


# Invitations -----------------------------------------------------------------------------


@never_cache
@csrf_protect
@sensitive_post_parameters("new_password1", "new_password2")
@require_http_methods(GET_POST)
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The invitee chooses a password, then sets up the authenticator app."""
    staff_token = services.find_token(token, TokenPurpose.INVITATION)
    if staff_token is None:
        return _link_invalid(request, "invitation")
    user = staff_token.user
    form = NewPasswordForm(user, request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        if not services.accept_invitation(request, staff_token, form.password):
            return _link_invalid(request, "invitation")
        services.start_pending(request, user, services.safe_next(request, None))
        return redirect("accounts:sign-in-enrol")
    return _form_page(request, "accounts/invitation.html", {"form": form, "person": user})

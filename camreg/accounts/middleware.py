"""Session limits for staff: an idle timeout and an absolute lifetime.

Only signed-in staff are concerned. Registrants' portal sessions (magic links, no
account) and anonymous visitors pass through untouched.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django_otp.middleware import OTPMiddleware

from camreg import rows

from . import services
from .models import AuthenticatorDevice, RecoveryCodeDevice

CONSOLE_PREFIX = "/console/"
MESSAGES = {
    "idle": "You were signed out after {minutes} minutes without activity. Sign in again.",
    "absolute": "Your session reached its limit of {hours} hours. Sign in again.",
}


class StaffSessionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            reason = services.session_expiry(request)
            if reason is not None:
                return self._expired(request, reason)
        return self.get_response(request)

    def _expired(self, request, reason: str):
        services.end_session(request, reason=reason)
        # Code after us may ask an anonymous visitor whether they are verified.
        OTPMiddleware._init_user_fields(request.user)
        messages.info(
            request,
            MESSAGES[reason].format(
                minutes=settings.STAFF_IDLE_MINUTES, hours=settings.STAFF_SESSION_HOURS
            ),
        )
        if request.path.startswith(CONSOLE_PREFIX):
            if request.method == "GET":
                return redirect_to_login(request.get_full_path())
            return redirect(settings.LOGIN_URL)
        # Public pages and the sign-in pages carry on for the now anonymous visitor.
        return self.get_response(request)


class StaffOTPMiddleware(OTPMiddleware):
    """django-otp's middleware, reading the session's second-factor device with one plain
    query (`camreg.rows`, decision 0028): every signed-in request reads it. What it then
    checks (the device is the user's and confirmed) is django-otp's."""

    _DEVICES = {model.model_label(): model for model in (AuthenticatorDevice, RecoveryCodeDevice)}

    def _device_from_persistent_id(self, persistent_id: str):
        label, _, device_id = self._normalize_persistent_id(persistent_id).rpartition("/")
        model = self._DEVICES.get(label)
        if model is None:
            return super()._device_from_persistent_id(persistent_id)
        try:
            return rows.fetch(model, pk=int(device_id))
        except ValueError:
            return None

"""Keeping the list of each staff member's sessions (StaffSession), so deactivation can end
every one of them."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from .services.sessions import forget_session, remember_session


@receiver(user_logged_in, dispatch_uid="accounts.remember_staff_session")
def remember_staff_session(sender, request, user, **kwargs) -> None:
    session = getattr(request, "session", None)
    if session is not None and session.session_key:
        remember_session(user, session.session_key)


@receiver(user_logged_out, dispatch_uid="accounts.forget_staff_session")
def forget_staff_session(sender, request, user, **kwargs) -> None:
    session = getattr(request, "session", None)
    if session is not None and session.session_key:
        forget_session(session.session_key)

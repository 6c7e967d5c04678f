"""Staff session limits: an absolute lifetime and an idle timeout, and signing out."""

from __future__ import annotations

from django.conf import settings
from django.contrib import auth
from django.http import HttpRequest
from django.utils import timezone

from camreg.audit.services import record

# Session keys.
SIGNED_IN_AT_KEY = "staff_signed_in_at"  # epoch seconds
LAST_SEEN_KEY = "staff_last_seen"  # epoch seconds

# Session keys of other audiences that a staff session timeout keeps: apps above add
# theirs in their AppConfig.ready() (the registry adds its self-service portal's key).
KEPT_ON_STAFF_TIMEOUT: set[str] = set()


def now_ts() -> float:
    return timezone.now().timestamp()


def start_session_clock(request: HttpRequest) -> None:
    now = now_ts()
    request.session[SIGNED_IN_AT_KEY] = now
    request.session[LAST_SEEN_KEY] = now
    request.session.set_expiry(settings.STAFF_SESSION_HOURS * 3600)


def session_expiry(request: HttpRequest) -> str | None:
    """Why the staff session is over ("idle" or "absolute"), or None while it may go on.

    Also records this request as activity.
    """
    session = request.session
    now = now_ts()
    started = session.get(SIGNED_IN_AT_KEY)
    last_seen = session.get(LAST_SEEN_KEY)
    if not isinstance(started, (int, float)) or not isinstance(last_seen, (int, float)):
        start_session_clock(request)  # a session from before these limits existed
        return None
    if now - started >= settings.STAFF_SESSION_HOURS * 3600:
        return "absolute"
    if now - last_seen >= settings.STAFF_IDLE_MINUTES * 60:
        return "idle"
    if now - last_seen >= 30:  # fewer session writes; idle time is measured to the minute
        session[LAST_SEEN_KEY] = now
    return None


def end_session(request: HttpRequest, *, reason: str) -> None:
    """Sign out the staff member of this request because a session limit was reached."""
    user = request.user
    session = request.session
    record(
        "auth.session_timeout",
        actor=user,
        request=request,
        target=user,
        details={
            "reason": reason,
            "signed_in_at": session.get(SIGNED_IN_AT_KEY),
            "last_seen": session.get(LAST_SEEN_KEY),
        },
    )
    # Other sessions in the same browser (a registrant's self-service) are not the staff's.
    kept = {key: session[key] for key in KEPT_ON_STAFF_TIMEOUT if key in session}
    auth.logout(request)
    request.session.update(kept)


def sign_out(request: HttpRequest) -> None:
    user = request.user
    if user.is_authenticated:
        record("auth.sign_out", actor=user, request=request, target=user)
    auth.logout(request)

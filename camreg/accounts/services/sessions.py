"""Staff session limits: an absolute lifetime and an idle timeout, signing out, and the list
of each staff member's sessions that deactivation ends."""

from __future__ import annotations

from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.contrib import auth
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from camreg.audit.services import record

from ..models import StaffSession, User

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


# The list of sessions ------------------------------------------------------------------


def remember_session(user: User, session_key: str) -> None:
    """Note a new signed-in session of `user` (on `user_logged_in`)."""
    StaffSession.objects.update_or_create(session_key=session_key, defaults={"user": user})


def forget_session(session_key: str) -> None:
    StaffSession.objects.filter(session_key=session_key).delete()


def end_all_sessions(user: User) -> int:
    """End every session of `user`, for good; return how many listed sessions were deleted.

    The listed sessions are deleted from the session store, and the account's session
    generation goes up, so a session nobody listed (one from before the list existed) fails
    Django's session hash check too and never comes back, not even after a reactivation.
    """
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    keys = list(StaffSession.objects.filter(user=user).values_list("session_key", flat=True))
    for key in keys:
        store.delete(key)
    StaffSession.objects.filter(user=user).delete()
    User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)
    user.refresh_from_db(fields=["session_generation"])
    return len(keys)


def forget_old_sessions(*, now=None) -> int:
    """Drop list entries older than the longest staff session (they have ended anyway)."""
    cutoff = (now or timezone.now()) - timedelta(hours=settings.STAFF_SESSION_HOURS)
    return StaffSession.objects.filter(created_at__lt=cutoff).delete()[0]

"""The registrant's self-service session, opened by a magic link.

Registrants have no accounts; a portal session remembers which registration the browser
may manage, for a limited time.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.http import HttpRequest

from .models import Registrant
from .services import MANAGEABLE

SESSION_KEY = "portal_registrant"


def start(request: HttpRequest, registrant: Registrant) -> None:
    request.session.cycle_key()
    request.session[SESSION_KEY] = {
        "id": str(registrant.public_id),
        "expires": time.time() + settings.PORTAL_SESSION_MINUTES * 60,
    }


def current(request: HttpRequest) -> Registrant | None:
    data = request.session.get(SESSION_KEY)
    if not isinstance(data, dict) or data.get("expires", 0) < time.time():
        return None
    registrant = Registrant.objects.filter(public_id=data.get("id"), status__in=MANAGEABLE).first()
    if registrant is not None:  # sliding expiry while the registrant is active
        data["expires"] = time.time() + settings.PORTAL_SESSION_MINUTES * 60
        request.session[SESSION_KEY] = data
    return registrant


def end(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)
    request.session.cycle_key()

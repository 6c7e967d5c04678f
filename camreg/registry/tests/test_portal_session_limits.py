"""The staff session limits (30 idle minutes, 12 hours) leave registrants' portal sessions
and anonymous visitors alone."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from camreg.accounts import services
from camreg.registry import portal
from camreg.testing.audit import events
from camreg.testing.registrants import make_registrant, portal_client


def test_portal_sessions_and_visitors_are_not_concerned(db):
    registrant = make_registrant("Alice", status="active")
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        resident = portal_client(registrant)
        visitor = Client()
        assert visitor.get(reverse("public:home")).status_code == 200
        traveller.shift(timedelta(hours=13))
        assert visitor.get(reverse("public:home")).status_code == 200
        session = resident.session
        assert services.SIGNED_IN_AT_KEY not in session
        assert portal.SESSION_KEY in session
        assert resident.get(reverse("registry:portal")).status_code == 200
    assert not events("auth.session_timeout")

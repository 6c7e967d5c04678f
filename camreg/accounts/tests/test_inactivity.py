"""Staff accounts unused for 90 days are disabled by a daily worker task, and audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from camreg import scheduling
from camreg.accounts import services, tasks
from camreg.accounts.models import DeactivationReason
from camreg.audit.models import ActorType
from camreg.testing.audit import events, one_event
from camreg.testing.staff import PASSWORD, make_staff, sign_in

from .conftest import SIGN_IN

pytestmark = pytest.mark.django_db


def test_accounts_unused_for_90_days_are_disabled(dana):
    start = timezone.now()
    dana.last_login = start
    dana.save()
    never_signed_in = make_staff(
        "deputy", email="invited@example.org", enrolled=False, password=None
    )
    recent = make_staff("deputy", email="recent@example.org")
    with time_machine.travel(start + timedelta(days=30), tick=False):
        sign_in(Client(), recent)

    with time_machine.travel(start + timedelta(days=89, hours=23), tick=False):
        assert services.disable_inactive_staff() == 0
    with time_machine.travel(start + timedelta(days=90, hours=1), tick=False):
        assert services.disable_inactive_staff() == 2  # the deputy and the unused invitation
        assert services.disable_inactive_staff() == 0  # once only

    for user in (dana, never_signed_in):
        user.refresh_from_db()
        assert not user.is_active
        assert user.deactivated_reason == DeactivationReason.INACTIVE
    recent.refresh_from_db()
    assert recent.is_active
    disabled = events("staff.disabled_inactive")
    assert {e.target_id for e in disabled} == {str(dana.pk), str(never_signed_in.pk)}

    with time_machine.travel(start + timedelta(days=120, hours=1), tick=False):
        assert services.disable_inactive_staff() == 1
    recent.refresh_from_db()
    assert not recent.is_active


def test_the_task_runs_daily_and_is_audited_as_the_system(dana):
    assert scheduling.Job("camreg.accounts.tasks.disable_inactive_staff", scheduling.DAY) in (
        scheduling.JOBS
    )
    dana.last_login = timezone.now() - timedelta(days=91)
    dana.save()
    result = tasks.disable_inactive_staff.enqueue()
    assert result.return_value == 1
    event = one_event("staff.disabled_inactive")
    assert event.actor_type == ActorType.SYSTEM and event.target_id == str(dana.pk)
    assert event.details["days"] == 90
    refused = Client().post(SIGN_IN, {"email": dana.email, "password": PASSWORD})
    assert refused.status_code == 400


def test_a_reactivated_account_gets_a_fresh_period(administrator, dana):
    dana.last_login = timezone.now() - timedelta(days=200)
    dana.save()
    services.disable_inactive_staff()
    administrator.post(reverse("staff:reactivate", args=[dana.pk]))
    assert services.disable_inactive_staff() == 0
    dana.refresh_from_db()
    assert dana.is_active
    with time_machine.travel(timezone.now() + timedelta(days=91)):
        assert services.disable_inactive_staff() >= 1
    dana.refresh_from_db()
    assert not dana.is_active


def test_zero_days_switches_it_off(dana, settings):
    settings.STAFF_INACTIVE_DAYS = 0
    dana.last_login = timezone.now() - timedelta(days=1000)
    dana.save()
    assert services.disable_inactive_staff() == 0

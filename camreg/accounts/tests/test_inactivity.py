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

from .conftest import PASSWORD, SIGN_IN, events, make_staff, sign_in

pytestmark = pytest.mark.django_db


def test_accounts_unused_for_90_days_are_disabled(deputy):
    start = timezone.now()
    deputy.last_login = start
    deputy.save()
    never_signed_in = make_staff("invited@example.org", enrolled=False, password=None)
    recent = make_staff("recent@example.org")
    with time_machine.travel(start + timedelta(days=30), tick=False):
        sign_in(Client(), recent)

    with time_machine.travel(start + timedelta(days=89, hours=23), tick=False):
        assert services.disable_inactive_staff() == 0
    with time_machine.travel(start + timedelta(days=90, hours=1), tick=False):
        assert services.disable_inactive_staff() == 2  # the deputy and the unused invitation
        assert services.disable_inactive_staff() == 0  # once only

    for user in (deputy, never_signed_in):
        user.refresh_from_db()
        assert not user.is_active
        assert user.deactivated_reason == DeactivationReason.INACTIVE
    recent.refresh_from_db()
    assert recent.is_active
    disabled = events("staff.disabled_inactive")
    assert {e.target_id for e in disabled} == {str(deputy.pk), str(never_signed_in.pk)}

    with time_machine.travel(start + timedelta(days=120, hours=1), tick=False):
        assert services.disable_inactive_staff() == 1
    recent.refresh_from_db()
    assert not recent.is_active


def test_the_task_runs_daily_and_is_audited_as_the_system(deputy):
    assert scheduling.Job("camreg.accounts.tasks.disable_inactive_staff", scheduling.DAY) in (
        scheduling.JOBS
    )
    deputy.last_login = timezone.now() - timedelta(days=91)
    deputy.save()
    result = tasks.disable_inactive_staff.enqueue()
    assert result.return_value == 1
    event = events("staff.disabled_inactive").get()
    assert event.actor_type == ActorType.SYSTEM and event.target_id == str(deputy.pk)
    assert event.details["days"] == 90
    refused = Client().post(SIGN_IN, {"email": deputy.email, "password": PASSWORD})
    assert refused.status_code == 400


def test_a_reactivated_account_gets_a_fresh_period(admin, admin_client, deputy):
    deputy.last_login = timezone.now() - timedelta(days=200)
    deputy.save()
    services.disable_inactive_staff()
    admin_client.post(reverse("staff:reactivate", args=[deputy.pk]))
    assert services.disable_inactive_staff() == 0
    deputy.refresh_from_db()
    assert deputy.is_active
    with time_machine.travel(timezone.now() + timedelta(days=91)):
        assert services.disable_inactive_staff() >= 1
    deputy.refresh_from_db()
    assert not deputy.is_active


def test_zero_days_switches_it_off(deputy, settings):
    settings.STAFF_INACTIVE_DAYS = 0
    deputy.last_login = timezone.now() - timedelta(days=1000)
    deputy.save()
    assert services.disable_inactive_staff() == 0

"""A registration turned down in review loses its personal data REJECTED_ERASE_DAYS later."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from camreg.registry import services, tasks
from camreg.registry.models import AccessToken, Camera, Registrant, RegistrationStatus, Site
from camreg.testing.audit import events

pytestmark = pytest.mark.django_db


@pytest.fixture
def rejected(coordinator, make_registrant):
    registrant = make_registrant("Rita Rejected", email="rita@example.com", phone="+16615550100")
    services.issue_token(registrant, "manage", timedelta(days=1))
    coordinator.post(
        reverse("console:review-reject", kwargs={"pk": registrant.pk}),
        {"reason": "Outside Kern County."},
    )
    registrant.refresh_from_db()
    assert registrant.status == RegistrationStatus.REJECTED and registrant.rejected_at
    return registrant


def test_kept_until_the_period_ends_then_erased_once(rejected, make_registrant):
    pending = make_registrant("Pat Pending")
    days = settings.REJECTED_ERASE_DAYS
    with time_machine.travel(rejected.rejected_at + timedelta(days=days, seconds=-60)):
        assert services.erase_rejected() == 0
    rejected.refresh_from_db()
    assert rejected.name == "Rita Rejected" and rejected.erased_at is None

    later = rejected.rejected_at + timedelta(days=days, seconds=60)
    with time_machine.travel(later):
        assert tasks.erase_rejected_registrations.call() == 1
        assert services.erase_rejected() == 0  # once only

    rejected.refresh_from_db()
    assert (rejected.name, rejected.email, rejected.phone) == ("", "", "")
    assert rejected.status == RegistrationStatus.REJECTED
    assert rejected.rejection_reason == "Outside Kern County."
    assert rejected.erased_at == later
    assert not Site.objects.filter(registrant=rejected).exists()
    assert not Camera.objects.filter(site__registrant=rejected).exists()
    assert not AccessToken.objects.filter(registrant=rejected).exists()
    [event] = events("registration.rejected_erased")
    assert event.target_id == str(rejected.pk) and event.actor_id in ("", None)
    # Other registrations are not touched.
    assert Registrant.objects.get(pk=pending.pk).name == "Pat Pending"


def test_the_console_shows_the_erased_record_without_personal_data(coordinator, rejected):
    with time_machine.travel(timezone.now() + timedelta(days=settings.REJECTED_ERASE_DAYS + 1)):
        services.erase_rejected()
    body = coordinator.get(reverse("console:registrant", kwargs={"pk": rejected.pk})).content
    text = body.decode()
    assert "was not accepted. Its personal data" in text
    assert "Rita" not in text and "rita@example.com" not in text
    assert "Edit on the registrant" not in text


def test_the_scheduler_runs_it_daily():
    from camreg.scheduling import DAY, JOBS

    assert ("camreg.registry.tasks.erase_rejected_registrations", DAY) in [tuple(j) for j in JOBS]

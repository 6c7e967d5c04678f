from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from camreg.outreach.models import OutboxMessage
from camreg.registry.models import Camera, Registrant, RegistrationStatus, Site
from camreg.registry.tasks import purge_unverified_registrations
from camreg.testing.mail import link_from_last_email, path_of
from camreg.testing.registrants import registration_post

pytestmark = pytest.mark.django_db


def test_unverified_purged_after_7_days_verified_kept(client, address_points):
    client.post(reverse("registry:register"), registration_post(email="late@example.com"))
    client.post(reverse("registry:register"), registration_post(email="quick@example.com"))
    client.post(path_of(link_from_last_email(r"https?://\S+/verify/\S+")))

    with time_machine.travel(timezone.now() + timedelta(days=6, hours=23)):
        purge_unverified_registrations.enqueue()
        assert Registrant.objects.count() == 2

    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        purge_unverified_registrations.enqueue()
    remaining = Registrant.objects.get()
    assert remaining.email == "quick@example.com"
    assert remaining.status == RegistrationStatus.PENDING_REVIEW
    assert Site.objects.count() == 1 and Camera.objects.count() == 1
    assert not OutboxMessage.objects.filter(to_address="late@example.com").exists()


def test_scheduler_runs_the_purge(client, address_points):
    client.post(reverse("registry:register"), registration_post())
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        call_command("scheduler", "--once")
    assert not Registrant.objects.exists()

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from camreg.registry.models import Registrant, RegistrationStatus
from camreg.testing.mail import link_from_last_email, path_of
from camreg.testing.registrants import registration_post

pytestmark = pytest.mark.django_db


def _register(client, **contact):
    response = client.post(reverse("registry:register"), registration_post(**contact))
    assert response.status_code == 302
    return path_of(link_from_last_email(r"https?://\S+/verify/\S+"))


def test_verify_then_pending_review(client, address_points):
    path = _register(client)
    page = client.get(path)
    assert page.status_code == 200
    assert "Confirm my email" in page.content.decode()
    # Opening the link (a mail scanner, say) does not use it up.
    assert Registrant.objects.get().status == RegistrationStatus.UNVERIFIED

    response = client.post(path)
    assert response.status_code == 200
    registrant = Registrant.objects.get()
    assert registrant.status == RegistrationStatus.PENDING_REVIEW
    assert registrant.verified_at is not None
    assert mail.outbox[-1].subject and "review" in mail.outbox[-1].body.lower()


def test_verify_with_auto_confirm_sends_confirmation(client, address_points, auto_confirm):
    path = _register(client)
    page = client.post(path)
    assert "Your registration is confirmed" in page.content.decode()
    registrant = Registrant.objects.get()
    assert registrant.status == RegistrationStatus.ACTIVE
    assert registrant.confirmed_at is not None
    confirmation = mail.outbox[-1]
    assert confirmation.to == ["ana@example.com"]
    assert "1200 Truxtun Ave" in confirmation.body


def test_confirmation_in_spanish(client, address_points, auto_confirm):
    path = _register(client, language="es")
    client.post(path)
    assert mail.outbox[0].subject != ""
    body = mail.outbox[-1].body
    assert "inscripción" in body.lower()


def test_link_is_single_use(client, address_points):
    path = _register(client)
    assert client.post(path).status_code == 200
    again = client.post(path)
    assert again.status_code == 410
    assert client.get(path).status_code == 410


def test_link_expires_after_24_hours(client, address_points):
    path = _register(client)
    with time_machine.travel(timezone.now() + timedelta(hours=24, minutes=1)):
        assert client.post(path).status_code == 410
    assert Registrant.objects.get().status == RegistrationStatus.UNVERIFIED


def test_link_still_works_before_24_hours(client, address_points):
    path = _register(client)
    with time_machine.travel(timezone.now() + timedelta(hours=23, minutes=50)):
        assert client.post(path).status_code == 200


def test_unknown_token(client, db):
    assert client.post(reverse("registry:verify", args=["nope"])).status_code == 410

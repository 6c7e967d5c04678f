"""Confirming a registration from the review queue: active, confirmation email, audit."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from camreg.outreach.models import OutboxMessage
from camreg.registry.models import RegistrationStatus
from camreg.testing.audit import events

pytestmark = pytest.mark.django_db


def test_confirm_sends_the_confirmation_email_and_audits(coordinator, make_registrant):
    registrant = make_registrant("Ana Ruiz", email="ana@example.com")

    response = coordinator.post(reverse("console:review-confirm", kwargs={"pk": registrant.pk}))

    assert response.status_code == 302
    assert response["Location"] == reverse("console:review")
    registrant.refresh_from_db()
    assert registrant.status == RegistrationStatus.ACTIVE
    assert registrant.confirmed_at is not None
    # Through the outbox, delivered by the (immediate) worker.
    message = OutboxMessage.objects.get(registrant=registrant)
    assert message.template == "registration_confirmed"
    assert message.status == "sent"
    [email] = mail.outbox
    assert email.to == ["ana@example.com"]
    assert "1200 Truxtun Ave" in email.body
    [event] = events("registration.confirmed")
    assert event.actor_id == str(coordinator.user.pk)
    assert event.target_type == "registry.registrant"
    assert event.target_id == str(registrant.pk)
    assert event.ip_address == "127.0.0.1"


def test_confirming_twice_sends_one_email(coordinator, make_registrant):
    registrant = make_registrant()
    url = reverse("console:review-confirm", kwargs={"pk": registrant.pk})
    coordinator.post(url)
    response = coordinator.post(url, follow=True)

    assert "no longer waiting for review" in response.content.decode()
    assert len(mail.outbox) == 1
    assert len(events("registration.confirmed")) == 1


def test_only_pending_registrations_are_confirmed_here(coordinator, make_registrant):
    unverified = make_registrant(status=RegistrationStatus.UNVERIFIED)
    coordinator.post(reverse("console:review-confirm", kwargs={"pk": unverified.pk}))
    unverified.refresh_from_db()
    assert unverified.status == RegistrationStatus.UNVERIFIED
    assert mail.outbox == []


def test_confirm_from_the_detail_page_returns_there(coordinator, make_registrant):
    registrant = make_registrant()
    detail = reverse("console:registrant", kwargs={"pk": registrant.pk})
    response = coordinator.post(
        reverse("console:review-confirm", kwargs={"pk": registrant.pk}), {"next": detail}
    )
    assert response["Location"] == detail

    other = make_registrant(street="9 Elm St")
    response = coordinator.post(
        reverse("console:review-confirm", kwargs={"pk": other.pk}),
        {"next": "https://evil.example.net/"},
    )
    assert response["Location"] == reverse("console:review")


def test_unknown_registration(coordinator):
    response = coordinator.post(reverse("console:review-confirm", kwargs={"pk": 999999}))
    assert response.status_code == 404

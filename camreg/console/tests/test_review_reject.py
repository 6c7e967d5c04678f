"""Rejecting a registration: with the reason by email in the registrant's language, or
silently for spam."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from camreg.registry.models import RegistrationStatus
from camreg.testing.audit import events

pytestmark = pytest.mark.django_db


def _reject_url(registrant) -> str:
    return reverse("console:review-reject", kwargs={"pk": registrant.pk})


def test_reject_sends_the_reason_in_the_registrants_language(coordinator, make_registrant):
    registrant = make_registrant("Luis García", email="luis@example.com", language="es")
    reason = "La dirección está fuera del condado de Kern."

    response = coordinator.post(_reject_url(registrant), {"reason": reason})

    assert response.status_code == 302
    registrant.refresh_from_db()
    assert registrant.status == RegistrationStatus.REJECTED
    assert registrant.rejection_reason == reason
    [email] = mail.outbox
    assert email.to == ["luis@example.com"]
    assert email.subject.startswith("Sobre su inscripción")
    assert "Lo sentimos, pero no pudimos aceptar su inscripción" in email.body
    assert f"El motivo: {reason}" in email.body
    [event] = events("registration.rejected")
    assert event.actor_id == str(coordinator.user.pk)
    assert event.target_id == str(registrant.pk)
    assert event.reason == reason
    assert event.details == {"notified": True}


def test_reject_in_english(coordinator, make_registrant):
    registrant = make_registrant(language="en")
    coordinator.post(_reject_url(registrant), {"reason": "We could not find the address."})
    [email] = mail.outbox
    assert "The reason: We could not find the address." in email.body


def test_spam_is_rejected_silently(coordinator, make_registrant):
    registrant = make_registrant("Buy Cheap Watches", language="es")

    response = coordinator.post(_reject_url(registrant), {"reason": "Spam", "spam": "on"})

    assert response.status_code == 302
    registrant.refresh_from_db()
    assert registrant.status == RegistrationStatus.REJECTED
    assert registrant.rejection_reason == "Spam"
    assert mail.outbox == []
    [event] = events("registration.rejected")
    assert event.details == {"notified": False}


def test_a_reason_is_required(coordinator, make_registrant):
    registrant = make_registrant()

    response = coordinator.post(_reject_url(registrant), {"reason": "   "})

    assert response.status_code == 400
    assert "Write the reason for turning the registration down." in response.content.decode()
    registrant.refresh_from_db()
    assert registrant.status == RegistrationStatus.PENDING_REVIEW
    assert mail.outbox == []
    assert events("registration.rejected") == []


def test_the_reject_page_shows_the_registration_and_is_audited(coordinator, make_registrant):
    registrant = make_registrant("Luis García", language="es")

    response = coordinator.get(_reject_url(registrant))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Luis García" in page
    assert "reads email in Spanish" in page
    [event] = events("registrant.viewed")
    assert event.target_id == str(registrant.pk)
    assert event.details == {"page": "reject"}


def test_only_pending_registrations_can_be_rejected(coordinator, make_registrant):
    registrant = make_registrant(status=RegistrationStatus.ACTIVE)
    response = coordinator.post(_reject_url(registrant), {"reason": "Changed my mind"})
    assert response.status_code == 302
    registrant.refresh_from_db()
    assert registrant.status == RegistrationStatus.ACTIVE
    assert mail.outbox == []

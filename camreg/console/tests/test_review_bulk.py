"""Bulk confirmation: the selected registrations in one POST and one transaction."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from camreg.outreach import services as outreach
from camreg.outreach.models import OutboxMessage
from camreg.registry import services
from camreg.registry.models import Registrant, RegistrationStatus
from camreg.testing.audit import events

pytestmark = pytest.mark.django_db


def test_bulk_confirm_selected(coordinator, make_registrant):
    first = make_registrant("First", email="first@example.com")
    second = make_registrant("Second", email="second@example.com", street="9 Elm St")
    left_alone = make_registrant("Not Selected", street="7 Oak St")
    already = make_registrant("Already Active", status=RegistrationStatus.ACTIVE)

    response = coordinator.post(
        reverse("console:review-bulk-confirm"),
        {"selected": [first.pk, second.pk, already.pk, "junk"]},
        follow=True,
    )

    page = response.content.decode()
    assert "2 registrations confirmed" in page
    assert f"no longer waiting for review): #{already.pk}" in page
    statuses = dict(Registrant.objects.values_list("pk", "status"))
    assert statuses[first.pk] == statuses[second.pk] == RegistrationStatus.ACTIVE
    assert statuses[left_alone.pk] == RegistrationStatus.PENDING_REVIEW
    assert sorted(m.to[0] for m in mail.outbox) == ["first@example.com", "second@example.com"]
    audited = events("registration.confirmed")
    assert sorted(int(e.target_id) for e in audited) == sorted([first.pk, second.pk])
    assert all(e.details == {"bulk": True, "batch_size": 2} for e in audited)
    assert all(e.actor_id == str(coordinator.user.pk) for e in audited)


def test_nothing_selected(coordinator, make_registrant):
    make_registrant()
    response = coordinator.post(reverse("console:review-bulk-confirm"), {}, follow=True)
    assert "Select at least one registration to confirm." in response.content.decode()
    assert mail.outbox == []


def test_bulk_confirm_is_all_or_nothing(coordinator, make_registrant, monkeypatch):
    first = make_registrant("First")
    second = make_registrant("Second", street="9 Elm St")
    real_queue_email = outreach.queue_email
    calls = []

    def failing_second_time(**kwargs):
        calls.append(kwargs)
        if len(calls) == 2:
            raise RuntimeError("mail rendering broke")
        return real_queue_email(**kwargs)

    monkeypatch.setattr(outreach, "queue_email", failing_second_time)
    with pytest.raises(RuntimeError):
        services.bulk_confirm([first.pk, second.pk], actor=coordinator.user)

    statuses = set(Registrant.objects.values_list("status", flat=True))
    assert statuses == {RegistrationStatus.PENDING_REVIEW}
    assert events("registration.confirmed") == []
    # The first confirmation's email rolled back with it (in production the delivery task
    # rolls back too; the tests' immediate task backend delivers at once).
    assert not OutboxMessage.objects.exists()

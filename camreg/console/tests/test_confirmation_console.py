"""The console's side of the yearly confirmation and of the outbox: the funnel per month and
the list behind each number, lapsed registrations flagged, confirmation on the registrant's
behalf, undeliverable emails with their reason, retried or cancelled (all audited)."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from camreg.audit.models import AuditEvent
from camreg.confirmation import services as confirmation
from camreg.confirmation.models import Cycle
from camreg.outreach import services as outreach
from camreg.outreach.models import OutboxMessage, OutboxStatus
from camreg.registry import services as registry
from camreg.registry.models import RegistrationStatus
from camreg.testing.smtp import CountingHandler, SMTPServer

pytestmark = pytest.mark.django_db
LA = ZoneInfo("America/Los_Angeles")


def at(day: date) -> datetime:
    return datetime.combine(day, time(9), tzinfo=LA)


def confirmed(make_registrant, name: str, day: date):
    with time_machine.travel(at(day), tick=False):
        return registry.confirm_registration(
            make_registrant(name, email=f"{name.split()[0].lower()}@example.com")
        )


def run(day: date) -> None:
    with time_machine.travel(at(day), tick=False):
        confirmation.run()


@pytest.fixture
def year(make_registrant):
    """Three registrations confirmed in March 2025: Ana confirms after the reminders, Bo
    never answers (lapsed), Cy left. Run through April 2026."""
    ana = confirmed(make_registrant, "Ana Ruiz", date(2025, 3, 1))
    bo = confirmed(make_registrant, "Bo Chen", date(2025, 3, 10))
    cy = confirmed(make_registrant, "Cy Diaz", date(2025, 3, 20))
    for day in (date(2026, 3, 1), date(2026, 3, 10), date(2026, 3, 20), date(2026, 3, 24)):
        run(day)
    with time_machine.travel(at(date(2026, 3, 25)), tick=False):
        registry.record_confirmation(ana, via="link")
        registry.leave(cy)
    for day in (date(2026, 4, 24), date(2026, 4, 30)):
        run(day)
    return ana, bo, cy


def test_the_funnel_counts_each_stage_per_month_and_lists_who(year, coordinator):
    ana, bo, cy = year
    # Staff sessions live in real time: the funnel shows the twelve months before today.
    with time_machine.travel(at(date(2026, 5, 1)), tick=False):
        rows = {row.key: row.counts for row in confirmation.funnel()}
    page = coordinator.get(reverse("console:confirmation"))
    assert page.status_code == 200
    assert rows["2026-03"] == {
        "due": 3,
        "sent": 3,
        "reminded": 2,  # Ana and Bo; Cy left first
        "confirmed": 1,
        "lapsed": 1,
        "purged": 0,
    }
    body = page.content.decode()
    assert "Annual confirmation" in body
    lapsed_url = reverse("console:confirmation-list", args=["2026-03", "lapsed"])

    listed = coordinator.get(lapsed_url)
    assert listed.status_code == 200
    text = listed.content.decode()
    assert "Bo Chen" in text and "Ana Ruiz" not in text
    assert AuditEvent.objects.filter(action="confirmation.funnel_listed").exists()
    assert (
        coordinator.get(reverse("console:confirmation-list", args=["2026-13", "due"])).status_code
        == 404
    )
    assert (
        coordinator.get(reverse("console:confirmation-list", args=["2026-03", "x"])).status_code
        == 404
    )


def test_a_lapsed_registration_is_flagged_and_staff_can_confirm_for_them(year, coordinator):
    _ana, bo, _cy = year
    bo.refresh_from_db()
    assert bo.status == RegistrationStatus.LAPSED
    page = coordinator.get(reverse("console:registrant", args=[bo.pk])).content.decode()
    assert "Lapsed:" in page and "Canvass results list its cameras apart" in page
    assert "Confirm on the registrant's behalf" in page

    url = reverse("console:registrant-confirm", args=[bo.pk])
    refused = coordinator.post(url, {"confirm-reason": ""}, follow=True)
    assert "Write why" in refused.content.decode()
    bo.refresh_from_db()
    assert bo.status == RegistrationStatus.LAPSED

    coordinator.post(url, {"confirm-reason": "Called: all the same"})
    bo.refresh_from_db()
    assert bo.status == RegistrationStatus.ACTIVE
    new = Cycle.objects.get(registrant=bo, closed_at__isnull=True)
    assert new.due_on == confirmation.add_months(confirmation.today(), 12)
    event = AuditEvent.objects.get(action="registration.reconfirmed", target_id=str(bo.pk))
    assert event.reason == "Called: all the same"
    assert event.actor_id == str(coordinator.user.pk)


def test_deputies_cannot_confirm_for_a_registrant(year, deputy):
    _ana, bo, _cy = year
    response = deputy.post(
        reverse("console:registrant-confirm", args=[bo.pk]), {"confirm-reason": "x"}
    )
    assert response.status_code == 403


def test_undeliverable_emails_show_the_reason_and_can_be_retried_or_cancelled(
    coordinator, settings
):
    handler = CountingHandler(refuse={"nobody@example.com", "gone@example.com"})
    with SMTPServer(handler) as server:
        for name, value in server.settings().items():
            setattr(settings, name, value)
        for address in ("nobody@example.com", "gone@example.com"):
            outreach.queue_email(
                to=address, template="registration_received", context={}, language="en"
            )
        failed = list(OutboxMessage.objects.filter(status=OutboxStatus.FAILED).order_by("pk"))
        assert len(failed) == 2

        page = coordinator.get(reverse("console:outbox")).content.decode()
        assert "550 5.1.1" in page and "nobody@example.com" in page

        handler.refuse.clear()
        retry = reverse("console:outbox-action", args=[failed[0].pk, "retry"])
        cancel = reverse("console:outbox-action", args=[failed[1].pk, "cancel"])
        assert coordinator.post(retry, {"reason": "fixed"}).status_code == 302
        assert coordinator.post(cancel).status_code == 302
        # Twice: the second time nothing changes, and says so.
        again = coordinator.post(cancel, follow=True).content.decode()
        assert "changed meanwhile" in again

    statuses = dict(OutboxMessage.objects.values_list("to_address", "status"))
    assert statuses == {"nobody@example.com": "sent", "gone@example.com": "cancelled"}
    assert AuditEvent.objects.filter(action="outbox.retried", reason="fixed").exists()
    assert AuditEvent.objects.filter(action="outbox.cancelled").exists()
    assert (
        coordinator.post(
            reverse("console:outbox-action", args=[failed[0].pk, "explode"])
        ).status_code
        == 404
    )

"""The yearly cycle with time travel (issue 13, acceptance 1): annual email a year after the
last confirmation, reminders on the 14th and 28th day, lapse on the 45th, the purge notice
30 days before the purge 12 months after lapsing; any confirmation restarts the year."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.test import Client

from camreg.audit.models import AuditEvent
from camreg.confirmation import services
from camreg.confirmation.models import ClosedBecause, Cycle
from camreg.outreach.models import OutboxMessage
from camreg.registry import services as registry
from camreg.registry.models import Registrant, RegistrationStatus
from camreg.testing.mail import link_path

from .conftest import at

pytestmark = pytest.mark.django_db

CONFIRMED = date(2025, 3, 1)


def subjects(emails) -> list[str]:
    return [email.subject for email in emails]


def one(emails, words: str):
    assert len(emails) == 1, subjects(emails)
    assert words in emails[0].subject, emails[0].subject
    return emails[0]


def test_a_registration_confirmed_on_1_march_goes_through_the_whole_year(
    confirmed_on, run_on, mailoutbox
):
    ana = confirmed_on(CONFIRMED, email="ana@example.com")
    cycle = Cycle.objects.get(registrant=ana, closed_at__isnull=True)
    assert cycle.due_on == date(2026, 3, 1)
    mailoutbox.clear()

    # Nothing until the due date.
    assert run_on(date(2025, 9, 1)) == []
    assert run_on(date(2026, 2, 28)) == []

    annual = one(run_on(date(2026, 3, 1)), "still correct?")
    assert annual.to == ["ana@example.com"]
    assert "/confirm/" in annual.body and "/manage/" in annual.body
    assert "1200 Truxtun Ave, Bakersfield, CA 93301: Front door" in annual.body
    assert "April 15, 2026" in annual.body  # answer by
    assert annual.alternatives and annual.alternatives[0][1] == "text/html"
    # The same day again (a second scheduler, a retried task): nothing more.
    assert run_on(date(2026, 3, 1), hour=15) == []

    assert run_on(date(2026, 3, 14)) == []
    one(run_on(date(2026, 3, 15)), "Reminder")
    assert run_on(date(2026, 3, 16)) == []
    assert run_on(date(2026, 3, 28)) == []
    one(run_on(date(2026, 3, 29)), "Reminder")
    assert run_on(date(2026, 4, 14)) == []
    ana.refresh_from_db()
    assert ana.status == RegistrationStatus.ACTIVE

    lapsed = one(run_on(date(2026, 4, 15)), "has lapsed")
    ana.refresh_from_db()
    assert ana.status == RegistrationStatus.LAPSED
    assert "April 15, 2027" in lapsed.body  # when it will be erased
    assert "/confirm/" in lapsed.body  # the way back
    assert AuditEvent.objects.filter(action="registration.lapsed", target_id=str(ana.pk)).exists()

    assert run_on(date(2026, 10, 1)) == []
    assert run_on(date(2027, 3, 15)) == []
    notice = one(run_on(date(2027, 3, 16)), "will be erased on April 15, 2027")
    assert "/confirm/" in notice.body
    assert run_on(date(2027, 4, 14)) == []
    ana.refresh_from_db()
    assert ana.name == "Ana Ruiz"

    assert run_on(date(2027, 4, 15)) == []  # the purge sends nothing
    ana.refresh_from_db()
    assert ana.status == RegistrationStatus.LAPSED
    assert ana.erased_at is not None
    assert (ana.name, ana.email, ana.phone) == ("", "", "")
    assert not ana.sites.exists()
    assert AuditEvent.objects.filter(
        action="registration.lapsed_purged", target_id=str(ana.pk)
    ).exists()
    cycle.refresh_from_db()
    assert cycle.closed_because == ClosedBecause.PURGED
    assert cycle.purged_at is not None
    # Every email of the cycle was redacted with the rest of the personal data.
    assert not OutboxMessage.objects.filter(to_address="ana@example.com").exists()
    # Nothing follows.
    assert run_on(date(2028, 3, 1)) == []
    assert not Cycle.objects.filter(registrant=ana, closed_at__isnull=True).exists()


def confirm_with_link(email, when) -> None:
    with time_machine.travel(when, tick=False):
        client = Client()
        path = link_path(email, "/confirm/")
        page = client.get(path)
        assert page.status_code == 200, page.content[:500]
        assert "Everything is still correct" in page.content.decode()
        # A registrant made in a test has accepted no terms yet: the page asks first.
        needs_terms = "New terms of the program" in page.content.decode()
        done = client.post(path, {"accept_terms": "on"} if needs_terms else {})
        assert done.status_code == 200, done.content[:500]
        assert "your registration is confirmed" in done.content.decode()


@pytest.mark.parametrize(
    "day, emails_by_then",
    [
        (date(2026, 3, 2), [date(2026, 3, 1)]),  # after the annual email
        (date(2026, 3, 30), [date(2026, 3, 1), date(2026, 3, 15), date(2026, 3, 29)]),
        (
            date(2026, 5, 20),
            [date(2026, 3, 1), date(2026, 3, 15), date(2026, 3, 29), date(2026, 4, 15)],
        ),
        (
            date(2027, 3, 20),
            [
                date(2026, 3, 1),
                date(2026, 3, 15),
                date(2026, 3, 29),
                date(2026, 4, 15),
                date(2027, 3, 16),
            ],
        ),
    ],
    ids=["after-annual", "after-reminders", "lapsed", "after-purge-notice"],
)
def test_a_one_click_confirmation_at_any_point_restarts_the_year(
    confirmed_on, run_on, mailoutbox, day, emails_by_then
):
    ana = confirmed_on(CONFIRMED, email="ana@example.com")
    mailoutbox.clear()
    received = []
    for email_day in emails_by_then:
        received += run_on(email_day)
    assert len(received) == len(emails_by_then)

    confirm_with_link(received[-1], at(day, 18))

    ana.refresh_from_db()
    assert ana.status == RegistrationStatus.ACTIVE
    assert ana.erased_at is None
    assert ana.confirmed_at == at(day, 18)
    old = Cycle.objects.get(registrant=ana, closed_at__isnull=False)
    assert old.closed_because == ClosedBecause.CONFIRMED
    assert old.confirmed_via == "link"
    new = Cycle.objects.get(registrant=ana, closed_at__isnull=True)
    assert new.due_on == day.replace(year=day.year + 1)
    event = AuditEvent.objects.filter(action="registration.reconfirmed").get()
    assert event.details["via"] == "link"

    # Nothing more of the old year: no reminder, no lapse, no notice, no purge.
    old_steps = {date(2026, 4, 15), date(2027, 3, 16), date(2027, 4, 15)}
    for later in sorted(old_steps | {day + timedelta(days=1), new.due_on - timedelta(days=1)}):
        if day < later < new.due_on:
            assert run_on(later) == [], later
    ana.refresh_from_db()
    assert ana.status == RegistrationStatus.ACTIVE
    # The next year's email comes on the new due date.
    one(run_on(new.due_on), "still correct?")


def test_earlier_emails_links_keep_working_and_are_single_use(confirmed_on, run_on, mailoutbox):
    confirmed_on(CONFIRMED, email="ana@example.com")
    annual = run_on(date(2026, 3, 1))[0]
    reminder = run_on(date(2026, 3, 15))[0]
    # The annual email's link still works after the reminder came.
    confirm_with_link(annual, at(date(2026, 3, 16)))
    with time_machine.travel(at(date(2026, 3, 16), 19), tick=False):
        client = Client()
        # Used up, and the reminder's link is revoked by the confirmation.
        for email in (annual, reminder):
            response = client.get(link_path(email, "/confirm/"))
            assert response.status_code == 410
            assert "there is nothing more to do" in response.content.decode()


def test_a_portal_save_and_a_staff_confirmation_restart_the_year_too(
    confirmed_on, run_on, coordinator
):
    from camreg.registry.forms import RegistrationForm

    ana = confirmed_on(CONFIRMED, email="ana@example.com")
    run_on(date(2026, 3, 1))
    with time_machine.travel(at(date(2026, 3, 10)), tick=False):
        form = RegistrationForm(with_terms=False, initial=RegistrationForm.initial_for(ana))
        contact = {name: form.contact.initial.get(name, "") for name in registry.CONTACT_FIELDS}
        contact.update(kind=ana.kind, name=ana.name, email=ana.email, language=ana.language)
        registry.update_registration(ana, contact, [_site_data(ana)])
    cycle = Cycle.objects.get(registrant=ana, closed_at__isnull=True)
    assert cycle.due_on == date(2027, 3, 10)
    assert Cycle.objects.get(registrant=ana, confirmed_via="portal").sent_at is not None

    with time_machine.travel(at(date(2026, 6, 1)), tick=False):
        registry.confirm_for(ana, actor=coordinator.user, reason="Phoned: nothing changed")
    cycle = Cycle.objects.get(registrant=ana, closed_at__isnull=True)
    assert cycle.due_on == date(2027, 6, 1)
    staff = AuditEvent.objects.filter(action="registration.reconfirmed").last()
    assert staff.details["via"] == "staff"
    assert staff.reason == "Phoned: nothing changed"
    with pytest.raises(ValueError):
        registry.confirm_for(ana, actor=coordinator.user, reason="  ")


def _site_data(registrant: Registrant) -> dict:
    site = registrant.sites.get()
    return {
        "id": site.pk,
        "label": site.label,
        "street": site.street,
        "unit": site.unit,
        "city": site.city,
        "postcode": site.postcode,
        "latitude": site.latitude,
        "longitude": site.longitude,
        "location_source": site.location_source,
        "cameras": [
            {
                "id": camera.pk,
                **{name: getattr(camera, name) for name in registry.CAMERA_FIELDS},
            }
            for camera in site.cameras.all()
        ],
    }


def test_registrations_from_before_get_their_cycle_from_their_last_confirmation(
    make_registrant, run_on
):
    with time_machine.travel(at(date(2024, 5, 20)), tick=False):
        old = make_registrant("Old Timer", status="active", confirmed_at=at(date(2024, 5, 20)))
    assert not Cycle.objects.exists()
    assert run_on(date(2025, 1, 1)) == []
    assert Cycle.objects.get(registrant=old).due_on == date(2025, 5, 20)
    one(run_on(date(2025, 5, 20)), "still correct?")


def test_leaving_closes_the_cycle_and_nothing_more_is_sent(confirmed_on, run_on):
    ana = confirmed_on(CONFIRMED, email="ana@example.com")
    run_on(date(2026, 3, 1))
    with time_machine.travel(at(date(2026, 3, 5)), tick=False):
        registry.leave(ana)
    assert Cycle.objects.get(registrant=ana).closed_because == ClosedBecause.ERASED
    for day in (date(2026, 3, 15), date(2026, 4, 15), date(2027, 4, 15)):
        assert run_on(day) == []


def test_a_run_that_missed_days_sends_the_latest_reminder_only(confirmed_on, run_on):
    confirmed_on(CONFIRMED)
    run_on(date(2026, 3, 1))
    one(run_on(date(2026, 3, 30)), "Reminder")  # the scheduler was down for a month
    assert run_on(date(2026, 4, 1)) == []


def test_a_late_purge_notice_moves_the_purge(confirmed_on, run_on):
    ana = confirmed_on(CONFIRMED)
    run_on(date(2026, 3, 1))
    run_on(date(2026, 4, 15))  # lapsed
    one(run_on(date(2027, 4, 10)), "will be erased on May 10, 2027")  # down until then
    run_on(date(2027, 4, 15))
    ana.refresh_from_db()
    assert ana.erased_at is None
    run_on(date(2027, 5, 10))
    ana.refresh_from_db()
    assert ana.erased_at is not None


def test_a_spanish_registrant_gets_the_cycle_in_spanish(confirmed_on, run_on):
    confirmed_on(CONFIRMED, email="luis@example.com", language="es")
    annual = one(run_on(date(2026, 3, 1)), "sigue siendo correcto")
    assert "15 de abril de 2026" in annual.body
    assert "?lang=es" in annual.body
    assert annual.extra_headers["Content-Language"] == "es"


def test_every_step_is_one_email_per_idempotency_key(confirmed_on, run_on):
    ana = confirmed_on(CONFIRMED)
    run_on(date(2026, 3, 1))
    cycle = Cycle.objects.get(registrant=ana, closed_at__isnull=True)
    # A run that died after queueing the email but before... the key is there already:
    # queueing it again finds the same message.
    message = OutboxMessage.objects.get(idempotency_key=f"confirmation:{cycle.pk}:annual")
    again = services.cycle.outreach.queue_email_to_registrant(
        ana,
        template="annual_confirmation",
        context=services.email_context(ana, "x" * 43, language="en"),
        idempotency_key=f"confirmation:{cycle.pk}:annual",
    )
    assert again.pk == message.pk
    assert OutboxMessage.objects.filter(template="annual_confirmation").count() == 1

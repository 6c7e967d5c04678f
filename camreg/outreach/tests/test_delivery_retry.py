"""Failed deliveries are retried with back-off, give up in the end, and never double-send."""

from datetime import UTC, datetime, timedelta
from smtplib import SMTPServerDisconnected

import pytest
import time_machine
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend

from camreg.outreach.models import OutboxMessage, OutboxStatus
from camreg.outreach.services import deliver, deliver_due, queue_email, retry_delay

START = datetime(2026, 3, 2, 17, 0, tzinfo=UTC)
FAILING = "camreg.outreach.tests.test_delivery_retry.FailingBackend"
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"
REENTRANT = "camreg.outreach.tests.test_delivery_retry.SecondWorkerBackend"


class FailingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise SMTPServerDisconnected("Connection unexpectedly closed")


class SecondWorkerBackend(LocmemBackend):
    """While this worker sends, a second worker tries to deliver the same message."""

    def send_messages(self, email_messages):
        for pk in OutboxMessage.objects.values_list("pk", flat=True):
            deliver(pk)
        deliver_due()
        return super().send_messages(email_messages)


def queue() -> OutboxMessage:
    return queue_email(
        to="ana@example.com",
        template="manage_link",
        context={"name": "Ana", "link": "https://registry.example.org/m/tok/", "minutes": 30},
        language="en",
    )


@pytest.mark.django_db
def test_a_failed_attempt_is_retried_after_the_back_off(settings, mailoutbox):
    settings.EMAIL_BACKEND = FAILING
    with time_machine.travel(START, tick=False) as traveller:
        message = queue()
        message.refresh_from_db()
        assert message.status == OutboxStatus.QUEUED
        assert message.attempts == 1
        assert "SMTPServerDisconnected" in message.last_error
        assert message.sent_at is None
        # About a minute, plus at most 10 % jitter.
        assert START + timedelta(minutes=1) <= message.next_attempt_at
        assert message.next_attempt_at <= START + timedelta(seconds=66)

        # Not due yet: nothing happens, not even another attempt.
        settings.EMAIL_BACKEND = LOCMEM
        deliver(message.pk)
        traveller.move_to(message.next_attempt_at - timedelta(seconds=1))
        assert deliver_due() == 0
        message.refresh_from_db()
        assert message.attempts == 1
        assert mailoutbox == []

        traveller.move_to(message.next_attempt_at + timedelta(seconds=1))
        assert deliver_due() == 1

    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert message.attempts == 2
    assert message.last_error == ""
    assert message.sent_at == message.next_attempt_at + timedelta(seconds=1)
    assert len(mailoutbox) == 1
    assert mailoutbox[0].extra_headers["Message-ID"] == message.message_id


@pytest.mark.django_db
def test_the_back_off_doubles_with_each_failure(settings):
    settings.EMAIL_BACKEND = FAILING
    delays = []
    with time_machine.travel(START, tick=False) as traveller:
        message = queue()
        for _ in range(4):
            message.refresh_from_db()
            now = datetime.now(tz=UTC)
            delays.append((message.next_attempt_at - now).total_seconds())
            traveller.move_to(message.next_attempt_at)
            deliver_due()
    # 1, 2, 4, 8 minutes; the jitter never adds more than 10 %.
    for delay, expected in zip(delays, [60, 120, 240, 480], strict=True):
        assert expected <= delay <= expected * 1.1


def test_the_back_off_is_capped_at_six_hours():
    for attempts in (10, 20, 100, 10_000):
        delay = retry_delay(attempts)
        assert timedelta(hours=6) <= delay <= timedelta(hours=6, minutes=36)


@pytest.mark.django_db
def test_after_the_maximum_attempts_the_message_fails(settings, mailoutbox):
    settings.EMAIL_BACKEND = FAILING
    settings.OUTBOX_MAX_ATTEMPTS = 3
    with time_machine.travel(START, tick=False) as traveller:
        message = queue()
        for _ in range(2):
            message.refresh_from_db()
            assert message.status == OutboxStatus.QUEUED
            traveller.move_to(message.next_attempt_at)
            deliver_due()
        message.refresh_from_db()
        assert message.status == OutboxStatus.FAILED
        assert message.attempts == 3
        assert "Connection unexpectedly closed" in message.last_error

        # A failed message is never picked up again, even once the mail system works.
        settings.EMAIL_BACKEND = LOCMEM
        traveller.shift(timedelta(days=1))
        assert deliver_due() == 0
        deliver(message.pk)
    message.refresh_from_db()
    assert message.status == OutboxStatus.FAILED
    assert message.attempts == 3
    assert mailoutbox == []


@pytest.mark.django_db
def test_delivering_twice_sends_once(mailoutbox):
    message = queue()  # delivered at once by the immediate task backend
    deliver(message.pk)
    deliver(message.pk)
    assert deliver_due() == 0
    assert len(mailoutbox) == 1
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert message.attempts == 1


@pytest.mark.django_db
def test_a_second_worker_cannot_claim_a_message_being_sent(settings, mailoutbox):
    settings.EMAIL_BACKEND = REENTRANT
    message = queue()
    assert len(mailoutbox) == 1
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert message.attempts == 1


@pytest.mark.django_db
def test_a_message_stuck_in_sending_is_requeued_after_15_minutes(settings, mailoutbox):
    settings.EMAIL_BACKEND = FAILING
    with time_machine.travel(START, tick=False) as traveller:
        message = queue()
        # A worker claimed it, then died (no success, no failure recorded).
        OutboxMessage.objects.filter(pk=message.pk).update(
            status=OutboxStatus.SENDING, claimed_at=START
        )
        settings.EMAIL_BACKEND = LOCMEM

        traveller.move_to(START + timedelta(minutes=14))
        assert deliver_due() == 0
        message.refresh_from_db()
        assert message.status == OutboxStatus.SENDING

        traveller.move_to(START + timedelta(minutes=15, seconds=1))
        assert deliver_due() == 1
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    # The failed first attempt, the lost one, the successful one.
    assert message.attempts == 3
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_a_stale_message_out_of_attempts_fails(settings, mailoutbox):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    settings.EMAIL_BACKEND = FAILING
    with time_machine.travel(START, tick=False) as traveller:
        message = queue()
        OutboxMessage.objects.filter(pk=message.pk).update(
            status=OutboxStatus.SENDING, claimed_at=START
        )
        settings.EMAIL_BACKEND = LOCMEM
        traveller.move_to(START + timedelta(hours=1))
        assert deliver_due() == 0
    message.refresh_from_db()
    assert message.status == OutboxStatus.FAILED
    assert message.attempts == 2
    assert mailoutbox == []


@pytest.mark.django_db
def test_a_run_stops_early_when_the_mail_system_is_down(settings, mailoutbox):
    settings.EMAIL_BACKEND = FAILING
    with time_machine.travel(START, tick=False) as traveller:
        messages = [queue() for _ in range(8)]
        traveller.shift(timedelta(hours=1))
        assert deliver_due() == 0
    attempts = sorted(
        OutboxMessage.objects.filter(pk__in=[m.pk for m in messages]).values_list(
            "attempts", flat=True
        )
    )
    # Five more failures in a row, then the rest waited for the next run.
    assert attempts == [1, 1, 1, 2, 2, 2, 2, 2]

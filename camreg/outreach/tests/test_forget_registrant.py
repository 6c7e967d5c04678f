"""Erasing a registrant's email from the outbox."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.utils import timezone

from camreg.outreach.models import ERASED, OutboxMessage, OutboxStatus
from camreg.outreach.services import deliver_due, forget_registrant, queue_email

START = datetime(2026, 5, 4, 16, 0, tzinfo=UTC)
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"
FAILING = "camreg.outreach.tests.test_forget_registrant.FailingBackend"
FORGETTING = "camreg.outreach.tests.test_forget_registrant.ForgetWhileSendingBackend"


class FailingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError("Connection refused")


class ForgetWhileSendingBackend(LocmemBackend):
    """The registrant leaves while the worker is handing their message to the server."""

    def send_messages(self, email_messages):
        message = OutboxMessage.objects.filter(registrant__email="ana@example.com").latest("pk")
        forget_registrant(message.registrant)
        return super().send_messages(email_messages)


def queue_to(registrant, template="registration_received", **extra):
    return queue_email(
        to=registrant.email,
        template=template,
        context={"name": registrant.name},
        language=registrant.language,
        registrant=registrant,
        **extra,
    )


def assert_redacted(message):
    message.refresh_from_db()
    assert message.to_address == ""
    assert message.subject == ERASED
    assert message.body_text == ERASED
    assert message.body_html == ""
    assert message.last_error == ""
    assert message.redacted_at is not None
    assert message.registrant is None
    assert "Ana" not in str(vars(message))
    assert "ana@example.com" not in str(vars(message))


@pytest.fixture
def other(make_registrant):
    return make_registrant("Bo Lee", email="bo@example.com", language="en", sites=False)


@pytest.mark.django_db
def test_sent_failed_and_unsent_messages_are_erased(settings, registrant, other, mailoutbox):
    sent = queue_to(registrant)
    failed = queue_to(registrant)
    OutboxMessage.objects.filter(pk=failed.pk).update(
        status=OutboxStatus.FAILED, last_error="550 No such user ana@example.com"
    )
    settings.EMAIL_BACKEND = FAILING
    unsent = queue_to(registrant)
    # Queued to the address before the registration existed (not linked).
    unlinked = queue_email(
        to="Ana@Example.com",
        template="manage_link",
        context={"name": "Ana Ruiz", "link": "https://x.example/", "minutes": 30},
        language="en",
    )
    someone_else = queue_to(other)
    unsent.refresh_from_db()
    assert unsent.status == OutboxStatus.QUEUED

    assert forget_registrant(registrant) == 4

    for message in (sent, failed, unsent, unlinked):
        assert_redacted(message)
    sent.refresh_from_db()
    failed.refresh_from_db()
    unsent.refresh_from_db()
    assert sent.status == OutboxStatus.SENT
    assert failed.status == OutboxStatus.FAILED
    assert unsent.status == OutboxStatus.CANCELLED
    assert sent.message_id and sent.template == "registration_received"

    someone_else.refresh_from_db()
    assert someone_else.to_address == "bo@example.com"
    assert someone_else.redacted_at is None
    assert someone_else.registrant == other

    # The cancelled message never goes out, even once the mail system works again.
    settings.EMAIL_BACKEND = LOCMEM
    mailoutbox.clear()
    with time_machine.travel(timezone.now() + timedelta(days=1), tick=False):
        deliver_due()
    assert [m.to for m in mailoutbox] == [["bo@example.com"]]


@pytest.mark.django_db
def test_keep_unsent_sends_the_goodbye_then_erases_it(settings, registrant, mailoutbox):
    old = queue_to(registrant)
    settings.EMAIL_BACKEND = FAILING
    with time_machine.travel(START, tick=False) as traveller:
        goodbye = queue_to(registrant, template="goodbye")
        assert forget_registrant(registrant, keep_unsent=True) == 2

        assert_redacted(old)
        goodbye.refresh_from_db()
        assert goodbye.status == OutboxStatus.QUEUED
        assert goodbye.redact_after_send is True
        assert goodbye.to_address == "ana@example.com"
        assert goodbye.redacted_at is None

        settings.EMAIL_BACKEND = LOCMEM
        mailoutbox.clear()
        traveller.move_to(goodbye.next_attempt_at)
        assert deliver_due() == 1

    assert [m.to for m in mailoutbox] == [["ana@example.com"]]
    assert "You have left" in mailoutbox[0].subject
    goodbye.refresh_from_db()
    assert goodbye.status == OutboxStatus.SENT
    assert_redacted(goodbye)


@pytest.mark.django_db
def test_a_message_queued_with_redact_after_send_is_erased_once_sent(registrant, mailoutbox):
    goodbye = queue_to(registrant, template="goodbye", redact_after_send=True)
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["ana@example.com"]
    goodbye.refresh_from_db()
    assert goodbye.status == OutboxStatus.SENT
    assert_redacted(goodbye)


@pytest.mark.django_db
def test_a_message_that_fails_for_good_is_erased_too(settings, registrant):
    settings.EMAIL_BACKEND = FAILING
    settings.OUTBOX_MAX_ATTEMPTS = 1
    goodbye = queue_to(registrant, template="goodbye", redact_after_send=True)
    goodbye.refresh_from_db()
    assert goodbye.status == OutboxStatus.FAILED
    assert_redacted(goodbye)


@pytest.mark.django_db
def test_a_message_being_sent_when_the_registrant_leaves_stays_cancelled(
    settings, registrant, mailoutbox
):
    settings.EMAIL_BACKEND = FORGETTING
    message = queue_to(registrant)
    message.refresh_from_db()
    assert message.status == OutboxStatus.CANCELLED
    assert message.sent_at is None
    assert_redacted(message)


@pytest.mark.django_db
def test_forgetting_twice_changes_nothing_more(registrant, mailoutbox):
    message = queue_to(registrant)
    forget_registrant(registrant)
    message.refresh_from_db()
    first = message.redacted_at
    with time_machine.travel(timezone.now() + timedelta(days=30)):
        forget_registrant(registrant)
    message.refresh_from_db()
    assert message.redacted_at == first

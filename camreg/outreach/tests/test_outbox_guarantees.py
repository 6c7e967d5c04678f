"""The outbox's guarantees against a real SMTP server (aiosmtpd on loopback), issue 13:
idempotency keys, 4xx retried until accepted and each message delivered exactly once, 5xx
failing at once with the server's answer, one reused connection, claims of dead workers
recovered, at most the message on the wire sent twice."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import transaction
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from camreg.outreach import services
from camreg.outreach.models import OutboxMessage, OutboxStatus
from camreg.outreach.services import delivery
from camreg.testing.smtp import CountingHandler, SMTPServer

START = datetime(2026, 3, 2, 17, 0, tzinfo=UTC)
pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp(settings):
    """`smtp(handler)`: start a counting server for `handler` and send there."""
    servers = []

    def start(handler: CountingHandler | None = None) -> CountingHandler:
        server = SMTPServer(handler).__enter__()
        servers.append(server)
        for name, value in server.settings().items():
            setattr(settings, name, value)
        settings.DEFAULT_FROM_EMAIL = "Camera Registry <registry@example.org>"
        return server.handler

    yield start
    for server in servers:
        server.__exit__(None, None, None)


def queue(count: int, *, prefix: str = "person", key: bool = False) -> list[OutboxMessage]:
    """`count` messages, queued in one transaction without waking a worker (as a campaign)."""
    with transaction.atomic():
        return [
            services.queue_email(
                to=f"{prefix}{i}@example.com",
                template="registration_received",
                context={"name": f"Person {i}"},
                language="en" if i % 2 else "es",
                idempotency_key=f"test:{prefix}:{i}" if key else None,
                wake_worker=False,
            )
            for i in range(count)
        ]


# Idempotency -----------------------------------------------------------------------------


def test_queueing_the_same_key_twice_queues_one_message(mailoutbox):
    first = services.queue_email(
        to="ana@example.com",
        template="registration_received",
        context={"name": "Ana"},
        language="en",
        idempotency_key="confirmation:7:annual",
    )
    again = services.queue_email(
        to="ana@example.com",
        template="registration_received",
        context={"name": "Ana"},
        language="en",
        idempotency_key="confirmation:7:annual",
    )
    assert again.pk == first.pk
    assert OutboxMessage.objects.count() == 1
    assert len(mailoutbox) == 1


def test_a_message_without_a_key_gets_a_unique_one(mailoutbox):
    a, b = queue(2)
    assert a.idempotency_key == f"message:{a.message_id}"
    assert a.idempotency_key != b.idempotency_key


def test_the_key_is_written_in_the_callers_transaction(mailoutbox):
    with pytest.raises(RuntimeError), transaction.atomic():
        queue(1, key=True)
        raise RuntimeError("the change that caused the email failed")
    assert not OutboxMessage.objects.exists()
    # So the retry of that change queues it (once).
    queue(1, key=True)
    queue(1, key=True)
    assert OutboxMessage.objects.count() == 1


@hypothesis_settings(max_examples=40, deadline=None)
@given(
    key=st.one_of(
        st.text(max_size=260),
        st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=260),
    )
)
def test_hostile_keys_are_refused_or_stored_as_given(key):
    with transaction.atomic():
        try:
            message = services.queue_email(
                to="ana@example.com",
                template="registration_received",
                context={"name": "Ana"},
                language="en",
                idempotency_key=key,
                wake_worker=False,
            )
        except ValueError:
            assert not key or len(key) > 200 or not all("!" <= c <= "~" for c in key)
        else:
            assert key and len(key) <= 200 and all("!" <= c <= "~" for c in key)
            assert message.idempotency_key == key
            assert (
                services.queue_email(
                    to="other@example.com",
                    template="registration_received",
                    context={},
                    language="en",
                    idempotency_key=key,
                    wake_worker=False,
                ).pk
                == message.pk
            )
        transaction.set_rollback(True)


# A real SMTP server ----------------------------------------------------------------------


@pytest.mark.parametrize("fail_at", ["DATA", "RCPT"])
def test_4xx_answers_are_retried_with_back_off_and_each_message_arrives_once(smtp, fail_at):
    """Acceptance 2: the server fails the first two attempts of every message with a 4xx,
    then accepts; every message arrives exactly once."""
    server = smtp(CountingHandler(fail_first=2, fail_at=fail_at))
    with time_machine.travel(START, tick=False) as traveller:
        messages = queue(12)
        runs = 0
        while OutboxMessage.objects.exclude(status=OutboxStatus.SENT).exists():
            assert runs < 30, "the messages never got through"
            services.deliver_due()
            runs += 1
            # The next attempt is due after the back-off (1, then 2 minutes, plus jitter).
            traveller.shift(timedelta(minutes=3))
        assert services.deliver_due() == 0

    # A run stops after five failures in a row (the mail system may be down): the rest
    # waited for the next runs. Every message: failed, failed, accepted.
    assert runs > 3
    ids = {m.message_id for m in messages}
    assert set(server.delivered) == ids
    assert all(count == 1 for count in server.delivered.values()), server.delivered
    for message in OutboxMessage.objects.all():
        assert message.status == OutboxStatus.SENT
        assert message.attempts == 3
        assert message.last_error == ""


def test_a_failed_attempt_records_the_servers_answer_and_backs_off(smtp):
    smtp(CountingHandler(fail_first=1))
    with time_machine.travel(START, tick=False):
        (message,) = queue(1)
        services.deliver_due()
    message.refresh_from_db()
    assert message.status == OutboxStatus.QUEUED
    assert message.last_error == "SMTPDataError: 451 4.3.0 Temporary failure, try again later"
    assert START + timedelta(minutes=1) <= message.next_attempt_at
    assert message.next_attempt_at <= START + timedelta(seconds=66)
    assert message.claimed_by == ""


def test_a_5xx_refusal_fails_at_once_with_the_reason_and_the_rest_goes_out(smtp):
    server = smtp(CountingHandler(refuse={"person1@example.com"}))
    with time_machine.travel(START, tick=False):
        messages = queue(4)
        assert services.deliver_due() == 3
    refused = OutboxMessage.objects.get(to_address="person1@example.com")
    assert refused.status == OutboxStatus.FAILED
    assert refused.attempts == 1
    assert refused.failed_at == START
    assert "550 5.1.1" in refused.last_error and "no such user" in refused.last_error
    assert refused in services.failed_messages()
    assert len(server.delivered) == 3
    # Never tried again by itself.
    with time_machine.travel(START + timedelta(days=2), tick=False):
        assert services.deliver_due() == 0
    assert {m.message_id for m in messages} - set(server.delivered) == {refused.message_id}


def test_one_connection_carries_a_whole_run(smtp):
    server = smtp()
    queue(30)
    assert services.deliver_due() == 30
    assert len(server.delivered) == 30
    assert len(server.sessions) == 1


def test_a_run_stops_when_its_time_is_up_and_hands_back_what_it_claimed(smtp):
    server = smtp()
    queue(10)
    result = services.send_due(seconds=0)
    assert (result.sent, result.more) == (0, True)
    assert OutboxMessage.objects.filter(status=OutboxStatus.QUEUED).count() == 10
    assert services.deliver_due() == 10
    assert len(server.delivered) == 10


# Dead workers ----------------------------------------------------------------------------


def dead_process_run_id() -> str:
    """The run id a worker of this machine had, whose process has exited since."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return f"{delivery._this_machine()}:{child.pid}:deadbeef"


def test_a_killed_workers_claims_go_back_at_once_and_only_the_message_on_the_wire_repeats(smtp):
    """What kill -9 leaves: one message accepted by the server but not marked sent, the rest
    of its batch claimed and never tried. The next run sends them all; the one on the wire
    arrives twice, with the same Message-ID; no other message does, none is missing."""
    server = smtp()
    messages = queue(6)
    dead = dead_process_run_id()
    on_the_wire, *untried = messages
    OutboxMessage.objects.filter(pk__in=[m.pk for m in messages]).update(
        status=OutboxStatus.SENDING, claimed_by=dead, claimed_at=datetime.now(tz=UTC)
    )
    # The dead worker's last act: the server accepted this one.
    run = delivery._Run()
    run.mailer.send(run.email(on_the_wire))
    run.close()

    assert services.deliver_due() == 6  # no waiting for OUTBOX_SENDING_TIMEOUT
    assert server.delivered[on_the_wire.message_id] == 2
    assert all(server.delivered[m.message_id] == 1 for m in untried)
    assert server.duplicates == 1
    on_the_wire.refresh_from_db()
    assert on_the_wire.status == OutboxStatus.SENT
    assert on_the_wire.attempts == 2  # the lost attempt counts


def test_a_claim_of_another_machine_is_recovered_only_after_the_timeout(smtp, settings):
    settings.OUTBOX_SENDING_TIMEOUT = 600
    server = smtp()
    with time_machine.travel(START, tick=False) as traveller:
        (message,) = queue(1)
        OutboxMessage.objects.filter(pk=message.pk).update(
            status=OutboxStatus.SENDING,
            claimed_by="other-host:4026531836:4242:cafe",
            claimed_at=START,
        )
        traveller.shift(timedelta(seconds=599))
        assert services.deliver_due() == 0
        traveller.shift(timedelta(seconds=2))
        assert services.deliver_due() == 1
    assert server.delivered[message.message_id] == 1


def test_a_live_workers_claims_are_left_alone_and_renewed(smtp, settings):
    settings.OUTBOX_SENDING_TIMEOUT = 60
    smtp()
    with time_machine.travel(START, tick=False) as traveller:
        queue(3)
        run = delivery._Run()
        claimed = run.claim(10)
        assert len(claimed) == 3
        # Another worker finds nothing to do: the claims are this live process's.
        assert services.deliver_due() == 0
        traveller.shift(timedelta(seconds=25))
        run.renew_if_old()
        traveller.shift(timedelta(seconds=50))  # 75 s after the claim, 50 after renewal
        assert services.deliver_due() == 0
        assert run.attempt(claimed[0]) is True
        assert run.release() == 2
        run.close()
    assert OutboxMessage.objects.filter(status=OutboxStatus.QUEUED).count() == 2


def test_a_message_cancelled_while_being_sent_stays_cancelled(smtp):
    smtp()
    (message,) = queue(1)
    run = delivery._Run()
    (claimed,) = run.claim(1)
    OutboxMessage.objects.filter(pk=message.pk).update(status=OutboxStatus.CANCELLED)
    run.attempt(claimed)
    run.close()
    message.refresh_from_db()
    assert message.status == OutboxStatus.CANCELLED


# Staff: retry and cancel ---------------------------------------------------------------------


def test_staff_retry_a_failed_message_and_cancel_another_both_audited(smtp, coordinator):
    from camreg.audit.models import AuditEvent

    server = smtp(CountingHandler(refuse={"person0@example.com", "person1@example.com"}))
    first, second = queue(2)
    services.deliver_due()
    assert services.failed_messages().count() == 2

    server.refuse.clear()  # the address was fixed on the other side
    services.retry(first, actor=coordinator.user, reason="Mailbox exists again")
    services.cancel(second, actor=coordinator.user, reason="Wrong address")
    assert services.deliver_due() == 0  # the retry went out at once (its delivery task)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == OutboxStatus.SENT
    assert second.status == OutboxStatus.CANCELLED
    assert set(server.delivered) == {first.message_id}
    events = {e.action: e for e in AuditEvent.objects.filter(action__startswith="outbox.")}
    assert events["outbox.retried"].reason == "Mailbox exists again"
    assert events["outbox.cancelled"].target_id == str(second.pk)
    assert "person" not in str(events["outbox.retried"].details)  # no address in the log
    with pytest.raises(services.NotFailed):
        services.retry(first, actor=coordinator.user)
    with pytest.raises(services.NotCancellable):
        services.cancel(first, actor=coordinator.user)

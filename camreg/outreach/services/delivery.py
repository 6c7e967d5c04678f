"""Delivery: claim due messages, send them over one reused connection, record each outcome.

The guarantees (decision 0022, docs/operations.md "Email"):

- **Claims.** A worker run claims a few due messages at a time (queued -> sending, with its
  own run id in `claimed_by`). On PostgreSQL the claim reads the rows with
  `SELECT ... FOR UPDATE SKIP LOCKED`, so two workers never claim the same row and never
  wait for each other; on SQLite the claim is one IMMEDIATE transaction (the database
  takes one writer at a time) and the UPDATE only takes rows still queued. Either way a
  message is held by exactly one run.
- **One message at a time.** Each message is marked sent (or failed) in its own commit
  right after the mail server answered, and only while the run still holds it. A worker
  killed at any moment leaves at most the one message it was sending in doubt: the mail
  server may have accepted it a moment before the kill. Messages it had claimed but not
  tried yet go back to the queue without anyone having sent them.
- **Recovery.** A claim is given up (the message goes back to the queue) when its run's
  process is gone from this machine (checked at the start of every run), or after
  OUTBOX_SENDING_TIMEOUT seconds on any machine; a live run renews its claims long before.
- **Answers.** A 5xx refusal of the recipient or the message is permanent: the message fails
  at once with the server's answer as its reason, for staff to see, retry or cancel. Any
  other failure (4xx, a dropped connection, a timeout) is retried with exponential
  back-off up to OUTBOX_MAX_ATTEMPTS.
"""

from __future__ import annotations

import logging
import os
import random
import secrets
import smtplib
import socket
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from camreg.agency import services as agency_services
from camreg.outreach.erasure import redact, redact_finished_if_asked
from camreg.outreach.models import OutboxMessage, OutboxStatus
from camreg.outreach.services import mime

logger = logging.getLogger("camreg.outreach.services")

# Retry delays: 1, 2, 4, 8 ... minutes, never more than 6 hours, plus up to 10 % jitter.
RETRY_BASE_DELAY = timedelta(minutes=1)
RETRY_MAX_DELAY = timedelta(hours=6)
RETRY_JITTER = 0.1
# How many messages a run claims at once: what a crash hands back to the queue (unsent).
CLAIM_BATCH = 50
# How long one run of deliver_due goes on before it hands over (the task re-enqueues itself
# when more is due), so one busy worker still gets to its other tasks.
RUN_SECONDS = 60.0
# After this many failures in a row the mail system is likely down: the run stops early.
DELIVER_DUE_MAX_FAILURES_IN_A_ROW = 5
# A connection left unused this long is checked (NOOP) before the next message.
IDLE_CHECK_SECONDS = 10.0
MAX_ERROR_LENGTH = 2000
# SMTP refusals that concern this one message or recipient: with a 5xx code, permanent.
PER_MESSAGE_REFUSALS = (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError)
STALE_ERROR = "The worker stopped while sending; requeued."


def sending_timeout() -> timedelta:
    """How long a claim holds without renewal (OUTBOX_SENDING_TIMEOUT, seconds)."""
    return timedelta(seconds=settings.OUTBOX_SENDING_TIMEOUT)


# Kept for callers and tests that read it: the default claim timeout.
STALE_SENDING_AFTER = timedelta(minutes=15)


# Who claims ------------------------------------------------------------------------


def _pid_namespace() -> str:
    try:
        return str(os.stat("/proc/self/ns/pid").st_ino)
    except OSError:
        return "-"


def _this_machine() -> str:
    """`host:pid-namespace`: processes with this prefix can be checked with os.kill."""
    return f"{socket.gethostname()[:60]}:{_pid_namespace()}"


def new_run_id() -> str:
    """A claim holder's id: this machine, this process, and a random part for this run."""
    return f"{_this_machine()}:{os.getpid()}:{secrets.token_hex(4)}"


def _process_gone(run_id: str, machine: str) -> bool:
    """Whether the run `run_id` was on this machine and its process no longer exists.

    A process id taken over by another process counts as alive: that claim then waits for
    the timeout, which is safe. Runs of other machines are never judged from here.
    """
    head, sep, rest = run_id.rpartition(":")  # rest: the random part
    owner, sep2, pid = head.rpartition(":")
    if not (sep and sep2) or owner != machine or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except OSError:  # exists, owned by someone else
        return False
    return False


# Public entry points ---------------------------------------------------------------


def deliver(message_id: int) -> bool | None:
    """Send the outbox message with primary key `message_id` if it is due.

    Does nothing when the message is not queued, not due yet, or another worker
    has claimed it. Failures are recorded on the message and retried later. Returns
    True when sent, False when the attempt failed, None when there was nothing to do.
    """
    run = _Run()
    now = timezone.now()
    claimed = OutboxMessage.objects.filter(
        pk=message_id, status=OutboxStatus.QUEUED, next_attempt_at__lte=now
    ).update(status=OutboxStatus.SENDING, claimed_at=now, claimed_by=run.id)
    if not claimed:
        return None
    message = OutboxMessage.objects.filter(pk=message_id, claimed_by=run.id).first()
    if message is None:  # deleted or cancelled in between
        return None
    try:
        return run.attempt(message)
    finally:
        run.close()


@dataclass
class RunResult:
    sent: int = 0
    failed: int = 0
    # Whether the run's time was up with messages left (the next run should follow at once).
    more: bool = False
    # Whether it stopped after DELIVER_DUE_MAX_FAILURES_IN_A_ROW failures (the rest waits).
    mail_down: bool = False


def deliver_due(*, seconds: float | None = None) -> int:
    """Send every queued message that has come due; return how many were sent.

    See `send_due` for the details; this is its count of sent messages.
    """
    return send_due(seconds=seconds).sent


def send_due(*, seconds: float | None = None, batch: int = CLAIM_BATCH) -> RunResult:
    """Send due messages over one connection, for at most `seconds` (RUN_SECONDS).

    Claims left by dead workers are requeued first. Stops early after
    DELIVER_DUE_MAX_FAILURES_IN_A_ROW failures in a row; what it claimed and did not try
    goes back to the queue untouched.
    """
    requeue_stale()
    budget = RUN_SECONDS if seconds is None else seconds
    deadline = time.monotonic() + budget
    run = _Run()
    result = RunResult()
    failures_in_a_row = 0
    try:
        while True:
            if time.monotonic() >= deadline:
                result.more = more_due()
                break
            messages = run.claim(batch)
            if not messages:
                break
            for message in messages:
                if failures_in_a_row >= DELIVER_DUE_MAX_FAILURES_IN_A_ROW:
                    break
                if time.monotonic() >= deadline:
                    result.more = True
                    break
                run.renew_if_old()
                outcome = run.attempt(message)
                if outcome is True:
                    result.sent += 1
                    failures_in_a_row = 0
                elif outcome is False:
                    result.failed += 1
                    failures_in_a_row += 1
            if failures_in_a_row >= DELIVER_DUE_MAX_FAILURES_IN_A_ROW:
                logger.warning("Outbox: %d failures in a row; the rest waits", failures_in_a_row)
                result.mail_down = True
                break
    finally:
        run.release()
        run.close()
    return result


def requeue_stale(*, now: datetime | None = None) -> int:
    """Put messages whose claim was abandoned back in the queue; return how many.

    Abandoned: claimed by a process of this machine that is gone, or claimed (or renewed)
    longer than OUTBOX_SENDING_TIMEOUT ago. The lost attempt counts, so a message that keeps
    killing its worker still ends up failed after OUTBOX_MAX_ATTEMPTS.
    """
    now = now or timezone.now()
    sending = OutboxMessage.objects.filter(status=OutboxStatus.SENDING)
    abandoned = Q(claimed_at__lte=now - sending_timeout()) | Q(claimed_at__isnull=True)
    machine = _this_machine()
    dead = [
        run_id
        for run_id in sending.filter(claimed_by__startswith=machine + ":")
        .order_by()
        .values_list("claimed_by", flat=True)
        .distinct()
        if _process_gone(run_id, machine)
    ]
    if dead:
        abandoned |= Q(claimed_by__in=dead)
    stale = sending.filter(abandoned)
    failed = stale.filter(attempts__gte=settings.OUTBOX_MAX_ATTEMPTS - 1).update(
        status=OutboxStatus.FAILED,
        attempts=F("attempts") + 1,
        last_error=STALE_ERROR,
        claimed_at=None,
        claimed_by="",
        failed_at=now,
    )
    requeued = stale.update(
        status=OutboxStatus.QUEUED,
        attempts=F("attempts") + 1,
        last_error=STALE_ERROR,
        next_attempt_at=now,
        claimed_at=None,
        claimed_by="",
    )
    if failed or requeued:
        logger.warning("Outbox: %d abandoned message(s) requeued, %d failed", requeued, failed)
    if failed:
        redact_finished_if_asked()
    return requeued


def more_due(*, beyond: int = 0, now: datetime | None = None) -> bool:
    """Whether more than `beyond` queued messages are due now."""
    now = now or timezone.now()
    due = OutboxMessage.objects.filter(status=OutboxStatus.QUEUED, next_attempt_at__lte=now)
    return due.order_by().values("pk")[beyond : beyond + 1].exists()


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed attempt (1 -> about a minute)."""
    exponent = max(attempts - 1, 0)
    # 2**9 minutes already exceeds the cap; avoid huge numbers for large exponents.
    delay = RETRY_BASE_DELAY * (2 ** min(exponent, 16))
    delay = min(delay, RETRY_MAX_DELAY)
    return delay + delay * random.uniform(0, RETRY_JITTER)  # noqa: S311 - jitter, not a secret


def smtp_reason(exc: BaseException) -> tuple[int | None, str]:
    """(SMTP reply code or None, a one-line reason naming the error and the server's answer)."""
    name = type(exc).__name__
    if isinstance(exc, smtplib.SMTPRecipientsRefused) and exc.recipients:
        code, answer = next(iter(exc.recipients.values()))
        return code, f"{name}: {code} {_text(answer)}"
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code, f"{name}: {exc.smtp_code} {_text(exc.smtp_error)}"
    return None, f"{name}: {exc}"


def is_permanent(exc: BaseException) -> bool:
    """A 5xx refusal of this recipient or this message: sending it again would not help."""
    code, _reason = smtp_reason(exc)
    return isinstance(exc, PER_MESSAGE_REFUSALS) and code is not None and 500 <= code <= 599


def _text(answer) -> str:
    if isinstance(answer, bytes):
        answer = answer.decode("utf-8", "replace")
    return " ".join(str(answer).split())


# One worker run --------------------------------------------------------------------


@dataclass
class _Run:
    """One run of a worker: its claims, its mail connection, the agency's reply-to."""

    id: str = field(default_factory=new_run_id)
    claimed_at: datetime | None = None
    _mailer: _Mailer | None = None
    _reply_to: list[str] | None = None
    _sender: mime.Sender | None = None

    # Claims

    def claim(self, limit: int) -> list[OutboxMessage]:
        """Claim up to `limit` due messages, oldest first; return them."""
        now = timezone.now()
        with transaction.atomic():
            due = OutboxMessage.objects.filter(
                status=OutboxStatus.QUEUED, next_attempt_at__lte=now
            ).order_by("next_attempt_at", "pk")
            if connection.features.has_select_for_update_skip_locked:
                due = due.select_for_update(skip_locked=True)
            pks = list(due.values_list("pk", flat=True)[:limit])
            if not pks:
                return []
            OutboxMessage.objects.filter(pk__in=pks, status=OutboxStatus.QUEUED).update(
                status=OutboxStatus.SENDING, claimed_at=now, claimed_by=self.id
            )
        self.claimed_at = now
        return list(
            OutboxMessage.objects.filter(
                pk__in=pks, status=OutboxStatus.SENDING, claimed_by=self.id
            ).order_by("next_attempt_at", "pk")
        )

    def renew_if_old(self) -> None:
        """Renew this run's claims once a third of the timeout has passed since the last."""
        now = timezone.now()
        if self.claimed_at is None or now - self.claimed_at < sending_timeout() / 3:
            return
        OutboxMessage.objects.filter(status=OutboxStatus.SENDING, claimed_by=self.id).update(
            claimed_at=now
        )
        self.claimed_at = now

    def release(self) -> int:
        """Hand back what this run claimed and did not try (no attempt counted)."""
        return OutboxMessage.objects.filter(status=OutboxStatus.SENDING, claimed_by=self.id).update(
            status=OutboxStatus.QUEUED, claimed_at=None, claimed_by=""
        )

    # Sending

    def attempt(self, message: OutboxMessage) -> bool:
        """Send one claimed message and record the outcome; True when sent."""
        try:
            if self.mailer.speaks_smtp:
                to = mime.recipient(message.to_address)
                self.mailer.send_bytes(
                    self.sender.envelope_from, to, mime.message_bytes(message, self.sender, to)
                )
            else:
                self.mailer.send(self.email(message))
        except Exception as exc:  # noqa: BLE001 - any failure of the mail system is recorded
            self._record_failure(message, exc)
            return False
        self._record_success(message)
        return True

    @property
    def mailer(self) -> _Mailer:
        if self._mailer is None:
            self._mailer = _Mailer()
        return self._mailer

    @property
    def reply_to(self) -> list[str]:
        if self._reply_to is None:
            contact = agency_services.current().contact_email
            self._reply_to = [contact] if contact else []
        return self._reply_to

    @property
    def sender(self) -> mime.Sender:
        if self._sender is None:
            self._sender = mime.Sender.of(settings.DEFAULT_FROM_EMAIL, self.reply_to)
        return self._sender

    def email(self, message: OutboxMessage) -> EmailMultiAlternatives:
        """The message for email backends other than SMTP (development, tests)."""
        email = EmailMultiAlternatives(
            subject=message.subject,
            body=message.body_text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.to_address],
            reply_to=self.reply_to or None,
            headers={
                "Message-ID": message.message_id,
                "Content-Language": message.language,
                # Tells vacation responders and the like not to answer automatically.
                "Auto-Submitted": "auto-generated",
            },
        )
        if message.body_html:
            email.attach_alternative(message.body_html, "text/html")
        return email

    def close(self) -> None:
        if self._mailer is not None:
            self._mailer.close()
            self._mailer = None

    # Outcomes

    def _mine(self, message: OutboxMessage):
        # Only a message still claimed by this run: one cancelled meanwhile stays cancelled.
        return OutboxMessage.objects.filter(
            pk=message.pk, status=OutboxStatus.SENDING, claimed_by=self.id
        )

    def _record_success(self, message: OutboxMessage) -> None:
        now = timezone.now()
        changes = dict(
            status=OutboxStatus.SENT,
            sent_at=now,
            attempts=F("attempts") + 1,
            last_error="",
            claimed_at=None,
            claimed_by="",
        )
        if not message.redact_after_send:
            updated = _mark_sent(message.pk, self.id, now)
        else:
            with transaction.atomic():
                updated = self._mine(message).update(**changes)
                if updated:
                    redact(OutboxMessage.objects.filter(pk=message.pk), now=now)
        if not updated:
            logger.warning("Outbox: message %s was sent after its claim was lost", message.pk)
        logger.debug("Outbox: message %s (%s) sent", message.pk, message.template)

    def _record_failure(self, message: OutboxMessage, exc: Exception) -> None:
        now = timezone.now()
        attempts = message.attempts + 1
        _code, reason = smtp_reason(exc)
        reason = reason[:MAX_ERROR_LENGTH]
        permanent = is_permanent(exc)
        if permanent or attempts >= settings.OUTBOX_MAX_ATTEMPTS:
            status, next_attempt_at, failed_at = OutboxStatus.FAILED, message.next_attempt_at, now
        else:
            status, next_attempt_at, failed_at = (
                OutboxStatus.QUEUED,
                now + retry_delay(attempts),
                None,
            )
        with transaction.atomic():
            updated = self._mine(message).update(
                status=status,
                attempts=attempts,
                last_error=reason,
                next_attempt_at=next_attempt_at,
                claimed_at=None,
                claimed_by="",
                failed_at=failed_at,
            )
            if updated and status == OutboxStatus.FAILED and message.redact_after_send:
                redact(OutboxMessage.objects.filter(pk=message.pk), now=now)
        # The address and contents stay out of the log; the message keeps the details.
        logger.warning(
            "Outbox: message %s (%s) attempt %d failed (%s)%s",
            message.pk,
            message.template,
            attempts,
            type(exc).__name__,
            ", refused for good"
            if permanent
            else ", giving up"
            if status == OutboxStatus.FAILED
            else f", retry at {next_attempt_at}",
        )
        if updated and status == OutboxStatus.QUEUED:
            _schedule_retry(message.pk, next_attempt_at)


def _mark_sent(pk: int, run_id: str, now: datetime) -> int:
    """`_record_success` in one plain UPDATE (the hot path of a campaign: no ORM overhead)."""
    table = connection.ops.quote_name(OutboxMessage._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET status = %s, sent_at = %s, attempts = attempts + 1, "  # noqa: S608 # nosec B608 - the model's table name
            "last_error = '', claimed_at = NULL, claimed_by = '' "
            "WHERE id = %s AND status = %s AND claimed_by = %s",
            [
                OutboxStatus.SENT.value,
                connection.ops.adapt_datetimefield_value(now),
                pk,
                OutboxStatus.SENDING.value,
                run_id,
            ],
        )
        return cursor.rowcount


class _Mailer:
    """One connection of the configured email backend, opened once and reused.

    After any failure the connection is closed and the next message opens a new one (a
    refusal may leave the SMTP session in an unknown state); a connection idle for
    IDLE_CHECK_SECONDS is checked with NOOP first, so a server that dropped it meanwhile
    costs no attempt.
    """

    def __init__(self) -> None:
        self.connection = get_connection(fail_silently=False)
        # Django's SMTP backend (or a subclass): messages go out as bytes built by mime.py
        # over its connection; any other backend gets EmailMultiAlternatives.
        self.speaks_smtp = isinstance(self.connection, SMTPBackend)
        self.open = False
        self.last_used = 0.0

    def send_bytes(self, envelope_from: str, to: str, data: bytes) -> None:
        """Send prepared bytes over the SMTP connection (opened on first use)."""
        if self.open and time.monotonic() - self.last_used > IDLE_CHECK_SECONDS:
            self._check_alive()
        try:
            if not self.open:
                self.connection.open()
                self.open = True
            self.connection.connection.sendmail(envelope_from, [to], data)
        except Exception:
            self.close()
            raise
        finally:
            self.last_used = time.monotonic()

    def send(self, email: EmailMultiAlternatives) -> None:
        if self.open and time.monotonic() - self.last_used > IDLE_CHECK_SECONDS:
            self._check_alive()
        try:
            if not self.open:
                self.connection.open()
                self.open = True
            email.connection = self.connection
            sent = self.connection.send_messages([email])
            if not sent:
                raise smtplib.SMTPException("The email backend sent nothing.")
        except Exception:
            self.close()
            raise
        finally:
            self.last_used = time.monotonic()

    def _check_alive(self) -> None:
        smtp = getattr(self.connection, "connection", None)
        if not isinstance(smtp, smtplib.SMTP):
            return
        try:
            code, _answer = smtp.noop()
        except (OSError, smtplib.SMTPException):
            code = None
        if code != 250:
            self.close()

    def close(self) -> None:
        if not self.open:
            return
        self.open = False
        try:
            self.connection.close()
        except Exception:  # noqa: BLE001 - a dead connection is closed either way
            smtp = getattr(self.connection, "connection", None)
            if smtp is not None:
                try:
                    smtp.close()
                except Exception:  # noqa: BLE001, S110 - nothing more to do
                    pass
            if hasattr(self.connection, "connection"):
                self.connection.connection = None


def _schedule_retry(pk: int, when) -> None:
    """Enqueue a deferred delivery where the task backend can defer.

    Otherwise (and as a safety net anyway) the periodic deliver_due picks it up.
    """
    from camreg.outreach.tasks import deliver_message

    if not deliver_message.get_backend().supports_defer:
        return
    try:
        deliver_message.using(run_after=when).enqueue(pk)
    except Exception:  # noqa: BLE001 - deliver_due retries it anyway
        logger.exception("Outbox: could not enqueue the retry of message %s", pk)

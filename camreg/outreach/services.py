"""Email for the whole product: queue, deliver, retry, erase.

Every email goes through `queue_email`. It renders the message in the recipient's
language, stores it in the outbox and enqueues its delivery task in the caller's
transaction: with the database task backend the task row commits or rolls back
together with the message (a transactional outbox), so an email is never sent for
work that was rolled back, and never lost for work that was committed.

`deliver` claims a message with a conditional UPDATE (queued -> sending), so two
workers never send the same message. A failed attempt goes back to the queue with
an exponential back-off; `deliver_due` (run every few seconds by the scheduler)
sends what has come due and requeues messages whose worker stopped mid-send.
Delivery is at least once: if a worker dies after the mail server accepted a
message but before it was marked sent, the message goes out again with the same
Message-ID header, which lets mail systems recognise the duplicate.

Erasing a registrant's email (`forget_registrant`, available here too) and redaction are
in erasure.py; the agency's own wording of the emails is in the email_texts package.
"""

from __future__ import annotations

import logging
import random
from datetime import timedelta
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, make_msgid
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation

from camreg.agency import services as agency_services

from . import email_texts
from .erasure import Registrant, redact, redact_finished_if_asked
from .erasure import forget_registrant as forget_registrant  # re-exported for callers
from .models import OutboxMessage, OutboxStatus
from .text import TEMPLATE_DIR, one_line, tidy_text

logger = logging.getLogger(__name__)

# A message claimed by a worker for longer than this is assumed abandoned.
STALE_SENDING_AFTER = timedelta(minutes=15)
# Retry delays: 1, 2, 4, 8 ... minutes, never more than 6 hours, plus up to 10 % jitter.
RETRY_BASE_DELAY = timedelta(minutes=1)
RETRY_MAX_DELAY = timedelta(hours=6)
RETRY_JITTER = 0.1
# How many messages one deliver_due run sends at most; the next run takes the rest.
DELIVER_DUE_BATCH = 200
# After this many failures in a row the mail system is likely down: the run stops early.
DELIVER_DUE_MAX_FAILURES_IN_A_ROW = 5
MAX_ERROR_LENGTH = 2000
SUBJECT_MAX_LENGTH = OutboxMessage._meta.get_field("subject").max_length or 300


# Queueing -------------------------------------------------------------------------


def render_email(*, template: str, context: dict[str, Any], language: str) -> dict[str, str]:
    """Subject, text and HTML body of `template` in `language`.

    The context gets `agency` (the agency of this installation) and `site_url`
    (the public address, without a trailing slash) added. The agency's own text for
    this email and language (outreach.email_texts) replaces the shipped template.
    """
    full_context = {
        **context,
        "agency": agency_services.current(),
        "site_url": settings.SITE_URL,
    }
    language = _supported_language(language)
    override = email_texts.override_for(template, language)
    if override is not None:
        try:
            return email_texts.render(
                override.subject, override.body_text, full_context, language=language
            )
        except Exception:  # noqa: BLE001 - the shipped text still goes out
            logger.exception(
                "Email text %s (%s) failed; sending the shipped text", template, language
            )
    with translation.override(language):
        subject = render_to_string(f"{TEMPLATE_DIR}/{template}.subject.txt", full_context)
        body_text = render_to_string(f"{TEMPLATE_DIR}/{template}.txt", full_context)
        body_html = render_to_string(f"{TEMPLATE_DIR}/{template}.html", full_context)
    return {
        # A header is one line: newlines in a subject would be rejected (or worse).
        "subject": one_line(subject)[:SUBJECT_MAX_LENGTH],
        "body_text": tidy_text(body_text),
        "body_html": body_html.strip() + "\n",
    }


def queue_email(
    *,
    to: str,
    template: str,
    context: dict[str, Any],
    language: str,
    registrant: Registrant | None = None,
    redact_after_send: bool = False,
) -> OutboxMessage:
    """Render and store an email, and enqueue its delivery.

    Safe inside `transaction.atomic()`: the message and its delivery task are
    written in the caller's transaction. `redact_after_send` erases the address and
    contents as soon as the message has gone (for the goodbye email).
    """
    to = to.strip()
    try:
        validate_email(to)
    except ValidationError as exc:
        raise ValueError("queue_email needs a valid recipient email address.") from exc
    language = _supported_language(language)
    rendered = render_email(template=template, context=context, language=language)
    message = OutboxMessage.objects.create(
        registrant=registrant,
        template=template,
        language=language,
        to_address=to,
        redact_after_send=redact_after_send,
        message_id=_new_message_id(),
        next_attempt_at=timezone.now(),
        **rendered,
    )
    _delivery_task().enqueue(message.pk)
    return message


def queue_email_to_registrant(
    registrant: Registrant,
    *,
    template: str,
    context: dict[str, Any],
    redact_after_send: bool = False,
) -> OutboxMessage:
    """`queue_email` to a registrant's address, in the registrant's language."""
    return queue_email(
        to=registrant.email,
        template=template,
        context=context,
        language=registrant.language,
        registrant=registrant,
        redact_after_send=redact_after_send,
    )


# Delivery -------------------------------------------------------------------------


def deliver(message_id: int) -> None:
    """Send the outbox message with primary key `message_id` if it is due.

    Does nothing when the message is not queued, not due yet, or another worker
    has claimed it. Failures are recorded on the message and retried later.
    """
    _deliver(message_id)


def deliver_due() -> int:
    """Send every queued message that has come due; return how many were sent.

    Messages stuck in "sending" (their worker stopped) are requeued first.
    """
    requeue_stale()
    now = timezone.now()
    due = list(
        OutboxMessage.objects.filter(status=OutboxStatus.QUEUED, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:DELIVER_DUE_BATCH]
    )
    sent = failures_in_a_row = 0
    for pk in due:
        outcome = _deliver(pk)
        if outcome is True:
            sent += 1
            failures_in_a_row = 0
        elif outcome is False:
            failures_in_a_row += 1
            if failures_in_a_row >= DELIVER_DUE_MAX_FAILURES_IN_A_ROW:
                logger.warning("Outbox: %d failures in a row; the rest waits", failures_in_a_row)
                break
    return sent


def requeue_stale(*, now=None) -> int:
    """Put messages claimed longer than STALE_SENDING_AFTER ago back in the queue.

    The lost attempt counts, so a message that keeps killing its worker still
    ends up failed after OUTBOX_MAX_ATTEMPTS.
    """
    now = now or timezone.now()
    stale = OutboxMessage.objects.filter(
        status=OutboxStatus.SENDING, claimed_at__lte=now - STALE_SENDING_AFTER
    )
    error = "The worker stopped while sending; requeued."
    failed = stale.filter(attempts__gte=settings.OUTBOX_MAX_ATTEMPTS - 1).update(
        status=OutboxStatus.FAILED,
        attempts=F("attempts") + 1,
        last_error=error,
        claimed_at=None,
    )
    requeued = stale.update(
        status=OutboxStatus.QUEUED,
        attempts=F("attempts") + 1,
        last_error=error,
        next_attempt_at=now,
        claimed_at=None,
    )
    if failed or requeued:
        logger.warning("Outbox: %d stale message(s) requeued, %d failed", requeued, failed)
    if failed:
        redact_finished_if_asked()
    return requeued


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed attempt (1 -> about a minute)."""
    exponent = max(attempts - 1, 0)
    # 2**9 minutes already exceeds the cap; avoid huge numbers for large exponents.
    delay = RETRY_BASE_DELAY * (2 ** min(exponent, 16))
    delay = min(delay, RETRY_MAX_DELAY)
    return delay + delay * random.uniform(0, RETRY_JITTER)


def _deliver(pk: int) -> bool | None:
    """True when sent, False when the attempt failed, None when there was nothing to do."""
    now = timezone.now()
    claimed = OutboxMessage.objects.filter(
        pk=pk, status=OutboxStatus.QUEUED, next_attempt_at__lte=now
    ).update(status=OutboxStatus.SENDING, claimed_at=now)
    if not claimed:
        return None
    message = OutboxMessage.objects.filter(pk=pk).first()
    if message is None:  # deleted in between
        return None
    try:
        _send(message)
    except Exception as exc:  # noqa: BLE001 - any failure of the mail system is retried
        _record_failure(message, exc)
        return False
    _record_success(message)
    return True


def _send(message: OutboxMessage) -> None:
    agency = agency_services.current()
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to_address],
        reply_to=[agency.contact_email] if agency.contact_email else None,
        headers={
            "Message-ID": message.message_id,
            "Content-Language": message.language,
            # Tells vacation responders and the like not to answer automatically.
            "Auto-Submitted": "auto-generated",
        },
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    email.send(fail_silently=False)


def _record_success(message: OutboxMessage) -> None:
    now = timezone.now()
    with transaction.atomic():
        # Only a message still claimed by us: one cancelled meanwhile stays cancelled.
        updated = OutboxMessage.objects.filter(pk=message.pk, status=OutboxStatus.SENDING).update(
            status=OutboxStatus.SENT,
            sent_at=now,
            attempts=F("attempts") + 1,
            last_error="",
            claimed_at=None,
        )
        if updated:
            redact(OutboxMessage.objects.filter(pk=message.pk, redact_after_send=True), now=now)
    logger.info("Outbox: message %s (%s) sent", message.pk, message.template)


def _record_failure(message: OutboxMessage, exc: Exception) -> None:
    now = timezone.now()
    attempts = message.attempts + 1
    error = f"{type(exc).__name__}: {exc}"[:MAX_ERROR_LENGTH]
    if attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        status, next_attempt_at = OutboxStatus.FAILED, message.next_attempt_at
    else:
        status, next_attempt_at = OutboxStatus.QUEUED, now + retry_delay(attempts)
    with transaction.atomic():
        updated = OutboxMessage.objects.filter(pk=message.pk, status=OutboxStatus.SENDING).update(
            status=status,
            attempts=attempts,
            last_error=error,
            next_attempt_at=next_attempt_at,
            claimed_at=None,
        )
        if updated and status == OutboxStatus.FAILED:
            redact(OutboxMessage.objects.filter(pk=message.pk, redact_after_send=True), now=now)
    # The address and contents stay out of the log; the message keeps the details.
    logger.warning(
        "Outbox: message %s (%s) attempt %d failed (%s)%s",
        message.pk,
        message.template,
        attempts,
        type(exc).__name__,
        ", giving up" if status == OutboxStatus.FAILED else f", retry at {next_attempt_at}",
    )
    if updated and status == OutboxStatus.QUEUED:
        _schedule_retry(message.pk, next_attempt_at)


def _schedule_retry(pk: int, when) -> None:
    """Enqueue a deferred delivery where the task backend can defer.

    Otherwise (and as a safety net anyway) the periodic deliver_due picks it up.
    """
    task = _delivery_task()
    if not task.get_backend().supports_defer:
        return
    try:
        task.using(run_after=when).enqueue(pk)
    except Exception:  # noqa: BLE001 - deliver_due retries it anyway
        logger.exception("Outbox: could not enqueue the retry of message %s", pk)


# Helpers --------------------------------------------------------------------------


def _supported_language(language: str | None) -> str:
    codes = {code for code, _name in settings.LANGUAGES}
    if language and language in codes:
        return language
    base = (language or "").split("-")[0].lower()
    return base if base in codes else settings.LANGUAGE_CODE


def _new_message_id() -> str:
    sender = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    domain = sender.rpartition("@")[2] or "camreg.invalid"
    return make_msgid(domain=domain)


def _delivery_task():
    """The task that delivers one message (imported here: outreach.tasks imports this module)."""
    from .tasks import deliver_message

    return deliver_message

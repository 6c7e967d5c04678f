"""Queueing: render an email in the recipient's language and store it in the outbox, in the
caller's transaction, at most once per idempotency key."""

from __future__ import annotations

import logging
import re
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import make_msgid
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from camreg.agency import services as agency_services
from camreg.outreach import email_texts
from camreg.outreach.erasure import Registrant
from camreg.outreach.models import OutboxMessage
from camreg.outreach.text import TEMPLATE_DIR, one_line, tidy_text

logger = logging.getLogger("camreg.outreach.services")

SUBJECT_MAX_LENGTH = OutboxMessage._meta.get_field("subject").max_length or 300
KEY_MAX_LENGTH = OutboxMessage._meta.get_field("idempotency_key").max_length or 200
# Keys are made by code ("confirmation:41:annual"), never typed by people: printable ASCII.
KEY_FORMAT = re.compile(rf"[\x21-\x7e]{{1,{KEY_MAX_LENGTH}}}")


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
    language = supported_language(language)
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
    idempotency_key: str | None = None,
    wake_worker: bool = True,
) -> OutboxMessage:
    """Render and store an email, and enqueue its delivery; return the outbox message.

    Call it inside the transaction of the change that causes the email: the message (and,
    with the database task queue, its delivery task) commits or rolls back with it.

    `idempotency_key` names what the email is for ("confirmation:41:annual"). When a
    message with that key exists already (a job that ran twice, a retried request), that
    message is returned and nothing new is queued or sent: a key is sent at most once.
    Without a key the message gets a unique one of its own.

    `wake_worker=False` stores the message without a delivery task of its own: for
    campaigns that queue thousands at once and then enqueue one `deliver_due_messages`
    run (see `wake_delivery`); the periodic run picks the messages up anyway.
    `redact_after_send` erases the address and contents as soon as the message has gone
    (for the goodbye email).
    """
    to = to.strip()
    try:
        validate_email(to)
    except ValidationError as exc:
        raise ValueError("queue_email needs a valid recipient email address.") from exc
    if idempotency_key is not None:
        if not isinstance(idempotency_key, str) or not KEY_FORMAT.fullmatch(idempotency_key):
            raise ValueError(
                f"An idempotency key is 1 to {KEY_MAX_LENGTH} printable ASCII characters "
                "without spaces, such as 'confirmation:41:annual'."
            )
        existing = OutboxMessage.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    language = supported_language(language)
    rendered = render_email(template=template, context=context, language=language)
    message_id = new_message_id()
    fields = dict(
        registrant=registrant,
        template=template,
        language=language,
        to_address=to,
        redact_after_send=redact_after_send,
        message_id=message_id,
        idempotency_key=idempotency_key or f"message:{message_id}",
        next_attempt_at=timezone.now(),
        **rendered,
    )
    if idempotency_key is None:
        message = OutboxMessage.objects.create(**fields)
    else:
        try:
            # A savepoint: on PostgreSQL a failed INSERT would spoil the caller's transaction.
            with transaction.atomic():
                message = OutboxMessage.objects.create(**fields)
        except IntegrityError:
            # Someone queued the same key a moment ago (committed meanwhile).
            existing = OutboxMessage.objects.filter(idempotency_key=idempotency_key).first()
            if existing is None:
                raise
            return existing
    if wake_worker:
        _delivery_task().enqueue(message.pk)
    return message


def queue_email_to_registrant(
    registrant: Registrant,
    *,
    template: str,
    context: dict[str, Any],
    redact_after_send: bool = False,
    idempotency_key: str | None = None,
    wake_worker: bool = True,
) -> OutboxMessage:
    """`queue_email` to a registrant's address, in the registrant's language."""
    return queue_email(
        to=registrant.email,
        template=template,
        context=context,
        language=registrant.language,
        registrant=registrant,
        redact_after_send=redact_after_send,
        idempotency_key=idempotency_key,
        wake_worker=wake_worker,
    )


def wake_delivery() -> None:
    """Enqueue one run of `deliver_due_messages` (in the caller's transaction) unless one is
    already waiting for a worker: after queueing a campaign with `wake_worker=False`."""
    from camreg import scheduling
    from camreg.outreach.tasks import deliver_due_messages

    if not scheduling.already_waiting(deliver_due_messages):
        deliver_due_messages.enqueue()


# Helpers --------------------------------------------------------------------------


def supported_language(language: str | None) -> str:
    codes = {code for code, _name in settings.LANGUAGES}
    if language and language in codes:
        return language
    base = (language or "").split("-")[0].lower()
    return base if base in codes else settings.LANGUAGE_CODE


def new_message_id() -> str:
    sender = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    domain = sender.rpartition("@")[2] or "camreg.invalid"
    return make_msgid(domain=domain)


def _delivery_task():
    """The task that delivers one message (imported here: outreach.tasks imports services)."""
    from camreg.outreach.tasks import deliver_message

    return deliver_message

"""Queueing an email renders it in the recipient's language, stores it and delivers it."""

import pytest
from django.core.management import call_command
from django.db import transaction
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from camreg.agency import services as agency_services
from camreg.outreach.models import OutboxMessage, OutboxStatus
from camreg.outreach.services import queue_email, queue_email_to_registrant

LINK = "https://registry.example.org/verify/abc123/?next=/portal&x=1"


@pytest.mark.django_db
def test_verify_email_is_rendered_stored_and_delivered(registrant, mailoutbox, settings):
    settings.DEFAULT_FROM_EMAIL = "Camera Registry <registry@example.org>"
    agency = agency_services.current()

    message = queue_email(
        to="ana@example.com",
        template="verify_email",
        context={"name": "Ana Ruiz", "link": LINK, "hours": 24},
        language="en",
        registrant=registrant,
    )

    message.refresh_from_db()
    assert message.subject == (
        f"Confirm your email to finish registering with the {agency.program_name}"
    )
    # Text is not HTML-escaped: the link and the agency's apostrophe come through intact.
    assert LINK in message.body_text
    assert "Hello Ana Ruiz," in message.body_text
    assert "24 hours" in message.body_text
    assert agency.name in message.body_text
    assert "&amp;" not in message.body_text and "&#x27;" not in message.body_text
    assert 'lang="en"' in message.body_html
    assert 'href="https://registry.example.org/verify/abc123/?next=/portal&amp;x=1"' in (
        message.body_html
    )
    assert message.registrant == registrant
    assert message.language == "en"
    assert message.template == "verify_email"
    assert message.message_id.startswith("<") and message.message_id.endswith("@example.org>")

    # The immediate task backend delivered it at once.
    assert message.status == OutboxStatus.SENT
    assert message.sent_at is not None
    assert message.attempts == 1
    assert len(mailoutbox) == 1
    sent = mailoutbox[0]
    assert sent.to == ["ana@example.com"]
    assert sent.subject == message.subject
    assert sent.from_email == "Camera Registry <registry@example.org>"
    assert sent.reply_to == [agency.contact_email]
    assert sent.extra_headers["Message-ID"] == message.message_id
    assert LINK in sent.body
    html, mimetype = sent.alternatives[0]
    assert mimetype == "text/html"
    assert "Confirm my email" in html


@pytest.mark.django_db
def test_every_template_renders(mailoutbox):
    contexts = {
        "verify_email": {"name": "Ana", "link": LINK, "hours": 1},
        "registration_confirmed": {
            "name": "Ana",
            "manage_url": "https://registry.example.org/manage/",
            "sites": [type("Site", (), {"address_line": "1 Main St, Bakersfield, CA 93301"})],
            "camera_count": 3,
        },
        "manage_link": {"name": "Ana", "link": LINK, "minutes": 30},
        "goodbye": {"name": ""},
        "registration_rejected": {"name": "Ana", "reason": "Outside the county & beyond"},
        "registration_received": {"name": "Ana"},
    }
    for template, context in contexts.items():
        message = queue_email(
            to="ana@example.com", template=template, context=context, language="en"
        )
        assert message.subject and "\n" not in message.subject, template
        assert message.body_text.strip(), template
        assert "{{" not in message.body_text and "{%" not in message.body_text, template
        assert "<h1>" in message.body_html, template
    assert len(mailoutbox) == len(contexts)

    confirmed = OutboxMessage.objects.get(template="registration_confirmed")
    assert "1 Main St, Bakersfield, CA 93301" in confirmed.body_text
    assert "3 cameras registered" in confirmed.body_text
    assert "https://registry.example.org/manage/" in confirmed.body_text
    assert "once a year" in confirmed.body_text.lower()
    assert "no live access" in confirmed.body_text

    link = OutboxMessage.objects.get(template="manage_link")
    assert "works once, for 30 minutes" in link.body_text

    goodbye = OutboxMessage.objects.get(template="goodbye")
    assert goodbye.body_text.startswith("Hello,")
    assert "evidence" in goodbye.body_text

    rejected = OutboxMessage.objects.get(template="registration_rejected")
    assert "Outside the county & beyond" in rejected.body_text
    assert "Outside the county &amp; beyond" in rejected.body_html


@pytest.mark.django_db
def test_unknown_language_falls_back_to_the_default(mailoutbox):
    message = queue_email(
        to="ana@example.com",
        template="registration_received",
        context={"name": "Ana"},
        language="xx",
    )
    assert message.language == "en"
    assert 'lang="en"' in message.body_html


@pytest.mark.django_db
def test_spanish_language_is_kept_and_set_on_the_html(mailoutbox):
    message = queue_email(
        to="ana@example.com",
        template="registration_received",
        context={"name": "Ana"},
        language="es",
    )
    assert message.language == "es"
    assert 'lang="es"' in message.body_html
    assert mailoutbox[0].extra_headers["Content-Language"] == "es"


@pytest.mark.django_db
def test_queue_email_to_registrant_uses_their_address_and_language(registrant, mailoutbox):
    registrant.language = "es"
    registrant.save()
    message = queue_email_to_registrant(
        registrant, template="registration_received", context={"name": registrant.name}
    )
    assert message.to_address == "ana@example.com"
    assert message.language == "es"
    assert message.registrant == registrant


class Abort(Exception):
    pass


@pytest.mark.django_db
def test_with_the_database_queue_the_delivery_task_shares_the_callers_transaction(
    settings, mailoutbox, monkeypatch
):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }

    with pytest.raises(Abort), transaction.atomic():
        queue_email(
            to="ana@example.com",
            template="registration_received",
            context={"name": "Ana"},
            language="en",
        )
        assert OutboxMessage.objects.count() == 1
        assert DBTaskResult.objects.count() == 1
        raise Abort
    # Rolled back together: no message, no task.
    assert OutboxMessage.objects.count() == 0
    assert DBTaskResult.objects.count() == 0

    with transaction.atomic():
        message = queue_email(
            to="ana@example.com",
            template="registration_received",
            context={"name": "Ana"},
            language="en",
        )
    task_row = DBTaskResult.objects.get()
    assert task_row.task_path == "camreg.outreach.tasks.deliver_message"
    assert task_row.args_kwargs["args"] == [message.pk]
    message.refresh_from_db()
    assert message.status == OutboxStatus.QUEUED
    assert mailoutbox == []

    # The worker picks the task up and sends the message. (It closes database
    # connections between tasks, which would end the test's transaction.)
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert [m.to for m in mailoutbox] == [["ana@example.com"]]


@pytest.mark.django_db
def test_the_message_id_is_unique_per_message(mailoutbox):
    ids = {
        queue_email(
            to="ana@example.com",
            template="registration_received",
            context={"name": "Ana"},
            language="en",
        ).message_id
        for _ in range(3)
    }
    assert len(ids) == 3


@pytest.mark.django_db
def test_a_recipient_is_required():
    for bad in (" ", "ana", "ana@example.com\nBcc: eve@example.com"):
        with pytest.raises(ValueError):
            queue_email(to=bad, template="goodbye", context={}, language="en")
    assert OutboxMessage.objects.count() == 0

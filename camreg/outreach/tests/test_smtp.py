"""Delivery through a real SMTP server (aiosmtpd on localhost)."""

from email import message_from_bytes
from email.policy import default as default_policy

import pytest

from camreg.agency import services as agency_services
from camreg.outreach.models import OutboxStatus
from camreg.outreach.services import queue_email
from conftest import free_port

LINK = "https://registry.example.org/verify/Zm9vYmFy/"


def queue_verification(registrant=None):
    return queue_email(
        to="ana@example.com",
        template="verify_email",
        context={"name": "Ana Ruiz", "link": LINK, "hours": 24},
        language="en",
        registrant=registrant,
    )


@pytest.mark.django_db
def test_a_queued_email_arrives_at_the_smtp_server(smtp_server, registrant):
    message = queue_verification(registrant)

    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert len(smtp_server.envelopes) == 1
    envelope = smtp_server.envelopes[0]
    assert envelope.mail_from == "registry@example.org"
    assert envelope.rcpt_tos == ["ana@example.com"]

    received = message_from_bytes(envelope.original_content, policy=default_policy)
    assert received["To"] == "ana@example.com"
    assert received["Subject"] == message.subject
    assert received["Message-ID"] == message.message_id
    assert received["Reply-To"] == agency_services.current().contact_email
    text = received.get_body(preferencelist=("plain",)).get_content()
    html = received.get_body(preferencelist=("html",)).get_content()
    assert LINK in text
    assert f'href="{LINK}"' in html


@pytest.mark.django_db
def test_a_rejection_by_the_server_is_recorded_and_retried(smtp_server):
    smtp_server.reply = "451 Requested action aborted: try again later"

    message = queue_verification()

    message.refresh_from_db()
    assert message.status == OutboxStatus.QUEUED
    assert message.attempts == 1
    assert "451" in message.last_error
    assert message.sent_at is None
    assert smtp_server.envelopes == []


@pytest.mark.django_db
def test_an_unreachable_server_is_recorded_and_retried(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()  # nothing listens there
    settings.EMAIL_TIMEOUT = 5

    message = queue_verification()

    message.refresh_from_db()
    assert message.status == OutboxStatus.QUEUED
    assert message.attempts == 1
    assert "ConnectionRefusedError" in message.last_error


@pytest.mark.django_db
def test_spanish_subjects_and_long_lines_arrive_intact(smtp_server):
    long_line = "ñ" * 700  # 1,400 bytes: longer than an SMTP line may be
    message = queue_email(
        to="luis@example.com",
        template="registration_rejected",
        context={"name": "Luis Gómez", "reason": long_line},
        language="es",
    )
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    received = message_from_bytes(smtp_server.envelopes[0].original_content, policy=default_policy)
    assert received["Subject"] == message.subject
    assert "¿" in message.subject or "ó" in message.subject or not message.subject.isascii()
    assert received["Content-Language"] == "es"
    assert received["Auto-Submitted"] == "auto-generated"
    text = received.get_body(preferencelist=("plain",))
    assert text["Content-Transfer-Encoding"] == "quoted-printable"
    assert long_line in text.get_content()
    assert "Luis Gómez" in text.get_content()
    html = received.get_body(preferencelist=("html",)).get_content()
    assert '<html lang="es"' in html
    for line in smtp_server.envelopes[0].original_content.split(b"\r\n"):
        assert len(line) <= 998

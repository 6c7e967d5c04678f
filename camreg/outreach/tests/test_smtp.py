"""Delivery through a real SMTP server (aiosmtpd on localhost)."""

import socket
from email import message_from_bytes
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller

from camreg.agency import services as agency_services
from camreg.outreach.models import OutboxStatus
from camreg.outreach.services import queue_email

LINK = "https://registry.example.org/verify/Zm9vYmFy/"


class RecordingHandler:
    """Accepts every message (or rejects them all with `reply`) and keeps the envelopes."""

    def __init__(self, reply: str = "250 Message accepted for delivery"):
        self.envelopes: list = []
        self.reply = reply

    async def handle_DATA(self, server, session, envelope):
        if self.reply.startswith("250"):
            self.envelopes.append(envelope)
        return self.reply


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    handler = RecordingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    settings.DEFAULT_FROM_EMAIL = "Camera Registry <registry@example.org>"
    yield handler
    controller.stop()


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

"""The verification email travels through a real SMTP server and its link works."""

import re
from email import message_from_bytes
from email.policy import default as default_policy

import pytest
from django.urls import reverse

from camreg.outreach.models import OutboxMessage
from camreg.registry.models import Registrant, RegistrationStatus
from camreg.testing.mail import path_of
from camreg.testing.registrants import registration_post

pytestmark = pytest.mark.django_db


def test_verification_link_from_the_received_message(client, smtp_server, address_points):
    response = client.post(
        reverse("registry:register"), registration_post(email="maria@example.com", language="es")
    )
    assert response.status_code == 302

    assert len(smtp_server.envelopes) == 1
    envelope = smtp_server.envelopes[0]
    assert envelope.rcpt_tos == ["maria@example.com"]
    message = message_from_bytes(envelope.content, policy=default_policy)
    assert message["Content-Language"] == "es"
    text = message.get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"https?://\S+/verify/\S+", text).group(0)
    assert OutboxMessage.objects.get().status == "sent"

    page = client.get(path_of(link))
    assert page.status_code == 200
    assert client.post(path_of(link)).status_code == 200
    assert Registrant.objects.get().status == RegistrationStatus.PENDING_REVIEW

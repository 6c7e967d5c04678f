"""The development mailbox shows the outbox, and only with DEBUG and DEMO_MODE on."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import include, path, reverse

from camreg.outreach.models import OutboxMessage
from camreg.outreach.services import queue_email

LINK = "https://registry.example.org/manage/link/tok123/"

# The site as configured (its pages link to each other), with the development pages mounted
# whatever DEBUG said when its URLs were loaded: this module is the tests' URLconf.
urlpatterns = [
    path("dev/", include("camreg.outreach.dev_urls")),
    path("", include(settings.ROOT_URLCONF)),
]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


@pytest.fixture
def messages(mailoutbox):
    first = queue_email(
        to="ana@example.com",
        template="registration_received",
        context={"name": "Ana Ruiz"},
        language="en",
    )
    second = queue_email(
        to="bo@example.com",
        template="manage_link",
        context={"name": "Bo Lee", "link": LINK, "minutes": 30},
        language="en",
    )
    OutboxMessage.objects.filter(pk=first.pk).update(
        created_at=second.created_at - timedelta(minutes=5)
    )
    return first, second


def dev_urls(message):
    return [
        reverse("dev:mailbox"),
        reverse("dev:mailbox-message", args=[message.pk]),
        reverse("dev:mailbox-message-html", args=[message.pk]),
    ]


@pytest.mark.parametrize(("debug", "demo_mode"), [(False, False), (True, False), (False, True)])
def test_the_mailbox_is_not_found_unless_debug_and_demo(client, messages, debug, demo_mode):
    with override_settings(DEBUG=debug, DEMO_MODE=demo_mode):
        for url in dev_urls(messages[0]):
            response = client.get(url)
            assert response.status_code == 404, url
            assert b"ana@example.com" not in response.content


@override_settings(DEBUG=True, DEMO_MODE=True)
def test_the_mailbox_lists_messages_newest_first(client, messages):
    first, second = messages
    response = client.get(reverse("dev:mailbox"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<table class="usa-table' in html
    assert "<caption>" in html
    assert '<th scope="col">' in html
    assert "<h1>Development mailbox</h1>" in html
    for message in (first, second):
        assert message.to_address in html
        assert message.subject in html.replace("&#x27;", "'")
        assert reverse("dev:mailbox-message", args=[message.pk]) in html
    assert html.index("bo@example.com") < html.index("ana@example.com")
    assert "Sent" in html


@override_settings(DEBUG=True, DEMO_MODE=True)
def test_a_message_shows_its_headers_and_a_clickable_text_body(client, messages):
    message = messages[1]
    response = client.get(reverse("dev:mailbox-message", args=[message.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert message.message_id.replace("<", "&lt;").replace(">", "&gt;") in html
    assert "bo@example.com" in html
    assert f'<a href="{LINK}"' in html
    iframe_src = reverse("dev:mailbox-message-html", args=[message.pk])
    assert f'src="{iframe_src}" sandbox=""' in html


@override_settings(DEBUG=True, DEMO_MODE=True)
def test_the_html_body_is_served_in_a_sandbox(client, messages):
    message = messages[1]
    response = client.get(reverse("dev:mailbox-message-html", args=[message.pk]))
    assert response.status_code == 200
    assert response.content.decode() == message.body_html
    policy = response["Content-Security-Policy"]
    assert policy.startswith("sandbox")
    assert "default-src 'none'" in policy
    assert response["X-Frame-Options"] == "SAMEORIGIN"


@override_settings(DEBUG=True, DEMO_MODE=True)
def test_an_unknown_message_is_not_found(client, db):
    assert client.get(reverse("dev:mailbox-message", args=[999])).status_code == 404

"""Email texts per language: the agency's own text is used by the outbox; restore brings
back the shipped text; bad templates are refused."""

from __future__ import annotations

import pytest
from django.urls import reverse

from camreg.audit.models import AuditEvent
from camreg.outreach import email_texts
from camreg.outreach import services as outreach
from camreg.outreach.models import EmailText

pytestmark = pytest.mark.django_db

SUBJECT = "Please confirm your email for the {{ agency.program_name }}"
BODY = (
    "Hi {{ name }},\n\n"
    "Open this link within {{ hours }} hours to finish registering:\n"
    "{{ link }}\n\n"
    "Thank you & see you soon."
)


def edit_url(key="verify_email", language="en") -> str:
    return reverse("settings:email-edit", args=[key, language])


def send_verify(language="en"):
    return outreach.queue_email(
        to="ana@example.com",
        template="verify_email",
        context={"name": "Ana", "link": "https://example.org/verify/abc/", "hours": 24},
        language=language,
    )


def test_an_override_is_used_by_the_outbox_and_restore_brings_back_the_default(coordinator):
    shipped = send_verify()
    response = coordinator.post(edit_url(), {"subject": SUBJECT, "body_text": BODY})
    assert response.status_code == 302
    saved = EmailText.objects.get(template="verify_email", language="en")
    assert saved.updated_by == coordinator.user
    event = AuditEvent.objects.get(action="email_text.updated")
    assert event.target_type == "outreach.emailtext" and event.target_id == "verify_email:en"
    assert event.details["created"] is True

    message = send_verify()
    assert message.subject == "Please confirm your email for the Camera Registry Program"
    assert message.body_text.startswith("Hi Ana,\n\nOpen this link within 24 hours")
    assert "https://example.org/verify/abc/" in message.body_text
    # The usual footer follows the text.
    assert "\n-- \nKern County Sheriff's Office" in message.body_text
    assert "In an emergency, call 911." in message.body_text
    # The HTML part: the text with paragraphs and links inside the shipped layout.
    assert '<a href="https://example.org/verify/abc/"' in message.body_html
    assert "<p>Hi Ana,</p>" in message.body_html
    assert "Thank you &amp; see you soon." in message.body_html
    assert "email__footer" in message.body_html
    # Spanish still uses the shipped text.
    assert send_verify("es").subject.startswith("Confirme su correo electrónico")

    response = coordinator.post(reverse("settings:email-restore", args=["verify_email", "en"]))
    assert response.status_code == 302
    assert not EmailText.objects.exists()
    assert AuditEvent.objects.filter(action="email_text.restored").count() == 1
    restored = send_verify()
    assert restored.subject == shipped.subject
    assert restored.body_text == shipped.body_text
    assert restored.body_html == shipped.body_html


def test_changing_an_override_records_the_changed_fields(coordinator):
    coordinator.post(edit_url(), {"subject": SUBJECT, "body_text": BODY})
    coordinator.post(edit_url(), {"subject": "New {{ agency.short_name }}", "body_text": BODY})
    events = list(AuditEvent.objects.filter(action="email_text.updated").order_by("pk"))
    assert [e.details["changed"] for e in events] == [["subject", "body_text"], ["subject"]]
    assert events[1].details["created"] is False


@pytest.mark.parametrize(
    ("field", "subject", "body", "message"),
    [
        ("body_text", SUBJECT, "Hi {% if name %}{{ name }}", "syntax error"),
        ("body_text", SUBJECT, "Hi {{ name|nosuchfilter }}", "Invalid filter"),
        ("subject", "Hi {{ }}", BODY, "syntax error"),
        ("body_text", SUBJECT, "Hi {{ first_name }}", "uses {{ first_name }}, which this email"),
        ("body_text", SUBJECT, '{% include "web/base.html" %}', "{% include %} (line 1)"),
        ("body_text", SUBJECT, "{% load static %}", "{% load %} (line 1) is not allowed"),
        ("body_text", SUBJECT, "{% debug %}", "{% debug %} (line 1) is not allowed"),
        ("body_text", SUBJECT, '{% url "no-such-page" %}', "could not be rendered"),
        ("subject", "{% if False %}x{% endif %}", BODY, "The subject is empty"),
    ],
)
def test_bad_templates_are_refused(coordinator, field, subject, body, message):
    response = coordinator.post(edit_url(), {"subject": subject, "body_text": body})
    assert response.status_code == 400
    content = _unescape(response.content.decode())
    assert message in content, content[:300]
    label = "Subject" if field == "subject" else "Text"
    assert f'<a href="#id_{field}">{label}:' in content
    assert not EmailText.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="email_text.").exists()


def _unescape(text: str) -> str:
    import html

    return html.unescape(text)


def test_preview_renders_sample_data_without_saving(coordinator):
    response = coordinator.post(
        edit_url("registration_confirmed", "es"),
        {
            "subject": "Confirmado: {{ agency.program_name }}",
            "body_text": "Hola {{ name }}.\n{% for site in sites %}- {{ site.address_line }}\n"
            "{% endfor %}{{ camera_count }} cámaras. {{ manage_url }}",
            "action": "preview",
        },
    )
    assert response.status_code == 200
    body = _unescape(response.content.decode())
    assert "Preview of the text above (not saved)" in body
    assert "Confirmado: Camera Registry Program" in body
    # The sample place is the agency's own example address.
    assert "- 1701 Ming Ave, Bakersfield, CA 93304" in body
    assert "3 cámaras." in body
    assert "En caso de emergencia, llame al 911." in body  # the Spanish footer
    assert not EmailText.objects.exists()


def test_the_form_starts_from_the_shipped_text(coordinator):
    body = _unescape(coordinator.get(edit_url("manage_link", "es")).content.decode())
    assert "Hola, {{ name }}:" in body
    assert "{{ link }}" in body and "{{ minutes }} minutos" in body
    assert "Preview of the email as it is sent now" in body
    assert "uses the shipped text" in body


@pytest.mark.parametrize("key", list(email_texts.EMAILS))
@pytest.mark.parametrize("language", ["en", "es"])
def test_every_shipped_text_makes_a_valid_starting_point(key, language):
    subject, body = email_texts.default_source(key, language)
    rendered = email_texts.validate(key, language, subject, body)
    shipped = outreach.render_email(
        template=key, context=email_texts.EMAILS[key].sample(), language=language
    )
    # Saving the starting point unchanged sends the same words as the shipped template.
    assert rendered["subject"] == shipped["subject"]
    assert rendered["body_text"] == shipped["body_text"]


def test_a_text_that_fails_when_sending_falls_back_to_the_shipped_text(db):
    EmailText.objects.create(
        template="verify_email", language="en", subject="{% url 'gone' %}", body_text="x"
    )
    message = send_verify()
    assert message.subject.startswith("Confirm your email to finish registering")


def test_the_full_html_email_is_its_own_sandboxed_document(coordinator):
    response = coordinator.get(reverse("settings:email-html", args=["goodbye", "es"]))
    assert response.status_code == 200
    assert "sandbox" in response["Content-Security-Policy"]
    assert '<html lang="es"' in response.content.decode()


def test_the_list_shows_which_emails_are_customised(coordinator):
    coordinator.post(edit_url("goodbye", "es"), {"subject": "Adiós", "body_text": "Hola."})
    body = coordinator.get(reverse("settings:emails")).content.decode()
    assert body.count("Agency text") == 1
    assert body.count("Shipped text") == len(email_texts.EMAILS) * 2 - 1
    assert "by Carla Coordinator" in body


def test_unknown_emails_and_languages_are_not_found(coordinator):
    assert coordinator.get(edit_url("nope", "en")).status_code == 404
    assert coordinator.get(edit_url("verify_email", "fr")).status_code == 404

"""Owners who prefer a call or a text: the request creates a call task on the case with their
number, their preferred times and a script in their language; the deputy logs the outcome."""

from __future__ import annotations

import pytest
from django.urls import reverse

from camreg.audit.models import AuditEvent
from camreg.footage import services
from camreg.footage.models import (
    Answer,
    CallChannel,
    CallTask,
    ContactAttempt,
    FootageRequest,
    Status,
    TaskStatus,
)
from camreg.outreach.models import OutboxMessage

from .conftest import camera_ids

pytestmark = pytest.mark.django_db


def ask(case, deputy, *owners):
    return services.create_requests(case, camera_ids(*owners), actor=deputy.user, message="")


@pytest.mark.parametrize(
    ("preferred", "email", "channel"),
    [
        ("phone", None, CallChannel.CALL),
        ("text", None, CallChannel.TEXT),
        ("email", None, None),
        ("email", "", CallChannel.CALL),  # no email address: call them
    ],
)
def test_who_gets_a_call_task(now, case, deputy, owner, preferred, email, channel):
    registrant = owner(preferred_contact=preferred, email=email)
    (footage_request,) = ask(case, deputy, registrant)
    task = services.task_of(footage_request)
    assert (task.channel if task else None) == channel
    # The email goes out whenever there is an address, whatever they prefer.
    assert footage_request.status == (Status.SENT if registrant.email else Status.DRAFT)
    if channel:
        event = AuditEvent.objects.get(action="footage.call_task_created")
        assert event.details == {"call_task_id": task.pk, "channel": channel}
        assert event.case_number == case.case_number


def test_no_number_no_task(now, case, deputy, owner):
    registrant = owner(preferred_contact="phone", phone="")
    (footage_request,) = ask(case, deputy, registrant)
    assert services.task_of(footage_request) is None


def test_the_call_script_in_english(now, case, deputy, owner):
    registrant = owner("Ben Ortiz", preferred_contact="phone", contact_hours="After 5 pm")
    (footage_request,) = ask(case, deputy, registrant)
    script = services.script(services.task_of(footage_request))
    assert script.language == "en"
    text = script.text
    assert text.startswith("Hello, may I speak with Ben Ortiz?")
    assert "You asked us to contact you by phone." in text
    assert f"(case {case.case_number})" in text
    assert "Nov. 18, 2026, 10 a.m. – 11 a.m." in text  # in the agency's time zone
    assert "Front door (" in text and "Truxtun Ave" in text
    assert "Sharing your video is voluntary." in text
    assert "We also sent you an email with a private link" in text


def test_the_call_script_in_spanish(now, case, deputy, owner):
    registrant = owner("Ana Ruiz", language="es", preferred_contact="phone")
    (footage_request,) = ask(case, deputy, registrant)
    script = services.script(services.task_of(footage_request))
    assert script.language == "es"
    text = script.text
    assert text.startswith("Hola, ¿podría hablar con Ana Ruiz?")
    assert "Oficina del Sheriff del Condado de Kern está investigando un incidente" in text
    assert "18 de noviembre de 2026 a las 10:00 – 11:00" in text
    assert "Compartir su video es voluntario." in text
    assert "Sharing" not in text
    # The deputy may read it in English too.
    english = services.script(services.task_of(footage_request), language="en").text
    assert "Sharing your video is voluntary." in english


def test_the_text_message_script(now, case, deputy, owner):
    registrant = owner("Ana Ruiz", language="es", preferred_contact="text")
    (footage_request,) = ask(case, deputy, registrant)
    text = services.script(services.task_of(footage_request)).text
    assert text.startswith("Hola, Ana Ruiz:")
    assert "Compartir es voluntario." in text
    assert "\n" not in text  # one message


def test_no_answer_keeps_the_task_open(now, case, deputy, owner):
    (footage_request,) = ask(case, deputy, owner(preferred_contact="phone"))
    task = services.task_of(footage_request)
    services.log_call(task, actor=deputy.user, outcome="no_answer", note="Voicemail full")
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN and task.attempts == 1
    attempt = ContactAttempt.objects.get()
    assert (attempt.kind, attempt.outcome, attempt.note) == ("call", "no_answer", "Voicemail full")
    assert FootageRequest.objects.get().status == Status.SENT


@pytest.mark.parametrize(
    ("outcome", "answer"),
    [("no_footage", Answer.NO_FOOTAGE), ("will_provide", Answer.WILL_PROVIDE)],
)
def test_an_answer_by_phone_is_the_owners_answer(now, case, deputy, owner, outcome, answer):
    (footage_request,) = ask(case, deputy, owner(preferred_contact="phone"))
    task = services.task_of(footage_request)
    services.log_call(task, actor=deputy.user, outcome=outcome, note="Spoke with the owner")
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE and task.outcome == outcome
    assert task.done_by == deputy.user
    footage_request.refresh_from_db()
    assert footage_request.status == Status.ANSWERED and footage_request.answer == answer
    assert footage_request.answer_note == "Spoke with the owner"
    assert not footage_request.links.usable().exists()  # the email's link stops working
    event = AuditEvent.objects.get(action="footage.answered_by_phone")
    assert event.details["answer"] == answer
    assert AuditEvent.objects.filter(action="footage.contact_logged").count() == 1
    with pytest.raises(services.FootageError):
        services.log_call(task, actor=deputy.user, outcome="reached")


def test_answering_online_cancels_the_call(now, case, deputy, owner):
    (footage_request,) = ask(case, deputy, owner(preferred_contact="text"))
    body = OutboxMessage.objects.get(template="footage_request").body_text
    token = body.split("/footage/")[1].split("/")[0]
    services.answer(token, "will_provide")
    assert CallTask.objects.get().status == TaskStatus.CANCELLED


def test_closing_the_request_cancels_the_call(now, case, deputy, owner):
    (footage_request,) = ask(case, deputy, owner(preferred_contact="phone"))
    services.close(footage_request, actor=deputy.user)
    assert CallTask.objects.get().status == TaskStatus.CANCELLED


def test_log_a_call_from_the_case_page(now, case, deputy, owner):
    (footage_request,) = ask(case, deputy, owner(preferred_contact="phone"))
    task = services.task_of(footage_request)
    case_url = reverse("canvass:case", kwargs={"pk": case.pk})
    page = deputy.get(case_url).content.decode()
    assert "Call to make" in page and "Hello, may I speak with Ana Ruiz?" in page
    assert f'action="{reverse("footage:call-log", kwargs={"pk": task.pk})}"' in page
    response = deputy.post(
        reverse("footage:call-log", kwargs={"pk": task.pk}),
        {
            f"call-{task.pk}-outcome": "left_message",
            f"call-{task.pk}-note": "Left a voicemail",
            "next": case_url + f"#request-{footage_request.pk}",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == case_url + f"#request-{footage_request.pk}"
    page = deputy.get(case_url).content.decode()
    assert "Left a voicemail" in page and "tried 1 time" in page


def test_a_bad_outcome_changes_nothing(now, case, deputy, owner):
    (footage_request,) = ask(case, deputy, owner(preferred_contact="phone"))
    task = services.task_of(footage_request)
    response = deputy.post(
        reverse("footage:call-log", kwargs={"pk": task.pk}),
        {f"call-{task.pk}-outcome": "shouted", "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("footage:request", kwargs={"pk": footage_request.pk})
    assert not ContactAttempt.objects.exists()


def test_only_canvass_roles_log_calls(now, case, deputy, owner, staff_client):
    (footage_request,) = ask(case, deputy, owner(preferred_contact="phone"))
    task = services.task_of(footage_request)
    response = staff_client("program_coordinator").post(
        reverse("footage:call-log", kwargs={"pk": task.pk}),
        {f"call-{task.pk}-outcome": "reached"},
    )
    assert response.status_code == 403
    assert not ContactAttempt.objects.exists()


def test_the_request_page_shows_the_call_task(now, case, deputy, owner):
    (footage_request,) = ask(
        case, deputy, owner("Ana Ruiz", language="es", preferred_contact="text")
    )
    page = deputy.get(
        reverse("footage:request", kwargs={"pk": footage_request.pk})
    ).content.decode()
    assert '<h2 class="footage-task__title">Text message to send</h2>' in page
    assert 'lang="es"' in page and "Hola, Ana Ruiz:" in page
    assert "The script in English" in page and "Log the text message to Ana Ruiz" in page
    assert '<a href="tel:+16615550100" class="phone-link">(661) 555-0100</a>' in page

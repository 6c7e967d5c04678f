"""The registrant's answer page: the three answers, single purpose, expiry, language."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client

from camreg.audit.models import AuditEvent
from camreg.footage import services
from camreg.footage.models import Answer, FootageRequest, Status

from .conftest import NOW, camera_ids

pytestmark = pytest.mark.django_db


def _token(message) -> str:
    match = re.search(r"/footage/([A-Za-z0-9_-]+)/", message.body)
    assert match, message.body
    return match.group(1)


@pytest.fixture
def sent(now, case, deputy, owner):
    """`sent(owner)`: send a request to that owner; returns (request, token)."""

    def send(registrant):
        before = len(mail.outbox)
        (request,) = services.create_requests(
            case, camera_ids(registrant), actor=deputy.user, message="Back door, please."
        )
        return request, _token(mail.outbox[before])

    return send


def _url(token: str) -> str:
    return f"/footage/{token}/"


def test_get_shows_the_request_without_using_the_link(sent, owner):
    request, token = sent(owner("Ana Ruiz", cameras=[{"label": "Porch camera"}]))
    client = Client()
    for _ in range(2):  # a mail scanner's visit does not use it up
        response = client.get(_url(token))
        assert response.status_code == 200
    html = response.content.decode()
    for text in ("KC2026-004711", "Porch camera", "Dana Deputy", "Back door, please.", "10 a.m."):
        assert text in html
    assert response["Content-Language"] == "en"
    assert 'name="answer"' in html
    request.refresh_from_db()
    assert request.status == Status.SENT


@pytest.mark.parametrize("choice", Answer.values)
def test_each_answer_is_recorded(sent, owner, choice):
    registrant = owner()
    request, token = sent(registrant)
    response = Client().post(_url(token), {"answer": choice, "note": "Call after 5 pm."})
    assert response.status_code == 200
    assert "footage/answer_thanks.html" in [t.name for t in response.templates]
    request.refresh_from_db()
    assert request.status == Status.ANSWERED
    assert request.answer == choice
    assert request.answer_note == "Call after 5 pm."
    assert request.answered_at == NOW
    event = AuditEvent.objects.get(action="footage.answered")
    assert event.actor_type == "registrant" and event.actor_id == str(registrant.pk)
    assert event.details == {"answer": choice, "with_note": True}
    assert event.case_number == "KC2026-004711"


def test_the_link_answers_once(sent, owner):
    request, token = sent(owner())
    client = Client()
    assert client.post(_url(token), {"answer": "will_provide"}).status_code == 200
    # After "I will provide it" the link opens the upload page (issue 12), never the
    # answer form again.
    again = client.post(_url(token), {"answer": "cannot_help"})
    assert again.status_code == 302
    assert again["Location"] == f"/footage/{token}/upload/"
    assert client.get(_url(token)).status_code == 302
    request.refresh_from_db()
    assert request.answer == "will_provide"
    # Any other answer uses the link up for good.
    other, other_token = sent(owner())
    assert client.post(_url(other_token), {"answer": "cannot_help"}).status_code == 200
    assert client.post(_url(other_token), {"answer": "will_provide"}).status_code == 410
    assert client.get(_url(other_token)).status_code == 410
    other.refresh_from_db()
    assert other.answer == "cannot_help"


def test_no_answer_chosen_shows_the_form_again(sent, owner):
    request, token = sent(owner())
    response = Client().post(_url(token), {"note": "hello"})
    assert response.status_code == 400
    assert "Choose one of the answers." in response.content.decode()
    request.refresh_from_db()
    assert request.status == Status.SENT


def test_expired_link_is_gone(sent, owner):
    request, token = sent(owner())
    with time_machine.travel(NOW + timedelta(days=7, minutes=1), tick=False):
        response = Client().get(_url(token))
        assert response.status_code == 410
        assert "This link no longer works" in response.content.decode()
        assert Client().post(_url(token), {"answer": "no_footage"}).status_code == 410
    request.refresh_from_db()
    assert request.status == Status.SENT and not request.answer


def test_unknown_link_is_gone(db):
    assert Client().get(_url("not-a-real-token")).status_code == 410
    assert Client().get(_url("x" * 200)).status_code == 410


def test_a_link_answers_only_its_own_request(sent, owner):
    ana_request, ana_token = sent(owner("Ana Ruiz"))
    ben_request, ben_token = sent(owner("Ben Ortiz"))
    Client().post(_url(ana_token), {"answer": "no_footage"})
    ben_request.refresh_from_db()
    assert ben_request.status == Status.SENT and not ben_request.answer
    # Ana's used link cannot be pointed at Ben's request: the token names the request.
    assert Client().post(_url(ana_token), {"answer": "cannot_help"}).status_code == 410
    ben_request.refresh_from_db()
    assert not ben_request.answer
    Client().post(_url(ben_token), {"answer": "will_provide"})
    assert FootageRequest.objects.get(pk=ana_request.pk).answer == "no_footage"
    assert FootageRequest.objects.get(pk=ben_request.pk).answer == "will_provide"


def test_closed_request_link_stops_working(sent, owner, deputy):
    request, token = sent(owner())
    services.close(request, actor=deputy.user, note="Found the suspect.")
    assert Client().get(_url(token)).status_code == 410


def test_page_is_in_the_registrants_language(sent, owner):
    request, token = sent(owner("Ana Ruiz", language="es"))
    response = Client().get(_url(token))
    assert response.status_code == 200
    assert response["Content-Language"] == "es"
    html = response.content.decode()
    assert '<html lang="es">' in html
    assert "de noviembre de 2026" in html
    assert f'href="/footage/{token}/?lang=en"' in html
    # The visitor may switch language on the page.
    english = Client().get(_url(token) + "?lang=en")
    assert english["Content-Language"] == "en"
    assert '<html lang="en">' in english.content.decode()


def test_gone_page_follows_the_visitors_language(db):
    response = Client().get(_url("not-a-real-token") + "?lang=es")
    assert response.status_code == 410
    assert response["Content-Language"] == "es"

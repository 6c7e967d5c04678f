import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from camreg.registry import services
from camreg.registry.models import Registrant
from camreg.testing.mail import link_from_last_email, path_of
from camreg.testing.registrants import registration_post

pytestmark = pytest.mark.django_db
URL = reverse("registry:manage-request")


@pytest.fixture
def active_registrant(client, address_points, auto_confirm):
    client.post(reverse("registry:register"), registration_post())
    client.post(path_of(link_from_last_email(r"https?://\S+/verify/\S+")))
    mail.outbox.clear()
    return Registrant.objects.get()


def test_same_answer_registered_or_not(client, active_registrant):
    known = client.post(URL, {"email": "ANA@example.com"})
    unknown = client.post(URL, {"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]

    def visible(response) -> str:
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())

    assert visible(client.get(known["Location"])) == visible(client.get(unknown["Location"]))
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ana@example.com"]


def test_link_opens_portal_once(client, active_registrant):
    client.post(URL, {"email": "ana@example.com"})
    path = path_of(link_from_last_email(r"https?://\S+/manage/link/\S+"))
    assert client.get(path).status_code == 200
    response = client.post(path)
    assert response.status_code == 302 and response["Location"] == reverse("registry:portal")
    portal = client.get(reverse("registry:portal"))
    assert "ana@example.com" in portal.content.decode()

    other = client.__class__()
    assert other.post(path).status_code == 410


def test_a_new_link_replaces_the_previous_one(client, active_registrant):
    client.post(URL, {"email": "ana@example.com"})
    first = path_of(link_from_last_email(r"https?://\S+/manage/link/\S+"))
    client.post(URL, {"email": "ana@example.com"})
    second = path_of(link_from_last_email(r"https?://\S+/manage/link/\S+"))
    assert first != second
    assert client.get(first).status_code == 410
    assert client.post(first).status_code == 410
    assert client.get(second).status_code == 200
    response = client.post(second)
    assert response.status_code == 302 and response["Location"] == reverse("registry:portal")


def test_link_expires_after_30_minutes(client, active_registrant):
    client.post(URL, {"email": "ana@example.com"})
    path = path_of(link_from_last_email(r"https?://\S+/manage/link/\S+"))
    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        assert client.post(path).status_code == 410
        assert client.get(reverse("registry:portal")).status_code == 302


def test_rate_limited_per_email(client, active_registrant, settings):
    settings.RATE_LIMIT_MAGIC_LINK_PER_EMAIL = "2/h"
    for n in range(4):
        response = client.post(URL, {"email": "ana@example.com"}, REMOTE_ADDR=f"198.51.100.{n}")
        assert response.status_code == 302
    assert len(mail.outbox) == 2


def test_rate_limited_per_ip(client, db, settings):
    settings.RATE_LIMIT_MAGIC_LINK_PER_IP = "3/h"
    codes = [client.post(URL, {"email": f"x{n}@example.com"}).status_code for n in range(5)]
    assert codes == [302, 302, 302, 429, 429]


def test_bad_email_is_named(client, db):
    response = client.post(URL, {"email": "nope"})
    assert response.status_code == 400
    assert "Enter an email address like name@example.com." in response.content.decode()


def test_unverified_registrant_gets_no_link(client, address_points):
    client.post(reverse("registry:register"), registration_post())
    mail.outbox.clear()
    assert services.send_manage_link("ana@example.com") is False
    assert not mail.outbox


def test_portal_needs_a_session(client, db):
    response = client.get(reverse("registry:portal"))
    assert response.status_code == 302
    assert response["Location"] == URL

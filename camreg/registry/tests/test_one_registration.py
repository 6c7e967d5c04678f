"""One person, one registration: the email identifies the registrant, the database enforces
it, registering again sends a link to the registration there is, leaving erases everything
under the email."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from camreg.outreach.models import OutboxMessage
from camreg.registry import services
from camreg.registry.models import AccessToken, Registrant, RegistrationStatus
from camreg.testing.mail import emails_to, link_path
from camreg.testing.registrants import portal_client, registration_post

URL = reverse("registry:register")
SENT = reverse("registry:register-sent")


def _register(client, **contact):
    return client.post(URL, registration_post(**contact))


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["pending_review", "active", "lapsed"])
def test_registering_again_sends_a_link_to_the_registration_there_is(
    client, address_points, make_registrant, status
):
    ana = make_registrant("Ana Ruiz", email="ana@example.com", status=status, language="es")
    response = _register(client, email="  ANA@Example.com ", name="Somebody Else", language="en")
    assert response.status_code == 302 and response["Location"] == SENT
    page = client.get(SENT).content.decode()
    # The same page as a first registration: nothing says the address was known.
    assert "Check your email" in page and "<strong>ana@example.com</strong>" in page

    assert Registrant.objects.count() == 1
    ana.refresh_from_db()
    assert ana.name == "Ana Ruiz" and ana.sites.count() == 1  # nothing of the new form stored
    [message] = emails_to("ana@example.com")
    # In Ana's language, not the form's.
    assert "Ya está inscrito en el Programa de Registro de Cámaras" in message.subject
    path = link_path(message, "/manage/link/")
    assert path.endswith("?lang=es")
    assert client.post(path).status_code == 302  # the link opens her registration


@pytest.mark.django_db
def test_first_and_second_registration_look_the_same(client, address_points):
    first = _register(client, email="new@example.com")
    second = Client().post(URL, registration_post(email="new@example.com"))
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == SENT


@pytest.mark.django_db
def test_again_while_unverified_resends_the_verification_later_not_at_once(client, address_points):
    _register(client, email="pat@example.com")
    _register(client, email="pat@example.com")  # a double click: nothing more
    assert [m.subject for m in mail.outbox] == [mail.outbox[0].subject]
    assert "/verify/" in mail.outbox[0].body

    AccessToken.objects.update(created_at=timezone.now() - timedelta(minutes=5))
    _register(client, email="pat@example.com")  # later: the link again
    assert len(mail.outbox) == 2 and "/verify/" in mail.outbox[1].body
    assert Registrant.objects.count() == 1


@pytest.mark.django_db
def test_the_database_refuses_a_second_registration_with_the_email(make_registrant):
    make_registrant(email="one@example.com", status="active")
    with pytest.raises(IntegrityError), transaction.atomic():
        Registrant.objects.create(kind="resident", name="Two", email="One@Example.com ")
    # A registration that was turned down, or a tombstone, does not hold the address.
    make_registrant(email="gone@example.com", status="rejected")
    make_registrant(email="gone@example.com", status="unverified")
    assert Registrant.objects.filter(email_key="gone@example.com").count() == 2


@pytest.mark.django_db
def test_leaving_erases_everything_under_the_email(make_registrant):
    turned_down = make_registrant(email="sam@example.com", status="rejected", name="Sam Old")
    sam = make_registrant(email="sam@example.com", status="active", name="Sam New")
    services.leave(sam)
    for registrant in (turned_down, sam):
        registrant.refresh_from_db()
        assert registrant.email == "" and registrant.name == ""
        assert not registrant.sites.exists()
    assert not Registrant.objects.filter(email_key="sam@example.com").exists()


@pytest.mark.django_db
def test_portal_refuses_an_email_that_another_registration_holds(make_registrant):
    make_registrant(email="taken@example.com", status="active")
    mine = make_registrant(email="mine@example.com", status="active", phone="+16615550123")
    client = portal_client(mine)
    form = client.get(reverse("registry:portal-edit")).context["form"]
    from camreg.testing.registrants import form_post

    data = form_post(form)
    data["contact-email"] = "Taken@example.com"
    response = client.post(reverse("registry:portal-edit"), data)
    assert response.status_code == 400
    assert "Another registration uses this email address" in response.content.decode()
    mine.refresh_from_db()
    assert mine.email == "mine@example.com"


def _post_at_once(url: str, data: dict, count: int) -> list[int]:
    barrier = threading.Barrier(count)
    statuses: list[int] = []

    def post():
        from django.db import connections

        try:
            client = Client(REMOTE_ADDR="203.0.113.50")
            barrier.wait(timeout=10)
            statuses.append(client.post(url, data).status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return statuses


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent requests need PostgreSQL's own rows"
)
@pytest.mark.django_db(transaction=True)
def test_five_concurrent_registrations_make_one(address_points):
    statuses = _post_at_once(URL, registration_post(email="twin@example.com"), 5)
    assert statuses == [302] * 5
    assert Registrant.objects.filter(email_key="twin@example.com").count() == 1
    templates = list(
        OutboxMessage.objects.filter(to_address="twin@example.com").values_list(
            "template", flat=True
        )
    )
    assert templates.count("verify_email") == 1
    assert set(templates) <= {"verify_email", "registered_again"}
    assert Registrant.objects.get().status == RegistrationStatus.UNVERIFIED


@pytest.mark.django_db
def test_a_submission_that_loses_the_race_takes_the_registered_again_path(
    address_points, make_registrant, monkeypatch
):
    """Two submissions both see no registration; the second insert fails on the constraint
    and is answered like a second registration (what PostgreSQL does under load)."""
    first = make_registrant(email="race@example.com", status="pending_review")
    real = services.registration.holding_email
    calls = []

    def blind_once(email):
        calls.append(email)
        return None if len(calls) == 1 else real(email)

    monkeypatch.setattr(services.registration, "holding_email", blind_once)
    contact = {
        "kind": "resident",
        "business_name": "",
        "name": "Race",
        "email": "race@example.com",
        "phone": "+16615550123",
        "alternate_phone": "",
        "onsite_contact_name": "",
        "onsite_contact_phone": "",
        "preferred_contact": "email",
        "contact_hours": "",
        "language": "en",
    }
    outcome = services.register(contact, [], services.Client())
    assert outcome.new is False and outcome.registrant.pk == first.pk
    assert len(calls) == 2
    assert Registrant.objects.count() == 1
    assert [m.to for m in mail.outbox] == [["race@example.com"]]

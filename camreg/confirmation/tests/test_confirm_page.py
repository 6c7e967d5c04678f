"""The one-click confirmation page: GET changes nothing, POST confirms once, newer terms come
first, hostile links and bodies find nothing and break nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from camreg.confirmation import services
from camreg.confirmation.models import ConfirmationLink, Cycle
from camreg.registry.models import Consent, RegistrationStatus
from camreg.testing.mail import link_path

pytestmark = pytest.mark.django_db


@pytest.fixture
def link(make_registrant):
    ana = make_registrant(
        "Ana Ruiz",
        email="ana@example.com",
        status="active",
        confirmed_at=timezone.now() - timedelta(days=370),
    )
    mail.outbox.clear()
    services.run()
    (email,) = mail.outbox
    return ana, link_path(email, "/confirm/")


def test_opening_the_link_changes_nothing(link):
    ana, path = link
    client = Client()
    for _ in range(3):  # a mail scanner, a preview, the registrant
        page = client.get(path)
        assert page.status_code == 200
        assert page["X-Robots-Tag"] == "noindex"
        assert "no-store" in page["Cache-Control"] or "private" in page["Cache-Control"]
    assert ConfirmationLink.objects.get().used_at is None
    assert Cycle.objects.get(registrant=ana).closed_at is None
    assert "1200 Truxtun Ave" in page.content.decode()
    assert "ana@example.com" in page.content.decode()


def test_newer_terms_must_be_accepted_first(link):
    ana, path = link
    client = Client()
    refused = client.post(path, {})
    assert refused.status_code == 400
    assert "Tick the box to accept the new terms" in refused.content.decode()
    assert Cycle.objects.get(registrant=ana).closed_at is None
    done = client.post(path, {"accept_terms": "on"})
    assert done.status_code == 200
    consent = Consent.objects.get(registrant=ana)
    assert consent.ip_address == "127.0.0.1"
    ana.refresh_from_db()
    assert ana.confirmed_at > timezone.now() - timedelta(minutes=1)


def test_without_newer_terms_one_click_is_enough(link):
    ana, path = link
    from camreg.registry import services as registry

    registry.accept_terms(ana, registry.Client(language="en"))
    page = Client().get(path).content.decode()
    assert 'name="accept_terms"' not in page
    assert Client().post(path).status_code == 200
    assert Cycle.objects.filter(registrant=ana, closed_at__isnull=True).count() == 1
    assert Cycle.objects.filter(registrant=ana, confirmed_via="link").count() == 1


def test_the_page_speaks_the_registrants_language_and_switches(make_registrant):
    make_registrant(
        "Luis Gómez",
        email="luis@example.com",
        status="active",
        language="es",
        confirmed_at=timezone.now() - timedelta(days=370),
    )
    mail.outbox.clear()
    services.run()
    path = link_path(mail.outbox[0], "/confirm/")
    page = Client().get(path)
    assert page["Content-Language"] == "es"
    assert "¿Su registro sigue siendo correcto?" in page.content.decode()
    english = Client().get(path.split("?")[0] + "?lang=en")
    assert english["Content-Language"] == "en"


def test_a_left_registrant_link_no_longer_works(link):
    ana, path = link
    from camreg.registry import services as registry

    registry.leave(ana)
    assert Client().get(path).status_code == 410
    assert Client().post(path, {"accept_terms": "on"}).status_code == 410
    ana.refresh_from_db()
    assert ana.status == RegistrationStatus.LEFT


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    token=st.text(
        alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="/?#%"),
        min_size=1,
        max_size=300,
    ),
    body=st.dictionaries(st.text(max_size=20), st.text(max_size=50), max_size=4),
)
def test_hostile_links_and_bodies_find_nothing_and_change_nothing(link, token, body):
    ana, _path = link
    client = Client(raise_request_exception=False)
    for response in (
        client.get(f"/confirm/{token}/"),
        client.post(f"/confirm/{token}/", body),
    ):
        assert response.status_code in (404, 410), (token, response.status_code)
    ana.refresh_from_db()
    assert ana.status == RegistrationStatus.ACTIVE
    assert not Cycle.objects.filter(registrant=ana, closed_at__isnull=False).exists()

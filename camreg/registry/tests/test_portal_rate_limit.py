"""Saves of the portal's edit form are rate limited per registrant and per client IP: a save
may carry photos to decode (decision 0016)."""

import pytest
from django.urls import reverse

from camreg.registry.forms import RegistrationForm
from camreg.registry.models import Camera
from camreg.testing.registrants import form_post, make_registrant, portal_client

pytestmark = pytest.mark.django_db

URL = reverse("registry:portal-edit")
MESSAGE = "Your registration was saved too many times in a short time."


def _registrant():
    return make_registrant(status="active", phone="6615550123", cameras=[{"label": "Porch"}])


def _save(client, registrant, label: str, *, action="submit", ip="127.0.0.1"):
    form = RegistrationForm(with_terms=False, initial=RegistrationForm.initial_for(registrant))
    data = form_post(form)
    data["s0-c0-label"] = label
    data["action"] = action
    return client.post(URL, data, REMOTE_ADDR=ip)


def test_saves_per_registrant(settings):
    settings.RATE_LIMIT_PORTAL_SAVE_PER_REGISTRANT = "2/h"
    registrant = _registrant()
    for n in range(2):
        # Each save from its own address: the registrant's limit applies across them.
        client = portal_client(registrant)
        response = _save(client, registrant, f"Porch {n}", ip=f"203.0.113.{n + 1}")
        assert response.status_code == 302
    client = portal_client(registrant)
    response = _save(client, registrant, "Porch 3", ip="203.0.113.9")
    assert response.status_code == 429
    assert MESSAGE in response.content.decode()
    assert Camera.objects.get().label == "Porch 1"  # the third save changed nothing


def test_saves_per_ip(settings):
    settings.RATE_LIMIT_PORTAL_SAVE_PER_IP = "2/h"
    first, second = _registrant(), _registrant()
    assert _save(portal_client(first), first, "A").status_code == 302
    assert _save(portal_client(second), second, "B").status_code == 302
    response = _save(portal_client(first), first, "C")
    assert response.status_code == 429
    assert MESSAGE in response.content.decode()
    assert Camera.objects.get(site__registrant=first).label == "A"


def test_adding_a_camera_is_not_a_save(settings):
    settings.RATE_LIMIT_PORTAL_SAVE_PER_REGISTRANT = "1/h"
    registrant = _registrant()
    client = portal_client(registrant)
    for _ in range(3):
        response = _save(client, registrant, "Porch", action="add-camera-0")
        assert response.status_code == 200
    assert _save(client, registrant, "Porch 2").status_code == 302


def test_message_in_spanish(settings):
    settings.RATE_LIMIT_PORTAL_SAVE_PER_REGISTRANT = "1/h"
    registrant = _registrant()
    client = portal_client(registrant)
    client.cookies["camreg_language"] = "es"
    assert _save(client, registrant, "A").status_code == 302
    response = _save(client, registrant, "B")
    assert response.status_code == 429
    assert "Su inscripción se guardó demasiadas veces en poco tiempo." in response.content.decode()

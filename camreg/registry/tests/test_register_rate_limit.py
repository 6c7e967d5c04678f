"""The registration limit counts accepted registrations (per connection and per email), not
attempts, and when reached it is the only thing the page says."""

from __future__ import annotations

import pytest
from django.urls import reverse

from camreg.registry.models import Registrant
from camreg.testing.registrants import registration_post

pytestmark = pytest.mark.django_db
URL = reverse("registry:register")


def test_mistakes_do_not_count(client, address_points, settings):
    settings.RATE_LIMIT_REGISTER_PER_IP = "2/h"
    for _attempt in range(25):
        assert client.post(URL, registration_post(phone="12")).status_code == 400
    assert client.post(URL, registration_post(email="a@example.com")).status_code == 302
    assert client.post(URL, registration_post(email="b@example.com")).status_code == 302
    limited = client.post(URL, registration_post(email="c@example.com", phone="12"))
    assert limited.status_code == 429
    body = limited.content.decode()
    # Alone: no list of problems beside it, though the phone number is wrong too.
    assert "Too many registrations came from your connection" in body
    assert "usa-error-message" not in body and 'id="error-summary"' not in body
    assert 'value="c@example.com"' in body  # what was typed is still there
    assert Registrant.objects.count() == 2


def test_registering_again_counts_per_email(client, address_points, settings):
    settings.RATE_LIMIT_REGISTER_PER_EMAIL = "2/h"
    for n in range(2):
        response = client.post(URL, registration_post(), REMOTE_ADDR=f"203.0.113.{n + 1}")
        assert response.status_code == 302
    response = client.post(URL, registration_post(), REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 429
    other = client.post(URL, registration_post(email="x@example.com"), REMOTE_ADDR="203.0.113.9")
    assert other.status_code == 302


def test_structure_changes_never_count(client, address_points, settings):
    settings.RATE_LIMIT_REGISTER_PER_IP = "1/h"
    for _attempt in range(5):
        assert client.post(URL, registration_post(action="add-camera-0")).status_code == 200
    assert client.post(URL, registration_post()).status_code == 302

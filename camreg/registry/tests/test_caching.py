"""Cached registry pages follow changes at once (camreg.caching)."""

import pytest
from django.urls import reverse

from camreg.registry import services as registry_services

# Committed at once, as in production (values computed in a transaction are shared when
# it commits, and a test's own transaction never commits).
pytestmark = pytest.mark.django_db(transaction=True)


def test_published_terms_show_at_once(client):
    assert "Terms v2" not in client.get(reverse("registry:register")).content.decode()
    version = registry_services.create_terms_draft(
        {"en": {"title": "Terms v2", "body": "New."}, "es": {"title": "T v2", "body": "N."}}
    )
    registry_services.publish_terms(version)
    assert "Terms v2" in client.get(reverse("registry:register")).content.decode()

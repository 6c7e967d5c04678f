"""Fixtures for the outbox tests. Registrants belong to the registry, above the outbox: they
come from the root conftest.py's `make_registrant`."""

import pytest


@pytest.fixture
def registrant(make_registrant):
    """Ana Ruiz, who writes in English; no site."""
    return make_registrant("Ana Ruiz", email="ana@example.com", language="en", sites=False)

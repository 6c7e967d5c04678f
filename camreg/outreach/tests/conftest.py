"""Fixtures for the outbox tests."""

import pytest

from camreg.registry.models import Registrant


@pytest.fixture
def registrant(db) -> Registrant:
    return Registrant.objects.create(
        kind="resident", name="Ana Ruiz", email="ana@example.com", language="en"
    )

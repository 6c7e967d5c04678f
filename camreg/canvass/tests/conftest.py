"""Fixtures for the canvass tests."""

import pytest

from .helpers import staff


@pytest.fixture
def deputy(db):
    return staff("deputy@example.org", "deputy")


@pytest.fixture
def supervisor(db):
    return staff("supervisor@example.org", "supervisor")

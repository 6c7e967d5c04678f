"""Fixtures for the API tests: the root conftest.py's deputy with a token, and a client that
sends it."""

from __future__ import annotations

import pytest
from django.test import Client

from camreg.api import services


def bearer(raw: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def deputy_token(deputy) -> str:
    _token, raw = services.create_token(user=deputy.user, name="Dispatch")
    return raw


@pytest.fixture
def api_client(deputy_token) -> Client:
    return Client(**bearer(deputy_token))

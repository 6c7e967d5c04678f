"""Fixtures for the API tests: a service account with the deputy role, a token for it, and a
client that sends the token."""

from __future__ import annotations

import pytest
from django.test import Client

from camreg.accounts.models import User
from camreg.api import services
from camreg.testing.staff import make_service_account


def bearer(raw: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def token_for(*roles: str, name: str | None = None) -> str:
    """The raw token of a new service account with `roles`."""
    _token, raw = services.create_token(user=make_service_account(*roles), name=name or "CAD")
    return raw


@pytest.fixture
def service_account(db) -> User:
    """ "Kern CAD", a service account with the deputy role."""
    return make_service_account("deputy", name="Kern CAD")


@pytest.fixture
def api_token(service_account) -> str:
    _token, raw = services.create_token(user=service_account, name="Dispatch")
    return raw


@pytest.fixture
def api_client(api_token) -> Client:
    return Client(**bearer(api_token))

"""Fixtures for the API tests: staff with tokens, and a client that sends them."""

from __future__ import annotations

import itertools

import pytest
from django.test import Client

from camreg.accounts.models import User
from camreg.api import services

_numbers = itertools.count(1)


def make_user(*roles: str, email: str | None = None) -> User:
    number = next(_numbers)
    return User.objects.create_user(
        email or f"api{number}@example.org",
        "correct-horse-battery-staple",
        full_name=f"Api Person {number}",
        roles=list(roles),
    )


def bearer(raw: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def admin(db):
    user = make_user("administrator")
    user.is_verified = lambda: True  # as after the second factor in the console
    return user


@pytest.fixture
def deputy(db):
    return make_user("deputy", email="dana.deputy@example.org")


@pytest.fixture
def deputy_token(deputy) -> str:
    _token, raw = services.create_token(user=deputy, name="Dispatch")
    return raw


@pytest.fixture
def api_client(deputy_token) -> Client:
    return Client(**bearer(deputy_token))

"""The staff account tests: the sign-in pages, and Dana, a deputy who is not signed in yet.
Staff members, their codes and the sign-in steps come from camreg.testing.staff."""

from __future__ import annotations

import pytest
from django.urls import reverse

from camreg.accounts.models import User
from camreg.testing.staff import make_staff

SIGN_IN = reverse("accounts:sign-in")
CODE = reverse("accounts:sign-in-code")
ENROL = reverse("accounts:sign-in-enrol")
CONSOLE = reverse("console:home")


@pytest.fixture
def dana(db) -> User:
    """A deputy with a password (`PASSWORD`) and an authenticator, signed in nowhere."""
    return make_staff("deputy", email="dana.deputy@example.org", full_name="Dana Deputy")

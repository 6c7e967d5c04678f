"""Fixtures for the program settings tests: verified staff clients and registrants."""

from __future__ import annotations

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from camreg.accounts.models import User
from camreg.registry.models import Registrant, RegistrationStatus, Site


def staff_client(role: str, *, email: str | None = None, name: str | None = None) -> Client:
    """A client signed in (password and second factor) as a new staff user with `role`."""
    user = User.objects.create_user(
        email or f"{role}@example.org",
        "correct-horse-battery",
        full_name=name or role.replace("_", " ").title(),
        roles=[role],
    )
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    client.user = user  # type: ignore[attr-defined]
    return client


@pytest.fixture
def coordinator(db) -> Client:
    return staff_client("program_coordinator", name="Carla Coordinator")


@pytest.fixture
def administrator(db) -> Client:
    return staff_client("administrator", name="Adam Administrator")


@pytest.fixture
def deputy(db) -> Client:
    return staff_client("deputy", name="Dan Deputy")


def make_registrant(
    name: str = "Ana Ruiz",
    *,
    status: str = RegistrationStatus.ACTIVE,
    lat: float = 35.3733,
    lon: float = -119.021,
) -> Registrant:
    registrant = Registrant.objects.create(
        kind="resident",
        name=name,
        email=f"{name.split()[0].lower()}@example.com",
        status=status,
    )
    Site.objects.create(
        registrant=registrant,
        street="1200 Truxtun Ave",
        city="Bakersfield",
        postcode="93301",
        latitude=lat,
        longitude=lon,
        location_source="pin",
    )
    return registrant

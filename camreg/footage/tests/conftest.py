"""Fixtures for the footage request tests: a case, owners with cameras, signed-in staff."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client

from camreg.canvass.models import Case
from camreg.console.tests.helpers import create_staff, sign_in_staff
from camreg.registry.models import Camera, Registrant, RegistrationStatus, Site

NOW = datetime(2026, 11, 20, 18, 0, tzinfo=UTC)
INCIDENT_START = datetime(2026, 11, 18, 18, 0, tzinfo=UTC)  # 10:00 in Bakersfield
INCIDENT_END = INCIDENT_START + timedelta(hours=1)
CASE_NUMBER = "KC2026-004711"

_numbers = itertools.count(1)


def verified(user):
    """As django-otp's middleware leaves a user whose second factor was checked."""
    user.is_verified = lambda: True
    return user


@pytest.fixture
def now():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def deputy(db):
    return verified(create_staff("deputy", full_name="Dan Deputy", email="dan@kcso.example"))


@pytest.fixture
def case(deputy):
    return Case.objects.create(
        case_number=CASE_NUMBER,
        incident_type="Burglary",
        address="1200 Truxtun Ave",
        latitude=35.3733,
        longitude=-119.0187,
        radius_m=300,
        start=INCIDENT_START,
        end=INCIDENT_END,
        purpose_statement="Burglary; not aimed at protected activity.",
        created_by=deputy,
    )


@pytest.fixture
def owner(db):
    """`owner("Ana Ruiz", language="es", cameras=[{"label": ..., "retention_days": ...}])`."""

    def make(
        name: str = "Ana Ruiz",
        *,
        language: str = "en",
        email: str | None = None,
        status: str = RegistrationStatus.ACTIVE,
        cameras: list[dict] | None = None,
    ) -> Registrant:
        number = next(_numbers)
        registrant = Registrant.objects.create(
            kind="resident",
            name=name,
            email=f"owner{number}@example.com" if email is None else email,
            phone="+16615550100",
            language=language,
            status=status,
        )
        site = Site.objects.create(
            registrant=registrant,
            street=f"{1200 + number} Truxtun Ave",
            city="Bakersfield",
            postcode="93301",
            latitude=35.3733,
            longitude=-119.0187,
            location_source="pin",
        )
        for camera in cameras if cameras is not None else [{}]:
            Camera.objects.create(
                site=site,
                label=camera.get("label", "Front door"),
                direction=camera.get("direction", 90),
                retention_days=camera.get("retention_days", 30),
                system_type="dvr_nvr",
            )
        return registrant

    return make


def camera_ids(*registrants: Registrant) -> list[int]:
    return [c.pk for r in registrants for c in Camera.objects.filter(site__registrant=r)]


@pytest.fixture
def staff_client(db):
    def make(*roles: str, full_name: str = "Dan Deputy") -> Client:
        user = create_staff(*roles, full_name=full_name)
        client = sign_in_staff(Client(), user)
        client.user = user
        return client

    return make

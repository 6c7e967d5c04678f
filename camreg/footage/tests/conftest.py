"""Fixtures for the footage request tests: a case, owners with cameras (staff: the root
conftest.py's `deputy` and `staff_client`)."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from camreg.canvass.models import Case
from camreg.registry.models import Camera, Registrant, RegistrationStatus
from camreg.testing.canvass import CASE_NUMBER
from camreg.testing.registrants import make_registrant

NOW = datetime(2026, 11, 20, 18, 0, tzinfo=UTC)
INCIDENT_START = datetime(2026, 11, 18, 18, 0, tzinfo=UTC)  # 10:00 in Bakersfield
INCIDENT_END = INCIDENT_START + timedelta(hours=1)
__all__ = ["CASE_NUMBER", "INCIDENT_END", "INCIDENT_START", "NOW", "camera_ids"]

_numbers = itertools.count(1)


@pytest.fixture
def now():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


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
        created_by=deputy.user,
    )


@pytest.fixture
def owner(db):
    """`owner("Ana Ruiz", language="es", cameras=[{"label": ..., "retention_days": ...}])`:
    an active registrant with cameras at the scene, each at an address of their own; other
    Registrant fields as keywords (`preferred_contact="phone"`, `contact_hours=...`)."""

    def make(
        name: str = "Ana Ruiz",
        *,
        language: str = "en",
        email: str | None = None,
        status: str = RegistrationStatus.ACTIVE,
        cameras: list[dict] | None = None,
        **fields,
    ) -> Registrant:
        number = next(_numbers)
        return make_registrant(
            name,
            email=f"owner{number}@example.com" if email is None else email,
            phone=fields.pop("phone", "+16615550100"),
            language=language,
            status=status,
            street=f"{1200 + number} Truxtun Ave",
            latitude=35.3733,
            longitude=-119.0187,
            cameras=[
                {
                    "label": camera.get("label", "Front door"),
                    "direction": camera.get("direction", 90),
                    "retention_days": camera.get("retention_days", 30),
                    "system_type": "dvr_nvr",
                }
                for camera in (cameras if cameras is not None else [{}])
            ],
            **fields,
        )

    return make


def camera_ids(*registrants: Registrant) -> list[int]:
    return [c.pk for r in registrants for c in Camera.objects.filter(site__registrant=r)]

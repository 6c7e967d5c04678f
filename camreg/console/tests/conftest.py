"""Fixtures for the console tests: signed-in staff, registrants, and posting the edit form."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.test import Client

from camreg.registry.models import Camera, Registrant, RegistrationStatus, Site

from .helpers import create_staff, next_number, sign_in_staff


@pytest.fixture
def staff_client(db):
    """`staff_client("program_coordinator", ...)`: a test client signed in (TOTP verified)
    as a new staff member holding those roles; the user is `client.user`."""

    def make(*roles: str, full_name: str | None = None, email: str | None = None) -> Client:
        user = create_staff(*roles, full_name=full_name, email=email)
        client = sign_in_staff(Client(), user)
        client.user = user
        return client

    return make


@pytest.fixture
def coordinator(staff_client) -> Client:
    return staff_client("program_coordinator", full_name="Carla Coordinator")


@pytest.fixture
def deputy(staff_client) -> Client:
    return staff_client("deputy", full_name="Dan Deputy")


@pytest.fixture
def make_registrant(db):
    """`make_registrant("Ana Ruiz", status=..., street=..., cameras=[{...}])`: a registrant
    with one site and its cameras (one default camera unless `cameras` says otherwise)."""

    def make(
        name: str = "Ana Ruiz",
        *,
        email: str | None = None,
        phone: str = "",
        alternate_phone: str = "",
        status: str = RegistrationStatus.PENDING_REVIEW,
        language: str = "en",
        kind: str = "resident",
        business_name: str = "",
        street: str = "1200 Truxtun Ave",
        city: str = "Bakersfield",
        postcode: str = "93301",
        latitude: float = 35.3733,
        longitude: float = -119.0210,
        cameras: list[dict] | None = None,
        confirmed_at: datetime | None = None,
        created_at: datetime | None = None,
        sites: bool = True,
    ) -> Registrant:
        number = next_number()
        registrant = Registrant.objects.create(
            kind=kind,
            business_name=business_name,
            name=name,
            email=email or f"registrant{number}@example.com",
            phone=phone,
            alternate_phone=alternate_phone,
            language=language,
            status=status,
            confirmed_at=confirmed_at,
        )
        if created_at is not None:
            Registrant.objects.filter(pk=registrant.pk).update(created_at=created_at)
            registrant.refresh_from_db()
        if sites:
            site = Site.objects.create(
                registrant=registrant,
                label="Home",
                street=street,
                city=city,
                postcode=postcode,
                latitude=latitude,
                longitude=longitude,
                location_source="pin",
            )
            for camera in cameras if cameras is not None else [{}]:
                Camera.objects.create(
                    site=site,
                    **{
                        "label": "Front door",
                        "direction": 90,
                        "field_of_view": 100,
                        "range_m": 20,
                        "retention_days": 30,
                        "system_type": "cloud_doorbell",
                        **camera,
                    },
                )
        return registrant

    return make

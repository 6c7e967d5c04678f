"""Registrants in tests: made directly (`make_registrant`), or through the registration form
(`registration_post`, `form_post`), and a resident's portal session.

Imports the registry (and the apps below it) only. The root conftest.py offers
`make_registrant` as a fixture.
"""

from __future__ import annotations

import itertools
from datetime import datetime

from django.test import Client

from camreg.registry import portal
from camreg.registry.models import Camera, Registrant, RegistrationStatus, Site

_numbers = itertools.count(1)

CAMERA_DEFAULTS = {
    "label": "Front door",
    "location_description": "Above the garage",
    "direction": "90",
    "field_of_view": "110",
    "range_ft": "65",
    "coverage": ["street", "driveway"],
    "placement": "outdoor",
    "recording_mode": "continuous",
    "retention_days": "30",
    "system_type": "cloud_doorbell",
    "brand": "Ring",
    "owner_can_export": "on",
}
SITE_DEFAULTS = {
    "label": "Home",
    "street": "1200 Truxtun Ave",
    "unit": "",
    "city": "Bakersfield",
    "postcode": "93301",
    "latitude": "",
    "longitude": "",
}
CONTACT_DEFAULTS = {
    "kind": "resident",
    "business_name": "",
    "name": "Ana Ruiz",
    "email": "ana@example.com",
    "phone": "(661) 555-0123",
    "alternate_phone": "",
    "onsite_contact_name": "",
    "onsite_contact_phone": "",
    "preferred_contact": "email",
    "contact_hours": "Evenings",
    "language": "en",
}


def registration_post(sites=None, accept_terms=True, action="submit", **contact) -> dict:
    """Form data as the browser posts it. `sites`: list of (site overrides, [camera overrides])."""
    sites = sites if sites is not None else [({}, [{}])]
    data: dict = {"action": action, "site_count": str(len(sites))}
    for name, value in {**CONTACT_DEFAULTS, **contact}.items():
        data[f"contact-{name}"] = value
    for i, (site, cameras) in enumerate(sites):
        for name, value in {**SITE_DEFAULTS, **site}.items():
            data[f"s{i}-{name}"] = value
        data[f"s{i}-camera_count"] = str(len(cameras))
        for j, camera in enumerate(cameras):
            for name, value in {**CAMERA_DEFAULTS, **camera}.items():
                data[f"s{i}-c{j}-{name}"] = value
    if accept_terms:
        data["terms-accept_terms"] = "on"
    return data


def form_post(form) -> dict:
    """A RegistrationForm (from a response's context) as the browser posts it back unchanged."""
    data = {"action": "submit", "site_count": str(len(form.sites))}
    for f in form._all_forms():
        for name in f.fields:
            value = f[name].value()
            if value is None or name == "photo":
                continue
            if isinstance(value, bool):
                if value:
                    data[f.add_prefix(name)] = "on"
                continue
            data[f.add_prefix(name)] = value
    for block in form.sites:
        data[f"s{block.index}-camera_count"] = str(len(block.cameras))
    return data


def make_registrant(
    name: str = "Ana Ruiz",
    *,
    email: str | None = None,
    status: str = RegistrationStatus.PENDING_REVIEW,
    street: str = "1200 Truxtun Ave",
    city: str = "Bakersfield",
    postcode: str = "93301",
    latitude: float = 35.3733,
    longitude: float = -119.0210,
    cameras: list[dict] | None = None,
    created_at: datetime | None = None,
    sites: bool = True,
    **fields,
) -> Registrant:
    """A registrant (extra Registrant `fields` as keywords) with one site, "Home", and its
    cameras: one default camera unless `cameras` lists each one's field overrides. No site at
    all with `sites=False`."""
    number = next(_numbers)
    registrant = Registrant.objects.create(
        kind=fields.pop("kind", "resident"),
        name=name,
        email=f"registrant{number}@example.com" if email is None else email,
        status=status,
        **fields,
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


def portal_client(registrant: Registrant) -> Client:
    """A client in `registrant`'s self-service portal session, as after following a link."""
    client = Client()
    session = client.session
    session[portal.SESSION_KEY] = {"id": str(registrant.public_id), "expires": 4102444800}
    session.save()
    return client

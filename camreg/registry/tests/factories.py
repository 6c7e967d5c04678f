"""Building registration form posts and registrants for tests."""

from __future__ import annotations

import re

from django.core import mail

CAMERA_DEFAULTS = {
    "label": "Front door",
    "location_description": "Above the garage",
    "direction": "90",
    "field_of_view": "110",
    "range_m": "20",
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


def link_from_last_email(pattern: str = r"https?://\S+") -> str:
    """The first link in the most recent email's text body."""
    assert mail.outbox, "no email was sent"
    match = re.search(pattern, mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(0)


def path_of(link: str) -> str:
    return re.sub(r"^https?://[^/]+", "", link)


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

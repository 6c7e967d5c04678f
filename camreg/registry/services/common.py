"""What the registry services share: the registrant's fields, who may use the portal,
where a request came from, and the package's logger."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from camreg.registry.models import Camera, Registrant, RegistrationStatus, Site

# One logger for the whole package, under the name the services logged as before they were
# split into modules (log lines and any logging configuration keep working).
logger = logging.getLogger("camreg.registry.services")


CONTACT_FIELDS = (
    "kind",
    "business_name",
    "name",
    "email",
    "phone",
    "alternate_phone",
    "onsite_contact_name",
    "onsite_contact_phone",
    "preferred_contact",
    "contact_hours",
    "language",
)
CAMERA_FIELDS = (
    "label",
    "location_description",
    "direction",
    "field_of_view",
    "range_m",
    "coverage",
    "placement",
    "recording_mode",
    "retention_days",
    "system_type",
    "brand",
    "owner_can_export",
)
# States in which a registrant can ask for a management link and use the portal.
MANAGEABLE = (
    RegistrationStatus.PENDING_REVIEW,
    RegistrationStatus.ACTIVE,
    RegistrationStatus.LAPSED,
)


@dataclass
class Client:
    """Where a request came from, for consent records."""

    ip: str | None = None
    user_agent: str = ""
    language: str = "en"


# What changed in a registration (audited: field names and row ids, never values) -----

SITE_FIELDS = ("label", "street", "unit", "city", "postcode", "latitude", "longitude")


def _snapshot(registrant: Registrant) -> dict:
    return {
        "contact": {name: getattr(registrant, name) for name in CONTACT_FIELDS},
        "sites": {
            row["id"]: row
            for row in Site.objects.filter(registrant=registrant).values("id", *SITE_FIELDS)
        },
        "cameras": {
            row["id"]: row
            for row in Camera.objects.filter(site__registrant=registrant).values(
                "id", "site_id", "photo", *CAMERA_FIELDS
            )
        },
    }


def _row_changes(before: dict, after: dict, fields) -> dict:
    changed = {
        str(pk): [name for name in fields if before[pk][name] != after[pk][name]]
        for pk in sorted(before.keys() & after.keys())
    }
    return {
        "added": sorted(after.keys() - before.keys()),
        "removed": sorted(before.keys() - after.keys()),
        "changed": {pk: names for pk, names in changed.items() if names},
    }


def registration_changes(before: dict, after: dict) -> dict:
    """What changed between two snapshots: field names and row ids, never values."""
    return {
        "contact": [n for n in CONTACT_FIELDS if before["contact"][n] != after["contact"][n]],
        "sites": _row_changes(before["sites"], after["sites"], SITE_FIELDS),
        "cameras": _row_changes(
            before["cameras"], after["cameras"], ("site_id", "photo", *CAMERA_FIELDS)
        ),
    }

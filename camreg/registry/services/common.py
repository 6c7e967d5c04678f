"""What the registry services share: the registrant's fields, who may use the portal,
where a request came from, and the package's logger."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from camreg.registry.models import RegistrationStatus

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

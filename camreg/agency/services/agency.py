"""The agency of this installation: reading it (cached, once per request) and saving it."""

from __future__ import annotations

import re

from camreg import caching

from ..models import Agency
from .geometry import boundary_shape

CACHE_KEY = "settings:current:v3"
CACHE_SECONDS = 300
MAP_BOUNDS_KEY = "agency:map-bounds:v1"


class AgencyNotSetUp(Agency.DoesNotExist):
    """This installation has no agency yet: `manage.py setup_agency` creates it."""

    def __init__(self, message: str = "") -> None:
        super().__init__(
            message
            or "No agency is set up yet. Run `manage.py setup_agency` (see "
            "docs/operations.md), or `manage.py load_demo` for the demo."
        )


def current() -> Agency:
    """The agency of this installation (cached; read once per request).

    Raises AgencyNotSetUp on a database without one: the agency is never created here.
    """
    agency = current_or_none()
    if agency is None:
        raise AgencyNotSetUp
    return agency


def current_or_none() -> Agency | None:
    """The agency, or None while setup is pending (a missing agency is not cached, so the
    site comes up as soon as setup_agency has run)."""
    agency = caching.shared(CACHE_KEY, _load, CACHE_SECONDS)
    if agency is None:
        caching.forget(CACHE_KEY)
    return agency


def _load() -> Agency | None:
    return Agency.objects.order_by("pk").first()


def update(agency: Agency, **changes) -> Agency:
    for field, value in changes.items():
        setattr(agency, field, value)
    agency.full_clean()
    agency.save()
    caching.forget(CACHE_KEY)
    caching.forget(MAP_BOUNDS_KEY)
    boundary_shape.cache_clear()
    return agency


def case_number_is_valid(case_number: str, agency: Agency | None = None) -> bool:
    """Whether a case number matches the agency's case number format, in full."""
    agency = agency or current()
    try:
        return re.fullmatch(agency.case_number_pattern, case_number or "") is not None
    except re.error:
        return False

"""Changing the agency's settings (program settings in the console), audited."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction

from camreg.audit import services as audit

from ..models import Agency
from .agency import current, update

PROFILE_FIELDS = (
    "name",
    "name_es",
    "short_name",
    "program_name",
    "program_name_es",
    "contact_email",
    "contact_phone",
    "website",
    "address",
    "address_example_street",
    "address_example_city",
    "address_example_postcode",
    "time_zone",
    "jurisdiction_name",
    "states",
)
LIMIT_FIELDS = (
    "case_number_pattern",
    "case_number_example",
    "canvass_min_window_minutes",
    "canvass_max_window_minutes",
    "canvass_max_radius_m",
    "canvass_max_area_sq_miles",
    "canvass_max_route_length_m",
    "canvass_max_corridor_width_m",
    "canvass_require_purpose_statement",
    "footage_request_link_days",
    "annual_confirmation_grace_days",
)


def change(
    changes: dict[str, Any],
    *,
    action: str,
    request=None,
    actor=None,
    details: dict | None = None,
    on_commit: Callable[[], None] | None = None,
) -> list[str]:
    """Apply settings changes to the agency and audit them as `action`.

    Returns the names of the fields that changed (nothing is saved or audited when none
    did). Raises ValidationError, changing nothing, when a value is not allowed.
    """
    with transaction.atomic():
        agency = Agency.objects.select_for_update().get(pk=current().pk)
        before = {name: getattr(agency, name) for name in changes}
        changed = [name for name, value in changes.items() if _differs(before[name], value)]
        if not changed:
            return []
        update(agency, **{name: changes[name] for name in changed})
        values = {
            name: [_loggable(before[name]), _loggable(changes[name])]
            for name in changed
            if name not in ("boundary", "logo")
        }
        audit.record(
            action,
            actor=actor,
            request=request,
            target=agency,
            details={"changed": changed, "values": values, **(details or {})},
        )
        if on_commit is not None:
            transaction.on_commit(on_commit)
    return changed


def _differs(old, new) -> bool:
    if hasattr(old, "name") and not isinstance(old, str):  # a FieldFile
        old = old.name or ""
    if hasattr(new, "name") and not isinstance(new, str):
        new = new.name or ""
    return old != new


def _loggable(value):
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)

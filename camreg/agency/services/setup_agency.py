"""Setting up the agency of this installation (manage.py setup_agency; the demo)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import phonenumbers
from django.core.exceptions import ValidationError
from django.db import transaction

from camreg import caching
from camreg.audit import services as audit
from camreg.geo.states import parse_codes

from ..models import Agency
from .agency import CACHE_KEY, MAP_BOUNDS_KEY, current
from .boundary import replace_boundary
from .configuration import _loggable, change
from .geometry import _summary_details, parse_boundary, summarize

SETUP_FIELDS = (
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
    "confirm_mode",
)
SETUP_REQUIRED = (
    "name",
    "short_name",
    "program_name",
    "contact_email",
    "contact_phone",
    "time_zone",
    "jurisdiction_name",
    "states",
    "boundary",
)


def create(values: dict[str, Any]) -> Agency:
    """Create the agency of this installation from `values` (SETUP_FIELDS and `boundary`,
    a geometry), validated. Raises ValidationError, creating nothing, when a value is not
    allowed or an agency exists already. Not audited: set_up (the command) audits."""
    with transaction.atomic():
        if Agency.objects.exists():
            raise ValidationError(f"An agency is already set up: {Agency.objects.first()}.")
        agency = Agency(**_setup_values(values))
        _validate(agency)
        agency.save()
    caching.forget(CACHE_KEY)
    caching.forget(MAP_BOUNDS_KEY)
    return agency


def set_up(
    values: dict[str, Any], *, update: bool = False, boundary_file: str = ""
) -> tuple[Agency, list[str]]:
    """Create the agency, or with `update` change the one there is, audited as the system.

    Returns the agency and the names of the fields set or changed. Raises ValidationError,
    changing nothing, when a value is not allowed, when an agency exists and `update` is
    not given, or when a new boundary would leave registered sites outside.
    """
    with transaction.atomic():
        existing = Agency.objects.select_for_update().order_by("pk").first()
        if existing is None:
            missing = [name for name in SETUP_REQUIRED if values.get(name) in (None, "")]
            if missing:
                raise ValidationError(
                    {name: "This is needed to set up the agency." for name in missing}
                )
            agency = create(values)
            given = sorted(name for name in (*SETUP_FIELDS, "boundary") if name in values)
            details: dict[str, Any] = {
                "values": {
                    name: _loggable(getattr(agency, name)) for name in given if name != "boundary"
                },
                "boundary": _boundary_details(agency.boundary, boundary_file),
            }
            audit.record("agency.set_up", target=agency, details=details)
            return agency, given
        if not update:
            raise ValidationError(
                f"An agency is already set up ({existing}); nothing was changed. Run again "
                "with --update to change it."
            )
        changes = {name: values[name] for name in SETUP_FIELDS if name in values}
        if "states" in changes:
            changes["states"] = _normalized_states(changes["states"])
        trial = Agency(**{**_field_values(existing), **changes})
        _validate(trial)
        changed = change(changes, action="agency.setup_updated", details={"via": "setup_agency"})
        if values.get("boundary") is not None and values["boundary"] != existing.boundary:
            replace_boundary(values["boundary"], filename=boundary_file)
            changed.append("boundary")
        return current(), changed


def _field_values(agency: Agency) -> dict[str, Any]:
    return {
        field.attname: getattr(agency, field.attname)
        for field in Agency._meta.concrete_fields
        if field.attname not in ("id", "updated_at")
    }


def _setup_values(values: dict[str, Any]) -> dict[str, Any]:
    result = {name: values[name] for name in (*SETUP_FIELDS, "boundary") if name in values}
    if "states" in result:
        result["states"] = _normalized_states(result["states"])
    return {name: value for name, value in result.items() if value is not None}


def _normalized_states(value) -> str:
    try:
        return ",".join(parse_codes(value))
    except ValueError:
        return value if isinstance(value, str) else ",".join(value)


def _validate(agency: Agency) -> None:
    """Every field of an (unsaved) agency, or ValidationError naming each bad one."""
    errors: dict[str, list[str]] = {}
    try:
        agency.full_clean(exclude=["boundary"])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        agency.boundary = parse_boundary(json.dumps(agency.boundary))
    except (ValidationError, TypeError, ValueError) as exc:
        messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
        errors.setdefault("boundary", []).extend(messages)
    if agency.contact_phone and "contact_phone" not in errors:
        try:
            number = phonenumbers.parse(agency.contact_phone, "US")
            valid = phonenumbers.is_valid_number(number)
        except phonenumbers.NumberParseException:
            valid = False
        if not valid:
            errors["contact_phone"] = [
                "This is not a phone number we can call: give the area code, for example "
                "(661) 555-0100."
            ]
    if errors:
        raise ValidationError(errors)


def _boundary_details(geometry: dict, file_name: str = "") -> dict:
    encoded = json.dumps(geometry, sort_keys=True, separators=(",", ":")).encode()
    return {
        "file_name": file_name[:200],
        "sha256": hashlib.sha256(encoded).hexdigest(),
        **_summary_details(summarize(geometry)),
    }

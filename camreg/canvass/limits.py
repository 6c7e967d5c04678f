"""The limits on a canvass search that protect residents, and how a search is checked.

The agency sets them in its program settings; `CanvassLimits.from_agency` reads them and
falls back to these defaults for any the agency does not have. A supervisor may exceed the
size and time limits with a written reason; the case number and the purpose statement are
required on every search, with no override.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from datetime import datetime

from django.utils.translation import gettext as _

from camreg.geo import shapes

# Kern County Sheriff's Office case numbers: KC, the year, a hyphen and six digits.
DEFAULT_CASE_NUMBER_PATTERN = r"^KC\d{4}-\d{6}$"
DEFAULT_CASE_NUMBER_EXAMPLE = "KC2026-001234"

# What the deputy affirms on every search (the UI shows it; the API takes it as given).
PURPOSE_STATEMENT = (
    "This search is part of the investigation of a specific incident. It is not aimed at "
    "lawful protest, religious or political activity, or any other activity protected by "
    "the Constitution or by law."
)

# Agency fields that hold each limit (see camreg.agency.models.Agency).
AGENCY_FIELDS = {
    "case_number_pattern": "case_number_pattern",
    "case_number_example": "case_number_example",
    "min_window_minutes": "canvass_min_window_minutes",
    "max_window_minutes": "canvass_max_window_minutes",
    "max_radius_m": "canvass_max_radius_m",
    "max_area_sq_mi": "canvass_max_area_sq_miles",
    "max_route_length_m": "canvass_max_route_length_m",
    "max_corridor_width_m": "canvass_max_corridor_width_m",
    "require_purpose_statement": "canvass_require_purpose_statement",
}


@dataclass(frozen=True)
class CanvassLimits:
    """Limits on one search. A numeric limit of None is switched off."""

    case_number_pattern: str = DEFAULT_CASE_NUMBER_PATTERN
    case_number_example: str = DEFAULT_CASE_NUMBER_EXAMPLE
    min_window_minutes: float | None = 15
    max_window_minutes: float | None = 12 * 60
    max_radius_m: float | None = 640
    max_area_sq_mi: float | None = 0.5
    max_route_length_m: float | None = 5000
    max_corridor_width_m: float | None = 150
    require_purpose_statement: bool = True

    @classmethod
    def from_agency(cls, agency) -> CanvassLimits:
        """The agency's limits; a default for each one the agency does not set."""
        values = {}
        for item in fields(cls):
            value = getattr(agency, AGENCY_FIELDS[item.name], None)
            if value is not None and value != "":
                values[item.name] = value
        return cls(**values)


@dataclass(frozen=True)
class Violation:
    """One limit a search breaks. `code` is stable (for the API and tests)."""

    code: str
    message: str
    overridable: bool = True
    limit: float | str | None = None
    value: float | str | None = None

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "message": self.message,
            "overridable": self.overridable,
            "limit": self.limit,
            "value": self.value,
        }


class CanvassError(Exception):
    """A search that cannot run: `code` is stable, `message` says what to do."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


class InvalidSearch(CanvassError):
    """The search itself is malformed (no area, end before start, a broken polygon)."""


class LimitExceeded(CanvassError):
    """The search breaks one or more limits; `violations` names each one."""

    def __init__(self, violations: list[Violation], *, note: str = ""):
        self.violations = violations
        self.note = note
        message = " ".join([v.message for v in violations] + ([note] if note else []))
        super().__init__(violations[0].code, message)

    @property
    def codes(self) -> list[str]:
        return [v.code for v in self.violations]


def _metres(value: float, limit: float | None = None) -> str:
    """Whole metres; tenths when rounding would hide that `value` exceeds `limit`."""
    if limit is not None and round(value) <= limit < value:
        return f"{value:,.1f}"
    return f"{value:,.0f}"


def check(
    limits: CanvassLimits,
    *,
    case_number: str,
    start: datetime,
    end: datetime,
    scene: shapes.Scene,
    purpose_statement: str,
) -> list[Violation]:
    """Every limit the search breaks, in the order a person fixes them."""
    found: list[Violation] = []
    supervisor = _("A supervisor may exceed this limit with a written reason.")

    if not case_number:
        found.append(
            Violation(
                "case_number_missing",
                _("Enter the case number: every search needs one."),
                overridable=False,
            )
        )
    elif limits.case_number_pattern and not re.fullmatch(limits.case_number_pattern, case_number):
        example = limits.case_number_example
        found.append(
            Violation(
                "case_number_invalid",
                (
                    _(
                        "The case number %(number)s is not in the agency's format, "
                        "for example %(example)s."
                    )
                    if example
                    else _("The case number %(number)s is not in the agency's format.")
                )
                % {"number": case_number, "example": example},
                overridable=False,
                limit=limits.case_number_pattern,
                value=case_number,
            )
        )

    minutes = (end - start).total_seconds() / 60
    if limits.min_window_minutes is not None and minutes < limits.min_window_minutes:
        found.append(
            Violation(
                "time_window_too_short",
                _(
                    "The time window is %(minutes)s minutes; it must be at least %(limit)s "
                    "minutes. Widen it."
                )
                % {"minutes": f"{minutes:g}", "limit": f"{limits.min_window_minutes:g}"}
                + " "
                + supervisor,
                limit=limits.min_window_minutes,
                value=round(minutes, 2),
            )
        )
    if limits.max_window_minutes is not None and minutes > limits.max_window_minutes:
        found.append(
            Violation(
                "time_window_too_long",
                _("The time window is %(hours)s hours; the limit is %(limit)s hours. Narrow it.")
                % {"hours": f"{minutes / 60:.4g}", "limit": f"{limits.max_window_minutes / 60:g}"}
                + " "
                + supervisor,
                limit=limits.max_window_minutes,
                value=round(minutes, 2),
            )
        )

    if isinstance(scene, shapes.CircleScene):
        if limits.max_radius_m is not None and scene.radius_m > limits.max_radius_m:
            found.append(
                Violation(
                    "radius_too_large",
                    _(
                        "The search radius is %(radius)s m; the limit is %(limit)s m. "
                        "Make the circle smaller."
                    )
                    % {
                        "radius": _metres(scene.radius_m, limits.max_radius_m),
                        "limit": _metres(limits.max_radius_m),
                    }
                    + " "
                    + supervisor,
                    limit=limits.max_radius_m,
                    value=scene.radius_m,
                )
            )
    elif isinstance(scene, shapes.PolygonScene):
        area = scene.area_sq_mi
        if limits.max_area_sq_mi is not None and area > limits.max_area_sq_mi:
            found.append(
                Violation(
                    "polygon_too_large",
                    _(
                        "The area drawn is %(area)s square miles; the limit is %(limit)s "
                        "square miles. Draw a smaller area."
                    )
                    % {"area": f"{area:.2f}", "limit": f"{limits.max_area_sq_mi:g}"}
                    + " "
                    + supervisor,
                    limit=limits.max_area_sq_mi,
                    value=round(area, 4),
                )
            )
    elif isinstance(scene, shapes.RouteScene):
        length = scene.length_m
        if limits.max_route_length_m is not None and length > limits.max_route_length_m:
            found.append(
                Violation(
                    "route_too_long",
                    _(
                        "The route is %(length)s m long; the limit is %(limit)s m. "
                        "Shorten the route."
                    )
                    % {
                        "length": _metres(length, limits.max_route_length_m),
                        "limit": _metres(limits.max_route_length_m),
                    }
                    + " "
                    + supervisor,
                    limit=limits.max_route_length_m,
                    value=round(length, 1),
                )
            )
        width = scene.width_m
        if limits.max_corridor_width_m is not None and width > limits.max_corridor_width_m:
            found.append(
                Violation(
                    "corridor_too_wide",
                    _(
                        "The corridor is %(width)s m wide; the limit is %(limit)s m. "
                        "Make it narrower."
                    )
                    % {
                        "width": _metres(width, limits.max_corridor_width_m),
                        "limit": _metres(limits.max_corridor_width_m),
                    }
                    + " "
                    + supervisor,
                    limit=limits.max_corridor_width_m,
                    value=width,
                )
            )

    if limits.require_purpose_statement and not purpose_statement:
        found.append(
            Violation(
                "purpose_statement_missing",
                _(
                    "Confirm the purpose statement: the search must not be aimed at lawful "
                    "protest or other protected activity."
                ),
                overridable=False,
            )
        )
    return found

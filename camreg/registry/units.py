"""Units people use here: range in feet, direction as a compass point with its degrees.
Meters and degrees stay what is stored; these only read and show them."""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

FEET_PER_METER = 3.28084
# The sixteen points of the compass, each 22.5° wide, clockwise from north.
POINTS = (
    ("N", pgettext_lazy("compass point", "N"), _("north")),
    ("NNE", pgettext_lazy("compass point", "NNE"), _("north-northeast")),
    ("NE", pgettext_lazy("compass point", "NE"), _("northeast")),
    ("ENE", pgettext_lazy("compass point", "ENE"), _("east-northeast")),
    ("E", pgettext_lazy("compass point", "E"), _("east")),
    ("ESE", pgettext_lazy("compass point", "ESE"), _("east-southeast")),
    ("SE", pgettext_lazy("compass point", "SE"), _("southeast")),
    ("SSE", pgettext_lazy("compass point", "SSE"), _("south-southeast")),
    ("S", pgettext_lazy("compass point", "S"), _("south")),
    ("SSW", pgettext_lazy("compass point", "SSW"), _("south-southwest")),
    ("SW", pgettext_lazy("compass point", "SW"), _("southwest")),
    ("WSW", pgettext_lazy("compass point", "WSW"), _("west-southwest")),
    ("W", pgettext_lazy("compass point", "W"), _("west")),
    ("WNW", pgettext_lazy("compass point", "WNW"), _("west-northwest")),
    ("NW", pgettext_lazy("compass point", "NW"), _("northwest")),
    ("NNW", pgettext_lazy("compass point", "NNW"), _("north-northwest")),
)
# Spanish abbreviations write O (oeste) for W.
_SPANISH = {code: code.replace("W", "O") for code, _short, _name in POINTS}
_TYPED = {code: index for index, (code, _short, _name) in enumerate(POINTS)}
_TYPED.update({spanish: index for index, spanish in enumerate(_SPANISH.values())})
_DEGREES = re.compile(r"^\s*(-?\d{1,4})\s*°?\s*$")
_WITH_DEGREES = re.compile(r"\((\d{1,3})\s*°?\)")


def point_degrees(index: int) -> int:
    return round(index * 22.5) % 360


def compass_point(degrees: int | float | None) -> str:
    """The compass point a bearing is closest to, abbreviated in the active language."""
    if degrees is None:
        return ""
    index = round((float(degrees) % 360) / 22.5) % 16
    return str(POINTS[index][1])


def compass_label(degrees: int | float | None) -> str:
    """'E (90°)': the compass point, with the degrees beside it."""
    if degrees is None:
        return ""
    return f"{compass_point(degrees)} ({int(degrees)}°)"


def parse_direction(text: str) -> int | None:
    """Degrees from what a person typed: '90', '90°', 'E', 'ne', 'NO' (Spanish), 'E (90°)'.
    None when it is neither (the caller says what to type)."""
    text = str(text or "").strip()
    if match := _DEGREES.match(text):
        return int(match.group(1))
    if match := _WITH_DEGREES.search(text):
        return int(match.group(1))
    code = re.sub(r"[^A-Z]", "", text.upper())
    if code in _TYPED:
        return point_degrees(_TYPED[code])
    return None


def meters_to_feet(meters: int | float | None) -> int | None:
    return None if meters is None else round(float(meters) * FEET_PER_METER)


METERS_PER_MILE = 1609.344


def distance_label(meters: int | float | None) -> str:
    """A distance as people here say it: feet up to a quarter mile ("130 ft"), miles
    beyond ("0.4 mi", "1.2 mi"); stored meters stay the unit of record."""
    if meters is None:
        return ""
    meters = float(meters)
    if meters < METERS_PER_MILE / 4:
        return f"{meters_to_feet(meters):,} ft"
    return f"{meters / METERS_PER_MILE:.1f} mi"


def feet_to_meters(feet: int | float) -> int:
    """Whole meters, at least 1."""
    return max(1, round(float(feet) / FEET_PER_METER))

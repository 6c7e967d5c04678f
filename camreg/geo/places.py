"""Where a U.S. ZIP code or city is, and which county it lies in (the `zipcodes` package: the
ZIP codes of the U.S. Postal Service with their main city, county and a central point).

Used when an address is not found: if the typed ZIP code or city lies elsewhere, the person
is told where, so they can turn to the agency that serves it. A central point is only a
hint: callers decide with it whether a place is outside an area, never where an address is.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from functools import lru_cache

from . import normalize


@dataclass(frozen=True)
class Place:
    """A ZIP code's area: its main city, county and state, and a point inside it."""

    postcode: str
    city: str
    county: str
    state: str
    latitude: float
    longitude: float


def _place(row: dict) -> Place | None:
    try:
        latitude, longitude = float(row["lat"]), float(row["long"])
    except (KeyError, TypeError, ValueError):
        return None
    return Place(
        row.get("zip_code", ""),
        row.get("city", ""),
        row.get("county", ""),
        row.get("state", ""),
        latitude,
        longitude,
    )


def zip_place(postcode: str) -> Place | None:
    """The area of a five-digit ZIP code, or None for a ZIP code that does not exist."""
    code = normalize.normalize_postcode(postcode or "")
    if len(code) != 5:
        return None
    import zipcodes  # loaded on first use: it holds every U.S. ZIP code in memory

    try:
        rows = zipcodes.matching(code)
    except (TypeError, ValueError):
        return None
    places = [place for place in map(_place, rows) if place is not None]
    return places[0] if places else None


def city_places(city: str, states: Collection[str]) -> list[Place]:
    """The ZIP code areas of a city (or community) in the given states; [] when unknown."""
    wanted = normalize.normalize_city(city or "")
    if not wanted:
        return []
    return [
        place
        for state in sorted(states)
        for place in _places_by_city(state).get(wanted, ())
        if place is not None
    ]


@lru_cache(maxsize=4)
def _places_by_city(state: str) -> dict[str, tuple[Place, ...]]:
    import zipcodes

    found: dict[str, list[Place]] = {}
    for row in zipcodes.filter_by(state=state):
        place = _place(row)
        if place is None or not row.get("active", True):
            continue
        names = {row.get("city", ""), *(row.get("acceptable_cities") or [])}
        for name in names:
            if name:
                found.setdefault(normalize.normalize_city(name), []).append(place)
    return {name: tuple(places) for name, places in found.items()}

"""Near misses: the address points closest to an address that was not found ("Did you mean
1701 Ming Ave, Bakersfield, CA 93304?").

A typo in the street ("Mng Ave") or the city ("Bakersfeld"), a wrong ZIP code, or a
directional that the street does not have ("1701 W Ming Ave") makes the geocoder find
nothing, as it should: it never guesses. These functions rank the address points that look
most like what was typed, for the person to choose from. Two pools are read, each bounded:
the points with the typed house number (any street), and the points on the typed street
(or the streets whose name is closest to it, any number).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from difflib import SequenceMatcher, get_close_matches

from . import normalize, states
from .geocoders import AddressQuery
from .models import AddressPoint

# How many points each pool reads at most, and how alike a street must be to be offered.
POOL = 3000
MIN_STREET_LIKENESS = 0.6
MIN_SCORE = 0.55
CLOSE_STREET_NAMES = 3


@dataclass(frozen=True)
class Suggestion:
    """An address point offered instead of an address that was not found."""

    point_id: int
    street_line: str
    city: str
    state: str
    postcode: str
    latitude: float
    longitude: float

    @property
    def label(self) -> str:
        """'1701 Ming Ave, Bakersfield, CA 93304'."""
        place = " ".join(part for part in (self.state, self.postcode) if part)
        return ", ".join(part for part in (self.street_line, self.city, place) if part)

    @classmethod
    def of(cls, point: AddressPoint) -> Suggestion:
        return cls(
            point.pk,
            point.street_line,
            point.city,
            states.state_code(point.region) or point.region,
            point.postcode,
            point.latitude,
            point.longitude,
        )


def _likeness(a: str, b: str) -> float:
    return SequenceMatcher(None, a, b).ratio() if a and b else 0.0


def _number_closeness(wanted: str, found: str) -> float:
    if wanted == found:
        return 1.0
    try:
        gap = abs(int("".join(c for c in wanted if c.isdigit())) - int(found.rstrip("ABCDEFGH")))
    except ValueError:
        return 0.0
    return 1.0 / (1.0 + gap / 40.0)


def suggest(
    query: AddressQuery, *, limit: int = 3, states_: Collection[str] | None = None
) -> list[Suggestion]:
    """Up to `limit` address points most like the query, best first (none when nothing is
    alike enough). Only buildings (points without a unit); with `states_`, only those states."""
    number, street, _unit = normalize.split_street_line(query.street_line)
    wanted_number = normalize.normalize_number(number)
    wanted_street = normalize.normalize_street(street)
    wanted_name = normalize.normalize_street_name(street)
    if not wanted_street:
        return []
    city = normalize.normalize_city(query.city)
    postcode = normalize.normalize_postcode(query.postcode)

    buildings = AddressPoint.objects.filter(norm_unit="").order_by("pk")
    pool: dict[int, AddressPoint] = {}
    if wanted_number:
        for point in buildings.filter(norm_number=wanted_number)[:POOL]:
            pool[point.pk] = point
    names = [wanted_name] if buildings.filter(norm_street_name=wanted_name).exists() else []
    if not names and wanted_name:
        known = buildings.values_list("norm_street_name", flat=True).distinct()
        names = get_close_matches(wanted_name, list(known), n=CLOSE_STREET_NAMES, cutoff=0.7)
    if names:
        for point in buildings.filter(norm_street_name__in=names)[:POOL]:
            pool[point.pk] = point

    scored: list[tuple[float, AddressPoint]] = []
    for point in pool.values():
        street_likeness = max(
            _likeness(wanted_street, point.norm_street), _likeness(wanted_name, point.norm_street)
        )
        if street_likeness < MIN_STREET_LIKENESS:
            continue
        if states_ is not None and states.state_code(point.region) not in (*states_, ""):
            continue
        number_score = _number_closeness(wanted_number, point.norm_number) if wanted_number else 0
        city_score = _likeness(city, point.norm_city) if city else 0.5
        postcode_score = (1.0 if postcode == point.norm_postcode else 0.0) if postcode else 0.5
        score = (
            0.45 * street_likeness + 0.3 * number_score + 0.15 * city_score + 0.1 * postcode_score
        )
        if score >= MIN_SCORE:
            scored.append((score, point))
    scored.sort(key=lambda item: (-item[0], item[1].pk))
    found: list[Suggestion] = []
    seen: set[str] = set()
    for _score, point in scored:
        suggestion = Suggestion.of(point)
        if suggestion.label in seen:
            continue
        seen.add(suggestion.label)
        found.append(suggestion)
        if len(found) == limit:
            break
    return found


def suggestion(point_id: int) -> Suggestion | None:
    """The suggestion for an address point id (a choice sent back by a form)."""
    point = AddressPoint.objects.filter(pk=point_id).first()
    return Suggestion.of(point) if point is not None else None
